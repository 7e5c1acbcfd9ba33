// Property-based fuzzing of everything AceData's answers flow through (issue 10 §9): task lookups,
// `retrieve_batch`, submissions (asynchronous acknowledgements, blocking and synchronous answers),
// actions and callbacks, fed mutated copies of the vendor reference's examples. Whatever the vendor
// says, the caller gets a valid Job or an MjGateError.
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
import { createAceData } from '../src/index.js';
import { recordToJob, resultToJob } from '../src/mapping.js';
import { type AceDataTaskRecord, resultSchema, taskRecordSchema } from '../src/schemas.js';
import { BASE, KEY } from './helpers.js';

const fixtures = loadFixtures(new URL('./fixtures/', import.meta.url));
const pick = (...names: string[]) => names.map((name) => fixtures[name]);

/** Task records (`POST /midjourney/tasks`, `action: retrieve`) in every state. */
const RECORDS = pick(
  'task-pending',
  'task-running',
  'task-succeeded',
  'task-failed',
  'task-upscale-succeeded',
  'task-video-succeeded',
);
const idOf = (record: unknown) => (record as { id: string }).id;
/** `retrieve_batch` answers: `{items, count}`. */
const BATCHES = [
  { items: pick('task-succeeded', 'task-running'), count: 2 },
  { items: pick('task-video-succeeded', 'task-failed', 'task-upscale-succeeded'), count: 3 },
];
/** Result objects: submit acknowledgements, blocking answers, synchronous answers, callbacks, error envelopes. */
const RESULTS = [
  ...pick(
    'submit-ack',
    'submit-ack-success',
    'imagine-result',
    'upscale-result',
    'video-result',
    'edits-result',
    'callback-failed',
    'describe',
    'shorten',
    'seed',
  ),
  ...(fixtures.errors as { body: unknown }[]).map((error) => error.body),
];
/** Every field the schemas read, so a mutation can add one a fixture leaves out; `state` and `type` get odd words. */
const FIELDS = {
  fields: [...Object.keys(taskRecordSchema.entries), ...Object.keys(resultSchema.entries)],
  words: ['state', 'type', 'action', 'code'],
};
const RUNS = 500;
const MAPPING_RUNS = 2_000;

const client = (status: number, body: string) =>
  createAceData({
    apiKey: KEY,
    baseURL: BASE,
    fetch: answering(status, body),
    maxRetries: 0,
    maxInFlight: 0,
    pace: { submit: 0, read: 0 },
  });

/** A finished grid to act on, as polling returned it (its raw record holds the `image_id`). */
const record = fixtures['task-succeeded'] as AceDataTaskRecord;
const parent = recordToJob(record, idOf(record));

describe('AceData: every answer becomes a Job or an MjGateError', () => {
  // The mapping alone, without core's output guard behind it: what mapping.ts itself guarantees.
  it(`the mapping of any record or result that passes the schema, ${MAPPING_RUNS} cases`, async () => {
    await fc.assert(
      fc.asyncProperty(hostileBody([...RECORDS, ...RESULTS], FIELDS), async (body) => {
        let parsed: unknown;
        try {
          parsed = JSON.parse(body);
        } catch {
          return;
        }
        const record = v.safeParse(taskRecordSchema, parsed);
        if (record.success) await expectJobOrTypedError('acedata', async () => recordToJob(record.output, 'task-1'));
        const result = v.safeParse(resultSchema, parsed);
        if (result.success) await expectJobOrTypedError('acedata', async () => resultToJob(result.output, 'task-1'));
      }),
      { seed: FUZZ_SEED + 15, numRuns: MAPPING_RUNS },
    );
  });

  it(`task lookups (get), ${RUNS} cases`, async () => {
    const ids = fc.constantFrom(...RECORDS.map(idOf), 'sync-123', 'other');
    await fc.assert(
      fc.asyncProperty(hostileStatus, hostileBody(RECORDS, FIELDS), ids, async (status, body, id) => {
        await expectJobOrTypedError('acedata', () => client(status, body).get(id));
      }),
      { seed: FUZZ_SEED + 10, numRuns: RUNS },
    );
  });

  it(`batched lookups (getMany → retrieve_batch), ${RUNS} cases`, async () => {
    const ids = fc.subarray([...RECORDS.map(idOf), 'other'], { minLength: 1 });
    await fc.assert(
      fc.asyncProperty(hostileStatus, hostileBody(BATCHES, FIELDS), ids, async (status, body, asked) => {
        await expectJobOrTypedError('acedata', () => client(status, body).getMany(asked));
      }),
      { seed: FUZZ_SEED + 11, numRuns: RUNS },
    );
  });

  it(`submissions (imagine, describe, shorten), ${RUNS} cases`, async () => {
    const submit = fc.constantFrom(
      (c: ReturnType<typeof client>) => c.imagine({ prompt: 'a red fox in snow', ref: 'fuzz' }),
      (c: ReturnType<typeof client>) => c.describe({ imageUrl: 'https://example.com/cat.png' }),
      (c: ReturnType<typeof client>) => c.shorten({ prompt: 'a red fox in snow, very detailed' }),
      (c: ReturnType<typeof client>) => c.seed(parent),
    );
    await fc.assert(
      fc.asyncProperty(hostileStatus, hostileBody(RESULTS, FIELDS), submit, async (status, body, call) => {
        await expectJobOrTypedError('acedata', () => call(client(status, body)));
      }),
      { seed: FUZZ_SEED + 12, numRuns: RUNS },
    );
  });

  it(`actions (act), ${RUNS} cases`, async () => {
    const actions = fc.constantFrom(...parent.actions);
    await fc.assert(
      fc.asyncProperty(hostileStatus, hostileBody(RESULTS, FIELDS), actions, async (status, body, action) => {
        await expectJobOrTypedError('acedata', () => client(status, body).act(parent, action));
      }),
      { seed: FUZZ_SEED + 13, numRuns: RUNS },
    );
  });

  it(`callbacks (parseWebhook), ${RUNS} cases`, async () => {
    const urls = fc.constantFrom(
      'https://app.example/hook',
      'https://app.example/hook?mjgate_provider=acedata&mjgate_op=imagine&mjgate_vendor_operation=blend',
      'https://app.example/hook?mjgate_op=video&mjgate_ref=r',
      'https://app.example/hook?mjgate_op=action&mjgate_action=upscale-1&mjgate_parent=acedata%3Ap',
      'not a url',
    );
    await fc.assert(
      fc.asyncProperty(hostileBody([...RESULTS, ...RECORDS], FIELDS), urls, async (body, url) => {
        await expectJobOrTypedError('acedata', () =>
          client(200, '{}').parseWebhook({ url, headers: { 'content-type': 'application/json' }, body }),
        );
      }),
      { seed: FUZZ_SEED + 14, numRuns: RUNS },
    );
  });
});
