// Property-based fuzzing of everything ImaginePro's answers flow through (issue 10 §9): status
// checks, submissions, button actions and webhooks, fed mutated copies of the vendor reference's
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
import { createImaginePro } from '../src/index.js';
import { toJob } from '../src/mapping.js';
import { createdSchema, type ImagineProMessage, messageSchema } from '../src/schemas.js';
import { BASE, KEY, MID } from './helpers.js';

const fixtures = loadFixtures(new URL('./fixtures/', import.meta.url));
const pick = (...names: string[]) => names.map((name) => fixtures[name]);

/** Message payloads (§3.2): what status checks and webhooks carry. */
const MESSAGES = pick('message-done-button', 'message-done-new', 'message-failed', 'message-processing', 'video-done');
/** Job-creation answers (§2.2) and error bodies (§2.4). */
const CREATED = pick('created', 'created-skill', 'cancel-legacy', 'error-400', 'error-401');
/** Every field the schemas read, so a mutation can add one a fixture leaves out; `status` gets odd words. */
const FIELDS = {
  fields: [...Object.keys(messageSchema.entries), ...Object.keys(createdSchema.entries)],
  words: ['status', 'error'],
};
const RUNS = 500;
const MAPPING_RUNS = 2_000;

const client = (status: number, body: string) =>
  createImaginePro({
    apiKey: KEY,
    baseURL: BASE,
    fetch: answering(status, body),
    maxRetries: 0,
    pace: { submit: 0, read: 0 },
  });

/** A finished grid to act on, as polling returned it. */
const parent = toJob({ ...(fixtures['message-done-button'] as ImagineProMessage), messageId: MID }, MID);
const ids = fc.constantFrom(MID, `video.${MID}`, `describe.${MID}`, `faceswap.${MID}`, 'x');

describe('ImaginePro: every answer becomes a Job or an MjGateError', () => {
  // The mapping alone, without core's output guard behind it: what mapping.ts itself guarantees.
  it(`the mapping of any message that passes the schema, ${MAPPING_RUNS} cases`, async () => {
    await fc.assert(
      fc.asyncProperty(hostileBody(MESSAGES, FIELDS), ids, async (body, id) => {
        let parsed: unknown;
        try {
          parsed = JSON.parse(body);
        } catch {
          return;
        }
        const message = v.safeParse(messageSchema, parsed);
        if (message.success) await expectJobOrTypedError('imaginepro', async () => toJob(message.output, id));
      }),
      { seed: FUZZ_SEED + 5, numRuns: MAPPING_RUNS },
    );
  });

  it(`status checks (get), ${RUNS} cases`, async () => {
    await fc.assert(
      fc.asyncProperty(hostileStatus, hostileBody(MESSAGES, FIELDS), ids, async (status, body, id) => {
        await expectJobOrTypedError('imaginepro', () => client(status, body).get(id));
      }),
      { seed: FUZZ_SEED, numRuns: RUNS },
    );
  });

  it(`several status checks at once (getMany), ${RUNS} cases`, async () => {
    await fc.assert(
      fc.asyncProperty(hostileStatus, hostileBody(MESSAGES, FIELDS), ids, ids, async (status, body, a, b) => {
        await expectJobOrTypedError('imaginepro', () => client(status, body).getMany([a, b]));
      }),
      { seed: FUZZ_SEED + 1, numRuns: RUNS },
    );
  });

  it(`submissions (imagine), ${RUNS} cases`, async () => {
    await fc.assert(
      fc.asyncProperty(hostileStatus, hostileBody(CREATED, FIELDS), async (status, body) => {
        await expectJobOrTypedError('imaginepro', () =>
          client(status, body).imagine({ prompt: 'a red fox in snow', ref: 'fuzz' }),
        );
      }),
      { seed: FUZZ_SEED + 2, numRuns: RUNS },
    );
  });

  it(`button actions (act), ${RUNS} cases`, async () => {
    const actions = fc.constantFrom(...parent.actions);
    await fc.assert(
      fc.asyncProperty(hostileStatus, hostileBody(CREATED, FIELDS), actions, async (status, body, action) => {
        await expectJobOrTypedError('imaginepro', () => client(status, body).act(parent, action));
      }),
      { seed: FUZZ_SEED + 3, numRuns: RUNS },
    );
  });

  it(`webhooks (parseWebhook), ${RUNS} cases`, async () => {
    const urls = fc.constantFrom(
      'https://app.example/hook',
      'https://app.example/hook?mjgate_provider=imaginepro&mjgate_op=video',
      'https://app.example/hook?mjgate_op=describe&mjgate_ref=r',
      'https://app.example/hook?mjgate_op=action&mjgate_action=upscale-2&mjgate_parent=imaginepro%3Am',
      'not a url',
    );
    await fc.assert(
      fc.asyncProperty(hostileBody(MESSAGES, FIELDS), urls, async (body, url) => {
        await expectJobOrTypedError('imaginepro', () =>
          client(200, '{}').parseWebhook({ url, headers: { 'content-type': 'application/json' }, body }),
        );
      }),
      { seed: FUZZ_SEED + 4, numRuns: RUNS },
    );
  });
});
