import { ContentPolicyError, MjGateError } from '@mjgate/core';
import { afterEach, describe, expect, it } from 'vitest';
import { simGateway, useSimulator } from './helpers.js';

const setup = useSimulator();
afterEach(() => setup.sim.reset());

const submissions = (vendor: 'imaginepro' | 'apiframe' | 'acedata') => setup.sim.ledger.submissions({ vendor }).length;

describe('fallback against the simulator', () => {
  it('the default answering 503: the fallback serves it and the result says so', async () => {
    setup.sim.faults.add({ vendor: 'imaginepro', category: 'submit', kind: 'status', status: 503 });
    const gateway = simGateway(setup.sim, { default: 'imaginepro', fallback: ['apiframe'], maxRetries: 0 });
    const job = await gateway.imagine({ prompt: 'a red fox' });
    expect(job.provider).toBe('apiframe');
    expect(submissions('imaginepro')).toBe(0);
    expect(submissions('apiframe')).toBe(1);
    expect((await gateway.wait(job)).status).toBe('succeeded');
  });

  it('the default rate-limiting: the fallback serves it', async () => {
    setup.sim.faults.add({ vendor: 'acedata', category: 'submit', kind: 'rate-limit', retryAfter: 1 });
    const gateway = simGateway(setup.sim, { default: 'acedata', fallback: ['imaginepro'], maxRetries: 0 });
    const job = await gateway.imagine({ prompt: 'a red fox' });
    expect(job.provider).toBe('imaginepro');
    expect(submissions('acedata')).toBe(0);
  });

  it('a content-policy rejection is not re-routed', async () => {
    const gateway = simGateway(setup.sim, { default: 'apiframe', fallback: ['imaginepro'] });
    const failure = await gateway.imagine({ prompt: 'something gore' }).catch((error) => error);
    expect(MjGateError.isInstance(failure)).toBe(true);
    expect(failure).toBeInstanceOf(ContentPolicyError);
    expect(submissions('imaginepro')).toBe(0);
  });

  it('accept-then-500 is not re-routed, and the ledger shows one submission', async () => {
    setup.sim.faults.add({
      vendor: 'imaginepro',
      category: 'submit',
      kind: 'accept-then-error',
      status: 500,
      times: 1,
    });
    const gateway = simGateway(setup.sim, { default: 'imaginepro', fallback: ['apiframe'] });
    const failure = await gateway.imagine({ prompt: 'a red fox' }).catch((error) => error);
    expect(MjGateError.isInstance(failure)).toBe(true);
    expect(failure.mayHaveCreatedJob).toBe(true);
    expect(failure.message).toMatch(/may have created the job/);
    expect(submissions('imaginepro')).toBe(1);
    expect(submissions('apiframe')).toBe(0);
  });
});
