import { MjGateError, type ProviderName } from '@mjgate/core';

/** Failures after which a job was certainly not created, so a submission may go to the next vendor. */
const REROUTABLE = new Set(['provider_unavailable', 'rate_limited', 'insufficient_credits', 'authentication']);

/**
 * True when `error` proves the vendor did not create the job and another vendor may be tried.
 * Never for a content-policy or invalid-request rejection (another vendor would refuse it too, or
 * should not be asked), and never when the job may exist (a timeout or reset after the body was sent).
 */
export function canFallBack(error: unknown): boolean {
  return MjGateError.isInstance(error) && !error.mayHaveCreatedJob && REROUTABLE.has(error.code);
}

/** Tracks consecutive failures per vendor, and skips a vendor for a while once it keeps failing. */
export class Health {
  readonly #state = new Map<ProviderName, { failures: number; until: number }>();

  constructor(
    readonly cooldownMs: number,
    readonly threshold: number,
  ) {}

  coolingDown(name: ProviderName, now = Date.now()): boolean {
    const state = this.#state.get(name);
    return !!state && state.until > now;
  }

  failed(name: ProviderName, now = Date.now()): void {
    const state = this.#state.get(name) ?? { failures: 0, until: 0 };
    state.failures += 1;
    if (state.failures >= this.threshold) {
      state.until = now + this.cooldownMs;
      state.failures = 0;
    }
    this.#state.set(name, state);
  }

  succeeded(name: ProviderName): void {
    this.#state.delete(name);
  }
}

/** Puts vendors in cool-down after the rest, so they are tried only when nothing else is left. */
export function byHealth(names: ProviderName[], health: Health): ProviderName[] {
  const now = Date.now();
  return [
    ...names.filter((name) => !health.coolingDown(name, now)),
    ...names.filter((name) => health.coolingDown(name, now)),
  ];
}
