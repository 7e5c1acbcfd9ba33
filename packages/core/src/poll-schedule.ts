import { isTerminal, type Job } from './job.js';

/**
 * Kinds of work whose usual duration differs enough to poll them differently: a 2x2 grid (imagine,
 * blend, variations, zooms, pans), a plain upscale, an HD upscale (2x/4x, subtle/creative), a text
 * answer (describe, shorten), a face swap, a video, and lookups that are done at once (seed).
 */
export type JobKind = 'grid' | 'upscale' | 'upscale-hd' | 'text' | 'faceswap' | 'video' | 'instant';

/**
 * How long each kind usually takes, queue included, ms: the prior a wait plans its first polls by,
 * before two progress readings let it estimate the finish from the job's own rate. Fast mode on
 * Midjourney; an adapter whose vendor differs passes its own through `PollDefaults.expectedMs`.
 */
export const DEFAULT_EXPECTED_MS: Readonly<Record<JobKind, number>> = {
  grid: 45_000,
  upscale: 10_000,
  'upscale-hd': 20_000,
  text: 5_000,
  faceswap: 15_000,
  video: 90_000,
  instant: 2_000,
};

/** The kind a job's operation and action make it. */
export function jobKind(job: Pick<Job, 'operation' | 'action'>): JobKind {
  switch (job.operation) {
    case 'describe':
    case 'shorten':
      return 'text';
    case 'faceswap':
      return 'faceswap';
    case 'video':
      return 'video';
    case 'seed':
      return 'instant';
    case 'action': {
      const action = job.action ?? '';
      if (/^upscale-[1-4]$/.test(action)) return 'upscale';
      if (action.includes('upscale')) return 'upscale-hd';
      return 'grid';
    }
    default:
      return 'grid';
  }
}

/** What a {@link PollSchedule} plans with. */
export interface ScheduleSettings {
  /** Shortest gap between two polls, ms: the spacing around the estimated finish. */
  floorMs: number;
  /** Longest gap between two polls, ms. */
  capMs: number;
  /** Usual duration per kind, ms (see {@link DEFAULT_EXPECTED_MS}). */
  expectedMs?: Partial<Record<JobKind, number>>;
}

/** Share of the remaining time a poll waits when all the wait has is the prior. */
const PRIOR_FRACTION = 0.4;
/**
 * Share of the usual duration the first poll of a queued job waits: early enough to see a refusal
 * soon after the submission (and a vendor may not be able to read a brand-new id at once).
 */
const QUEUED_FRACTION = 0.1;
/** While a job stays queued, polls spread out with the time waited so far. */
const QUEUED_GROWTH = 0.5;
/** Share of a prior-based estimate that may be wrong (one reading, no rate yet). */
const PRIOR_UNCERTAINTY = 0.5;
/**
 * How wrong a rate-based estimate may be: integer percentages make a rate from a few points of
 * progress rough, so the margin shrinks as the progress the rate spans grows.
 */
const rateUncertainty = (spanned: number) => Math.min(PRIOR_UNCERTAINTY, 0.15 + 3 / spanned);
/** Past the estimated finish, the gap grows with the overrun, so a stalled job is not polled densely forever. */
const OVERDUE_FRACTION = 0.5;

interface Reading {
  at: number;
  progress: number;
}

/**
 * Plans the polls of one wait from the job's progress: sparse while the finish is far, dense (every
 * `floorMs`) around the estimated finish, sparser again past it. The estimate comes from the
 * progress rate between the first and latest readings of a running job; before two readings it comes
 * from the prior for the job's kind. Every gap stays within `[floorMs, capMs]`.
 */
export class PollSchedule {
  readonly #floor: number;
  readonly #cap: number;
  readonly #expected: Partial<Record<JobKind, number>> | undefined;
  /** When the wait started knowing of the job: the clock priors count from. */
  readonly #since: number;
  #job: Job | undefined;
  /** The first reading of a running job's progress. */
  #first: Reading | undefined;
  /** When the latest progress value was first seen (a stall does not move it). */
  #latest: Reading | undefined;

  constructor(settings: ScheduleSettings, now: number) {
    this.#floor = Math.max(0, settings.floorMs);
    this.#cap = Math.max(this.#floor, settings.capMs);
    this.#expected = settings.expectedMs;
    this.#since = now;
  }

  /** Takes a state read at `now` (polled or pushed) into the estimate. */
  observe(job: Job, now: number): void {
    this.#job = job;
    if (job.status !== 'running' || job.progress === null || isTerminal(job.status)) return;
    const reading = { at: now, progress: job.progress };
    this.#first ??= reading;
    if (!this.#latest || job.progress > this.#latest.progress) this.#latest = reading;
  }

  /** The usual duration of the job's kind, ms. */
  #prior(): number {
    const kind = this.#job ? jobKind(this.#job) : 'grid';
    return this.#expected?.[kind] ?? DEFAULT_EXPECTED_MS[kind];
  }

  /** When the job should finish, and how much of the time left may be wrong (a fraction). */
  estimate(): { finish: number; uncertainty: number } {
    const first = this.#first;
    const latest = this.#latest;
    if (first && latest && latest.progress > first.progress && latest.at > first.at) {
      const spanned = latest.progress - first.progress;
      const rate = spanned / (latest.at - first.at);
      return { finish: latest.at + (100 - latest.progress) / rate, uncertainty: rateUncertainty(spanned) };
    }
    if (latest) {
      return { finish: latest.at + (this.#prior() * (100 - latest.progress)) / 100, uncertainty: PRIOR_UNCERTAINTY };
    }
    return { finish: this.#since + this.#prior(), uncertainty: 1 - PRIOR_FRACTION };
  }

  /** How long to wait from `now` before the next poll, ms. */
  nextDelay(now: number): number {
    let gap: number;
    if (this.#job?.status === 'queued' || !this.#job) {
      // Not started: no finish to estimate yet. Look early, then less often the longer the queue.
      gap = Math.max(this.#prior() * QUEUED_FRACTION, (now - this.#since) * QUEUED_GROWTH);
    } else {
      const { finish, uncertainty } = this.estimate();
      const left = finish - now;
      // Aim one margin before the estimated finish; the margin shrinks as the finish nears, and
      // from one floor out the polls come every floor until the job ends.
      gap = left > 0 ? left - Math.max(this.#floor, left * uncertainty) : -left * OVERDUE_FRACTION;
    }
    return Math.min(this.#cap, Math.max(this.#floor, gap));
  }
}
