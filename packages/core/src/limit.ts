/**
 * At most `max` tasks hold a slot at once; the rest wait in call order (first come, first served).
 * For vendors that cap the requests one token keeps open — AceData allows 5 in flight and answers
 * the sixth with `429 rate_limited` (its reference, §12.3) — so queueing here keeps one client under
 * the cap instead of spending a retry on a refusal. `max <= 0` turns the limit off.
 *
 * @example
 * const limit = new ConcurrencyLimit(5);
 * const answer = await limit.run(() => transport.request(spec, options), options.signal);
 * // A stream holds its slot until it ends:
 * const release = await limit.acquire(signal);
 * try { for await (const line of lines) … } finally { release(); }
 */
export class ConcurrencyLimit {
  /** The most slots held at once; `0` or less means no limit. */
  readonly max: number;
  #active = 0;
  readonly #waiting: Array<() => void> = [];

  constructor(max: number) {
    this.max = max;
  }

  /** How many slots are held now. */
  get active(): number {
    return this.#active;
  }

  /** How many callers wait for a slot now. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /**
   * Waits for a slot and returns the function that releases it (calling it twice releases once).
   * Rejects with the signal's reason when `signal` aborts first, leaving the queue as it was.
   */
  async acquire(signal?: AbortSignal): Promise<() => void> {
    if (this.max <= 0) return () => {};
    if (signal?.aborted) throw signal.reason;
    if (this.#active < this.max) this.#active += 1;
    else {
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => {
          const at = this.#waiting.indexOf(start);
          if (at >= 0) this.#waiting.splice(at, 1);
          reject(signal?.reason);
        };
        // A released slot is handed straight to the next waiter, so `#active` does not change.
        const start = () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
        this.#waiting.push(start);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiting.shift();
      if (next) next();
      else this.#active -= 1;
    };
  }

  /** Runs `task` holding a slot, and releases the slot however the task ends. */
  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const release = await this.acquire(signal);
    try {
      return await task();
    } finally {
      release();
    }
  }
}
