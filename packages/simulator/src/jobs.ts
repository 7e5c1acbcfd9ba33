// The vendor-neutral job record behind every messageId / task_id. Its state is computed from the clock on
// each read instead of being advanced by timers, so thousands of idle jobs cost nothing.
import type { Vendor } from './types';

/** What a finished job yields: a 2×2 grid, one image, texts, a seed or videos. */
export type ResultShape = 'grid' | 'single' | 'text' | 'seed' | 'video' | 'none';
export type Phase = 'queued' | 'running' | 'succeeded' | 'failed';

export interface JobFailure {
  code: string;
  message: string;
}

/** Vendor-time durations in milliseconds: [queued, running]. Divided by `speed` at submission. */
export const TIMINGS = {
  grid: [3_000, 37_000],
  upscale: [1_000, 9_000],
  upscaleSlow: [2_000, 18_000],
  text: [500, 4_500],
  faceswap: [1_000, 14_000],
  video: [5_000, 85_000],
  instant: [0, 0],
} as const satisfies Record<string, readonly [number, number]>;

export type Timing = keyof typeof TIMINGS;

export interface SimJob {
  id: string;
  vendor: Vendor;
  route: string;
  operation: string;
  shape: ResultShape;
  prompt: string;
  parentId?: string;
  /** Seed of the picture: same key, same pixels. */
  imageKey: string;
  /** Size of one tile (a grid is twice this; an upscale is twice this too). */
  tile: { w: number; h: number };
  /** Tile drawn by a single-image job (1–4). */
  index: number;
  /** Epoch ms. */
  createdAt: number;
  /** Monotonic ms. */
  start: number;
  queuedMs: number;
  runMs: number;
  failure?: JobFailure;
  cancelledAt?: number;
  texts: string[];
  seed: string;
  ref?: string;
  body: unknown;
  /** Vendor-specific facts (AceData image_id, APIFRAME task_type…). */
  data: Record<string, unknown>;
  finalized: boolean;
  onFinal: Array<() => void>;
  cancelFinalTimer?: () => void;
}

export interface PhaseInfo {
  phase: Phase;
  progress: number;
  /** Epoch ms of the last change. */
  updatedAt: number;
  startedAt?: number;
  finishedAt?: number;
}

/** Monotonic time at which the job becomes terminal. */
export function endOf(job: SimJob): number {
  if (job.cancelledAt !== undefined) return job.cancelledAt;
  const run = job.failure ? job.runMs / 2 : job.runMs;
  return job.start + job.queuedMs + run;
}

export function phaseOf(job: SimJob, now: number): PhaseInfo {
  const toEpoch = (mono: number) => Math.round(job.createdAt + (mono - job.start));
  const runStart = job.start + job.queuedMs;
  const end = endOf(job);
  // The epsilon absorbs floating-point error: an event scheduled at exactly half-way
  // (`runStart + runMs * 0.5`) must read 50, not 49.999… floored to 49.
  const progressAt = (t: number) =>
    job.runMs <= 0 ? 0 : Math.max(0, Math.min(99, Math.floor(((t - runStart) / job.runMs) * 100 + 1e-6)));
  if (now >= end) {
    const startedAt = end >= runStart ? toEpoch(runStart) : undefined;
    const failed = job.failure !== undefined || job.cancelledAt !== undefined;
    return {
      phase: failed ? 'failed' : 'succeeded',
      progress: failed ? progressAt(end) : 100,
      updatedAt: toEpoch(end),
      ...(startedAt !== undefined ? { startedAt } : {}),
      finishedAt: toEpoch(end),
    };
  }
  if (now < runStart) return { phase: 'queued', progress: 0, updatedAt: job.createdAt };
  return { phase: 'running', progress: progressAt(now), updatedAt: toEpoch(now), startedAt: toEpoch(runStart) };
}

/** Width and height of one tile for a Midjourney aspect ratio; the long side is 128 px. */
export function tileSize(aspect: string | undefined): { w: number; h: number } {
  const m = aspect?.match(/^\s*(\d+(?:\.\d+)?)\s*:\s*(\d+(?:\.\d+)?)\s*$/);
  const a = m ? Number(m[1]) : 1;
  const b = m ? Number(m[2]) : 1;
  if (!(a > 0 && b > 0)) return { w: 128, h: 128 };
  return a >= b
    ? { w: 128, h: Math.max(32, Math.round((128 * b) / a)) }
    : { w: Math.max(32, Math.round((128 * a) / b)), h: 128 };
}

/** The `--ar` / `--aspect` value in a prompt. */
export function aspectOf(prompt: string): string | undefined {
  return prompt.match(/--(?:ar|aspect)\s+(\d+(?:\.\d+)?:\d+(?:\.\d+)?)/)?.[1];
}
