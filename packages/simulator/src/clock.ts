// Jobs are timed in "vendor milliseconds" (how long the real service takes) and run `speed` times faster.

/** How many times faster than the real vendors the simulator runs by default: a 40 s grid takes 400 ms. */
export const DEFAULT_SPEED = 100;

/**
 * The simulator's compressed clock. Durations are declared in vendor time and divided by `speed`;
 * every timer the simulator starts goes through here so `close()` can stop them all.
 */
export class Clock {
  #speed: number;
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  readonly #abort = new AbortController();

  constructor(speed: number = DEFAULT_SPEED) {
    this.#speed = checkSpeed(speed);
  }

  /** The compression factor: vendor time ÷ real time. Changing it affects jobs submitted afterwards. */
  get speed(): number {
    return this.#speed;
  }

  set speed(value: number) {
    this.#speed = checkSpeed(value);
  }

  /** Real milliseconds for a span of vendor time. */
  scale(vendorMs: number): number {
    return vendorMs / this.#speed;
  }

  /** Monotonic real time in milliseconds. */
  now(): number {
    return performance.now();
  }

  /** Aborted when the simulator closes. */
  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  /** Runs `fn` after `ms` real milliseconds unless cancelled or the clock is closed. */
  setTimer(fn: () => void, ms: number): () => void {
    if (this.#abort.signal.aborted) return () => {};
    // Node may fire a timer up to a millisecond early against performance.now(); re-arm until the target
    // is really reached, so a job read in its "final" callback is never still running.
    const target = this.now() + Math.max(0, ms);
    let handle: ReturnType<typeof setTimeout>;
    const arm = (delay: number) => {
      handle = setTimeout(() => {
        this.#timers.delete(handle);
        const left = target - this.now();
        if (left > 0) {
          arm(left);
          return;
        }
        try {
          fn();
        } catch {
          // a failing timer must not take the server down
        }
      }, Math.ceil(delay));
      this.#timers.add(handle);
    };
    arm(Math.max(0, ms));
    return () => {
      clearTimeout(handle);
      this.#timers.delete(handle);
    };
  }

  /** Resolves after `ms` real milliseconds; rejects when the clock closes or `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const signals = signal ? [this.#abort.signal, signal] : [this.#abort.signal];
      const any = AbortSignal.any(signals);
      if (any.aborted) {
        reject(new Error('aborted'));
        return;
      }
      const cancel = this.setTimer(() => {
        any.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        cancel();
        reject(new Error('aborted'));
      };
      any.addEventListener('abort', onAbort, { once: true });
    });
  }

  close(): void {
    this.#abort.abort();
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
  }
}

function checkSpeed(speed: number): number {
  if (!Number.isFinite(speed) || speed <= 0) throw new RangeError(`speed must be a positive number, got ${speed}`);
  return speed;
}
