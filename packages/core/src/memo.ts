/** Limits of a {@link SubmissionMemo}. */
export interface SubmissionMemoOptions {
  /** How long an entry is recalled, in ms; default: until it is pushed out by `maxEntries`. */
  maxAgeMs?: number;
  /** How many entries are kept at most, the oldest dropped first; default 1000. */
  maxEntries?: number;
  /** The clock, for tests; default `Date.now`. */
  now?: () => number;
}

/**
 * What this process remembers about the jobs it just submitted, by vendor job id: vendors answer a
 * submission before the job is readable (a "not found" right after creation means "queued"), and
 * some return none of the submission's own fields (action, parent, prompt) when polled. Bounded in
 * age and in size, so a long-running client does not grow; an entry is only a hint for the seconds
 * or minutes after submitting, never the source of truth (another process has no memo).
 *
 * @example
 * const fresh = new SubmissionMemo<Job>({ maxAgeMs: 15_000 });
 * fresh.remember(messageId, job);
 * fresh.recall(messageId); // the job, for 15 s
 */
export class SubmissionMemo<T> {
  readonly #entries = new Map<string, { value: T; at: number }>();
  readonly #maxAgeMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;

  constructor(options: SubmissionMemoOptions = {}) {
    this.#maxAgeMs = options.maxAgeMs ?? Number.POSITIVE_INFINITY;
    this.#maxEntries = Math.max(1, options.maxEntries ?? 1000);
    this.#now = options.now ?? Date.now;
  }

  /** Records `value` under `id`, as the newest entry (replacing an older one for the same id). */
  remember(id: string, value: T): void {
    const now = this.#now();
    this.#entries.delete(id);
    for (const [key, entry] of this.#entries) {
      // Entries are in insertion order, so the first young one ends the sweep.
      if (now - entry.at <= this.#maxAgeMs && this.#entries.size < this.#maxEntries) break;
      this.#entries.delete(key);
    }
    this.#entries.set(id, { value, at: now });
  }

  /** The value remembered under `id`, or `undefined` when there is none or it is older than `maxAgeMs`. */
  recall(id: string): T | undefined {
    const entry = this.#entries.get(id);
    if (!entry) return undefined;
    if (this.#now() - entry.at > this.#maxAgeMs) {
      this.#entries.delete(id);
      return undefined;
    }
    return entry.value;
  }
}
