import { type CallOptions, type Job, type Operation, type Submission, UnsupportedError } from '@mjgate/core';
import {
  nearestFirst,
  operationMatches,
  promptMatches,
  readIfKnown,
  submissionWindowStart,
} from '@mjgate/core/provider';
import {
  actionOfLabel,
  decodeJobId,
  encodeJobId,
  type IdKind,
  isIdKind,
  isoOf,
  nonEmpty,
  PROVIDER,
} from './mapping.js';
import type { HistoryItem } from './schemas.js';

// Finding the job of a submission whose answer was lost, in ImaginePro's history (§3.7): the images
// generated in the last 24 hours, newest first, each with its id, type, button, prompt and time.
// The history carries no `ref`, but the message of each job does (§2.1, §3.2), so a candidate found
// by time, operation and prompt is confirmed by one status read.

/** Entries asked for per history page. */
export const HISTORY_PAGE_SIZE = 100;
/**
 * History pages read at most per lookup: the newest 1 000 images. At ImaginePro's one request per
 * 3 s on the history endpoint (§5) that is half a minute at worst; most lookups stop after one page.
 */
export const HISTORY_MAX_PAGES = 10;
/** Candidates confirmed by a status read at most (the message endpoint allows 10 a second, §5). */
const MAX_CONFIRMATIONS = 20;

/** What the lookup reads: the client's paced history endpoint and its `get`. */
export interface HistorySource {
  /** One page of the history, newest first. */
  page(page: number, size: number, options: CallOptions): Promise<HistoryItem[]>;
  /** One status read (§3.2). */
  get(providerJobId: string, options: CallOptions): Promise<Job>;
}

/**
 * The job `submission` created at ImaginePro, or `undefined` when its history lists none.
 *
 * - A `providerJobId` (salvaged from a cut answer) is read directly.
 * - Otherwise the history is read from the newest entry back to `sentAt` (less the clock-skew
 *   allowance). An entry is a candidate when what made it fits the operation (its `type` and `button`)
 *   and, for a submission without a ref, its prompt is the submitted one with at most image URLs
 *   before and `--flags` after (the adapter adds `--ar`, `--fast`, …). The candidates are read —
 *   matching prompts first, then nearest `sentAt` first — and the first whose `ref` is the
 *   submission's (none when it had none) is the job.
 *
 * The history lists finished images only: a job still running, a describe or a video is not in it
 * (describe and video lookups throw `UnsupportedError`), so `undefined` can mean "not finished yet".
 */
export async function findInHistory(
  submission: Submission,
  source: HistorySource,
  options: CallOptions,
): Promise<Job | undefined> {
  const idKind: IdKind | undefined = isIdKind(submission.operation) ? submission.operation : undefined;
  if (submission.providerJobId) {
    const { idKind: named, messageId } = decodeJobId(submission.providerJobId);
    return readIfKnown(source, encodeJobId(named ?? idKind, messageId), options);
  }
  if (submission.operation === 'describe' || submission.operation === 'video') {
    throw new UnsupportedError(
      `ImaginePro's history lists generated images only, so a ${submission.operation} job cannot be looked up there. Pass a webhookUrl with each ${submission.operation}: ImaginePro calls it for every job it created.`,
      { provider: PROVIDER },
    );
  }
  const ref = nonEmpty(submission.ref);
  const prompt = nonEmpty(submission.prompt);
  if (ref === undefined && prompt === undefined) {
    throw new UnsupportedError(
      `This ${submission.operation} submission carries neither a ref nor a prompt, so no ImaginePro history entry can be told to be it. Pass a unique ref with each submission.`,
      { provider: PROVIDER },
    );
  }
  const since = submissionWindowStart(submission, PROVIDER);
  const candidates: Array<{ item: HistoryItem; created: number | undefined; promptMatched: boolean }> = [];
  for (let page = 1; page <= HISTORY_MAX_PAGES; page++) {
    const items = await source.page(page, HISTORY_PAGE_SIZE, options);
    for (const item of items) {
      const created = timeOf(item.createdAt);
      if (created !== undefined && created < since) continue;
      if (!operationMatches(submission.operation, listedOperation(item))) continue;
      const listedPrompt = nonEmpty(item.prompt);
      const promptMatched = prompt !== undefined && listedPrompt !== undefined && promptMatches(prompt, listedPrompt);
      // With no ref, only a prompt match tells this entry from the others. With one, the ref decides
      // (a prompt the vendor rewrote must not hide the job); a matching prompt only goes first.
      if (ref === undefined && !promptMatched) continue;
      candidates.push({ item, created, promptMatched });
    }
    // Newest first: once an entry predates the submission, so do all the pages after it. A short page
    // is not taken as the last one, because ImaginePro documents no maximum `size`.
    const oldest = timeOf(items.at(-1)?.createdAt);
    if (items.length === 0 || (oldest !== undefined && oldest < since)) break;
  }
  const nearest = nearestFirst(candidates, (candidate) => candidate.created, submission.sentAt);
  const likeliest = [
    ...nearest.filter((candidate) => candidate.promptMatched),
    ...nearest.filter((candidate) => !candidate.promptMatched),
  ];
  for (const { item } of likeliest.slice(0, MAX_CONFIRMATIONS)) {
    const job = await readIfKnown(source, encodeJobId(idKind, item.id), options);
    // The message echoes the `ref` sent (§2.1), so it decides; a submission without one made a job without one.
    if (job && nonEmpty(job.ref) === ref) return job;
  }
  return undefined;
}

/**
 * The operation a history entry's `type` and `button` say made it; `undefined` when they do not say
 * (the docs give `type` as "<action>" without listing its values, §3.7).
 */
function listedOperation(item: HistoryItem): Operation | undefined {
  const type = nonEmpty(item.type)?.toLowerCase();
  const button = nonEmpty(item.button);
  if (button && actionOfLabel(button)) return 'action';
  if (type === 'faceswap' || button?.toLowerCase() === 'faceswap') return 'faceswap';
  if (type === 'imagine' || type === 'blend') return type;
  return undefined;
}

function timeOf(value: string | null | undefined): number | undefined {
  const iso = isoOf(value);
  return iso === undefined ? undefined : Date.parse(iso);
}
