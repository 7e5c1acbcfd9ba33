import type { Submission } from '@mjgate/core';
import { nearestFirst, operationMatches, promptMatches, submissionWindowStart } from '@mjgate/core/provider';
import * as v from '@mjgate/core/valibot';
import { actionWord, OPERATION_OF_ACTION } from './mapping.js';
import { type Task, taskSchema } from './schemas.js';
import { PROVIDER } from './vendor.js';

// `findSubmission` over `GET /mj/task/list` (vendor doc §3.16: novicezk lists every task, newest
// first; trueai the newest 100; new-api has no such route). A submission whose answer was lost is
// found by the `state` it carried (its `ref`, echoed on the task, §3), else by its prompt, operation
// and time.

/**
 * The listed Task that `submission` most likely created, or `undefined`. A `ref` decides alone (the
 * server stores it verbatim as `state`); without one, the prompt (as sent, or with the flags and image
 * URLs adapters add), the operation and a creation time no earlier than the submission must match,
 * and the task created nearest the submission wins.
 */
export function findInListing(submission: Submission, listed: readonly unknown[]): Task | undefined {
  const since = submissionWindowStart(submission, PROVIDER);
  const tasks = listed.flatMap((raw) => {
    const parsed = v.safeParse(taskSchema, raw);
    return parsed.success ? [parsed.output] : [];
  });
  const candidates = tasks.filter((task) => {
    if (typeof task.submitTime === 'number' && task.submitTime > 0 && task.submitTime < since) return false;
    if (submission.ref !== undefined) return task.state === submission.ref;
    const word = actionWord(task);
    const operation = Object.hasOwn(OPERATION_OF_ACTION, word) ? OPERATION_OF_ACTION[word] : undefined;
    if (!operationMatches(submission.operation, operation)) return false;
    return submission.prompt !== undefined && promptMatches(submission.prompt, task.prompt ?? '');
  });
  return nearestFirst(candidates, (task) => task.submitTime ?? undefined, submission.sentAt)[0];
}
