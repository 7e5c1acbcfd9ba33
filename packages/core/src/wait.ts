import { JobFailedError, JobTimeoutError, MjGateError, TimeoutError } from './errors.js';
import { isTerminal, type Job, mergeJob } from './job.js';
import { type JobKind, PollSchedule } from './poll-schedule.js';
import type { WaitOptions } from './types.js';

/** Polling defaults of a client; `WaitOptions` override them per call. */
export interface PollDefaults {
  /** Shortest gap between two polls, ms: the spacing around a job's estimated finish. */
  intervalMs: number;
  /** Longest gap between two polls, ms. */
  maxIntervalMs: number;
  /** Overall deadline, ms. */
  timeoutMs: number;
  /**
   * How long each kind of job usually takes on this vendor, ms: what the first polls are planned by
   * before the job's own progress rate is known. Missing kinds use core's `DEFAULT_EXPECTED_MS`.
   */
  expectedMs?: Partial<Record<JobKind, number>>;
  /**
   * Polls fall due on multiples of this many ms of the clock (at most the floor), so that the polls of
   * many waits on one batching client meet in the same batch request. Unset: no alignment.
   */
  alignMs?: number;
}

/**
 * Jobs that reach a wait without polling — a verified webhook published through the client's
 * `Store`, a vendor's event stream. A wait takes each as if a poll had read it (merged, never
 * backwards) and, when it is terminal, ends without another request; polling goes on beside it as
 * the safety net.
 */
export interface JobFeed {
  /** Starts delivering this job's pushed states to `listener`; returns the function that stops it. */
  subscribe(listener: (job: Job) => void): () => void;
}

export const DEFAULT_POLL: PollDefaults = { intervalMs: 1_000, maxIntervalMs: 20_000, timeoutMs: 15 * 60_000 };

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

/** What a poll came back with: never a rejection, so a poll left behind by a push is never unhandled. */
type PollOutcome = { job: Job } | { error: unknown };

/** What woke the loop while a poll was in flight. */
const PUSHED = Symbol('pushed');

/**
 * Polls `check` until the job is terminal, yielding every observed change in order (merged so that
 * status and progress never go backwards). Throws `JobTimeoutError` past the deadline (carrying the
 * last job) and the abort reason when `signal` aborts. A retryable failure of one check (5xx, 429,
 * network) does not end the watch: the next poll comes later, after `Retry-After` when given.
 *
 * The polls follow the job's progress (`PollSchedule`): sparse while its estimated finish is
 * far, every `pollIntervalMs` around it, never further apart than `maxPollIntervalMs`.
 *
 * `feed` delivers states nobody polled for (a verified webhook, a vendor stream): each is merged
 * like a polled one, wakes a sleeping watch at once, and a terminal one ends the watch without
 * another request. Polling goes on beside it as the safety net.
 */
export async function* watchJob(
  check: (signal: AbortSignal) => Promise<Job>,
  initial: Job | undefined,
  options: WaitOptions = {},
  defaults: PollDefaults = DEFAULT_POLL,
  feed?: JobFeed,
): AsyncGenerator<Job, void, undefined> {
  const { signal, onProgress } = options;
  const timeoutMs = options.timeoutMs ?? defaults.timeoutMs;
  const floor = options.pollIntervalMs ?? defaults.intervalMs;
  const cap = Math.max(floor, options.maxPollIntervalMs ?? defaults.maxIntervalMs);
  // Never a grid coarser than the floor: alignment must not slow a wait that asked for quick polls.
  const align = Math.min(defaults.alignMs ?? 0, floor);
  if (signal?.aborted) throw signal.reason;
  const schedule = new PollSchedule({ floorMs: floor, capMs: cap, expectedMs: defaults.expectedMs }, Date.now());
  /**
   * When a poll planned `delay` ms from now falls due: on the nearest line of the shared grid when
   * there is one (rounding up would add a line to every gap, since a poll ends just past a line).
   */
  const dueIn = (delay: number): number => {
    const now = Date.now();
    if (align <= 0) return now + delay;
    const due = Math.round((now + delay) / align) * align;
    return due > now ? due : due + align;
  };

  // One signal for the whole watch — the caller's abort or the deadline — handed to every poll:
  // no controller nor `AbortSignal.any` per poll, which thousands of concurrent waits would pile up.
  const watch = new AbortController();
  const onCallerAbort = () => watch.abort(signal?.reason);
  signal?.addEventListener('abort', onCallerAbort, { once: true });
  // Clamped: a delay past 2^31-1 ms would make `setTimeout` fire at once.
  const deadlineTimer = setTimeout(() => watch.abort(DEADLINE), Math.min(timeoutMs, MAX_TIMER_MS));
  (deadlineTimer as { unref?: () => void }).unref?.();
  // Whatever the loop is waiting on (a sleep, a poll in flight) resumes when this is called.
  let wake: (() => void) | undefined;
  const nudge = () => wake?.();
  watch.signal.addEventListener('abort', nudge, { once: true });

  let pushed: Job | undefined;
  // Once a state has been pushed, pushes are known to reach this wait: polling becomes a safety net.
  let fed = false;
  /** The planned delay to the next poll, stretched to the safety net's pace once pushes arrive. */
  const plan = (): number => {
    const delay = schedule.nextDelay(Date.now());
    return fed ? Math.min(cap, Math.max(delay, SAFETY_NET_MS)) : delay;
  };
  const unsubscribe = feed?.subscribe((job) => {
    pushed = mergeJob(pushed, job);
    fed = true;
    nudge();
  });

  let last: Job | undefined;
  let shown: string | undefined;
  // Polls failed in a row: each retry waits longer, up to the cap.
  let failures = 0;
  // Why the latest poll failed, so a deadline reached without any status can say why.
  let lastError: MjGateError | undefined;
  let inflight: Promise<PollOutcome> | undefined;

  /** Takes a state in (merged, never backwards); true when the caller has not seen it yet. */
  const take = (job: Job): boolean => {
    last = mergeJob(last, job);
    schedule.observe(last, Date.now());
    const print = jobFingerprint(last);
    if (print === shown) return false;
    shown = print;
    onProgress?.(last);
    return true;
  };
  const stopped = (): Error => (signal?.aborted ? signal.reason : deadlineError(last, timeoutMs, lastError));

  try {
    // The caller already holds this state (typically the job a submit just returned): report it and
    // plan the first poll from it (never sooner than the floor: a vendor may not be able to read a
    // brand-new id yet).
    let due = Date.now();
    if (initial) {
      take(initial);
      yield last!;
      if (isTerminal(last!.status)) return;
      due = dueIn(plan());
    }

    while (true) {
      if (pushed) {
        const job = pushed;
        pushed = undefined;
        if (take(job)) yield last!;
        if (isTerminal(last!.status)) return;
        // A pushed state is as good as a polled one: the next poll may come later, never sooner.
        if (!inflight) due = Math.max(due, dueIn(plan()));
        continue;
      }
      if (watch.signal.aborted) throw stopped();

      if (inflight) {
        const outcome = await new Promise<PollOutcome | typeof PUSHED>((resolve) => {
          wake = () => resolve(PUSHED);
          inflight!.then(resolve);
        });
        wake = undefined;
        if (outcome === PUSHED) continue;
        inflight = undefined;
        if ('error' in outcome) {
          const { error } = outcome;
          if (watch.signal.aborted) throw stopped();
          if (!MjGateError.isInstance(error) || !error.retryable) throw error;
          lastError = error;
          failures += 1;
          // The transport puts the vendor's `Retry-After` on any retryable error (a 503 may carry one
          // too): a wait the vendor asked for is honoured even past the cap.
          const retryAfter = (error as { retryAfterMs?: unknown }).retryAfterMs;
          const pause = typeof retryAfter === 'number' && Number.isFinite(retryAfter) ? retryAfter : 0;
          due = dueIn(Math.max(Math.min(cap, floor * GROWTH ** failures), pause));
          continue;
        }
        failures = 0;
        if (take(outcome.job)) yield last!;
        if (isTerminal(last!.status)) return;
        due = dueIn(plan());
        continue;
      }

      const wait = due - Date.now();
      if (wait > 0) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        await new Promise<void>((resolve) => {
          wake = resolve;
          timer = setTimeout(resolve, wait);
        });
        clearTimeout(timer);
        wake = undefined;
        continue;
      }
      inflight = check(watch.signal).then(
        (job) => ({ job }),
        (error: unknown) => ({ error }),
      );
    }
  } finally {
    unsubscribe?.();
    clearTimeout(deadlineTimer);
    signal?.removeEventListener('abort', onCallerAbort);
    // A poll still in flight (a push ended the watch, or the caller stopped iterating) is let go.
    if (!watch.signal.aborted) watch.abort(new DOMException('The wait ended.', 'AbortError'));
  }
}

/** The reason the watch's own signal carries when the deadline passes. */
const DEADLINE = new DOMException('The wait reached its deadline.', 'TimeoutError');

const MAX_TIMER_MS = 2_147_483_647;

/**
 * The shortest gap between polls once a wait has received a pushed state, ms (within the cap):
 * the pushes carry the news, polls only guard against a lost one.
 */
const SAFETY_NET_MS = 10_000;

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
