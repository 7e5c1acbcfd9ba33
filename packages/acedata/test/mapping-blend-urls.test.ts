// AceData has no blend endpoint: a generate whose prompt starts with 2–5 image URLs *is* a blend
// (§11). What counts as a leading image URL decides the operation a polled job reports.
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BASE, client, fixture } from './helpers.js';

const TASK = '7489df4c-ef03-4de0-b598-e9a590793434';

beforeEach(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
});

/** The operation of a polled task whose recorded generate had `prompt`. */
async function operationOf(prompt: string) {
  const record = fixture<Record<string, unknown>>('task-succeeded.json');
  nock(BASE)
    .post('/midjourney/tasks')
    .reply(200, { ...record, request: { action: 'generate', mode: 'fast', prompt } });
  const job = await client().get(TASK);
  expect(job.prompt).toBe(prompt);
  return job.operation;
}

describe('leading image URLs of a generate', () => {
  it.each([
    ['two https URLs', 'https://cdn.example.com/a.png https://cdn.example.com/b.png a fox', 'blend'],
    ['two plain http URLs', 'http://cdn.example.com/a.png http://cdn.example.com/b.png a fox', 'blend'],
    ['mixed case schemes', 'HTTP://cdn.example.com/a.png Https://cdn.example.com/b.png', 'blend'],
    ['one URL', 'https://cdn.example.com/a.png a fox', 'imagine'],
    // A token that only contains a URL is text: the prompt starts with a word.
    ['a word glued before a URL', 'see:https://cdn.example.com/a.png https://cdn.example.com/b.png a fox', 'imagine'],
    ['a scheme without a host', 'https:// https://cdn.example.com/b.png a fox', 'imagine'],
    ['no URL', 'a red fox in snow', 'imagine'],
  ])('%s', async (_name, prompt, operation) => {
    expect(await operationOf(prompt)).toBe(operation);
  });
});
