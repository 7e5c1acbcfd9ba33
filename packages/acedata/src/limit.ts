/**
 * At most `max` holders at once; the rest wait in call order. AceData allows 5 requests in flight
 * per token and answers the sixth with `429 rate_limited`; queueing here keeps one client under it.
 * `max <= 0` turns the limit off.
 */
export class InFlight {
  readonly max: number;
  #active = 0;
  readonly #queue: Array<() => void> = [];

  constructor(max: number) {
    this.max = max;
  }

  /** Waits for a slot (or rejects with the abort reason) and returns its release function. */
  async acquire(signal?: AbortSignal): Promise<() => void> {
    if (this.max <= 0) return () => {};
    if (signal?.aborted) throw signal.reason;
    if (this.#active < this.max) this.#active += 1;
    else {
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => {
          const at = this.#queue.indexOf(go);
          if (at >= 0) this.#queue.splice(at, 1);
          reject(signal?.reason);
        };
        // A released slot is handed straight to the next waiter, so `#active` does not change.
        const go = () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
        this.#queue.push(go);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#queue.shift();
      if (next) next();
      else this.#active -= 1;
    };
  }

  /** Runs `fn` holding a slot. */
  async run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const release = await this.acquire(signal);
    try {
      return await fn();
    } finally {
      release();
    }
  }
}
