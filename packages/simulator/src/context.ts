// Shared state and the contract between the HTTP layer (server.ts) and the vendor modules.
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { Clock } from './clock';
import { Faults } from './faults';
import { endOf, type JobFailure, type ResultShape, type SimJob, TIMINGS, type Timing, tileSize } from './jobs';
import { Ledger } from './ledger';
import { hashString, Random } from './random';
import type { RouteCategory, Vendor } from './types';
import { deliverWebhook, refuseWebhook, webhookTarget } from './webhooks';

/** What a route handler answers; server.ts writes it (or a fault replaces it). */
export interface Reply {
  status: number;
  headers?: Record<string, string>;
  /** JSON body. */
  body?: unknown;
  /** Raw bytes instead of JSON. */
  raw?: Buffer | string;
  /** Writes the body over time (AceData ndjson); called after status and headers are sent. */
  stream?: (res: ServerResponse, signal: AbortSignal) => Promise<void>;
}

export interface RequestContext {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: unknown;
  /** The body bytes as received; `body` is their JSON, `undefined` for a multipart upload. */
  rawBody?: Buffer;
  /** Set by a `fail-job` fault: the job this request creates must fail. */
  failJob?: JobFailure;
  /** Aborts when the client goes away or the simulator closes. */
  signal: AbortSignal;
}

export interface RouteDef {
  method: 'GET' | 'POST';
  pattern: string;
  category: RouteCategory;
  handle(ctx: RequestContext): Reply | Promise<Reply>;
}

export interface VendorErrors {
  badRequest(message: string): Reply;
  notFound(message: string): Reply;
  rateLimited(retryAfterSeconds: number): Reply;
  server(status: number): Reply;
  contentPolicy(word: string): Reply;
  noCredits(): Reply;
  unknownRoute(method: string, path: string): Reply;
}

export interface VendorModule {
  vendor: Vendor;
  routes: RouteDef[];
  errors: VendorErrors;
  /** Returns an error reply when the Authorization header is not acceptable. */
  authenticate(headers: IncomingHttpHeaders): Reply | undefined;
  /** A file the module stores itself (an upload), served under `/_sim/files/<id>/<name>`. */
  file?(id: string, name: string): { type: string; data: Buffer } | undefined;
}

export interface StateOptions {
  apiKey?: string;
  speed: number;
  /** Start with the clock paused. */
  paused: boolean;
  seed: number;
  credits: number;
  bannedWords: string[];
  /** Deliver webhooks to any host, not only to loopback addresses. */
  allowExternalWebhooks: boolean;
  /** Where notable events nobody asked for over HTTP go (a refused webhook). */
  log: (line: string) => void;
}

export interface NewJob {
  /** The vendor's own task id, when its format is not a uuid (midjourney-proxy's numeric strings). */
  id?: string;
  vendor: Vendor;
  route: string;
  operation: string;
  shape: ResultShape;
  timing: Timing;
  prompt?: string;
  parent?: SimJob;
  index?: number;
  aspect?: string;
  imageKey?: string;
  texts?: string[];
  ref?: string;
  body: unknown;
  data?: Record<string, unknown>;
}

export const DEFAULT_FAILURE: JobFailure = {
  code: 'task_failed',
  message: 'The Midjourney job failed: the upstream service returned an internal error. Please try again.',
};

/** Internal simulator state shared by every vendor module. */
export class SimState {
  readonly clock: Clock;
  readonly ids: Random;
  readonly faults: Faults;
  readonly ledger = new Ledger();
  readonly jobs = new Map<string, SimJob>();
  readonly credits = new Map<Vendor, number>();
  readonly options: StateOptions;
  baseUrl = '';
  readonly #webhookChains = new Map<string, Promise<void>>();

  constructor(options: StateOptions) {
    this.options = options;
    this.clock = new Clock(options.speed, { paused: options.paused });
    this.ids = new Random(options.seed);
    this.faults = new Faults(new Random(options.seed ^ 0x5eed));
    for (const v of ['imaginepro', 'acedata', 'apiframe'] as const) this.credits.set(v, options.credits);
  }

  keyAccepted(key: string | undefined): boolean {
    if (!key) return false;
    return this.options.apiKey === undefined || key === this.options.apiKey;
  }

  /** The first banned word in `text`, if any. */
  banned(text: string | undefined): string | undefined {
    if (!text) return undefined;
    const lower = text.toLowerCase();
    return this.options.bannedWords.find((w) =>
      new RegExp(`(^|[^\\p{L}\\p{N}])${escapeRe(w.toLowerCase())}($|[^\\p{L}\\p{N}])`, 'u').test(lower),
    );
  }

  /** Takes `cost` credits; false (and nothing taken) when the balance is short. */
  charge(vendor: Vendor, cost: number): boolean {
    const left = this.credits.get(vendor) ?? 0;
    if (cost > 0 && left < cost) return false;
    this.credits.set(vendor, left - cost);
    return true;
  }

  /** Creates a job, records the accepted submission and returns it. */
  createJob(spec: NewJob, ctx: RequestContext): SimJob {
    const [queued, run] = TIMINGS[spec.timing];
    const prompt = spec.prompt ?? '';
    const id = spec.id ?? this.ids.uuid();
    const job: SimJob = {
      id,
      vendor: spec.vendor,
      route: spec.route,
      operation: spec.operation,
      shape: spec.shape,
      prompt,
      imageKey: spec.imageKey ?? `${spec.parent?.imageKey ?? ''}|${spec.operation}|${prompt}`,
      tile: spec.parent?.tile ?? tileSize(spec.aspect),
      index: spec.index ?? 0,
      createdAt: this.clock.epoch(),
      start: this.clock.now(),
      queuedMs: this.clock.scale(queued),
      runMs: this.clock.scale(run),
      texts: spec.texts ?? [],
      seed: this.ids.digits(10),
      body: ctx.body,
      data: spec.data ?? {},
      finalized: false,
      onFinal: [],
    };
    if (spec.parent) job.parentId = spec.parent.id;
    if (spec.ref !== undefined) job.ref = spec.ref;
    if (ctx.failJob) job.failure = ctx.failJob;
    this.jobs.set(id, job);
    this.ledger.recordSubmission({
      vendor: spec.vendor,
      method: ctx.method,
      route: spec.route,
      body: ctx.body,
      jobId: id,
      operation: spec.operation,
    });
    return job;
  }

  /** Runs `fn` once when the job reaches a terminal state (immediately on cancel). */
  onFinal(job: SimJob, fn: () => void): void {
    job.onFinal.push(fn);
    if (job.cancelFinalTimer || job.finalized) return;
    job.cancelFinalTimer = this.clock.setTimer(() => this.finalize(job), endOf(job) - this.clock.now());
  }

  /**
   * Runs `fn(t)` when the job is `fraction` (0–1) through its running phase, unless it ended before; `t` is
   * that moment in clock time, so what `fn` sends describes the job then, however late the process runs it.
   */
  at(job: SimJob, fraction: number, fn: (t: number) => void): void {
    const t = job.start + job.queuedMs + job.runMs * fraction;
    if (t >= endOf(job)) return;
    // Timers fire in due order, so this one runs before the job's final timer; a job cancelled
    // before `t` is already finalized.
    this.clock.setTimer(() => {
      if (!job.finalized && t < endOf(job)) fn(t);
    }, t - this.clock.now());
  }

  /**
   * The clock's time, with every event due by then fired first. Vendor routes read the time through
   * this, so a job they see finished has already queued its final webhook: a poll can never report
   * the end before the callback for it exists, however the machine's load spaces a request's steps.
   */
  now(): number {
    const at = this.clock.now();
    this.clock.catchUp(at);
    return at;
  }

  /** Ends a running job as failed now. */
  cancel(job: SimJob, failure: JobFailure): void {
    job.cancelledAt = this.clock.now();
    job.failure = failure;
    this.finalize(job);
  }

  finalize(job: SimJob): void {
    if (job.finalized) return;
    job.finalized = true;
    job.cancelFinalTimer?.();
    for (const fn of job.onFinal) {
      try {
        fn();
      } catch {
        // a broken listener must not stop the others
      }
    }
  }

  /**
   * Waits (clock time) until the job is terminal, at most `maxMs`; true when it finished. A job that ends
   * after the limit is decided at once: the answer depends on the two deadlines, never on how late this
   * process wakes up.
   */
  async waitFor(job: SimJob, maxMs: number, signal: AbortSignal): Promise<boolean> {
    const left = endOf(job) - this.clock.now();
    if (left <= 0) return true;
    if (left > maxMs) {
      await this.clock.sleep(maxMs, signal);
      return false;
    }
    await this.clock.sleep(left, signal);
    return true;
  }

  /** URL of a result file served by the simulator itself. */
  fileUrl(job: SimJob, name: string): string {
    return `${this.baseUrl}/_sim/files/${job.id}/${name}`;
  }

  gridUrl(job: SimJob): string {
    return this.fileUrl(job, 'grid.png');
  }

  tileUrls(job: SimJob): string[] {
    return [1, 2, 3, 4].map((i) => this.fileUrl(job, `${i}.png`));
  }

  imageUrl(job: SimJob): string {
    return this.fileUrl(job, 'image.png');
  }

  videoUrls(job: SimJob): string[] {
    return [0, 1, 2, 3].map((i) => this.fileUrl(job, `video-${i}.mp4`));
  }

  /** Deterministic prompt-like texts derived from a source string. */
  texts(source: string, count: number, prefix = false): string[] {
    const subjects = ['a lone lighthouse', 'a red fox', 'a neon city street', 'an old oak tree', 'a paper boat'];
    const styles = ['watercolor', 'cinematic lighting', 'isometric 3d render', 'oil painting', 'soft pastel'];
    const moods = ['at dawn', 'in heavy rain', 'under a starry sky', 'in golden hour light', 'in thick fog'];
    const h = hashString(source);
    const marks = ['1️⃣', '2️⃣', '3️⃣', '4️⃣', '5️⃣'];
    return Array.from({ length: count }, (_, i) => {
      const s = subjects[(h + i) % subjects.length];
      const st = styles[((h >>> 3) + i * 2) % styles.length];
      const m = moods[((h >>> 7) + i * 3) % moods.length];
      const text = `${s}, ${st}, ${m} --ar ${[1, 3, 4, 16][(h + i) % 4]}:${[1, 2, 3, 9][(h + i) % 4]}`;
      return prefix ? `${marks[i]} ${text}` : text;
    });
  }

  /**
   * POSTs a webhook (in order per job) and records it in the ledger. Only loopback receivers get it unless
   * `allowExternalWebhooks` is on: a test or demo must never send traffic off the machine by accident.
   */
  webhook(vendor: Vendor, job: SimJob, url: string, body: unknown, headers: Record<string, string> = {}): void {
    const refusal = webhookTarget(url, this.options.allowExternalWebhooks);
    if (refusal) {
      refuseWebhook({ ledger: this.ledger, log: this.options.log, vendor, jobId: job.id, url, body, headers }, refusal);
      return;
    }
    const previous = this.#webhookChains.get(job.id) ?? Promise.resolve();
    const next = previous.then(() =>
      deliverWebhook({ ledger: this.ledger, signal: this.clock.signal, vendor, jobId: job.id, url, body, headers }),
    );
    this.#webhookChains.set(job.id, next);
    this.ledger.track(next);
    next.finally(() => {
      if (this.#webhookChains.get(job.id) === next) this.#webhookChains.delete(job.id);
    });
  }

  runningJobs(): number {
    const now = this.clock.now();
    let n = 0;
    for (const j of this.jobs.values()) if (endOf(j) > now) n++;
    return n;
  }
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Helpers for loosely-typed JSON bodies. */
export function record(body: unknown): Record<string, unknown> {
  return body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}

export function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

export function json(status: number, body: unknown, headers?: Record<string, string>): Reply {
  return headers ? { status, body, headers } : { status, body };
}
