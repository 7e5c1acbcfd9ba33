import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Job } from '@mjgate/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookHandler } from '../src/index.js';
import { simGateway, useSimulator, VENDORS } from './helpers.js';

const ctx = useSimulator();
const SECRET = 'whsec_e2e_0123456789';
let server: Server;
let hookUrl: string;
const received: { job: Job; vendor: string }[] = [];
const rejected: { status: number; url: string }[] = [];
let verifier: ReturnType<typeof createWebhookHandler>;

beforeAll(async () => {
  const gw = simGateway(ctx.sim, { webhookSecret: SECRET });
  verifier = createWebhookHandler(gw, { onJob: (job) => void received.push({ job, vendor: job.provider }) });
  server = createServer((req, res) => {
    const original = res.end.bind(res);
    res.end = ((body?: string) => {
      if (res.statusCode !== 200) rejected.push({ status: res.statusCode, url: req.url ?? '' });
      return original(body);
    }) as typeof res.end;
    void verifier.node(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  hookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/mj`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe.each(VENDORS)('webhooks from %s', (vendor) => {
  it('a real callback is verified, normalised to the same Job as polling, and accepted', async () => {
    const gw = simGateway(ctx.sim, { default: vendor, webhookSecret: SECRET });
    const job = await gw.imagine({ prompt: 'a red fox', webhookUrl: hookUrl });
    const polled = await gw.wait(job);
    await ctx.sim.ledger.settled();
    const mine = received.filter((r) => r.job.id === job.id);
    expect(mine.length).toBeGreaterThan(0);
    const final = mine.at(-1)!.job;
    expect(final).toMatchObject({ id: polled.id, status: 'succeeded', provider: vendor });
    expect(final.images.map((i) => i.url)).toEqual(polled.images.map((i) => i.url));
    expect(final.gridUrl).toBe(polled.gridUrl);
  });

  it('a callback signed with another secret is rejected', async () => {
    const other = simGateway(ctx.sim, { default: vendor, webhookSecret: 'whsec_someone_else_987' });
    const before = rejected.length;
    const job = await other.imagine({ prompt: 'a red fox', webhookUrl: hookUrl });
    await other.wait(job);
    await ctx.sim.ledger.settled();
    expect(received.some((r) => r.job.id === job.id)).toBe(false);
    expect(rejected.length).toBeGreaterThan(before);
    expect(rejected.at(-1)!.status).toBe(401);
    const deliveries = ctx.sim.ledger.webhooks({ vendor, jobId: job.providerJobId });
    expect(deliveries.length).toBeGreaterThan(0);
    expect(deliveries.every((d) => d.status === 401)).toBe(true);
  });
});
