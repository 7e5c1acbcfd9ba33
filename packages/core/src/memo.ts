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
  readonly #entries = new Map<string, { value: T; at: number; order: number }>();
  /**
   * Ids in the order they were remembered, each with the `order` it had then; an item whose entry
   * was replaced or dropped since is stale and skipped. The sweep starts at `#head`, so it does not
   * walk the Map from its start on every submission (where a Map keeps the holes of deleted keys
   * until it rehashes: under a steady stream of submissions that walk was the top frame).
   */
  #queue: Array<{ id: string; order: number }> = [];
  #head = 0;
  #order = 0;
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
    const order = ++this.#order;
    this.#entries.set(id, { value, at: now, order });
    this.#queue.push({ id, order });
    this.#sweep(now);
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

  /** Drops entries from the oldest on, while they are too old or too many; the first young one ends it. */
  #sweep(now: number): void {
    const queue = this.#queue;
    while (this.#head < queue.length) {
      const { id, order } = queue[this.#head]!;
      const entry = this.#entries.get(id);
      if (entry?.order === order) {
        if (now - entry.at <= this.#maxAgeMs && this.#entries.size <= this.#maxEntries) break;
        this.#entries.delete(id);
      }
      this.#head++;
    }
    // Keeps the queue near the size of the memo: swept items cut off, stale ones (an id remembered
    // again) filtered out when they outnumber the live ones.
    if (this.#head > 1024 && this.#head * 2 > queue.length) {
      this.#queue = queue.slice(this.#head);
      this.#head = 0;
    } else if (queue.length - this.#head > 2 * this.#entries.size + 1024) {
      this.#queue = queue.slice(this.#head).filter((item) => this.#entries.get(item.id)?.order === item.order);
      this.#head = 0;
    }
  }
}
