import { isTerminal, type Job } from './job.js';
import { type StoreScope, storeUnavailable, warnStoreDown } from './store-scope.js';

/**
 * The jobs a client submitted and has not yet seen finish, kept in the store as one map per scope
 * (`<scope>:pending`, field = job id, value = the job as submitted, JSON), so a worker that restarts
 * — or another one — can list them with `pending()` and wait on them again. A job leaves the map
 * when a `get`, `wait` or webhook of any client on the scope sees it terminal.
 */
export class PendingJobs {
  constructor(readonly shared: StoreScope) {}

  /** Records a job just submitted. A store failure is logged: the job itself is not at risk. */
  async submitted(job: Job): Promise<void> {
    if (isTerminal(job.status)) return;
    try {
      // `raw` is the vendor's answer: bulky, and nothing a resumed wait needs.
      const { raw: _raw, ...kept } = job;
      await this.shared.store.setEntry(this.#key(), job.id, JSON.stringify(kept));
    } catch (error) {
      warnStoreDown(this.shared, 'the pending-jobs list', `${job.id} is not listed by pending()`, error);
    }
  }

  /** Takes a job off the list once it is terminal. */
  async seen(job: Job): Promise<void> {
    if (!isTerminal(job.status)) return;
    try {
      await this.shared.store.deleteEntry(this.#key(), job.id);
    } catch (error) {
      warnStoreDown(this.shared, 'the pending-jobs list', `${job.id} stays listed until seen finished again`, error);
    }
  }

  /** The jobs submitted on this scope and not seen finished, oldest first. */
  async list(): Promise<Job[]> {
    let entries: Array<[string, string]>;
    try {
      entries = await this.shared.store.entries(this.#key());
    } catch (error) {
      throw storeUnavailable(this.shared, error, 'the pending jobs cannot be listed.');
    }
    const jobs: Job[] = [];
    for (const [id, text] of entries) {
      try {
        const job = JSON.parse(text) as Job;
        if (job && job.id === id) jobs.push({ ...job, raw: undefined });
      } catch {
        // An unreadable entry names no job to resume; the others still do.
      }
    }
    return jobs.sort((a, b) => String(a.createdAt ?? '').localeCompare(String(b.createdAt ?? '')));
  }

  #key(): string {
    return `${this.shared.scope}:pending`;
  }
}
