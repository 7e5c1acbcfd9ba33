import nock from 'nock';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { IMAGINEPRO_CAPABILITIES, IMAGINEPRO_FLUX_MODELS } from '../src/index.js';
import created from './fixtures/created.json' with { type: 'json' };
import { client, expectCall } from './helpers.js';

// `IMAGINEPRO_FLUX_MODELS` is the public list of the Flux models `/api/v1/flux/imagine` takes (§3.12:
// only `flux-1.1-pro` is documented); a caller picks `model` from it.

beforeEach(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

it('lists flux-1.1-pro, a model of the capabilities', () => {
  expect(IMAGINEPRO_FLUX_MODELS).toEqual(['flux-1.1-pro']);
  for (const model of IMAGINEPRO_FLUX_MODELS) expect(IMAGINEPRO_CAPABILITIES.models).toContain(model);
});

it('every listed model is sent to the Flux endpoint', async () => {
  expect(IMAGINEPRO_FLUX_MODELS.length).toBeGreaterThan(0);
  for (const model of IMAGINEPRO_FLUX_MODELS) {
    const seen = expectCall('post', '/api/v1/flux/imagine', created);
    await expect(client().imagine({ prompt: 'a red fox', model })).resolves.toMatchObject({ model });
    expect(JSON.parse(seen.body ?? '{}')).toMatchObject({ model });
  }
});
