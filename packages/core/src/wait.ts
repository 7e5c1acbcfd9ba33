import { JobFailedError, JobTimeoutError, MjGateError, TimeoutError } from './errors.js';
import { isTerminal, type Job, mergeJob } from './job.js';
import { sleep, timeoutSignal } from './sleep.js';
import type { WaitOptions } from './types.js';

/** Polling defaults of a client; `WaitOptions` override them per call. */
export interface PollDefaults {
  /** First interval, ms. */
  intervalMs: number;
  /** Cap the interval grows toward, ms. */
  maxIntervalMs: number;
  /** Overall deadline, ms. */
  timeoutMs: number;
}

export const DEFAULT_POLL: PollDefaults = { intervalMs: 1_000, maxIntervalMs: 10_000, timeoutMs: 15 * 60_000 };

const GROWTH = 1.5;

/** What a change looks like to a watcher: anything a caller would display. Equal prints, no change to report. */
export function jobFingerprint(job: Job): string {
  return JSON.stringify([
    job.status,
    job.progress,
    job.gridUrl,
    job.images.length,
    job.videoUrls.length,
    job.texts.length,
    job.actions.length,
    job.seed,
  ]);
}

/**
 * Polls `check` until the job is terminal, yielding every observed change in order (merged so that
 * status and progress never go backwards). Throws `JobTimeoutError` past the deadline (carrying the
 * last job) and the abort reason when `signal` aborts. A retryable failure of one check (5xx, 429,
 * network) does not end the watch: the next poll comes later, after `Retry-After` when given.
 */
export async function* watchJob(
  check: (signal: AbortSignal) => Promise<Job>,
  initial: Job | undefined,
  options: WaitOptions = {},
  defaults: PollDefaults = DEFAULT_POLL,
): AsyncGenerator<Job, void, undefined> {
  const { signal, onProgress } = options;
  const timeoutMs = options.timeoutMs ?? defaults.timeoutMs;
  const first = options.pollIntervalMs ?? defaults.intervalMs;
  const cap = Math.max(first, options.maxPollIntervalMs ?? defaults.maxIntervalMs);
  const deadline = Date.now() + timeoutMs;
  let last = initial;
  let shown: string | undefined;
  let interval = first;
  // A one-off wait the vendor asked for (`Retry-After` on a 429 or 503), honoured even past the cap.
  let pause = 0;
  // Why the latest poll failed, so a deadline reached without any status can say why.
  let lastError: MjGateError | undefined;
  let firstPoll = true;

  const emit = (job: Job): boolean => {
    const print = jobFingerprint(job);
    if (print === shown) return false;
    shown = print;
    onProgress?.(job);
    return true;
  };

  if (last) {
    // The caller already holds this state (typically the job a submit just returned): report it and
    // wait one interval before asking, since a vendor may not be able to read a brand-new id yet.
    emit(last);
    yield last;
    if (isTerminal(last.status)) return;
    firstPoll = false;
  }

  while (true) {
    if (signal?.aborted) throw signal.reason;
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw deadlineError(last, timeoutMs, lastError);
    if (!firstPoll) await sleep(Math.min(Math.max(interval, pause), remaining), signal);
    firstPoll = false;
    pause = 0;

    const limit = timeoutSignal(Math.max(1, deadline - Date.now()));
    const pollSignal = signal ? AbortSignal.any([signal, limit.signal]) : limit.signal;
    let job: Job;
    try {
      job = await check(pollSignal);
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (limit.signal.aborted) throw deadlineError(last, timeoutMs, lastError);
      if (!MjGateError.isInstance(error) || !error.retryable) throw error;
      lastError = error;
      // The transport puts the vendor's `Retry-After` on any retryable error (a 503 may carry one too).
      const retryAfter = (error as { retryAfterMs?: unknown }).retryAfterMs;
      interval = Math.min(cap, interval * GROWTH);
      pause = typeof retryAfter === 'number' && Number.isFinite(retryAfter) ? retryAfter : 0;
      continue;
    } finally {
      limit.clear();
    }

    const merged = mergeJob(last, job);
    last = merged;
    if (emit(merged)) yield merged;
    else interval = Math.min(cap, interval * GROWTH);
    if (isTerminal(merged.status)) return;
  }
}

/**
 * `JobTimeoutError` carrying the last job; when not one status was read (the vendor kept failing),
 * there is no job to carry, so it is a `TimeoutError` saying why the polls failed.
 */
/**
 * The error for a wait that reached its deadline: `JobTimeoutError` with the last job seen, or a
 * `TimeoutError` (quoting the last failed check) when no status was ever read.
 */
export function deadlineError(last: Job | undefined, timeoutMs: number, lastError?: MjGateError): Error {
  if (last) return new JobTimeoutError(last, timeoutMs);
  const why = lastError ? ` The last check failed: ${lastError.message}` : '';
  return new TimeoutError(
    `No status of the job could be read within ${timeoutMs} ms.${why} The job may still finish: wait on its id again later.`,
    { provider: lastError?.provider, cause: lastError, retryable: true },
  );
}

/** Drains a watch: resolves with the `succeeded` job, throws `JobFailedError` for `failed`/`cancelled`. */
export async function waitFor(watch: AsyncIterable<Job>): Promise<Job> {
  let last: Job | undefined;
  for await (const job of watch) last = job;
  if (!last) throw new TimeoutError('The watch ended before any status was read. Wait on the job again.');
  if (last.status !== 'succeeded') throw new JobFailedError(last);
  return last;
}
