import { InvalidRequestError, type Job } from '@mjgate/core';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { client, jobFrom } from './helpers.js';

// What a caller reads when ImaginePro cannot take a request: every refusal comes before any request,
// is an InvalidRequestError that names ImaginePro as its provider, and says what to change.

beforeEach(() => {
  nock.disableNetConnect();
});

afterEach(() => {
  // No refusal may have reached the vendor.
  expect(nock.pendingMocks()).toEqual([]);
  nock.cleanAll();
  nock.enableNetConnect();
});

/** The error a call rejects with (a call that resolves fails the test). */
async function refusal(call: Promise<unknown>): Promise<InvalidRequestError> {
  const outcome = await call.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(outcome).toBeInstanceOf(InvalidRequestError);
  return outcome as InvalidRequestError;
}

/** Checks the refusal's provider and exact message. */
async function expectRefusal(call: Promise<unknown>, message: string): Promise<void> {
  const error = await refusal(call);
  expect({ provider: error.provider, message: error.message }).toEqual({ provider: 'imaginepro', message });
}

/** A finished grid offering the Midjourney buttons, spelled as ImaginePro spells them. */
function grid(buttons: string[] = ['U1', 'V1', '\u{1F504}', 'Vary (Region)', 'Custom Zoom', '\u2B06\uFE0F']): Job {
  return jobFrom({ status: 'DONE', prompt: 'a red fox', uri: 'https://cdn.imaginepro.ai/g.png', buttons }, 'm-1');
}

describe('an input the button does not take', () => {
  it('a mask anywhere but vary-region names the field and the one action that takes it', async () => {
    await expectRefusal(
      client().act(grid(), 'upscale-1', { mask: 'iVBORw0KGgo=' }),
      "input.mask does not apply to 'upscale-1': only 'vary-region' takes a mask.",
    );
  });

  it('a zoom anywhere but custom-zoom names the field and the one action that takes it', async () => {
    await expectRefusal(
      client().act(grid(), 'pan-up', { zoom: 1.5 }),
      "input.zoom does not apply to 'pan-up': only 'custom-zoom' takes a zoom.",
    );
  });

  it('a prompt on a button without one lists every action that takes a prompt', async () => {
    await expectRefusal(
      client().act(grid(), 'upscale-1', { prompt: 'a hat' }),
      "input.prompt does not apply to 'upscale-1': ImaginePro takes a prompt only on variation-1, variation-2, variation-3, variation-4, reroll, vary-region, custom-zoom.",
    );
  });

  it('a vary-region mask that is a URL names ImaginePro and what to pass instead', async () => {
    await expectRefusal(
      client().act(grid(), 'vary-region', { mask: 'https://img.example/mask.png' }),
      'ImaginePro takes the vary-region mask as base64 image data, not a URL: pass a data URL or a base64 PNG/WebP.',
    );
  });

  it('a vary-region mask that is not base64 is refused as ImaginePro’s', async () => {
    await expectRefusal(
      client().act(grid(), 'vary-region', { mask: 'not base64!' }),
      'The vary-region mask is not base64 image data (nor a data URL).',
    );
  });

  it('animateMode on an action says it does not apply there', async () => {
    await expectRefusal(
      client().act(grid(), 'upscale-1', { providerOptions: { animateMode: 'smooth' } }),
      "providerOptions.animateMode does not apply to the 'upscale-1' action.",
    );
  });
});

describe('a button the job’s own buttons list lacks', () => {
  // `actions` says what a job offered when it was mapped; the payload's `buttons` (in `raw`) is
  // what ImaginePro will press, so it has the last word.
  it('is refused, naming the actions its buttons do offer', async () => {
    const parent = { ...grid(['V1', 'U2', 'Cancel Job']), actions: ['upscale-1' as const, 'variation-1' as const] };
    await expectRefusal(
      client().act(parent, 'upscale-1'),
      "Job imaginepro:m-1 does not offer 'upscale-1'. It offers: variation-1, upscale-2.",
    );
  });

  it('says "no follow-up actions" when its buttons hold none', async () => {
    const parent = { ...grid(['Cancel Job']), actions: ['upscale-1' as const] };
    await expectRefusal(
      client().act(parent, 'upscale-1'),
      "Job imaginepro:m-1 does not offer 'upscale-1'. It offers: no follow-up actions.",
    );
  });
});

describe('a Flux image', () => {
  it('takes no follow-up action: the refusal says to start a new imagine', async () => {
    const flux = jobFrom({ status: 'DONE', prompt: 'a red fox', uri: 'https://cdn.imaginepro.ai/f.png' }, 'flux.m-1');
    await expectRefusal(
      client().act(flux, 'upscale-1'),
      "Job imaginepro:flux.m-1 is a Flux image: ImaginePro offers no follow-up action on it (such as 'upscale-1'). Start a new imagine instead.",
    );
  });

  it('refuses image prompts, speed modes and more than 4 images, naming the model', async () => {
    const model = 'flux-1.1-pro';
    await expectRefusal(
      client().imagine({ prompt: 'x', model, imageUrls: ['https://img.example/a.png'] }),
      "ImaginePro's flux-1.1-pro takes a text prompt only (§3.12 has no image field); drop imageUrls, or use Midjourney for image prompts.",
    );
    await expectRefusal(
      client().imagine({ prompt: 'x', model, mode: 'fast' }),
      "mode ('fast') is a Midjourney speed; ImaginePro's flux-1.1-pro has no such setting. Drop mode.",
    );
    await expectRefusal(
      client().imagine({ prompt: 'x', model, n: 5 }),
      'Invalid imagine input: `n` must be 1 to 4 for flux-1.1-pro on ImaginePro; got 5.',
    );
  });

  it('an option Flux lacks is named as a Flux imagine option', async () => {
    const error = await refusal(
      client().imagine({ prompt: 'x', model: 'flux-1.1-pro', providerOptions: { boost: true } }),
    );
    expect(error.message).toMatch(
      /^Invalid flux-1\.1-pro imagine providerOptions input: `boost` is not an option here/,
    );
  });
});

describe('imagine', () => {
  it('an unknown providerOptions key is named as an imagine option', async () => {
    const error = await refusal(client().imagine({ prompt: 'x', providerOptions: { speed: 'x' } }));
    expect(error.message).toMatch(/^Invalid imagine providerOptions input: `speed` is not an option here/);
  });

  it('animateMode says it does not apply to imagine', async () => {
    await expectRefusal(
      client().imagine({ prompt: 'x', providerOptions: { animateMode: 'smooth' } }),
      'providerOptions.animateMode does not apply to imagine.',
    );
  });
});

describe('blend, video and cancel', () => {
  const urls = ['https://img.example/a.png', 'https://img.example/b.png'];

  it('blend: a shape other than square, or a prompt', async () => {
    await expectRefusal(
      client().blend({ imageUrls: urls, dimensions: 'portrait' }),
      "ImaginePro's blend has no dimensions option: it always makes a square blend, not portrait.",
    );
    await expectRefusal(
      client().blend({ imageUrls: urls, prompt: 'x' }),
      'ImaginePro’s blend takes images only, no prompt. Use imagine with imageUrls to mix images with text.',
    );
  });

  it('video: an index without extend, animateMode on a new video, frames on an extend', async () => {
    await expectRefusal(
      client().video({ imageUrl: urls[0], index: 1 }),
      'index applies to extending a video; pass extend as well.',
    );
    await expectRefusal(
      client().video({ imageUrl: urls[0], providerOptions: { animateMode: 'smooth' } }),
      'providerOptions.animateMode does not apply to a new video (it applies to extend).',
    );
    await expectRefusal(
      client().video({ extend: 'imaginepro:video.v-1', prompt: 'faster' }),
      'ImaginePro extends a video from the job and an index only; drop prompt (use providerOptions.animateMode for the motion style).',
    );
  });

  it('cancel: a finished job', async () => {
    const done = grid();
    await expectRefusal(
      client().cancel(done),
      'Job imaginepro:m-1 is already succeeded; only a queued or running job can be cancelled.',
    );
  });
});

describe('promptCheck and history', () => {
  it('name the call whose input is wrong', async () => {
    const empty = await refusal(client().promptCheck('  '));
    expect(empty.message).toMatch(/^Invalid promptCheck input: /);
    const size = await refusal(client().history({ size: 500 }));
    expect(size.message).toMatch(/^Invalid history input: `size` /);
  });
});
