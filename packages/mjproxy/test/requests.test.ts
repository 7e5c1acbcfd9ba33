import { InvalidRequestError } from '@mjgate/core';
import { describe, expect, it } from 'vitest';
import {
  actionBody,
  actionPlan,
  blendBody,
  changeBody,
  describeBody,
  faceSwapBody,
  imagineBody,
  listBody,
  MODAL_ACTIONS,
  modalBody,
  OPERATION_OF_ROUTE,
  pathOf,
  ROUTES,
  routeOfPath,
  shortenBody,
  videoBody,
  withMode,
} from '../src/requests.js';

// §3 request side: the body and path each call sends. A wrong field name or path is a request the
// server rejects or, worse, reads as another one.

type Video = Parameters<typeof videoBody>[0];

describe('routes (§3)', () => {
  it('submissions are submits, lookups and cancel are reads', () => {
    const submits = Object.entries(ROUTES)
      .filter(([, route]) => route.call === 'submit')
      .map(([name]) => name);
    expect(submits.sort()).toEqual([
      'action',
      'blend',
      'change',
      'describe',
      'faceSwap',
      'imagine',
      'modal',
      'shorten',
      'video',
    ]);
    expect(ROUTES.cancel).toMatchObject({ method: 'POST', call: 'read' });
    expect(ROUTES.seed).toMatchObject({ method: 'GET', call: 'read' });
  });

  it('the task id is encoded into the path', () => {
    expect(pathOf(ROUTES.fetch, '17/../x')).toBe('/mj/task/17%2F..%2Fx/fetch');
    expect(pathOf(ROUTES.imagine)).toBe('/mj/submit/imagine');
  });

  it('a path finds its route, with or without a speed prefix; another path none', () => {
    expect(routeOfPath('/mj/submit/imagine')).toBe(ROUTES.imagine);
    expect(routeOfPath('/mj-fast/mj/submit/imagine')).toBe(ROUTES.imagine);
    expect(routeOfPath('/mj-relax/mj/submit/action')).toBe(ROUTES.action);
    expect(routeOfPath('/mj-turbo/mj/submit/blend')).toBe(ROUTES.blend);
    expect(routeOfPath('/mj/task/123/fetch')).toBe(ROUTES.fetch);
    expect(routeOfPath('/mj/task/123/image-seed')).toBe(ROUTES.seed);
    expect(routeOfPath('/mj/task/1/2/fetch')).toBeUndefined();
    expect(routeOfPath('/mj/submit/imagine/more')).toBeUndefined();
    expect(routeOfPath('/x/mj/submit/imagine')).toBeUndefined();
    expect(routeOfPath('/mj-slow/mj/submit/imagine')).toBeUndefined();
  });

  it('the speed prefix goes on the path only when the mode travels there', () => {
    expect(withMode('/mj/submit/imagine', 'fast', 'path')).toBe('/mj-fast/mj/submit/imagine');
    expect(withMode('/mj/submit/imagine', 'fast', 'prompt')).toBe('/mj/submit/imagine');
    expect(withMode('/mj/submit/imagine', undefined, 'path')).toBe('/mj/submit/imagine');
  });

  it('each submission route names the operation it creates', () => {
    expect(OPERATION_OF_ROUTE).toEqual({
      imagine: 'imagine',
      describe: 'describe',
      blend: 'blend',
      shorten: 'shorten',
      video: 'video',
      faceSwap: 'faceswap',
    });
  });
});

describe('submission bodies (§3.1, §3.5–3.11)', () => {
  it('imagine: the mode is a prompt flag, or nothing when it travels in the path; extras pass through', () => {
    expect(imagineBody({ prompt: 'a cat', mode: 'relax' }, 'prompt').prompt).toMatch(/^a cat.*--relax/);
    expect(imagineBody({ prompt: 'a cat', mode: 'relax' }, 'path').prompt).toBe('a cat');
    expect(imagineBody({ prompt: 'a cat', providerOptions: { botType: 'NIJI_JOURNEY' } } as never, 'prompt')).toEqual({
      prompt: 'a cat',
      botType: 'NIJI_JOURNEY',
    });
    expect(() => imagineBody({ prompt: 'a cat', providerOptions: { nope: 1 } } as never, 'prompt')).toThrow(
      InvalidRequestError,
    );
    expect(() => imagineBody({ prompt: 'a cat', providerOptions: { nope: 1 } } as never, 'prompt')).toThrow(/imagine/);
  });

  it('describe: a data URL is base64, any other URL a link', () => {
    expect(describeBody({ imageUrl: 'DATA:image/png;base64,AAAA' })).toEqual({ base64: 'DATA:image/png;base64,AAAA' });
    expect(describeBody({ imageUrl: 'https://x/data:1.png' })).toEqual({ link: 'https://x/data:1.png' });
  });

  it('blend: the images and the upper-case dimensions; a prompt is refused', () => {
    const urls = ['https://a/1.png', 'https://a/2.png'];
    expect(blendBody({ imageUrls: urls })).toEqual({ base64Array: urls });
    expect(blendBody({ imageUrls: urls, dimensions: 'portrait' })).toEqual({
      base64Array: urls,
      dimensions: 'PORTRAIT',
    });
    expect(blendBody({ imageUrls: urls, dimensions: 'square' }).dimensions).toBe('SQUARE');
    expect(blendBody({ imageUrls: urls, dimensions: 'landscape' }).dimensions).toBe('LANDSCAPE');
    expect(blendBody({ imageUrls: urls, prompt: '  ' })).toEqual({ base64Array: urls });
    expect(() => blendBody({ imageUrls: urls, prompt: 'mix' })).toThrow(/takes no prompt/);
  });

  it('shorten, face swap and list carry their fields by the names the servers read', () => {
    expect(shortenBody({ prompt: 'long prompt' })).toEqual({ prompt: 'long prompt' });
    expect(faceSwapBody({ sourceUrl: 'https://a/face.png', targetUrl: 'https://a/body.png' })).toEqual({
      sourceBase64: 'https://a/face.png',
      targetBase64: 'https://a/body.png',
    });
    expect(listBody(['1', '2'])).toEqual({ ids: ['1', '2'] });
  });

  it('video: a start frame with low motion by default, an end frame when given', () => {
    const base = { prompt: 'waves', imageUrl: 'https://a/start.png' } as Video;
    expect(videoBody(base)).toEqual({ prompt: 'waves', image: 'https://a/start.png', motion: 'low' });
    expect(videoBody({ ...base, motion: 'high', endImageUrl: 'https://a/end.png' } as Video)).toEqual({
      prompt: 'waves',
      image: 'https://a/start.png',
      endImage: 'https://a/end.png',
      motion: 'high',
    });
  });

  it('video extend: the task and which video of the batch (0–3)', () => {
    const extend = { prompt: 'more', extend: { providerJobId: '99' } } as Video;
    expect(videoBody(extend)).toEqual({ action: 'extend', taskId: '99', index: 0, prompt: 'more', motion: 'low' });
    expect(videoBody({ ...extend, index: 3 } as Video)).toMatchObject({ index: 3 });
    expect(() => videoBody({ ...extend, index: 4 } as Video)).toThrow(/input.index must be 0–3.*got 4/);
  });

  it('video refuses a missing prompt and an index without extend', () => {
    expect(() => videoBody({ prompt: ' ', imageUrl: 'https://a/s.png' } as Video)).toThrow(/needs a prompt/);
    expect(() => videoBody({ prompt: 'x', imageUrl: 'https://a/s.png', index: 1 } as Video)).toThrow(
      /applies only with input.extend/,
    );
  });
});

describe('actions (§3.2–3.4, §4)', () => {
  const withButtons = {
    id: '7',
    action: 'IMAGINE',
    buttons: [{ customId: 'MJ::JOB::upsample::2::h' }, { customId: 'MJ::JOB::variation::1::h' }],
  };

  it('the parent’s own button, verbatim; enableRemix only for a prompt on a remix action', () => {
    expect(actionPlan(withButtons, 'upscale-2', undefined)).toEqual({
      route: ROUTES.action,
      body: { taskId: '7', customId: 'MJ::JOB::upsample::2::h' },
    });
    expect(actionPlan(withButtons, 'variation-1', 'new prompt').body).toEqual({
      taskId: '7',
      customId: 'MJ::JOB::variation::1::h',
      enableRemix: true,
    });
    // An upscale cannot be remixed: the prompt does not force the modal.
    expect(actionPlan(withButtons, 'upscale-2', 'new prompt').body).not.toHaveProperty('enableRemix');
    expect(actionBody('1', 'c', false)).toEqual({ taskId: '1', customId: 'c' });
  });

  it('a missing button is refused, naming what the task offers', () => {
    expect(() => actionPlan(withButtons, 'pan-left', undefined)).toThrow(
      "Task mjproxy:7 has no button for 'pan-left'; it offers upscale-2, variation-1.",
    );
    expect(() => actionPlan({ id: '8', action: 'UPSCALE', buttons: [] }, 'pan-left', undefined)).toThrow(
      "Task mjproxy:8 has no button for 'pan-left' and offers no follow-ups.",
    );
  });

  it('no buttons at all: U/V/reroll through /mj/submit/change, which takes no prompt', () => {
    const bare = { id: '9', action: 'IMAGINE' };
    expect(actionPlan(bare, 'upscale-3', undefined)).toEqual({
      route: ROUTES.change,
      body: { taskId: '9', action: 'UPSCALE', index: 3 },
    });
    expect(actionPlan(bare, 'variation-4', undefined).body).toEqual({ taskId: '9', action: 'VARIATION', index: 4 });
    expect(actionPlan(bare, 'reroll', undefined).body).toEqual({ taskId: '9', action: 'REROLL', index: 1 });
    expect(() => actionPlan(bare, 'variation-1', 'remix')).toThrow(/takes no prompt/);
    expect(() => actionPlan(bare, 'pan-left', undefined)).toThrow(/has no button for 'pan-left'/);
    // An upscale result has no /mj/submit/change follow-ups.
    expect(() => actionPlan({ id: '10', action: 'UPSCALE' }, 'upscale-1', undefined)).toThrow(InvalidRequestError);
    expect(changeBody('1', 'zoom-out-2x')).toBeUndefined();
  });

  it('modal: custom zoom replaces any --zoom; remix sends the prompt or the final prompt', () => {
    expect(MODAL_ACTIONS.has('vary-region') && MODAL_ACTIONS.has('custom-zoom')).toBe(true);
    expect(modalBody({ taskId: 'm', action: 'custom-zoom', zoom: 1.5, prompt: 'a cat --zoom 2 --ar 1:1' })).toEqual({
      taskId: 'm',
      prompt: 'a cat --ar 1:1 --zoom 1.5',
    });
    expect(modalBody({ taskId: 'm', action: 'custom-zoom', zoom: 2, fallbackPrompt: 'old --ZOOM 1.2' })).toEqual({
      taskId: 'm',
      prompt: 'old --zoom 2',
    });
    expect(modalBody({ taskId: 'm', action: 'variation-1', prompt: '  ', fallbackPrompt: 'final' })).toEqual({
      taskId: 'm',
      prompt: 'final',
    });
    expect(modalBody({ taskId: 'm', action: 'variation-1', prompt: ' mine ' })).toEqual({
      taskId: 'm',
      prompt: 'mine',
    });
    expect(modalBody({ taskId: 'm', action: 'reroll' })).toEqual({ taskId: 'm' });
    // No prompt at all: the zoom flag alone, without a leading space.
    expect(modalBody({ taskId: 'm', action: 'custom-zoom', zoom: 1.2 })).toEqual({ taskId: 'm', prompt: '--zoom 1.2' });
    expect(modalBody({ taskId: 'm', action: 'custom-zoom', zoom: 2, prompt: 'a --zoom  1.5 b' })).toEqual({
      taskId: 'm',
      prompt: 'a b --zoom 2',
    });
  });
});
