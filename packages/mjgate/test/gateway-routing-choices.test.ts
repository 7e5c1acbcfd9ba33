import { type Capabilities, InvalidRequestError, ProviderError, UnsupportedError } from '@mjgate/core';
import { createMockProvider, type MockProvider } from '@mjgate/core/testing';
import { describe, expect, it, vi } from 'vitest';
import { createGateway } from '../src/index.js';

// Which vendor a submission goes to (webhook, model, operation), what the gateway says when none
// can take it, what it reports it can do, and which vendor each call lands on.

const SECRET = 'whsec_routing_choices_1';

/** A mock vendor whose capabilities differ from the full set the mock offers. */
function vendor(provider: string, capabilities: Partial<Capabilities> = {}, models?: string[]): MockProvider {
  const mock = createMockProvider({ provider, steps: 2, webhookSecret: SECRET, models });
  return {
    ...mock,
    failNext: mock.failNext,
    capabilities: { ...mock.capabilities, ...capabilities },
  } as MockProvider;
}

const called = (mock: MockProvider, method: string) => mock.calls.filter((call) => call.method === method).length;

async function refusal(promise: Promise<unknown>): Promise<UnsupportedError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(UnsupportedError);
  return error as UnsupportedError;
}

describe('a webhook is a routing dimension', () => {
  it('a submission with a webhookUrl skips a vendor without webhooks; one without goes to the default', async () => {
    const imaginepro = vendor('imaginepro', { webhooks: false });
    const apiframe = vendor('apiframe');
    const mj = createGateway({ providers: { imaginepro, apiframe }, default: 'imaginepro' });
    const hooked = await mj.imagine({ prompt: 'fox', webhookUrl: 'https://app.example/hook' });
    expect(hooked.provider).toBe('apiframe');
    expect(called(imaginepro, 'imagine')).toBe(0);
    const plain = await mj.imagine({ prompt: 'fox' });
    expect(plain.provider).toBe('imaginepro');
  });

  it('no vendor takes webhooks: the error names the webhook and the vendors that would', async () => {
    const mj = createGateway({ providers: { apiframe: vendor('apiframe', { webhooks: false }) } });
    const error = await refusal(mj.imagine({ prompt: 'fox', webhookUrl: 'https://app.example/hook' }));
    expect(error.message).toBe(
      'None of the configured providers (apiframe) supports imagine with a webhook. imaginepro, acedata, apiframe, mjproxy would: configure one of them.',
    );
  });
});

describe('the model is a routing dimension of imagine only', () => {
  const fluxOnly = () => vendor('apiframe', {}, ['flux-1.1-pro']);

  it('an imagine naming no model asks for Midjourney, and the error does not claim a model was named', async () => {
    const mj = createGateway({ providers: { apiframe: fluxOnly() } });
    const error = await refusal(mj.imagine({ prompt: 'fox' }));
    expect(error.message).toBe(
      'None of the configured providers (apiframe) supports imagine. imaginepro, acedata, apiframe, mjproxy would: configure one of them.',
    );
  });

  it('a model no vendor lists: the error names it and offers no vendor', async () => {
    const mj = createGateway({ providers: { apiframe: fluxOnly() } });
    const error = await refusal(mj.imagine({ prompt: 'fox', model: 'no-such-model' }));
    expect(error.message).toBe(
      "None of the configured providers (apiframe) supports imagine with the model 'no-such-model'.",
    );
  });

  it('a model that is no string is not named in the error', async () => {
    const mj = createGateway({ providers: { apiframe: vendor('apiframe', { operations: ['describe'] }) } });
    // biome-ignore lint/suspicious/noExplicitAny: a JavaScript caller's mistake
    const error = await refusal(mj.imagine({ prompt: 'fox', model: 42 as any }));
    expect(error.message).toMatch(/^None of the configured providers \(apiframe\) supports imagine\. /);
  });

  it('a model name is matched trimmed', async () => {
    const apiframe = fluxOnly();
    const mj = createGateway({ providers: { apiframe } });
    const job = await mj.imagine({ prompt: 'fox', model: ' flux-1.1-pro ' });
    expect(job.provider).toBe('apiframe');
    expect(called(apiframe, 'imagine')).toBe(1);
  });

  it('other submissions ignore models: a describe goes to a vendor that lists no Midjourney', async () => {
    const apiframe = fluxOnly();
    const mj = createGateway({ providers: { apiframe } });
    const job = await mj.describe({ imageUrl: 'https://img.example/fox.png' });
    expect(job).toMatchObject({ provider: 'apiframe', operation: 'describe' });
  });
});

describe('fallback messages', () => {
  const down = (provider: string) => new ProviderError(`${provider} failed (503)`, { provider, status: 503 });

  it('logs which vendor failed and which is tried next, to a logger with only some levels', async () => {
    const imaginepro = vendor('imaginepro');
    const apiframe = vendor('apiframe');
    imaginepro.failNext('imagine', down('imaginepro'));
    const warn = vi.fn();
    const mj = createGateway({
      providers: { imaginepro, apiframe },
      default: 'imaginepro',
      fallback: ['apiframe'],
      logger: { warn },
    });
    expect((await mj.imagine({ prompt: 'fox' })).provider).toBe('apiframe');
    expect(warn).toHaveBeenCalledWith(
      'mjgate: imaginepro could not take the imagine (imaginepro failed (503)); trying apiframe',
    );
    // A logger without warn: falling back still works.
    imaginepro.failNext('imagine', down('imaginepro'));
    const quiet = createGateway({
      providers: { imaginepro, apiframe },
      default: 'imaginepro',
      fallback: ['apiframe'],
      logger: { error: vi.fn() },
    });
    expect((await quiet.imagine({ prompt: 'fox' })).provider).toBe('apiframe');
  });

  it('the last vendor failing announces no further fallback', async () => {
    const imaginepro = vendor('imaginepro');
    const apiframe = vendor('apiframe');
    imaginepro.failNext('imagine', down('imaginepro'));
    apiframe.failNext('imagine', down('apiframe'));
    const onFallback = vi.fn();
    const warn = vi.fn();
    const mj = createGateway({
      providers: { imaginepro, apiframe },
      default: 'imaginepro',
      fallback: ['apiframe'],
      onFallback,
      logger: { warn },
    });
    await expect(mj.imagine({ prompt: 'fox' })).rejects.toThrow('apiframe failed (503)');
    expect(onFallback).toHaveBeenCalledTimes(1);
    expect(onFallback.mock.calls[0]![0]).toMatchObject({ from: 'imaginepro', to: 'apiframe' });
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('without cooldownMs a vendor that failed cooldownAfter times is skipped (30 s by default)', async () => {
    const imaginepro = vendor('imaginepro');
    const apiframe = vendor('apiframe');
    imaginepro.failNext('imagine', down('imaginepro'));
    const mj = createGateway({
      providers: { imaginepro, apiframe },
      default: 'imaginepro',
      fallback: ['apiframe'],
      cooldownAfter: 1,
    });
    expect((await mj.imagine({ prompt: '1' })).provider).toBe('apiframe');
    expect((await mj.imagine({ prompt: '2' })).provider).toBe('apiframe');
    expect(called(imaginepro, 'imagine')).toBe(1);
  });
});

describe('what the gateway reports', () => {
  it('its name, and a capability any configured vendor has', () => {
    const none = { batchGet: false, webhooks: false, cancel: false, account: false };
    const mj = createGateway({ providers: { imaginepro: vendor('imaginepro', none), apiframe: vendor('apiframe') } });
    expect(mj.provider).toBe('gateway');
    expect(mj.capabilities).toMatchObject({ batchGet: true, webhooks: true, cancel: true, account: true });
    const neither = createGateway({
      providers: { imaginepro: vendor('imaginepro', none), apiframe: vendor('apiframe', none) },
    });
    expect(neither.capabilities).toMatchObject(none);
  });

  it('client(name) hands out a configured vendor and names the configured ones otherwise', () => {
    const imaginepro = vendor('imaginepro');
    const mj = createGateway({ providers: { imaginepro, acedata: vendor('acedata') } });
    expect(mj.client('imaginepro')).toBe(imaginepro);
    expect(() => mj.client('apiframe')).toThrow(InvalidRequestError);
    expect(() => mj.client('apiframe')).toThrow(
      'Provider "apiframe" is not configured; configured: imaginepro, acedata.',
    );
  });

  it('a job id of an unknown, unconfigured vendor: no hint about a variable to set', async () => {
    const mj = createGateway({ providers: { imaginepro: vendor('imaginepro') } });
    await expect(mj.get('custom:1')).rejects.toThrow(/^Job custom:1 belongs to custom, which is not configured\.$/);
  });
});

describe('each submission lands on the routed vendor', () => {
  it('blend and shorten go to the default vendor', async () => {
    const imaginepro = vendor('imaginepro');
    const apiframe = vendor('apiframe');
    const mj = createGateway({ providers: { imaginepro, apiframe }, default: 'apiframe' });
    const blend = await mj.blend({ imageUrls: ['https://img.example/a.png', 'https://img.example/b.png'] });
    expect(blend).toMatchObject({ provider: 'apiframe', operation: 'blend' });
    const shorten = await mj.shorten({ prompt: 'a very long prompt about a fox' });
    expect(shorten).toMatchObject({ provider: 'apiframe', operation: 'shorten' });
    expect([called(apiframe, 'blend'), called(apiframe, 'shorten'), imaginepro.calls.length]).toEqual([1, 1, 0]);
  });

  it('a new video goes to the default vendor; extending one goes to the vendor that made it', async () => {
    const imaginepro = vendor('imaginepro');
    const apiframe = vendor('apiframe');
    const mj = createGateway({ providers: { imaginepro, apiframe }, default: 'imaginepro' });
    const fresh = await mj.video({ prompt: 'fox running', imageUrl: 'https://img.example/fox.png' });
    expect(fresh).toMatchObject({ provider: 'imaginepro', operation: 'video' });
    const made = await apiframe.video({ prompt: 'fox', imageUrl: 'https://img.example/fox.png' });
    const extended = await mj.video({ extend: made, prompt: 'further' });
    expect(extended).toMatchObject({ provider: 'apiframe', operation: 'video', parentId: made.id });
    expect(called(imaginepro, 'video')).toBe(1);
  });
});

describe('follow-ups the owning vendor can or cannot do', () => {
  it('seed and cancel on a vendor that offers them reach it', async () => {
    const apiframe = vendor('apiframe');
    const mj = createGateway({ providers: { apiframe } });
    const grid = await apiframe.imagine({ prompt: 'fox' });
    expect(await mj.seed(grid)).toMatchObject({ provider: 'apiframe', operation: 'seed' });
    expect(await mj.cancel(grid)).toMatchObject({ id: grid.id, status: 'cancelled' });
    expect([called(apiframe, 'seed'), called(apiframe, 'cancel')]).toEqual([1, 1]);
  });

  it('a seed lookup the owner lacks: names the vendors that have it', async () => {
    const imaginepro = vendor('imaginepro', { operations: ['imagine', 'action'] });
    const mj = createGateway({ providers: { imaginepro } });
    const grid = await imaginepro.imagine({ prompt: 'fox' });
    const error = await refusal(mj.seed(grid));
    expect(error.message).toBe(
      'imaginepro does not support seed lookups. acedata, apiframe, mjproxy would: a follow-up stays with the vendor that made the job, so create the job there.',
    );
    expect(error.provider).toBe('imaginepro');
    expect(called(imaginepro, 'seed')).toBe(0);
  });

  it('cancelling on an owner without cancel: the hint leaves the owner out', async () => {
    const imaginepro = vendor('imaginepro', { cancel: false });
    const mj = createGateway({ providers: { imaginepro } });
    const grid = await imaginepro.imagine({ prompt: 'fox' });
    const error = await refusal(mj.cancel(grid));
    expect(error.message).toBe(
      'imaginepro does not support cancelling a job. mjproxy would: a follow-up stays with the vendor that made the job, so create the job there.',
    );
    expect(error.provider).toBe('imaginepro');
  });

  it('account() asks the default vendor', async () => {
    const imaginepro = vendor('imaginepro');
    const apiframe = vendor('apiframe');
    const mj = createGateway({ providers: { imaginepro, apiframe }, default: 'apiframe' });
    expect(await mj.account()).toMatchObject({ provider: 'apiframe', credits: 1000 });
    expect([called(apiframe, 'account'), called(imaginepro, 'account')]).toEqual([1, 0]);
  });

  it('variation and reroll send those actions to the owner', async () => {
    const apiframe = vendor('apiframe');
    const mj = createGateway({ providers: { imaginepro: vendor('imaginepro'), apiframe } });
    const grid = await apiframe.wait(await apiframe.imagine({ prompt: 'fox' }));
    expect(await mj.variation(grid, 2)).toMatchObject({ provider: 'apiframe', action: 'variation-2' });
    expect(await mj.reroll(grid)).toMatchObject({ provider: 'apiframe', action: 'reroll' });
    expect(apiframe.calls.filter((call) => call.method === 'act').map((call) => call.args[1])).toEqual([
      'variation-2',
      'reroll',
    ]);
  });
});
