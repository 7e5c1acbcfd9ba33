import type { ActionId } from './actions.js';

/** A vendor name. The three built-in adapters, or any string a custom adapter uses. */
export type ProviderName = 'imaginepro' | 'acedata' | 'apiframe' | 'mjproxy' | (string & {});

/** Where a job is. `succeeded`, `failed` and `cancelled` are terminal. */
export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

/** Every kind of request that creates a job. */
export const OPERATIONS = ['imagine', 'action', 'describe', 'blend', 'faceswap', 'video', 'shorten', 'seed'] as const;

/** What kind of request created a job. */
export type Operation = (typeof OPERATIONS)[number];

const operationSet: ReadonlySet<string> = new Set(OPERATIONS);

/** True when `value` is one of {@link OPERATIONS}. */
export function isOperation(value: unknown): value is Operation {
  return typeof value === 'string' && operationSet.has(value);
}

/** One result image. */
export interface JobImage {
  /** Where to download it (http or https; vendors' links expire, so copy what you keep). */
  url: string;
  /** In pixels, when the vendor reports it. */
  width?: number;
  /** In pixels, when the vendor reports it. */
  height?: number;
}

/**
 * A Midjourney job in the neutral model. It is plain JSON: store it, send it to another process,
 * and pass it (or just its `id`) back to `get`, `wait` or `act` later.
 */
export interface Job {
  /** `'<provider>:<vendor job id>'`: globally unique, JSON-safe, storable. */
  id: string;
  /** The vendor that runs the job (the prefix of `id`). */
  provider: ProviderName;
  /** The vendor's own id (ImaginePro `messageId`, AceData / APIFRAME `task_id`). */
  providerJobId: string;
  /** What made the job: `imagine`, `action`, `describe`, … */
  operation: Operation;
  /** Set when `operation === 'action'`. */
  action?: ActionId;
  /** The job this one acted on, as a full `id`. */
  parentId?: string;
  /** `queued` → `running` → `succeeded`, `failed` or `cancelled` (the last three are final). */
  status: JobStatus;
  /** 0..100 while known; never decreases for one job. */
  progress: number | null;
  /** The prompt as the vendor reports it, when the operation has one. */
  prompt?: string;
  /**
   * The model that made the job, when it is not Midjourney (e.g. `'flux-1.1-pro'`); absent for
   * Midjourney jobs, as on `ImagineInput.model`.
   */
  model?: string;
  /** The 2x2 composite, when the result is a grid. */
  gridUrl?: string;
  /** The individual images: 4 tiles of a grid, or the single image. */
  images: JobImage[];
  /** Video results (`operation: 'video'`). */
  videoUrls: string[];
  /** Describe / shorten results. */
  texts: string[];
  /** The Midjourney seed, once asked for with `seed()` or when the vendor reports it. */
  seed?: string;
  /** Follow-ups the vendor offers on this result, right now. */
  actions: ActionId[];
  /** Why the job failed (`status: 'failed'`): the vendor's reason, in a stable `code` and a message. */
  error?: { code: string; message: string };
  /** The caller's correlation value, echoed back. */
  ref?: string;
  /** ISO-8601. */
  createdAt?: string;
  /** ISO-8601: the vendor's last change to the job, when it reports one. */
  updatedAt?: string;
  /** The last vendor payload, untouched. */
  raw: unknown;
}

/** The statuses a job never leaves: `succeeded`, `failed`, `cancelled`. */
export const TERMINAL_STATUSES: readonly JobStatus[] = ['succeeded', 'failed', 'cancelled'];

/** True for `succeeded`, `failed` and `cancelled`. */
export function isTerminal(status: JobStatus): boolean {
  return status === 'succeeded' || status === 'failed' || status === 'cancelled';
}

const rank: Record<JobStatus, number> = { queued: 0, running: 1, succeeded: 2, failed: 2, cancelled: 2 };

/**
 * Combines what was known about a job with a newer observation, so that status and progress only
 * move forward: a late poll or an out-of-order webhook never turns `succeeded` back into
 * `running` or 80% into 40%, and a terminal state sticks. Fields the newer observation leaves out
 * are kept from the earlier one.
 */
export function mergeJob(previous: Job | undefined, next: Job): Job {
  if (!previous) return next;
  if (previous.id !== next.id) return next;
  if (isTerminal(previous.status)) {
    // A repeat of the same terminal state may carry more detail (e.g. a final webhook after a poll).
    return next.status === previous.status ? keepProgress(fill(next, previous), previous) : previous;
  }
  if (rank[next.status] < rank[previous.status]) return previous;
  return keepProgress(fill(next, previous), previous);
}

/** Progress never goes backwards, nor back to unknown. */
function keepProgress(merged: Job, previous: Job): Job {
  if (previous.progress !== null && (merged.progress === null || merged.progress < previous.progress)) {
    merged.progress = previous.progress;
  }
  return merged;
}

function fill(next: Job, previous: Job): Job {
  const out: Job = { ...next };
  for (const key of Object.keys(previous) as (keyof Job)[]) {
    if (out[key] === undefined) (out as unknown as Record<string, unknown>)[key] = previous[key];
  }
  for (const key of ['images', 'videoUrls', 'texts', 'actions'] as const) {
    if (out[key].length === 0 && previous[key].length > 0)
      (out as unknown as Record<string, unknown>)[key] = previous[key];
  }
  return out;
}

/** The object without its `undefined` entries, so spreading it never erases a value already known. */
export function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Builds the neutral id `'<provider>:<vendor job id>'`. */
export function formatJobId(provider: ProviderName, providerJobId: string): string {
  return `${provider}:${providerJobId}`;
}

/** Splits a neutral id. The vendor id may itself contain `:`; the provider name never does. */
export function parseJobId(id: string): { provider: ProviderName; providerJobId: string } | undefined {
  const at = id.indexOf(':');
  if (at <= 0 || at === id.length - 1) return undefined;
  return { provider: id.slice(0, at), providerJobId: id.slice(at + 1) };
}

/** The neutral id of a `Job` or of an id string. */
export function jobIdOf(job: Job | string): string {
  return typeof job === 'string' ? job : job.id;
}

/** A job with every list empty and nothing known yet: adapters fill in what their vendor said. */
export function emptyJob(fields: Pick<Job, 'provider' | 'providerJobId' | 'operation' | 'status'> & Partial<Job>): Job {
  return {
    id: formatJobId(fields.provider, fields.providerJobId),
    progress: null,
    images: [],
    videoUrls: [],
    texts: [],
    actions: [],
    raw: undefined,
    ...fields,
  };
}
