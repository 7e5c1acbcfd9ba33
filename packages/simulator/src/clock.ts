// Jobs are timed in "vendor milliseconds" (how long the real service takes) and run `speed` times faster.
// The clock is virtual: it follows real time while it runs, stands still while paused, and jumps on `advance`.
// Every timer sits in one queue ordered by due time, so events fire in the order the vendor would send them
// however late the process gets to them (a busy machine delays an event, it never reorders or drops it).

/** How many times faster than the real vendors the simulator runs by default: a 40 s grid takes 400 ms. */
export const DEFAULT_SPEED = 100;

/**
 * Control over the simulator's clock, for tests that must see a job in a given phase without racing the
 * wall clock: pause it, read the job, step it forward, read again.
 *
 * ```ts
 * const sim = await startSimulator({ paused: true });
 * // …submit a grid: it stays queued until the clock moves
 * sim.clock.advance(TIMINGS.grid[0]); // 3 s of vendor time: the grid starts running
 * sim.clock.resume(); // or let it run on
 * ```
 */
export interface SimulatorClock {
  /** True while time stands still. */
  readonly paused: boolean;
  /**
   * Stops time. Jobs stay in their phase and progress; their webhooks, AceData ndjson lines and blocking
   * answers wait with them. Requests are still answered. `slow` faults are network latency, not job time,
   * and keep running in real time.
   */
  pause(): void;
  /** Lets time run again, at `speed`, from where it stood. */
  resume(): void;
  /**
   * Moves time forward by `vendorMs` milliseconds of vendor time (divided by `speed`, like job durations),
   * firing everything that falls due on the way in order, each at its own moment. Works paused or running.
   */
  advance(vendorMs: number): void;
}

interface Timer {
  /** Clock time at which it is due. */
  due: number;
  /** Tie-breaker: timers due at the same moment fire in the order they were set. */
  order: number;
  fn: () => void;
}

/**
 * The simulator's compressed, pausable clock. Durations are declared in vendor time and divided by `speed`;
 * every timer the simulator starts goes through here so `close()` can stop them all, and so pausing or
 * stepping time moves everything together.
 */
export class Clock implements SimulatorClock {
  #speed: number;
  /** Clock time = `performance.now() + #offset` while running. */
  #offset = 0;
  /** Clock time while paused. */
  #frozenAt = 0;
  #paused = false;
  /** Epoch milliseconds at clock time 0, so dates follow the clock too. */
  readonly #epochBase = Date.now() - performance.now();
  /** Pending timers, sorted by `due` then `order`. */
  #queue: Timer[] = [];
  #order = 0;
  #handle: ReturnType<typeof setTimeout> | undefined;
  readonly #abort = new AbortController();

  constructor(speed: number = DEFAULT_SPEED, { paused = false }: { paused?: boolean } = {}) {
    this.#speed = checkSpeed(speed);
    if (paused) this.pause();
  }

  /** The compression factor: vendor time ÷ real time. Changing it affects jobs submitted afterwards. */
  get speed(): number {
    return this.#speed;
  }

  set speed(value: number) {
    this.#speed = checkSpeed(value);
  }

  get paused(): boolean {
    return this.#paused;
  }

  /** Clock milliseconds for a span of vendor time. */
  scale(vendorMs: number): number {
    return vendorMs / this.#speed;
  }

  /** Monotonic clock time in milliseconds: real time while running, frozen while paused. */
  now(): number {
    return this.#paused ? this.#frozenAt : performance.now() + this.#offset;
  }

  /** Epoch milliseconds on this clock: what the simulated vendors put in their timestamps. */
  epoch(): number {
    return Math.round(this.#epochBase + this.now());
  }

  /** Aborted when the simulator closes. */
  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  pause(): void {
    if (this.#paused) return;
    this.#frozenAt = this.now();
    this.#paused = true;
    this.#disarm();
  }

  resume(): void {
    if (!this.#paused || this.#abort.signal.aborted) return;
    this.#offset = this.#frozenAt - performance.now();
    this.#paused = false;
    this.catchUp();
  }

  advance(vendorMs: number): void {
    if (!Number.isFinite(vendorMs) || vendorMs < 0) {
      throw new RangeError(`advance takes a non-negative number of vendor milliseconds, got ${vendorMs}`);
    }
    if (this.#abort.signal.aborted) return;
    const running = !this.#paused;
    this.pause();
    const target = this.#frozenAt + this.scale(vendorMs);
    // Each timer fires with the clock at its own due time, so what it reads (a job's phase, its progress)
    // is what the vendor would have sent at that moment.
    for (let next = this.#queue[0]; next && next.due <= target; next = this.#queue[0]) {
      this.#frozenAt = Math.max(this.#frozenAt, next.due);
      this.#queue.shift();
      run(next.fn);
    }
    this.#frozenAt = target;
    if (running) this.resume();
  }

  /**
   * Fires every timer due by `until` (default: now), in order. The server calls it before each request,
   * and {@link SimState.now} before every reading of the time, so a request never
   * sees a job further along than the events it owes (a finished job's webhook is queued before a poll
   * can report it finished).
   */
  catchUp(until = this.now()): void {
    for (let next = this.#queue[0]; next && next.due <= until; next = this.#queue[0]) {
      this.#queue.shift();
      run(next.fn);
    }
    this.#arm();
  }

  /** Runs `fn` after `ms` clock milliseconds unless cancelled or the clock is closed; returns the cancel. */
  setTimer(fn: () => void, ms: number): () => void {
    if (this.#abort.signal.aborted) return () => {};
    const timer: Timer = { due: this.now() + Math.max(0, ms), order: this.#order++, fn };
    // Binary search for the first timer due later (ties keep insertion order).
    let lo = 0;
    let hi = this.#queue.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.#queue[mid] as Timer).due <= timer.due) lo = mid + 1;
      else hi = mid;
    }
    this.#queue.splice(lo, 0, timer);
    if (lo === 0) this.#arm();
    return () => {
      const index = this.#queue.indexOf(timer);
      if (index < 0) return;
      this.#queue.splice(index, 1);
      if (index === 0) this.#arm();
    };
  }

  /** Resolves after `ms` clock milliseconds; rejects when the clock closes or `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const any = signal ? AbortSignal.any([this.#abort.signal, signal]) : this.#abort.signal;
      if (any.aborted) {
        reject(new Error('aborted'));
        return;
      }
      const onAbort = () => {
        cancel();
        reject(new Error('aborted'));
      };
      const cancel = this.setTimer(() => {
        any.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      any.addEventListener('abort', onAbort, { once: true });
    });
  }

  close(): void {
    this.#abort.abort();
    this.#disarm();
    this.#queue = [];
  }

  /** One real timer, for the earliest clock timer; none while paused. */
  #arm(): void {
    this.#disarm();
    const next = this.#queue[0];
    if (!next || this.#paused || this.#abort.signal.aborted) return;
    // Node may fire a timer a millisecond early against performance.now(); catchUp() then finds nothing
    // due and arms again for the rest, so nothing fires before its time.
    this.#handle = setTimeout(
      () => {
        this.#handle = undefined;
        this.catchUp();
      },
      Math.ceil(Math.max(0, next.due - this.now())),
    );
  }

  #disarm(): void {
    if (this.#handle !== undefined) clearTimeout(this.#handle);
    this.#handle = undefined;
  }
}

function run(fn: () => void): void {
  try {
    fn();
  } catch {
    // a failing timer must not take the server down, nor stop the timers after it
  }
}

function checkSpeed(speed: number): number {
  if (!Number.isFinite(speed) || speed <= 0) throw new RangeError(`speed must be a positive number, got ${speed}`);
  return speed;
}
