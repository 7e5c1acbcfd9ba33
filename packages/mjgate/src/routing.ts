import { type Logger, MjGateError, type ProviderName, type Store } from '@mjgate/core';
import { summarizeError } from '@mjgate/core/provider';

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

/** Where {@link Health} keeps its counts so every gateway instance sharing the store agrees. */
export interface SharedHealth {
  store: Store;
  /** The scope of a vendor's client (`<vendor>:<hash of its API key>`): health is per account. */
  scopeOf(name: ProviderName): string;
  logger?: Logger;
}

/**
 * Tracks consecutive failures per vendor, and skips a vendor for a while once it keeps failing.
 * With `shared`, the counts and cool-downs live in the store (`<scope>:health:failures`,
 * `<scope>:health:cooldown`, both expiring by themselves), so a vendor one instance found failing
 * is skipped by all of them. When the store fails, the instance logs it and goes on with what it
 * saw itself — the counts it always keeps too.
 */
export class Health {
  readonly #state = new Map<ProviderName, { failures: number; until: number }>();

  constructor(
    readonly cooldownMs: number,
    readonly threshold: number,
    readonly shared?: SharedHealth,
  ) {}

  async coolingDown(name: ProviderName, now = Date.now()): Promise<boolean> {
    const local = this.#state.get(name);
    const coolingHere = !!local && local.until > now;
    if (!this.shared || coolingHere) return coolingHere;
    const { store } = this.shared;
    return this.#shared(name, 'reading the cool-down', false, async (scope) => {
      return (await store.get(`${scope}:health:cooldown`)) !== undefined;
    });
  }

  async failed(name: ProviderName, now = Date.now()): Promise<void> {
    const state = this.#state.get(name) ?? { failures: 0, until: 0 };
    state.failures += 1;
    if (state.failures >= this.threshold) {
      state.until = now + this.cooldownMs;
      state.failures = 0;
    }
    this.#state.set(name, state);
    if (!this.shared) return;
    const { store } = this.shared;
    await this.#shared(name, 'counting a failure', undefined, async (scope) => {
      // Failures further apart than a cool-down (a minute at least) are not "consecutive" any more.
      const failures = await store.increment(`${scope}:health:failures`, Math.max(this.cooldownMs, 60_000));
      if (failures < this.threshold) return;
      if (this.cooldownMs > 0)
        await store.set(`${scope}:health:cooldown`, String(now + this.cooldownMs), this.cooldownMs);
      await store.delete(`${scope}:health:failures`);
    });
  }

  async succeeded(name: ProviderName): Promise<void> {
    this.#state.delete(name);
    if (!this.shared) return;
    const { store } = this.shared;
    await this.#shared(name, 'recording a success', undefined, async (scope) => {
      await store.delete(`${scope}:health:failures`);
      await store.delete(`${scope}:health:cooldown`);
    });
  }

  async #shared<T>(name: ProviderName, what: string, fallback: T, operation: (scope: string) => Promise<T>) {
    const shared = this.shared!;
    try {
      return await operation(shared.scopeOf(name));
    } catch (error) {
      const why = summarizeError(error)?.message ?? String(error);
      shared.logger?.warn?.(
        `mjgate: the store failed ${what} for ${name} (${why}); this instance goes on with the health it saw itself.`,
        { provider: name },
      );
      return fallback;
    }
  }
}

/** Puts vendors in cool-down after the rest, so they are tried only when nothing else is left. */
export async function byHealth(names: ProviderName[], health: Health): Promise<ProviderName[]> {
  const now = Date.now();
  const cooling = await Promise.all(names.map((name) => health.coolingDown(name, now)));
  return [...names.filter((_, at) => !cooling[at]), ...names.filter((_, at) => cooling[at])];
}
