import { type CallOptions, type Job, type Operation, type Submission, UnsupportedError } from '@mjgate/core';
import {
  nearestFirst,
  operationMatches,
  promptMatches,
  readIfKnown,
  submissionWindowStart,
  webhookContext,
  webhookProvider,
} from '@mjgate/core/provider';
import { classify, isoTime, type JobContext, PROVIDER, recordToJob } from './mapping.js';
import type { AceDataTaskRecord } from './schemas.js';
import { callbackContext } from './webhook.js';

// Finding the job of a submission whose answer was lost, in AceData's task listing: `POST
// /midjourney/tasks` with `action: 'retrieve_batch'` and no ids lists recent tasks, `offset` and
// `limit` page it, and `created_at_min` (epoch seconds) narrows it to a time window (§10.1). Each
// record holds the `request` as AceData recorded it (§10.2): its prompt, and the `callback_url`,
// where mjgate's signed callback context carries the submission's `ref`.

/** Tasks asked for per page; AceData's own clients ask for at most 50 (§10.1, §13). */
export const TASK_PAGE_SIZE = 50;
/** Pages read at most per lookup: the newest 1 000 tasks since the submission. */
export const TASK_MAX_PAGES = 20;

/** Operations that leave a task record mjgate can match a submission to. */
const LISTED: ReadonlySet<Operation> = new Set<Operation>(['imagine', 'blend', 'action', 'video', 'shorten']);

/** What the lookup reads: the client's task endpoint. */
export interface TaskSource {
  /** One `retrieve_batch` page (§10.1). */
  list(
    query: { offset: number; limit: number; createdAtMin: number },
    options: CallOptions,
  ): Promise<{ items: AceDataTaskRecord[]; count?: number | null }>;
  /** One `retrieve` (§10.1). */
  get(providerJobId: string, options: CallOptions): Promise<Job>;
}

/**
 * The job `submission` created at AceData, or `undefined` when its task listing holds none.
 *
 * - A `providerJobId` (salvaged from a cut answer) is read directly.
 * - Otherwise the tasks created since `sentAt` (less the clock-skew allowance) are listed. A task is
 *   a candidate when its task type fits the operation (`type` and `request.action`; AceData makes a
 *   blend an imagine with image URLs in front, §11) and:
 *   - its `callback_url` is one mjgate signed: then the `ref` in it must be the submission's — an
 *     exact match when the submission has one;
 *   - otherwise AceData never saw a ref (it has no field for one), so the recorded prompt must be
 *     the submitted one with at most image URLs before and `--flags` after.
 *   Of several candidates, the one created nearest `sentAt` is the job.
 *
 * AceData records no prompt for a follow-up action (only the action and the `image_id`), so an action
 * is found only by the ref in its callback URL: submit actions with a `webhookUrl` and a `ref`.
 */
export async function findInTasks(
  submission: Submission,
  source: TaskSource,
  options: CallOptions,
): Promise<Job | undefined> {
  if (submission.providerJobId) return readIfKnown(source, submission.providerJobId, options);
  if (!LISTED.has(submission.operation)) {
    throw new UnsupportedError(
      submission.operation === 'describe'
        ? 'AceData answers describe in the same call (§6) and records nothing mjgate can match to it: describe again (it is not queued work).'
        : `AceData has no ${submission.operation} task to look for.`,
      { provider: PROVIDER },
    );
  }
  const ref = nonEmpty(submission.ref);
  const prompt = nonEmpty(submission.prompt);
  if (ref === undefined && prompt === undefined) {
    throw new UnsupportedError(
      `This ${submission.operation} submission carries neither a ref nor a prompt, so no AceData task can be told to be it. Pass a webhookUrl and a unique ref with each submission.`,
      { provider: PROVIDER },
    );
  }
  const since = submissionWindowStart(submission, PROVIDER);
  const candidates: Array<{ record: AceDataTaskRecord; id: string; created?: number; context: Partial<JobContext> }> =
    [];
  for (let page = 0; page < TASK_MAX_PAGES; page++) {
    const offset = page * TASK_PAGE_SIZE;
    const query = { offset, limit: TASK_PAGE_SIZE, createdAtMin: Math.floor(since / 1000) };
    const { items, count } = await source.list(query, options);
    for (const record of items) {
      const id = record.id ?? record.response?.task_id;
      const created = timeOf(record.created_at);
      if (!id || (created !== undefined && created < since)) continue;
      // `edits` is AceData's own endpoint (the adapter's `edit`), not a core operation.
      if (record.type?.trim().toLowerCase() === 'edits') continue;
      const listed = classify(record.request, record.type, record.response).operation;
      if (!operationMatches(submission.operation, listed, { sameGenerate: true })) continue;
      const callback = callbackOf(record);
      if (callback) {
        // AceData got the ref in the callback URL: it decides, and a task without one is not this one's.
        if (nonEmpty(callback.ref) !== ref) continue;
        if (ref !== undefined) {
          candidates.push({ record, id, created, context: callback });
          continue;
        }
      }
      const listedPrompt = nonEmpty(record.request?.prompt);
      if (prompt === undefined || listedPrompt === undefined || !promptMatches(prompt, listedPrompt)) continue;
      candidates.push({ record, id, created, context: { ...callback, ...(ref !== undefined ? { ref } : {}) } });
    }
    const done =
      items.length === 0 ||
      (typeof count === 'number' && offset + items.length >= count) ||
      // A vendor that ignores `created_at_min` still lists newest first: a page all older ends the search.
      items.every((record) => (timeOf(record.created_at) ?? Number.POSITIVE_INFINITY) < since);
    if (done) break;
  }
  const [best] = nearestFirst(candidates, (candidate) => candidate.created, submission.sentAt);
  return best ? recordToJob(best.record, best.id, best.context) : undefined;
}

/** The job context mjgate put in a task's callback URL, when the URL is one mjgate signed for AceData. */
function callbackOf(record: AceDataTaskRecord): Partial<JobContext> | undefined {
  const url = (record.request as Record<string, unknown> | null | undefined)?.callback_url;
  if (typeof url !== 'string' || webhookProvider(url) !== PROVIDER) return undefined;
  return callbackContext(webhookContext(url));
}

function timeOf(value: unknown): number | undefined {
  const iso = isoTime(value);
  return iso === undefined ? undefined : Date.parse(iso);
}

function nonEmpty(value: string | null | undefined): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}
