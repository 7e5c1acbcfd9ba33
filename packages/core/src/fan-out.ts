import type { Job } from './job.js';
import { type StoreScope, warnStoreDown } from './store-scope.js';
import type { JobFeed } from './wait.js';

/** How long the latest pushed state of a job stays readable for a wait that subscribes late, ms. */
const LATEST_TTL_MS = 60 * 60_000;

/**
 * Webhook → wait fan-out over the store. A verified callback's job is published on
 * `<scope>:job:<job id>` and kept for an hour under `<scope>:webhook:<job id>`; a `wait()` in any
 * process sharing the store subscribes to that channel (and reads the kept state, in case the
 * callback came before the wait began), so it ends on the callback, with polling as the safety net.
 */
export async function publishJob(shared: StoreScope, job: Job): Promise<void> {
  try {
    const scope = shared.scope;
    // `raw` is the vendor's body, unneeded by a wait and possibly large.
    const text = JSON.stringify({ ...job, raw: undefined });
    await shared.store.set(`${scope}:webhook:${job.id}`, text, LATEST_TTL_MS);
    await shared.store.publish(`${scope}:job:${job.id}`, text);
  } catch (error) {
    warnStoreDown(shared, `the callback of ${job.id}`, 'waits elsewhere see it by polling', error);
  }
}

/**
 * The {@link JobFeed} of one job: what {@link publishJob} sends, from any process on the store.
 * A published state is not handed on as it came: `confirm` reads the job from the vendor once and
 * that is what the wait gets — as the webhook handler's `confirm` does, so a replayed or forged
 * body on a genuine callback URL cannot end a wait with a result the vendor does not report. The
 * wait still ends on the callback, one read later, rather than at its next poll.
 */
export function jobFeed(shared: StoreScope, jobId: string, confirm: () => Promise<Job>): JobFeed {
  return {
    subscribe(listener) {
      let stopped = false;
      let confirming = false;
      let end: (() => Promise<void>) | undefined;
      const deliver = (text: string) => {
        if (stopped || confirming || !parseJob(text, jobId)) return;
        confirming = true;
        confirm()
          .then((job) => {
            if (!stopped) listener(job);
          })
          // A failed read changes nothing: the wait's own polls go on.
          .catch(() => {})
          .finally(() => {
            confirming = false;
          });
      };
      const start = async () => {
        const scope = shared.scope;
        end = await shared.store.subscribe(`${scope}:job:${jobId}`, deliver);
        if (stopped) return void end().catch(() => {});
        const latest = await shared.store.get(`${scope}:webhook:${jobId}`);
        if (latest !== undefined) deliver(latest);
      };
      start().catch((error: unknown) =>
        warnStoreDown(shared, `the callback feed of ${jobId}`, 'the wait goes on polling', error),
      );
      return () => {
        stopped = true;
        end?.().catch(() => {});
      };
    },
  };
}

/** A published job, when it is one and the one waited on (anything else on the channel is ignored). */
function parseJob(text: string, jobId: string): Job | undefined {
  try {
    const job = JSON.parse(text) as Job;
    return job && typeof job === 'object' && job.id === jobId && typeof job.status === 'string' ? job : undefined;
  } catch {
    return undefined;
  }
}
