import nock from 'nock';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { client, expectCall, KEY, MID } from './helpers.js';

// No credential of the client reaches what the caller sees: a Job built from a vendor answer that
// echoes one, or a debug log line of a request that carries one.

const WEBHOOK_SECRET = 'whsec-imaginepro-0123456789';

beforeEach(() => {
  nock.disableNetConnect();
});

afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

it('a job whose answer echoes the API key or the webhook secret shows neither', async () => {
  expectCall('get', `/api/v1/message/fetch/${MID}`, {
    messageId: MID,
    status: 'FAIL',
    prompt: `a fox ${KEY}`,
    error: `bad key ${KEY}, secret ${WEBHOOK_SECRET}`,
  });
  const job = await client({ webhookSecret: WEBHOOK_SECRET }).get(MID);
  expect(job.status).toBe('failed');
  const shown = JSON.stringify(job);
  expect(shown).not.toContain(KEY);
  expect(shown).not.toContain(WEBHOOK_SECRET);
  expect(job.prompt).toBe('a fox [redacted]');
});

it('a debug log line of a request carrying the webhook secret shows it masked', async () => {
  const lines: string[] = [];
  const record = (message: string, data?: unknown) => {
    lines.push(`${message} ${JSON.stringify(data ?? {})}`);
  };
  const logger = { debug: record, info: record, warn: record, error: record };
  expectCall('post', '/api/v1/nova/imagine', { success: true, messageId: MID });
  await client({ webhookSecret: WEBHOOK_SECRET, logger }).imagine({ prompt: `a sign reading ${WEBHOOK_SECRET}` });
  const sent = lines.find((line) => line.startsWith('→ POST'));
  expect(sent).toContain('a sign reading [redacted]');
  expect(lines.join('\n')).not.toContain(WEBHOOK_SECRET);
});
