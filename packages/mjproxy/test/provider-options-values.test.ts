import { InvalidRequestError } from '@mjgate/core';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { caught, client, fixture, server } from './helpers.js';

// Every documented value of trueai's and the relays' providerOptions (§3.1, §3.9) reaches the body
// verbatim, and a value outside the documented sets is refused before anything is sent.

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

const IMAGE = 'https://example.com/a.png';

describe('imagine providerOptions (§3.1)', () => {
  it('sends botType MID_JOURNEY and an accountFilter with every speed mode', async () => {
    const accountFilter = { instanceId: '1118138338562560102', modes: ['RELAX', 'FAST', 'TURBO'], remix: false };
    const scope = server()
      .post('/mj/submit/imagine', { prompt: 'a cat', botType: 'MID_JOURNEY', accountFilter })
      .reply(200, fixture('submit-success'));
    const job = await client().imagine({ prompt: 'a cat', providerOptions: { botType: 'MID_JOURNEY', accountFilter } });
    expect(scope.isDone()).toBe(true);
    expect(job.providerJobId).toBe('8498455807619990');
  });

  it.each([
    ['an unknown speed mode', { modes: ['SLOW'] }, /modes/],
    ['a numeric instanceId', { instanceId: 5 }, /instanceId/],
    ['a textual remix flag', { remix: 'yes' }, /remix/],
  ])('refuses an accountFilter with %s, naming the field, before sending', async (_, accountFilter, field) => {
    const error = await caught(client().imagine({ prompt: 'a cat', providerOptions: { accountFilter } }));
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error).toMatchObject({ provider: 'mjproxy' });
    expect(error.message).toMatch(/^Invalid imagine providerOptions input/);
    expect(error.message).toMatch(field);
  });
});

describe('video providerOptions (§3.9)', () => {
  it.each(['vid_1.1_i2v_480', 'vid_1.1_i2v_720'])('sends videoType %s and a batch size', async (videoType) => {
    const scope = server()
      .post('/mj/submit/video', { prompt: 'the fox runs', image: IMAGE, motion: 'low', videoType, batchSize: 2 })
      .reply(200, fixture('submit-success'));
    await client().video({ prompt: 'the fox runs', imageUrl: IMAGE, providerOptions: { videoType, batchSize: 2 } });
    expect(scope.isDone()).toBe(true);
  });

  it('refuses an undocumented videoType or batch size before sending', async () => {
    for (const providerOptions of [{ videoType: 'vid_1.1_i2v_1080' }, { batchSize: 3 }]) {
      const error = await caught(client().video({ prompt: 'the fox runs', imageUrl: IMAGE, providerOptions }));
      expect(error).toBeInstanceOf(InvalidRequestError);
      expect(error.message).toMatch(/^Invalid video providerOptions input/);
    }
  });
});
