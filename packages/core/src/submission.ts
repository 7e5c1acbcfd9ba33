import { InvalidRequestError, MjGateError, type Submission } from './errors.js';
import type { Job, Operation, ProviderName } from './job.js';
import type { CallOptions } from './types.js';

// Helpers for adapters that look up a submission with an unknown outcome (`findSubmission`) in a
// vendor's job listing: which listed jobs are recent enough, whether a listed prompt is the one
// sent, and which of several candidates to prefer. One set of rules, so every vendor matches alike.

/**
 * How long before `submission.sentAt` a job's creation time, as the vendor records it, may lie and
 * still belong to the submission: the vendor's clock and this machine's may disagree by that much.
 */
export const SUBMISSION_CLOCK_SKEW_MS = 60_000;

/**
 * The earliest creation time (epoch ms) a job created by `submission` can have at the vendor:
 * `sentAt` minus {@link SUBMISSION_CLOCK_SKEW_MS}. Throws `InvalidRequestError` when `sentAt` is not a
 * time, since nothing could then be matched.
 */
export function submissionWindowStart(submission: Submission, provider?: ProviderName): number {
  const sentAt = typeof submission.sentAt === 'string' ? Date.parse(submission.sentAt) : Number.NaN;
  if (!Number.isFinite(sentAt)) {
    throw new InvalidRequestError(
      `submission.sentAt must be an ISO-8601 time (as the error's submission has it); got ${JSON.stringify(submission.sentAt)}.`,
      { provider },
    );
  }
  return sentAt - SUBMISSION_CLOCK_SKEW_MS;
}

/** An image prompt as vendors list it: a URL, sometimes in the `<…>` Discord wraps around links. */
const IMAGE_TOKEN = /^<?https?:\/\/\S+>?$/i;

function words(text: string): string[] {
  return text.trim().toLowerCase().split(/\s+/).filter(Boolean);
}

/**
 * True when `listed` — a prompt as the vendor lists it — is `sent` with at most what adapters and
 * vendors add around a prompt: image URLs in front and `--flags` behind (`--ar 16:9`, `--fast`,
 * `--v 7`). Whitespace and case do not count. `sent` may be the caller's prompt or the prompt as
 * sent; both match. A longer text does not: `'a fox'` does not match `'a fox in snow'`.
 */
export function promptMatches(sent: string, listed: string): boolean {
  const want = words(sent);
  const have = words(listed);
  if (want.length === 0) return false;
  for (let start = 0; start + want.length <= have.length; start++) {
    if (start > 0 && !IMAGE_TOKEN.test(have[start - 1] ?? '')) return false;
    const end = start + want.length;
    const same = want.every((word, i) => have[start + i] === word);
    if (same && (end === have.length || have[end]?.startsWith('--'))) return true;
  }
  return false;
}

/**
 * Whether a listed job's operation can be the submission's: equal, or unknown (`undefined`: the
 * listing does not say). `imagine` and `blend` count as one where a vendor makes a blend an imagine
 * with image URLs in front (`sameGenerate`).
 */
export function operationMatches(
  sent: Operation,
  listed: Operation | undefined,
  { sameGenerate = false }: { sameGenerate?: boolean } = {},
): boolean {
  if (listed === undefined || listed === sent) return true;
  const generate = (operation: Operation) => operation === 'imagine' || operation === 'blend';
  return sameGenerate && generate(sent) && generate(listed);
}

/**
 * The candidates ordered by how close their creation time (epoch ms; `undefined` last) lies to
 * `sentAt`: when a prompt matches several jobs (the same prompt submitted twice), the one created
 * nearest the submission is the likeliest to be it.
 */
export function nearestFirst<T>(
  candidates: readonly T[],
  createdAt: (item: T) => number | undefined,
  sentAt: string,
): T[] {
  const at = Date.parse(sentAt);
  const distance = (item: T) => {
    const created = createdAt(item);
    return created === undefined ? Number.POSITIVE_INFINITY : Math.abs(created - at);
  };
  return [...candidates].sort((a, b) => distance(a) - distance(b));
}

/**
 * One status read of a job a lookup believes exists: the job, or `undefined` when the vendor does
 * not know it (`not_found`), which for a lookup means "not created" rather than a failure.
 */
export async function readIfKnown(
  source: { get(providerJobId: string, options: CallOptions): Promise<Job> },
  providerJobId: string,
  options: CallOptions,
): Promise<Job | undefined> {
  try {
    return await source.get(providerJobId, options);
  } catch (error) {
    if (MjGateError.isInstance(error) && error.code === 'not_found') return undefined;
    throw error;
  }
}
