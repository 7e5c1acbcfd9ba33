import { describe, expect, it } from 'vitest';
import { REQUESTS, requestOf } from '../src/requests.js';

// The request table against the vendor reference's endpoint index (§1.1): a moved endpoint is one row.

describe('the request table', () => {
  it('names every call the adapter makes, with the documented method and path', () => {
    const rows = Object.entries(REQUESTS).map(([name, route]) => `${name}: ${route.method} ${route.path}`);
    expect(rows).toEqual([
      'imagine: POST /api/v1/nova/imagine',
      'boostImagine: POST /api/v1/nova/boost/imagine',
      'fluxImagine: POST /api/v1/flux/imagine',
      'button: POST /api/v1/nova/button',
      'boostButton: POST /api/v1/nova/boost/button',
      'describe: POST /api/v1/nova/describe',
      'blend: POST /api/v1/nova/blend',
      'faceswap: POST /api/v1/nova/faceswap',
      'videoGenerate: POST /api/v1/video/mj/generate',
      'videoExtend: POST /api/v1/video/mj/extend',
      'cancel: POST /api/v1/nova/button',
      'message: GET /api/v1/message/fetch/{messageId}',
      'videoMessage: GET /api/v1/video/mj/fetch/{messageId}',
      'account: GET /api/v1/subscription/account-info',
      'promptCheck: POST /api/v1/nova/prompt-check',
      'history: GET /api/v1/nova/images',
    ]);
  });

  it('job-creating calls are submissions whose new id is salvaged; cancel expects none (§2.2)', () => {
    const submissions = Object.entries(REQUESTS).filter(([, route]) => route.call === 'submit');
    expect(submissions.map(([name]) => name)).toEqual([
      'imagine',
      'boostImagine',
      'fluxImagine',
      'button',
      'boostButton',
      'describe',
      'blend',
      'faceswap',
      'videoGenerate',
      'videoExtend',
      'cancel',
    ]);
    for (const [name, route] of submissions) {
      expect(requestOf(route as never, {} as never).jobIdField, name).toBe(name === 'cancel' ? undefined : 'messageId');
    }
  });

  it('paces account, prompt-check and history as general endpoints (§5)', () => {
    const general = Object.entries(REQUESTS).filter(([, route]) => 'general' in route && route.general);
    expect(general.map(([name]) => name)).toEqual(['account', 'promptCheck', 'history']);
  });

  it('fills {messageId} URL-encoded, and appends the BaseParams in the docs’ order (§2.1)', () => {
    expect(requestOf(REQUESTS.message, { messageId: 'a/b c' }).path).toBe('/api/v1/message/fetch/a%2Fb%20c');
    const body = requestOf(REQUESTS.describe, {
      imageUrl: 'https://img.example/a.png',
      webhookUrl: 'https://hooks.example/d',
      ref: 'r-1',
    }).body;
    expect(JSON.stringify(body)).toBe(
      '{"url":"https://img.example/a.png","ref":"r-1","webhookOverride":"https://hooks.example/d"}',
    );
    const extend = requestOf(REQUESTS.videoExtend, {
      messageId: 'v-1',
      index: 0,
      vendorOptions: { timeout: 600, disableCdn: true, boost: true },
    });
    expect(JSON.stringify(extend.body)).toBe('{"messageId":"v-1","index":0,"timeout":600,"disableCdn":true}');
    expect(requestOf(REQUESTS.history, { page: 2 }).query).toEqual({ page: 2, size: undefined });
  });
});
