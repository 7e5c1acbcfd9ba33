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

/**
 * The grid, ms, on which the polls of a batching client's waits fall due (`PollDefaults.alignMs`):
 * polls planned within the same second go out together, so at scale each request carries as many
 * ids as the vendor allows. A second is well under the floor a wait polls at around a job's finish.
 */
export const BATCH_SLOT_MS = 1_000;

interface Waiter {
  id: string;
  resolve(job: Job): void;
  reject(error: unknown): void;
}

/**
 * Coalesces status checks: every check asked for within one short window goes out in as few
 * batch requests as the vendor allows, so many concurrent waits cost one request per round.
 * Waiters are kept by job id, so an answer reaches its waiters without scanning the others.
 */
export class Batcher {
  readonly #options: BatcherOptions;
  /** Waiters of the next batch, by vendor job id (several waits may watch one job). */
  #queue = new Map<string, Waiter[]>();
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: BatcherOptions) {
    this.#options = options;
  }

  /** The job's current state, from the next batch. */
  get(providerJobId: string, signal?: AbortSignal): Promise<Job> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<Job>((resolve, reject) => {
      const onAbort = () => {
        const waiters = this.#queue.get(providerJobId);
        const at = waiters?.indexOf(waiter) ?? -1;
        if (waiters && at >= 0) {
          waiters.splice(at, 1);
          if (waiters.length === 0) this.#queue.delete(providerJobId);
        }
        reject(signal?.reason);
      };
      const waiter: Waiter = {
        id: providerJobId,
        resolve: (job) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(job);
        },
        reject: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const waiters = this.#queue.get(providerJobId);
      if (waiters) waiters.push(waiter);
      else {
        this.#queue.set(providerJobId, [waiter]);
        // A full batch need not wait for company.
        if (this.#queue.size >= this.#options.maxBatch) {
          this.#flush();
          return;
        }
      }
      this.#timer ??= setTimeout(() => this.#flush(), this.#options.windowMs ?? 15);
    });
  }

  #flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const queue = this.#queue;
    this.#queue = new Map();
    const ids = [...queue.keys()];
    const { maxBatch, minBatch = 1 } = this.#options;
    for (let i = 0; i < ids.length; i += maxBatch) {
      const chunk = ids.slice(i, i + maxBatch);
      void this.#run(chunk, minBatch, queue);
    }
  }

  async #run(chunk: string[], minBatch: number, queue: Map<string, Waiter[]>): Promise<void> {
    const waitersOf = (id: string) => queue.get(id) ?? [];
    try {
      const jobs =
        chunk.length < minBatch
          ? await Promise.all(chunk.map((id) => this.#options.fetchOne(id)))
          : await this.#options.fetchMany(chunk);
      const byId = new Map(jobs.map((job) => [job.providerJobId, job]));
      for (const id of chunk) {
        const job = byId.get(id);
        const missing = job
          ? undefined
          : new NotFoundError(`${this.#options.provider} does not know job ${id}.`, {
              provider: this.#options.provider,
            });
        for (const waiter of waitersOf(id)) {
          if (job) waiter.resolve(job);
          else waiter.reject(missing);
        }
      }
    } catch (error) {
      // A batch answer the adapter could not read may hold one bad record among good ones: each
      // job is asked for on its own, so one vendor record cannot fail every wait sharing its batch.
      if (chunk.length > 1 && MjGateError.isInstance(error) && error.code === 'bad_response') {
        await Promise.all(
          chunk.map((id) =>
            this.#options.fetchOne(id).then(
              (job) => {
                for (const waiter of waitersOf(id)) waiter.resolve(job);
              },
              (single: unknown) => {
                for (const waiter of waitersOf(id)) waiter.reject(single);
              },
            ),
          ),
        );
        return;
      }
      for (const id of chunk) for (const waiter of waitersOf(id)) waiter.reject(error);
    }
  }
}
