import { MjGateError, NotFoundError } from './errors.js';
import type { Job, ProviderName } from './job.js';

export interface BatcherOptions {
  provider: ProviderName;
  /** Most ids one request may carry (APIFRAME 20, AceData 50). */
  maxBatch: number;
  /** Fewest ids a batch request accepts (APIFRAME's `/fetch-many` wants 2); smaller groups use `fetchOne`. */
  minBatch?: number;
  /** How long a check waits for company before the request goes out, ms. Default 15. */
  windowMs?: number;
  fetchMany(providerJobIds: string[]): Promise<Job[]>;
  fetchOne(providerJobId: string): Promise<Job>;
}

interface Waiter {
  id: string;
  resolve(job: Job): void;
  reject(error: unknown): void;
}

/**
 * Coalesces status checks: every check asked for within one short window goes out in as few
 * batch requests as the vendor allows, so many concurrent waits cost one request per round.
 */
export class Batcher {
  readonly #options: BatcherOptions;
  #queue: Waiter[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: BatcherOptions) {
    this.#options = options;
  }

  /** The job's current state, from the next batch. */
  get(providerJobId: string, signal?: AbortSignal): Promise<Job> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<Job>((resolve, reject) => {
      const waiter: Waiter = { id: providerJobId, resolve, reject };
      const onAbort = () => {
        this.#queue = this.#queue.filter((queued) => queued !== waiter);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = () => signal?.removeEventListener('abort', onAbort);
      waiter.resolve = (job) => {
        done();
        resolve(job);
      };
      waiter.reject = (error) => {
        done();
        reject(error);
      };
      this.#queue.push(waiter);
      this.#timer ??= setTimeout(() => this.#flush(), this.#options.windowMs ?? 15);
    });
  }

  #flush(): void {
    this.#timer = undefined;
    const waiters = this.#queue;
    this.#queue = [];
    const ids = [...new Set(waiters.map((waiter) => waiter.id))];
    const { maxBatch, minBatch = 1 } = this.#options;
    for (let i = 0; i < ids.length; i += maxBatch) {
      const chunk = ids.slice(i, i + maxBatch);
      const pending = waiters.filter((waiter) => chunk.includes(waiter.id));
      void this.#run(chunk, minBatch, pending);
    }
  }

  async #run(chunk: string[], minBatch: number, waiters: Waiter[]): Promise<void> {
    try {
      const jobs =
        chunk.length < minBatch
          ? await Promise.all(chunk.map((id) => this.#options.fetchOne(id)))
          : await this.#options.fetchMany(chunk);
      const byId = new Map(jobs.map((job) => [job.providerJobId, job]));
      for (const waiter of waiters) {
        const job = byId.get(waiter.id);
        if (job) waiter.resolve(job);
        else
          waiter.reject(
            new NotFoundError(`${this.#options.provider} does not know job ${waiter.id}.`, {
              provider: this.#options.provider,
            }),
          );
      }
    } catch (error) {
      // A batch answer the adapter could not read may hold one bad record among good ones: each
      // job is asked for on its own, so one vendor record cannot fail every wait sharing its batch.
      if (chunk.length > 1 && MjGateError.isInstance(error) && error.code === 'bad_response') {
        await Promise.all(
          waiters.map((waiter) =>
            this.#options.fetchOne(waiter.id).then(
              (job) => waiter.resolve(job),
              (single: unknown) => waiter.reject(single),
            ),
          ),
        );
        return;
      }
      for (const waiter of waiters) waiter.reject(error);
    }
  }
}
