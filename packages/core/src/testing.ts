/**
 * `@mjgate/core/testing`: an in-memory provider that implements the whole client contract, for
 * your own tests and demos. Jobs advance one step per status check, so a test controls time by
 * polling; scripted failures and errors let it drive every error path.
 *
 * @module @mjgate/core/testing
 */
import { ACTION_IDS, type ActionId, GRID_ACTIONS, UPSCALED_ACTIONS } from './actions.js';
import { createClient, type ProviderDefinition } from './client.js';
import {
  ContentPolicyError,
  type MjGateError,
  NotFoundError,
  type Submission,
  TimeoutError,
  UnsupportedError,
} from './errors.js';
import { emptyJob, type Job, OPERATIONS, type Operation, type ProviderName } from './job.js';
import { MIDJOURNEY_MODEL } from './models.js';
import { nearestFirst, operationMatches, promptMatches, submissionWindowStart } from './submission.js';
import type { Account, MidjourneyClient, WebhookRequest } from './types.js';
import { webhookJson } from './webhook.js';

export interface MockProviderOptions {
  /** Provider name the mock reports. Default `'mock'`. */
  provider?: ProviderName;
  /** Status checks a job takes to finish (queued → running … → done). Default 3. */
  steps?: number;
  /** Prompts containing any of these words are refused with `ContentPolicyError`. */
  bannedWords?: string[];
  /** A prompt for which this returns a message makes the job end `failed` with it. */
  failWhen?: (prompt: string) => string | undefined;
  /** Base of the fake result URLs. Default `https://mock.mjgate.dev`. */
  assetBaseUrl?: string;
  webhookSecret?: string;
  /** Polling defaults; the mock is instant, so 1 ms by default. */
  pollIntervalMs?: number;
  batch?: boolean;
  /**
   * The models the mock generates with (`capabilities.models`). Default Midjourney only. A job of
   * another model finishes with `n` plain images, as Flux does, instead of a grid.
   */
  models?: readonly string[];
}

/** What the mock recorded, for assertions. */
export interface MockCall {
  method: string;
  args: unknown[];
}

export interface MockProvider extends MidjourneyClient {
  /** Every vendor-level call made, in order. */
  readonly calls: MockCall[];
  /** The next calls of `method` throw these errors, one per call. */
  failNext(method: string, ...errors: MjGateError[]): void;
  /**
   * The next `times` calls of the submission `method` (`imagine`, `act`, `describe`, `blend`,
   * `faceSwap`, `video`, `shorten`) create their job, then fail as if the answer was lost on the way:
   * a `TimeoutError` with `mayHaveCreatedJob: true` and its `submission`, which `findSubmission`
   * then finds. For testing your recovery code.
   */
  loseAnswerNext(method: LosableMethod, times?: number): void;
  /** Jobs the mock holds, by vendor id. */
  readonly jobs: ReadonlyMap<string, Job>;
}

/** The submission methods whose answer {@link MockProvider.loseAnswerNext} can lose. */
export type LosableMethod = 'imagine' | 'act' | 'describe' | 'blend' | 'faceSwap' | 'video' | 'shorten';

const OPERATION_OF: Record<LosableMethod, Operation> = {
  imagine: 'imagine',
  act: 'action',
  describe: 'describe',
  blend: 'blend',
  faceSwap: 'faceswap',
  video: 'video',
  shorten: 'shorten',
};

interface Stored {
  job: Job;
  polls: number;
  failure?: string;
}

/** Creates an in-memory {@link MidjourneyClient}. */
export function createMockProvider(options: MockProviderOptions = {}): MockProvider {
  const provider = options.provider ?? 'mock';
  const steps = Math.max(1, options.steps ?? 3);
  const base = options.assetBaseUrl ?? 'https://mock.mjgate.dev';
  const store = new Map<string, Stored>();
  /** How many images each job of a non-Midjourney model makes (its `n`), by vendor id. */
  const imageCounts = new Map<string, number>();
  const calls: MockCall[] = [];
  const scripted = new Map<string, MjGateError[]>();
  /** Answers still to lose, by the operation of the submission. */
  const lost = new Map<Operation, number>();
  let counter = 0;

  const record = (method: string, ...args: unknown[]) => {
    calls.push({ method, args });
    const err = scripted.get(method)?.shift();
    if (err) throw err;
  };

  const create = (operation: Operation, prompt: string | undefined, extra: Partial<Job> = {}): Job => {
    for (const word of options.bannedWords ?? []) {
      if (prompt?.toLowerCase().includes(word.toLowerCase())) {
        throw new ContentPolicyError(`${provider} refused the prompt: banned word "${word}".`, {
          provider,
          status: 400,
        });
      }
    }
    counter += 1;
    const providerJobId = `job-${counter}`;
    const job = emptyJob({
      provider,
      providerJobId,
      operation,
      status: 'queued',
      progress: 0,
      prompt,
      createdAt: new Date().toISOString(),
      ...extra,
    });
    job.raw = { ...job, raw: undefined };
    store.set(providerJobId, { job, polls: 0, failure: prompt ? options.failWhen?.(prompt) : undefined });
    const losing = lost.get(operation) ?? 0;
    if (losing > 0) {
      lost.set(operation, losing - 1);
      throw new TimeoutError(
        `${provider} did not answer the ${operation} in time. The request was sent, so the vendor may have created the job: look it up before submitting again.`,
        { provider, mayHaveCreatedJob: true },
      );
    }
    return job;
  };

  const advance = (s: Stored): Job => {
    if (s.job.status === 'succeeded' || s.job.status === 'failed' || s.job.status === 'cancelled') return s.job;
    s.polls += 1;
    const id = s.job.providerJobId;
    if (s.polls < steps) {
      s.job = {
        ...s.job,
        status: 'running',
        progress: Math.round((100 * s.polls) / steps),
        updatedAt: new Date().toISOString(),
      };
    } else if (s.failure) {
      s.job = { ...s.job, status: 'failed', error: { code: 'job_failed', message: s.failure } };
    } else {
      const single =
        s.job.operation === 'action' && (s.job.action?.startsWith('upscale') || s.job.action?.startsWith('redo'));
      // A job of another model (Flux) is its `n` images, no grid.
      const count = s.job.model ? (imageCounts.get(id) ?? 1) : 0;
      const grid =
        !count && (['imagine', 'blend'].includes(s.job.operation) || (s.job.operation === 'action' && !single));
      const texts = s.job.operation === 'describe' ? [1, 2, 3, 4].map((n) => `described prompt ${n}`) : [];
      s.job = {
        ...s.job,
        status: 'succeeded',
        progress: 100,
        gridUrl: grid ? `${base}/${id}/grid.png` : undefined,
        images: grid
          ? [1, 2, 3, 4].map((n) => ({ url: `${base}/${id}/${n}.png`, width: 1024, height: 1024 }))
          : count
            ? Array.from({ length: count }, (_, n) => ({
                url: `${base}/${id}/${n + 1}.png`,
                width: 1024,
                height: 1024,
              }))
            : single || s.job.operation === 'faceswap'
              ? [{ url: `${base}/${id}/0.png`, width: 2048, height: 2048 }]
              : [],
        videoUrls: s.job.operation === 'video' ? [`${base}/${id}/0.mp4`] : [],
        texts: s.job.operation === 'shorten' ? ['short prompt'] : texts,
        seed: s.job.operation === 'seed' ? String(1000 + counter) : undefined,
        actions: grid ? [...GRID_ACTIONS] : single ? [...UPSCALED_ACTIONS] : [],
        updatedAt: new Date().toISOString(),
      };
    }
    s.job.raw = { ...s.job, raw: undefined };
    return s.job;
  };

  const find = (providerJobId: string): Stored => {
    const s = store.get(providerJobId);
    if (!s) throw new NotFoundError(`${provider} does not know job ${providerJobId}.`, { provider, status: 404 });
    return s;
  };

  const def: ProviderDefinition = {
    provider,
    capabilities: {
      operations: OPERATIONS,
      actions: ACTION_IDS,
      batchGet: options.batch ?? true,
      webhooks: true,
      cancel: true,
      account: true,
      models: options.models ?? [MIDJOURNEY_MODEL],
    },
    poll: { intervalMs: options.pollIntervalMs ?? 1, maxIntervalMs: options.pollIntervalMs ?? 1 },
    batch: options.batch === false ? undefined : { max: 20, windowMs: 1 },
    webhookSecret: options.webhookSecret,
    async get(id) {
      record('get', id);
      return advance(find(id));
    },
    async getMany(ids) {
      record('getMany', ids);
      return ids.flatMap((id) => (store.has(id) ? [advance(find(id))] : []));
    },
    async imagine(input) {
      record('imagine', input);
      if (input.model === undefined || input.model === MIDJOURNEY_MODEL) {
        return create('imagine', input.prompt, { ref: input.ref });
      }
      const job = create('imagine', input.prompt, { ref: input.ref, model: input.model });
      imageCounts.set(job.providerJobId, input.n ?? 1);
      return job;
    },
    async act(parent, action: ActionId, input) {
      record('act', parent.id, action, input);
      return create('action', input.prompt ?? parent.prompt, { action, parentId: parent.id, ref: input.ref });
    },
    async describe(input) {
      record('describe', input);
      return create('describe', undefined, { ref: input.ref });
    },
    async blend(input) {
      record('blend', input);
      return create('blend', input.prompt, { ref: input.ref });
    },
    async faceSwap(input) {
      record('faceSwap', input);
      return create('faceswap', undefined, { ref: input.ref });
    },
    async video(input) {
      record('video', input);
      return create('video', input.prompt, { ref: input.ref, parentId: input.extend?.id });
    },
    async shorten(input) {
      record('shorten', input);
      return create('shorten', input.prompt, { ref: input.ref });
    },
    async seed(job) {
      record('seed', job.id);
      find(job.providerJobId);
      return create('seed', undefined, { parentId: job.id });
    },
    async cancel(job) {
      record('cancel', job.id);
      const s = find(job.providerJobId);
      if (s.job.status === 'queued' || s.job.status === 'running') s.job = { ...s.job, status: 'cancelled' };
      return s.job;
    },
    async account(): Promise<Account> {
      record('account');
      return { provider, credits: 1000, plan: 'mock', raw: { credits: 1000 } };
    },
    // The same rules as the adapters': the id when known, else a job of the same kind made since
    // `sentAt` whose ref is the submission's (and, without a ref, whose prompt matches), nearest first.
    async findSubmission(submission: Submission) {
      record('findSubmission', submission);
      if (submission.providerJobId) return store.get(submission.providerJobId)?.job;
      if (!submission.ref && !submission.prompt) {
        throw new UnsupportedError(
          `This submission carries neither a ref nor a prompt, so ${provider} cannot tell it.`,
          {
            provider,
          },
        );
      }
      const since = submissionWindowStart(submission, provider);
      const found = [...store.values()]
        .map((s) => s.job)
        .filter(
          (job) =>
            Date.parse(job.createdAt ?? '') >= since &&
            operationMatches(submission.operation, job.operation) &&
            (job.ref || undefined) === (submission.ref || undefined) &&
            // The ref decides when there is one; otherwise the prompt must match.
            (!!submission.ref || (job.prompt !== undefined && promptMatches(submission.prompt ?? '', job.prompt))),
        );
      return nearestFirst(found, (job) => Date.parse(job.createdAt ?? ''), submission.sentAt)[0];
    },
    async parseWebhook(request: WebhookRequest) {
      record('parseWebhook', request.url);
      const body = webhookJson(request, provider) as { id?: string };
      return find(String(body.id ?? '').replace(`${provider}:`, '')).job;
    },
  };

  const client = createClient(def);
  return Object.defineProperties(client, {
    calls: { value: calls, enumerable: true },
    jobs: { get: () => new Map([...store].map(([k, s]) => [k, s.job])), enumerable: true },
    failNext: {
      value(method: string, ...errors: MjGateError[]) {
        scripted.set(method, [...(scripted.get(method) ?? []), ...errors]);
      },
    },
    loseAnswerNext: {
      value(method: LosableMethod, times = 1) {
        const operation = OPERATION_OF[method];
        if (!operation) throw new TypeError(`loseAnswerNext: ${String(method)} is not a submission method.`);
        lost.set(operation, (lost.get(operation) ?? 0) + times);
      },
    },
  }) as MockProvider;
}
