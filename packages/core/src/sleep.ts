import { type StoreScope, warnStoreDown } from './store-scope.js';

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Where a {@link Pacer} keeps its pace so that every process on one API key keeps it together. */
export interface SharedPace {
  shared: StoreScope;
  /** The pace's name within the client's scope: its key is `<scope>:pace:<name>`. */
  name: string;
}

/**
 * Spaces calls at least `intervalMs` apart, in arrival order: a burst is queued, not rejected.
 * Used for vendor limits such as "1 submission per 3 s". With `shared`, the slots are reserved in
 * the store, so the limit holds across every process sharing the key and the store; when the store
 * fails, the pacer logs it and keeps the pace of this process alone until the store answers again.
 */
export class Pacer {
  #next = 0;
  constructor(
    readonly intervalMs: number,
    readonly shared?: SharedPace,
  ) {}

  /** Waits for this caller's slot. An abort while waiting gives the slot back to nobody. */
  async take(signal?: AbortSignal): Promise<void> {
    if (this.intervalMs <= 0) return;
    if (signal?.aborted) throw signal.reason;
    const wait = (this.shared && (await this.#reserve(this.shared))) ?? this.#local();
    await sleep(wait, signal);
  }

  /** The wait the store's slot asks for; `undefined` when the store failed. */
  async #reserve({ shared, name }: SharedPace): Promise<number | undefined> {
    try {
      const wait = await shared.store.reserveSlot(`${shared.scope}:pace:${name}`, this.intervalMs);
      // The local pace follows the shared one, so a store outage does not open a burst.
      this.#next = Math.max(this.#next, Date.now() + wait + this.intervalMs);
      return wait;
    } catch (error) {
      warnStoreDown(shared, `the ${name} pace`, 'pacing this process alone', error);
      return undefined;
    }
  }

  #local(): number {
    const now = Date.now();
    const slot = Math.max(now, this.#next);
    this.#next = slot + this.intervalMs;
    return slot - now;
  }
}

/**
 * An AbortSignal that fires after `ms`. Built on `setTimeout` rather than `AbortSignal.timeout` so
 * that fake timers drive it in tests; `clear()` releases the timer once the call is over.
 */
export function timeoutSignal(ms: number): { signal: AbortSignal; clear(): void } {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException(`timed out after ${ms} ms`, 'TimeoutError')), ms);
  (timer as { unref?: () => void }).unref?.();
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
}
