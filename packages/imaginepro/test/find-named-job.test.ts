// findSubmission on ImaginePro when the history cannot help: a job id salvaged from a cut answer is
// read directly, at the endpoint of its kind (a video's is its own, §3.15); describe and video jobs,
// and a submission with neither ref nor prompt, cannot be looked up and say so as ImaginePro's errors.
import { UnsupportedError } from '@mjgate/core';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { submission } from './find-history-fixtures.js';
import video from './fixtures/video-done.json' with { type: 'json' };
import { client, expectCall, MID } from './helpers.js';

beforeEach(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('ImaginePro findSubmission: a named job, and what cannot be looked up', () => {
  it('a video whose cut answer named a bare messageId is read at the video endpoint, as a video job', async () => {
    const seen = expectCall('get', `/api/v1/video/mj/fetch/${video.messageId}`, video);
    const job = await client().findSubmission(
      submission({ operation: 'video', providerJobId: video.messageId, prompt: video.prompt }),
    );
    expect(seen.count).toBe(1);
    expect(job).toMatchObject({ id: `imaginepro:video.${video.messageId}`, operation: 'video', status: 'succeeded' });
  });

  it('an id that names its kind is read as that kind, whatever the submission says', async () => {
    const seen = expectCall('get', `/api/v1/video/mj/fetch/${video.messageId}`, video);
    const job = await client().findSubmission(
      submission({ operation: 'imagine', providerJobId: `video.${video.messageId}` }),
    );
    expect(seen.count).toBe(1);
    expect(job?.id).toBe(`imaginepro:video.${video.messageId}`);
  });

  it('a face swap named by a bare messageId keeps its kind in the job id', async () => {
    const seen = expectCall('get', `/api/v1/message/fetch/${MID}`, {
      messageId: MID,
      status: 'DONE',
      progress: 100,
      uri: `https://cdn.imaginepro.ai/storage/${MID}.png`,
    });
    const job = await client().findSubmission(submission({ operation: 'faceswap', providerJobId: MID }));
    expect(seen.count).toBe(1);
    expect(job).toMatchObject({ id: `imaginepro:faceswap.${MID}`, operation: 'faceswap' });
  });

  it('the UnsupportedErrors of a describe and of a submission with neither ref nor prompt are ImaginePro’s', async () => {
    const mj = client();
    for (const lost of [submission({ operation: 'describe', ref: 'd-1' }), submission({ operation: 'blend' })]) {
      const error = await mj.findSubmission(lost).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(UnsupportedError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ provider: 'imaginepro' });
    }
    expect(nock.pendingMocks()).toEqual([]);
  });
});
