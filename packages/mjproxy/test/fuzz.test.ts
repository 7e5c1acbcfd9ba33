// Property-based fuzzing of everything a midjourney-proxy server's answers flow through: `fetch`,
// `list-by-condition`, submissions, actions (with the modal) and callbacks, fed mutated copies of the
// reference's payloads (vendors/mjproxy.md §1.3, §2.7). Whatever the server says, the caller gets a
// valid Job or an MjGateError.
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
import { createMjProxy } from '../src/index.js';
import { type KnownTask, taskToJob } from '../src/mapping.js';
import { submitResultSchema, taskSchema } from '../src/schemas.js';
import { BASE, jobFrom, KEY } from './helpers.js';

const fixtures = loadFixtures(new URL('./fixtures/', import.meta.url));
const named = (pattern: RegExp) =>
  Object.entries(fixtures)
    .filter(([name]) => pattern.test(name))
    .map(([, body]) => body);

/** Tasks (§2): what `fetch` answers and callbacks deliver, in every state and dialect. */
const TASKS = named(/^task-/);
const idOf = (task: unknown) => String((task as { id?: unknown }).id);
/** `list-by-condition` answers: arrays of Tasks (§3.13). */
const LISTS = [TASKS.slice(0, 3), TASKS.slice(3, 7), TASKS.slice(7)];
/** Submission answers and error bodies (§1.3, §1.4). */
const SUBMITTED = named(/^(submit-|seed|trueai-|newapi-)/);
/** Every field the schemas read, so a mutation can add one a fixture leaves out; `status` and `action` get odd words. */
const FIELDS = {
  fields: [...Object.keys(taskSchema.entries), ...Object.keys(submitResultSchema.entries)],
  words: ['status', 'action'],
};
const RUNS = 500;
const MAPPING_RUNS = 2_000;

const client = (status: number, body: string) =>
  createMjProxy({ apiKey: KEY, baseURL: BASE, fetch: answering(status, body), maxRetries: 0 });

/** Finished parents to act on, as polling returned them: a grid with buttons, one without, an upscale. */
const PARENTS = [jobFrom('task-grid-trueai'), jobFrom('task-imagine-novicezk'), jobFrom('task-upscale-trueai')];

describe('mjproxy: every answer becomes a Job or an MjGateError', () => {
  it(`the mapping of any task that passes the schema, ${MAPPING_RUNS} cases`, async () => {
    const known = fc.constantFrom<KnownTask | undefined>(
      undefined,
      { operation: 'describe' },
      { operation: 'action', action: 'upscale-2', parentId: 'mjproxy:p', ref: 'r' },
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
        if (task.success) await expectJobOrTypedError('mjproxy', async () => taskToJob(parsed, task.output, memo));
      }),
      { seed: FUZZ_SEED + 45, numRuns: MAPPING_RUNS },
    );
  });

  it(`status checks (fetch), ${RUNS} cases`, async () => {
    const cases = fc
      .constantFrom(...TASKS)
      .chain((task) => fc.tuple(fc.constant(idOf(task)), hostileBody([task], FIELDS)));
    await fc.assert(
      fc.asyncProperty(hostileStatus, cases, async (status, [id, body]) => {
        await expectJobOrTypedError('mjproxy', () => client(status, body).get(id));
      }),
      { seed: FUZZ_SEED + 40, numRuns: RUNS },
    );
  });

  it(`batched status checks (list-by-condition), ${RUNS} cases`, async () => {
    const ids = fc.subarray([...TASKS.map(idOf), 'other'], { minLength: 2, maxLength: 6 });
    await fc.assert(
      fc.asyncProperty(hostileStatus, hostileBody(LISTS, FIELDS), ids, async (status, body, asked) => {
        await expectJobOrTypedError('mjproxy', () => client(status, body).getMany(asked));
      }),
      { seed: FUZZ_SEED + 41, numRuns: RUNS },
    );
  });

  it(`submissions (imagine, describe, blend, shorten), ${RUNS} cases`, async () => {
    const submit = fc.constantFrom(
      (mj: ReturnType<typeof client>) => mj.imagine({ prompt: 'a red fox in snow', ref: 'fuzz' }),
      (mj: ReturnType<typeof client>) => mj.describe({ imageUrl: 'https://example.com/cat.png' }),
      (mj: ReturnType<typeof client>) =>
        mj.blend({ imageUrls: ['https://example.com/a.png', 'https://example.com/b.png'] }),
      (mj: ReturnType<typeof client>) => mj.shorten({ prompt: 'a red fox in snow, very detailed' }),
    );
    await fc.assert(
      fc.asyncProperty(hostileStatus, hostileBody(SUBMITTED, FIELDS), submit, async (status, body, call) => {
        await expectJobOrTypedError('mjproxy', () => call(client(status, body)));
      }),
      { seed: FUZZ_SEED + 42, numRuns: RUNS },
    );
  });

  it(`actions (act, the modal included), ${RUNS} cases`, async () => {
    const cases = fc
      .constantFrom(...PARENTS)
      .chain((parent) => fc.tuple(fc.constant(parent), fc.constantFrom(...parent.actions)));
    await fc.assert(
      fc.asyncProperty(hostileStatus, hostileBody(SUBMITTED, FIELDS), cases, async (status, body, [parent, action]) => {
        const input =
          action === 'vary-region' ? { mask: 'iVBORw0KGgo=' } : action === 'custom-zoom' ? { zoom: 1.5 } : {};
        await expectJobOrTypedError('mjproxy', () => client(status, body).act(parent, action, input));
      }),
      { seed: FUZZ_SEED + 43, numRuns: RUNS },
    );
  });

  it(`callbacks (parseWebhook), ${RUNS} cases`, async () => {
    const urls = fc.constantFrom(
      'https://app.example/hook',
      'https://app.example/hook?mjgate_provider=mjproxy&mjgate_op=describe',
      'https://app.example/hook?mjgate_op=action&mjgate_action=upscale-2&mjgate_parent=mjproxy%3Ap&mjgate_ref=r',
      'not a url',
    );
    await fc.assert(
      fc.asyncProperty(hostileBody(TASKS, FIELDS), urls, async (body, url) => {
        await expectJobOrTypedError('mjproxy', () =>
          client(200, '{}').parseWebhook({ url, headers: { 'content-type': 'application/json' }, body }),
        );
      }),
      { seed: FUZZ_SEED + 44, numRuns: RUNS },
    );
  });
});
