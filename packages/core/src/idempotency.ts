import { InvalidRequestError, MjGateError, NotFoundError, type Submission, UnsupportedError } from './errors.js';
import type { Job } from './job.js';
import { sleep } from './sleep.js';
import { type StoreScope, storeName, storeUnavailable, warnStoreDown } from './store-scope.js';

/**
 * How long a claim on a key stays fresh without news from its holder, ms. The holder rewrites it
 * every third of this while its submission runs (pacing queue and retries included), so only a
 * holder that died lets it go stale; then a duplicate looks the job up instead of waiting forever.
 */
export const IDEMPOTENCY_CLAIM_MS = 30_000;
/** The longest pause of a duplicate waiting for the first submission to finish, ms. */
const MAX_WAIT_POLL_MS = 1_000;

/** What the store holds under an idempotency key (JSON). */
type IdempotencyRecord =
  /** A process is submitting now; `submission` says what, should it die before it records the job. */
  | { state: 'submitting'; request: string; submission: Submission; claimedAt: number }
  /** The job the key returns for the rest of its window. */
  | { state: 'created'; request: string; job: Job }
  /** The submission failed after it may have reached the vendor: look the job up, never submit again. */
  | { state: 'unknown'; request: string; submission: Submission };

/** One submission under an `idempotencyKey`. */
export interface IdempotentSubmission {
  shared: StoreScope;
  /** The caller's `idempotencyKey`. */
  key: string;
  /** What the caller asked for (the validated input, the action and its parent): a key reused for another request is refused. */
  request: unknown;
  /** What is about to be sent, to find the job again should the outcome be lost. */
  submission: Submission;
  /** Sends it to the vendor. */
  submit: () => Promise<Job>;
  /**
   * What the caller records of a job it created (the pending list), written beside the idempotency
   * record rather than after it: on a shared store each write is a round trip, and the two do not
   * depend on each other.
   */
  created?: (job: Job) => Promise<void>;
  /** `findSubmission` of the client: looks a submission with an unknown outcome up. */
  find: (submission: Submission) => Promise<Job | undefined>;
  signal?: AbortSignal;
  /** See {@link IDEMPOTENCY_CLAIM_MS}. */
  claimMs?: number;
}

/**
 * Runs a submission at most once per `idempotencyKey` within the scope's window (default 24 h), in
 * this process or any other sharing the store, as Stripe and openai-node do:
 * - the first call claims the key, submits, and records the job; every later call returns that job;
 * - a duplicate that arrives while the first is still submitting waits for it;
 * - after a failure that may have created the job (`mayHaveCreatedJob`), or a holder that died
 *   mid-submission, a later call looks the job up with `findSubmission` and never submits again;
 * - a failure that certainly created nothing frees the key, so a retry submits.
 * The store is the only witness, so when it fails the submission is refused
 * (`StoreUnavailableError`) rather than risk paying twice.
 */
export async function submitOnce(call: IdempotentSubmission): Promise<Job> {
  const { shared, signal } = call;
  const { provider } = shared;
  if (typeof call.key !== 'string' || call.key.trim() === '' || call.key.length > 255) {
    throw new InvalidRequestError(
      'idempotencyKey must be a non-empty string of at most 255 characters, such as a UUID.',
      {
        provider,
      },
    );
  }
  const claimMs = call.claimMs ?? IDEMPOTENCY_CLAIM_MS;
  const recordKey = `${shared.scope}:idempotency:${storeName(shared.store, call.key, 32)}`;
  const request = storeName(shared.store, stableJson(call.request), 16);
  const refuse = (error: unknown): never => {
    throw storeUnavailable(
      shared,
      error,
      'a submission with an idempotencyKey is refused rather than risk paying for it twice. Or submit without the key.',
    );
  };
  const store = shared.store;
  const ttl = shared.idempotencyTtlMs;
  let pause = 25;
  while (true) {
    if (signal?.aborted) throw signal.reason;
    const claim: IdempotencyRecord = {
      state: 'submitting',
      request,
      submission: call.submission,
      claimedAt: Date.now(),
    };
    const claimed = await store.setIfAbsent(recordKey, JSON.stringify(claim), ttl).catch(refuse);
    if (claimed) return first(call, recordKey, claim, claimMs);
    const text = await store.get(recordKey).catch(refuse);
    // Freed (or expired) between the two calls: claim it again.
    if (text === undefined) continue;
    const record = parseRecord(text);
    if (record.request !== request) {
      throw new InvalidRequestError(
        'This idempotencyKey was already used for a different request within its window. Use a new key for a new request (a UUID per intended submission).',
        { provider },
      );
    }
    if (record.state === 'created') return record.job;
    if (record.state === 'unknown') return recover(call, recordKey, record, 'its answer was lost');
    if (Date.now() - record.claimedAt > claimMs) {
      return recover(call, recordKey, record, 'the process submitting it stopped before recording the job');
    }
    await sleep(pause, signal);
    pause = Math.min(MAX_WAIT_POLL_MS, pause * 2);
  }
}

/** The call that holds the claim: submits, keeps the claim fresh meanwhile, records the outcome. */
async function first(
  call: IdempotentSubmission,
  recordKey: string,
  claim: IdempotencyRecord & { state: 'submitting' },
  claimMs: number,
): Promise<Job> {
  const { shared } = call;
  const { store } = shared;
  const ttl = shared.idempotencyTtlMs;
  let refresh: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    const fresh = { ...claim, claimedAt: Date.now() };
    refresh = store.set(recordKey, JSON.stringify(fresh), ttl).catch(() => {});
  }, claimMs / 3);
  (timer as { unref?: () => void }).unref?.();
  let job: Job;
  try {
    job = await call.submit();
  } catch (error) {
    clearInterval(timer);
    await refresh;
    const ambiguous = MjGateError.isInstance(error) && error.mayHaveCreatedJob;
    try {
      if (ambiguous) {
        const record: IdempotencyRecord = {
          state: 'unknown',
          request: claim.request,
          submission: (error as MjGateError).submission ?? claim.submission,
        };
        await store.set(recordKey, JSON.stringify(record), ttl);
      } else {
        await store.delete(recordKey);
      }
    } catch (storeError) {
      // The claim stays; once stale, a retry looks the job up rather than submitting blind.
      warnStoreDown(shared, 'an idempotency record', 'a retry with this key will look the job up', storeError);
    }
    throw error;
  }
  clearInterval(timer);
  await refresh;
  const record: IdempotencyRecord = { state: 'created', request: claim.request, job };
  await Promise.all([
    store.set(recordKey, JSON.stringify(record), ttl).catch((error: unknown) => {
      warnStoreDown(shared, 'an idempotency record', `a retry with this key will look ${job.id} up`, error);
    }),
    call.created?.(job),
  ]);
  return job;
}

/** A key whose submission may have created a job: looks it up, records what it finds, never resubmits. */
async function recover(
  call: IdempotentSubmission,
  recordKey: string,
  record: { submission: Submission; request: string },
  why: string,
): Promise<Job> {
  const { shared } = call;
  const { provider } = shared;
  const said = `An earlier submission with this idempotencyKey may have created a job (${why})`;
  let job: Job | undefined;
  try {
    job = await call.find(record.submission);
  } catch (error) {
    if (UnsupportedError.isInstance(error)) {
      throw new UnsupportedError(
        `${said}, and ${record.submission.provider} offers no job listing to look it up with, so mjgate does not submit again and risk paying twice. Its webhook (the vendor calls it for every job it created) or the vendor's dashboard says whether it exists; to submit anew knowingly, use a new idempotencyKey.`,
        { provider, submission: record.submission, mayHaveCreatedJob: true },
      );
    }
    throw error;
  }
  if (!job) {
    throw new NotFoundError(
      `${said}; mjgate looked it up with findSubmission and ${record.submission.provider} lists none yet. Nothing was submitted again. Retry with the same key in a few seconds (a new job can take a moment to appear); to submit anew knowingly, use a new idempotencyKey.`,
      { provider, submission: record.submission, mayHaveCreatedJob: true, retryable: true },
    );
  }
  shared.logger?.warn?.(
    `mjgate: ${said}; looked it up with findSubmission and found ${job.id}: returning it, nothing submitted again.`,
    { provider, jobId: job.id },
  );
  const found: IdempotencyRecord = { state: 'created', request: record.request, job };
  await shared.store.set(recordKey, JSON.stringify(found), shared.idempotencyTtlMs).catch((error: unknown) => {
    warnStoreDown(shared, 'an idempotency record', 'the next retry looks the job up again', error);
  });
  return job;
}

function parseRecord(text: string): IdempotencyRecord {
  try {
    const record = JSON.parse(text) as IdempotencyRecord;
    if (record && typeof record === 'object' && typeof record.request === 'string') return record;
  } catch {
    // Reported below.
  }
  throw new MjGateError(
    'bad_response',
    "The store holds an unreadable idempotency record: another program may write under mjgate's keys. Give mjgate a key prefix of its own.",
  );
}

/** JSON with object keys sorted, so one request always has the same name. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : item,
  );
}
