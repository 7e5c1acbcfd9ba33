import { InvalidRequestError } from '@mjgate/core';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { client, jobFrom } from './helpers.js';

// A wrong `providerOptions` is refused before any request (nock allows none here), and the message
// names the call it was given to, so a caller with several calls in flight knows which one to fix.

beforeEach(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('providerOptions refused, naming the call', () => {
  const grid = jobFrom({ status: 'DONE', prompt: 'a red fox', buttons: ['U1', 'U2', 'U3', 'U4'] }, 'grid-1');

  it('an action', async () => {
    const refused = client().act(grid, 'upscale-1', { providerOptions: { timeout: 5 } });
    await expect(refused).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(refused).rejects.toThrow(/^Invalid 'upscale-1' action providerOptions input: /);
  });

  it('a video', async () => {
    const refused = client().video({ imageUrl: 'https://cdn.test/fox.png', providerOptions: { speed: 'fast' } });
    await expect(refused).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(refused).rejects.toThrow(
      'Invalid video providerOptions input: `speed` is not an option here (accepted: timeout, disableCdn, boost, animateMode).',
    );
  });
});

describe('a status answer without a prompt', () => {
  it.each([
    ['missing', undefined],
    ['blank', '   '],
  ])('%s: the job has no prompt key at all', (_, prompt) => {
    const job = jobFrom({ status: 'PROCESSING', progress: 40, ...(prompt === undefined ? {} : { prompt }) });
    expect(job).not.toHaveProperty('prompt');
    expect(Object.keys(job)).not.toContain('prompt');
  });
});
