import { sleep } from './sleep.js';
import { type StoreScope, warnStoreDown } from './store-scope.js';

/** How long a lease is held at most by default: a crashed holder's slot comes back after this. */
export const DEFAULT_LEASE_MS = 5 * 60_000;
/** The longest pause between two attempts at a lease while all are held. */
export const DEFAULT_LEASE_POLL_MS = 1_000;

/** Where a {@link ConcurrencyLimit} leases its slots so the limit holds across processes. */
export interface SharedLimit {
  shared: StoreScope;
  /** The limit's name within the client's scope: its key is `<scope>:limit:<name>`. */
  name: string;
  /**
   * How long one lease is held at most, ms: a process that dies holding one gives it back after
   * this. Longer than the longest call (or stream) the limit covers. Default 5 minutes.
   */
  leaseMs?: number;
  /** The longest pause between two attempts while every lease is held, ms. Default 1 000. */
  maxPollMs?: number;
}

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
  /** Where the slots are leased so the limit holds across processes; absent: this process alone. */
  readonly shared?: SharedLimit;
  #active = 0;
  readonly #waiting: Array<() => void> = [];

  constructor(max: number, shared?: SharedLimit) {
    this.max = max;
    this.shared = shared;
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
    const releaseLocal = () => {
      if (released) return;
      released = true;
      this.#handOn();
    };
    if (!this.shared) return releaseLocal;
    let lease: { key: string; id: string } | undefined;
    try {
      lease = await this.#lease(this.shared, signal);
    } catch (error) {
      releaseLocal();
      throw error;
    }
    return () => {
      if (released) return;
      releaseLocal();
      if (!lease || !this.shared) return;
      const { shared } = this.shared;
      shared.store.releaseLease(lease.key, lease.id).catch((error: unknown) => {
        warnStoreDown(shared, `the ${this.shared?.name} limit`, 'its lease ends by itself when its time is up', error);
      });
    };
  }

  /**
   * Takes one of the store's `max` leases, asking again with a growing pause (to
   * {@link SharedLimit.maxPollMs}) while all are held elsewhere. `undefined` when the store failed:
   * this process's own slot is all the caller holds then.
   */
  async #lease({ shared, name, leaseMs, maxPollMs }: SharedLimit, signal?: AbortSignal) {
    let pause = 25;
    while (true) {
      let key: string;
      let id: string | undefined;
      try {
        key = `${shared.scope}:limit:${name}`;
        id = await shared.store.acquireLease(key, this.max, leaseMs ?? DEFAULT_LEASE_MS);
      } catch (error) {
        warnStoreDown(shared, `the ${name} limit`, `limiting this process alone to ${this.max}`, error);
        return undefined;
      }
      if (id !== undefined) return { key, id };
      await sleep(pause, signal);
      pause = Math.min(maxPollMs ?? DEFAULT_LEASE_POLL_MS, pause * 2);
    }
  }

  /** Gives a released slot to the first caller waiting, or frees it. */
  #handOn(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#active -= 1;
  }

  /** Runs `task` holding a slot, and releases the slot however the task ends. */
  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    // A free slot of a limit of this process alone is taken at once, as `acquire` would, without
    // its promise and release function: every status read of a busy client passes here.
    if (!this.shared && this.max > 0 && this.#active < this.max && !signal?.aborted) {
      this.#active += 1;
      try {
        return await task();
      } finally {
        this.#handOn();
      }
    }
    const release = await this.acquire(signal);
    try {
      return await task();
    } finally {
      release();
    }
  }
}
