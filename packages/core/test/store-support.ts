import { createHash } from 'node:crypto';
// A fake vendor whose state several clients share, each client standing for one process: what two
// workers on one API key see. Every client built by `client(store)` is a separate `createClient`,
// so nothing is shared between them but the vendor and the store handed in.
import { emptyJob, type Job, MjGateError, type Store, type Submission, TimeoutError } from '../src/index.js';
import { createClient, type ProviderDefinition, storeScope } from '../src/provider.js';
import type { MidjourneyClient, WebhookRequest } from '../src/types.js';

export const KEY = 'sk-test-0123456789abcdef';

export interface FakeVendor {
  /** Every status read (job id), in order. */
  readonly polls: string[];
  /** Every submission that reached the vendor, in order. */
  readonly submissions: Array<{ operation: string; prompt?: string; ref?: string }>;
  readonly jobs: Map<string, Job>;
  /** Sets a job's state as the vendor reports it from now on. */
  finish(id: string, status?: Job['status']): Job;
  /** The next submissions create their job and then fail like this (one per submission). */
  failNext(...errors: Array<(submission: Submission) => MjGateError>): void;
  /** Holds the next submission until `release()` (to line up concurrent duplicates). */
  holdNext(): { release(): void; reached: Promise<void> };
  /** Hides jobs from `findSubmission` (a vendor whose listing lags). */
  hidden: boolean;
  /** A client of this vendor, sharing `store` (one per simulated process). */
  client(store?: Store, options?: { idempotencyTtlMs?: number; logger?: Logger; findable?: boolean }): MidjourneyClient;
  /** A callback body the vendor would post for the job. */
  webhook(id: string): WebhookRequest;
}

interface Logger {
  warn?(message: string, data?: Record<string, unknown>): void;
}

/** A lost answer: the vendor created the job, the client never heard. */
export const lostAnswer = (submission: Submission) =>
  new TimeoutError('The answer was lost after the body was sent.', {
    provider: 'fake',
    mayHaveCreatedJob: true,
    submission,
  });

export function fakeVendor(): FakeVendor {
  const submissions: FakeVendor['submissions'] = [];
  const jobs = new Map<string, Job>();
  const polls: string[] = [];
  const failures: Array<(submission: Submission) => MjGateError> = [];
  let hold: { gate: Promise<void>; reached: () => void } | undefined;
  let counter = 0;

  const vendor: FakeVendor = {
    submissions,
    polls,
    jobs,
    hidden: false,
    finish(id, status = 'succeeded') {
      const job = { ...jobs.get(id)!, status, progress: status === 'succeeded' ? 100 : null };
      jobs.set(id, job);
      return job;
    },
    failNext(...errors) {
      failures.push(...errors);
    },
    holdNext() {
      let release!: () => void;
      let reached!: () => void;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      const arrived = new Promise<void>((resolve) => {
        reached = resolve;
      });
      hold = { gate, reached };
      return { release, reached: arrived };
    },
    client(store, options = {}) {
      const definition: ProviderDefinition = {
        provider: 'fake',
        capabilities: {
          operations: ['imagine', 'action', 'describe'],
          actions: ['upscale-1', 'upscale-2', 'upscale-3', 'upscale-4'],
          batchGet: false,
          webhooks: true,
          cancel: false,
          account: false,
        },
        poll: { intervalMs: 1_000, maxIntervalMs: 1_000 },
        shared: storeScope('fake', KEY, { store, logger: options.logger, idempotencyTtlMs: options.idempotencyTtlMs }),
        async get(providerJobId) {
          const id = `fake:${providerJobId}`;
          polls.push(id);
          const job = jobs.get(id);
          if (!job) throw new MjGateError('not_found', `fake does not know ${id}.`, { provider: 'fake' });
          return job;
        },
        async imagine(input) {
          return submit('imagine', input.prompt, input.ref);
        },
        async act(parent, action, input) {
          return submit('action', parent.prompt, input.ref, { action, parentId: parent.id });
        },
        async describe(input) {
          return submit('describe', undefined, input.ref);
        },
        findSubmission:
          options.findable === false
            ? undefined
            : async (submission) =>
                vendor.hidden
                  ? undefined
                  : [...jobs.values()].find(
                      (job) =>
                        job.operation === submission.operation &&
                        job.prompt === submission.prompt &&
                        job.ref === submission.ref,
                    ),
        async parseWebhook(request) {
          return JSON.parse(String(request.body)) as Job;
        },
      };
      return createClient(definition);
    },
    webhook(id) {
      return {
        url: 'https://app.example/hooks/mj',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(jobs.get(id)),
      };
    },
  };

  async function submit(operation: Job['operation'], prompt?: string, ref?: string, extra: Partial<Job> = {}) {
    submissions.push({ operation, prompt, ref });
    counter += 1;
    const job = emptyJob({
      provider: 'fake',
      providerJobId: `job-${counter}`,
      operation,
      status: 'queued',
      prompt,
      ref,
      createdAt: new Date(Date.now() + counter).toISOString(),
      ...extra,
    });
    jobs.set(job.id, job);
    if (hold) {
      const { gate, reached } = hold;
      hold = undefined;
      reached();
      await gate;
    }
    const failure = failures.shift();
    if (failure) throw failure({ provider: 'fake', operation, prompt, ref, sentAt: new Date().toISOString() });
    return job;
  }

  return vendor;
}

/** A store whose every operation rejects, as a Redis that is down does. */
export function downStore(): Store & { calls: string[] } {
  const calls: string[] = [];
  const fail = (name: string) => async () => {
    calls.push(name);
    throw new Error('connect ECONNREFUSED 127.0.0.1:6379');
  };
  return {
    shared: true,
    digest: (text) => createHash('sha256').update(text).digest('hex'),
    calls,
    reserveSlot: fail('reserveSlot'),
    acquireLease: fail('acquireLease'),
    releaseLease: fail('releaseLease'),
    get: fail('get'),
    set: fail('set'),
    setIfAbsent: fail('setIfAbsent'),
    delete: fail('delete'),
    increment: fail('increment'),
    setEntry: fail('setEntry'),
    deleteEntry: fail('deleteEntry'),
    entries: fail('entries'),
    publish: fail('publish'),
    subscribe: fail('subscribe'),
  };
}

/** A logger that keeps its warnings. */
export function warnings(): { lines: string[]; logger: Logger } {
  const lines: string[] = [];
  return { lines, logger: { warn: (message) => lines.push(message) } };
}
