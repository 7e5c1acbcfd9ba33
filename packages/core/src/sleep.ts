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

/**
 * Spaces calls at least `intervalMs` apart, in arrival order: a burst is queued, not rejected.
 * Used for vendor limits such as "1 submission per 3 s".
 */
export class Pacer {
  #next = 0;
  constructor(readonly intervalMs: number) {}

  /** Waits for this caller's slot. An abort while waiting gives the slot back to nobody. */
  async take(signal?: AbortSignal): Promise<void> {
    if (this.intervalMs <= 0) return;
    const now = Date.now();
    const slot = Math.max(now, this.#next);
    this.#next = slot + this.intervalMs;
    await sleep(slot - now, signal);
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
