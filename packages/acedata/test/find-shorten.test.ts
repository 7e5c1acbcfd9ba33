// findSubmission for a shorten whose answer was lost: AceData records a shorten as a task of its own
// (`type: 'shorten'`, §8, §10.2), so it is looked for in the task listing like a generate, by its prompt.
import type { Submission } from '@mjgate/core';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BASE, client, fixture } from './helpers.js';

const OURS = '7489df4c-ef03-4de0-b598-000000000011';
const IMAGINE = '7489df4c-ef03-4de0-b598-000000000012';
const SENT = Date.now() - 10_000;
const PROMPT = 'a red fox standing in fresh snow at dawn, golden light';

beforeEach(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
});

function shortenSubmission(): Submission {
  return { provider: 'acedata', operation: 'shorten', prompt: PROMPT, sentAt: new Date(SENT).toISOString() };
}

describe('AceData findSubmission of a shorten', () => {
  it('lists the tasks and finds the shorten task with the submitted prompt', async () => {
    const bodies: unknown[] = [];
    nock(BASE)
      .post('/midjourney/tasks')
      .reply(200, async (request: Request) => {
        bodies.push(await request.json());
        return {
          items: [
            // An imagine of the same prompt is another operation: not this submission's task.
            { id: IMAGINE, type: 'imagine', request: { action: 'generate', prompt: PROMPT }, created_at: SENT / 1000 },
            {
              id: OURS,
              type: 'shorten',
              request: { prompt: PROMPT },
              response: { success: true, task_id: OURS, ...fixture('shorten.json') },
              created_at: (SENT + 500) / 1000,
            },
          ],
          count: 2,
        };
      });
    const job = await client().findSubmission(shortenSubmission());
    expect(bodies).toEqual([
      { action: 'retrieve_batch', offset: 0, limit: 50, created_at_min: Math.floor((SENT - 60_000) / 1000) },
    ]);
    expect(job).toMatchObject({ id: `acedata:${OURS}`, operation: 'shorten', prompt: PROMPT });
  });
});
