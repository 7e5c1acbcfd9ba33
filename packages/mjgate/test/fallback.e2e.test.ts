import { ContentPolicyError, MjGateError } from '@mjgate/core';
import { afterEach, describe, expect, it } from 'vitest';
import { simGateway, useSimulator } from './helpers.js';

const ctx = useSimulator();
afterEach(() => ctx.sim.reset());

const submissions = (vendor: 'imaginepro' | 'apiframe' | 'acedata') => ctx.sim.ledger.submissions({ vendor }).length;

describe('fallback against the simulator', () => {
  it('the default answering 503: the fallback serves it and the result says so', async () => {
    ctx.sim.faults.add({ vendor: 'imaginepro', category: 'submit', kind: 'status', status: 503 });
    const gw = simGateway(ctx.sim, { default: 'imaginepro', fallback: ['apiframe'], maxRetries: 0 });
    const job = await gw.imagine({ prompt: 'a red fox' });
    expect(job.provider).toBe('apiframe');
    expect(submissions('imaginepro')).toBe(0);
    expect(submissions('apiframe')).toBe(1);
    expect((await gw.wait(job)).status).toBe('succeeded');
  });

  it('the default rate-limiting: the fallback serves it', async () => {
    ctx.sim.faults.add({ vendor: 'acedata', category: 'submit', kind: 'rate-limit', retryAfter: 1 });
    const gw = simGateway(ctx.sim, { default: 'acedata', fallback: ['imaginepro'], maxRetries: 0 });
    const job = await gw.imagine({ prompt: 'a red fox' });
    expect(job.provider).toBe('imaginepro');
    expect(submissions('acedata')).toBe(0);
  });

  it('a content-policy rejection is not re-routed', async () => {
    const gw = simGateway(ctx.sim, { default: 'apiframe', fallback: ['imaginepro'] });
    const err = await gw.imagine({ prompt: 'something gore' }).catch((e) => e);
    expect(MjGateError.isInstance(err)).toBe(true);
    expect(err).toBeInstanceOf(ContentPolicyError);
    expect(submissions('imaginepro')).toBe(0);
  });

  it('accept-then-500 is not re-routed, and the ledger shows one submission', async () => {
    ctx.sim.faults.add({ vendor: 'imaginepro', category: 'submit', kind: 'accept-then-error', status: 500, times: 1 });
    const gw = simGateway(ctx.sim, { default: 'imaginepro', fallback: ['apiframe'] });
    const err = await gw.imagine({ prompt: 'a red fox' }).catch((e) => e);
    expect(MjGateError.isInstance(err)).toBe(true);
    expect(err.mayHaveCreatedJob).toBe(true);
    expect(err.message).toMatch(/may have created the job/);
    expect(submissions('imaginepro')).toBe(1);
    expect(submissions('apiframe')).toBe(0);
  });
});
