// Property-based fuzzing of everything APIFRAME's answers flow through (issue 10 §9): `/fetch`,
// `/fetch-many`, submissions, actions and webhooks, fed mutated copies of the vendor reference's
// examples. Whatever the vendor says, the caller gets a valid Job or an MjGateError.
import fc from 'fast-check';
import * as v from 'valibot';
import { describe, it } from 'vitest';
import {
  answering,
  expectJobOrTypedError,
  FUZZ_SEED,
  hostileBody,
  hostileStatus,
  loadFixtures,
} from '../../core/test/fuzz-support.js';
import { createApiFrame } from '../src/index.js';
import { type KnownTask, taskToJob } from '../src/mapping.js';
import { submitSchema, taskSchema } from '../src/schemas.js';
import { BASE, jobFrom, KEY } from './helpers.js';

const fixtures = loadFixtures(new URL('./fixtures/', import.meta.url));
const named = (pattern: RegExp) =>
  Object.entries(fixtures)
    .filter(([name]) => pattern.test(name))
    .map(([, body]) => body);

/** Task objects (§2): what `/fetch` answers and webhooks deliver, in every state. */
const TASKS = named(/-(finished|processing|starting|error|message|with-status)$/);
const idOf = (task: unknown) =>
  String((task as { task_id?: unknown; taskId?: unknown }).task_id ?? (task as { taskId?: unknown }).taskId);
/** `/fetch-many` answers: the vendor's example and a few more tasks. */
const BATCHES = [fixtures['fetch-many'], { tasks: TASKS.slice(0, 4) }, { tasks: TASKS.slice(4, 9) }];
/** Submission answers (§1.2) and error bodies (§1.4). */
const SUBMITTED = named(/^(submit|error-\d+)$/);
/** Every field the schemas read, so a mutation can add one a fixture leaves out; `status` and `task_type` get odd words. */
const FIELDS = {
  fields: [...Object.keys(taskSchema.pipe[0].entries), ...Object.keys(submitSchema.pipe[0].entries)],
  words: ['status', 'task_type'],
};
const RUNS = 500;
const MAPPING_RUNS = 2_000;

const client = (status: number, body: string) =>
  createApiFrame({ apiKey: KEY, baseURL: BASE, fetch: answering(status, body), maxRetries: 0 });

/** A finished grid to act on, as polling returned it. */
const parent = jobFrom('imagine-finished');

describe('APIFRAME: every answer becomes a Job or an MjGateError', () => {
  // The mapping alone, without core's output guard behind it: what mapping.ts itself guarantees.
  it(`the mapping of any task that passes the schema, ${MAPPING_RUNS} cases`, async () => {
    const known = fc.constantFrom<KnownTask | undefined>(
      undefined,
      { operation: 'describe' },
      { operation: 'action', action: 'upscale-2', parentId: 'apiframe:p', ref: 'r' },
    );
    await fc.assert(
      fc.asyncProperty(hostileBody(TASKS, FIELDS), known, async (body, memo) => {
        let parsed: unknown;
        try {
          parsed = JSON.parse(body);
        } catch {
          return;
        }
        const task = v.safeParse(taskSchema, parsed);
        if (task.success) await expectJobOrTypedError('apiframe', async () => taskToJob(parsed, task.output, memo));
      }),
      { seed: FUZZ_SEED + 25, numRuns: MAPPING_RUNS },
    );
  });

  it(`status checks (/fetch), ${RUNS} cases`, async () => {
    // The id asked for is the fixture's own, so most answers get past the "another job" check to the mapping.
    const cases = fc
      .constantFrom(...TASKS)
      .chain((task) => fc.tuple(fc.constant(idOf(task)), hostileBody([task], FIELDS)));
    await fc.assert(
      fc.asyncProperty(hostileStatus, cases, async (status, [id, body]) => {
        await expectJobOrTypedError('apiframe', () => client(status, body).get(id));
      }),
      { seed: FUZZ_SEED + 20, numRuns: RUNS },
    );
  });

  it(`batched status checks (/fetch-many), ${RUNS} cases`, async () => {
    const ids = fc.subarray([...TASKS.map(idOf), 'other'], { minLength: 2, maxLength: 6 });
    await fc.assert(
      fc.asyncProperty(hostileStatus, hostileBody(BATCHES, FIELDS), ids, async (status, body, asked) => {
        await expectJobOrTypedError('apiframe', () => client(status, body).getMany(asked));
      }),
      { seed: FUZZ_SEED + 21, numRuns: RUNS },
    );
  });

  it(`submissions (imagine, describe, shorten), ${RUNS} cases`, async () => {
    const submit = fc.constantFrom(
      (apiframe: ReturnType<typeof client>) => apiframe.imagine({ prompt: 'a red fox in snow', ref: 'fuzz' }),
      (apiframe: ReturnType<typeof client>) => apiframe.describe({ imageUrl: 'https://example.com/cat.png' }),
      (apiframe: ReturnType<typeof client>) => apiframe.shorten({ prompt: 'a red fox in snow, very detailed' }),
    );
    await fc.assert(
      fc.asyncProperty(hostileStatus, hostileBody(SUBMITTED, FIELDS), submit, async (status, body, call) => {
        await expectJobOrTypedError('apiframe', () => call(client(status, body)));
      }),
      { seed: FUZZ_SEED + 22, numRuns: RUNS },
    );
  });

  it(`actions (act), ${RUNS} cases`, async () => {
    const actions = fc.constantFrom(...parent.actions);
    await fc.assert(
      fc.asyncProperty(hostileStatus, hostileBody(SUBMITTED, FIELDS), actions, async (status, body, action) => {
        await expectJobOrTypedError('apiframe', () => client(status, body).act(parent, action));
      }),
      { seed: FUZZ_SEED + 23, numRuns: RUNS },
    );
  });

  it(`webhooks (parseWebhook), ${RUNS} cases`, async () => {
    const urls = fc.constantFrom(
      'https://app.example/hook',
      'https://app.example/hook?mjgate_provider=apiframe&mjgate_op=describe',
      'https://app.example/hook?mjgate_op=action&mjgate_action=upscale-2&mjgate_parent=apiframe%3Ap&mjgate_ref=r',
      'not a url',
    );
    await fc.assert(
      fc.asyncProperty(hostileBody(TASKS, FIELDS), urls, async (body, url) => {
        await expectJobOrTypedError('apiframe', () =>
          client(200, '{}').parseWebhook({ url, headers: { 'content-type': 'application/json' }, body }),
        );
      }),
      { seed: FUZZ_SEED + 24, numRuns: RUNS },
    );
  });
});
