import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Job } from '@mjgate/core';
import { signWebhookUrl } from '@mjgate/core/provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookHandler } from '../src/index.js';
import { simGateway, useSimulator, VENDORS } from './helpers.js';

const setup = useSimulator();
const SECRET = 'whsec_e2e_0123456789';
let server: Server;
let hookUrl: string;
const received: { job: Job; vendor: string }[] = [];
const rejected: { status: number; url: string }[] = [];
let verifier: ReturnType<typeof createWebhookHandler>;

beforeAll(async () => {
  const gateway = simGateway(setup.sim, { webhookSecret: SECRET });
  verifier = createWebhookHandler(gateway, { onJob: (job) => void received.push({ job, vendor: job.provider }) });
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
    const gateway = simGateway(setup.sim, { default: vendor, webhookSecret: SECRET });
    const job = await gateway.imagine({ prompt: 'a red fox', webhookUrl: hookUrl });
    const polled = await gateway.wait(job);
    await setup.sim.ledger.settled();
    const mine = received.filter((r) => r.job.id === job.id);
    expect(mine.length).toBeGreaterThan(0);
    const final = mine.at(-1)!.job;
    expect(final).toMatchObject({ id: polled.id, status: 'succeeded', provider: vendor });
    expect(final.images.map((i) => i.url)).toEqual(polled.images.map((i) => i.url));
    expect(final.gridUrl).toBe(polled.gridUrl);
  });

  it('a callback signed with another secret is rejected', async () => {
    const other = simGateway(setup.sim, { default: vendor, webhookSecret: 'whsec_someone_else_987' });
    const before = rejected.length;
    const job = await other.imagine({ prompt: 'a red fox', webhookUrl: hookUrl });
    await other.wait(job);
    await setup.sim.ledger.settled();
    expect(received.some((r) => r.job.id === job.id)).toBe(false);
    expect(rejected.length).toBeGreaterThan(before);
    expect(rejected.at(-1)!.status).toBe(401);
    const deliveries = setup.sim.ledger.webhooks({ vendor, jobId: job.providerJobId });
    expect(deliveries.length).toBeGreaterThan(0);
    expect(deliveries.every((d) => d.status === 401)).toBe(true);
  });
});

/**
 * What an attacker who saw callbacks (in a proxy log, a vendor dashboard) can try: replay a genuine
 * delivery with another result, move one job's body to another job's URL, or post a made-up job.
 */
describe.each(VENDORS)('forged callbacks to %s URLs', (vendor) => {
  /** A finished job with a webhook, and the last callback the simulator delivered for it. */
  async function finished(prompt: string) {
    const gateway = simGateway(setup.sim, { default: vendor, webhookSecret: SECRET });
    const job = await gateway.imagine({ prompt, webhookUrl: hookUrl });
    const polled = await gateway.wait(job);
    await setup.sim.ledger.settled();
    const delivery = setup.sim.ledger.webhooks({ vendor, jobId: job.providerJobId }).at(-1);
    if (!delivery) throw new Error(`the simulator delivered no callback for ${job.id}`);
    return { job, polled, delivery };
  }

  /** A separate receiver (as after a restart) that records what reaches onJob. */
  function receiver(confirm?: boolean) {
    const jobs: Job[] = [];
    const errors: string[] = [];
    const handler = createWebhookHandler(simGateway(setup.sim, { webhookSecret: SECRET }), {
      onJob: (job) => void jobs.push(job),
      onError: (error) => void errors.push(error.message),
      confirm,
    });
    const post = async (url: string, headers: Record<string, string>, body: unknown) =>
      (await handler(new Request(url, { method: 'POST', headers, body: JSON.stringify(body) }))).status;
    return { jobs, errors, post };
  }

  it('a replayed callback carrying another result: onJob gets what the vendor reports, not the forgery', async () => {
    const { polled, delivery } = await finished('a red fox');
    const forged = JSON.parse(JSON.stringify(delivery.body).replaceAll(setup.sim.url, 'https://attacker.example'));
    expect(JSON.stringify(forged)).toContain('attacker.example');

    const confirming = receiver();
    expect(await confirming.post(delivery.url, delivery.headers, forged)).toBe(200);
    const seen = confirming.jobs[0]!;
    expect(seen).toMatchObject({ id: polled.id, status: 'succeeded' });
    expect(seen.images.map((i) => i.url)).toEqual(polled.images.map((i) => i.url));
    expect(JSON.stringify(seen)).not.toContain('attacker.example');

    // The trade-off of `confirm: false`: the signature holds, so the body is all there is.
    const trusting = receiver(false);
    expect(await trusting.post(delivery.url, delivery.headers, forged)).toBe(200);
    expect(JSON.stringify(trusting.jobs[0])).toContain('attacker.example');
  });

  it("another job's genuine callback posted to this job's URL is rejected (401)", async () => {
    const a = await finished('a red fox');
    const b = await finished('a grey wolf');
    const { jobs, errors, post } = receiver();
    expect(await post(a.delivery.url, b.delivery.headers, b.delivery.body)).toBe(401);
    expect(jobs).toEqual([]);
    expect(errors).toEqual([
      expect.stringMatching(`names job ${b.job.id}, but its URL was issued for job ${a.job.id}`),
    ]);
  });

  it('a made-up job at a URL signed elsewhere is rejected once the vendor says it does not know it (401)', async () => {
    const { job, delivery } = await finished('a red fox');
    // Signed as another process of the app would (this process never handed it out): the signature passes.
    const url = await signWebhookUrl(hookUrl, vendor, SECRET, { operation: 'imagine' });
    const madeUp = crypto.randomUUID();
    const body = JSON.parse(JSON.stringify(delivery.body).replaceAll(job.providerJobId, madeUp));
    const { jobs, errors, post } = receiver();
    expect(await post(url, delivery.headers, body)).toBe(401);
    expect(jobs).toEqual([]);
    expect(errors).toEqual([expect.stringMatching(`does not know job ${vendor}:${madeUp}`)]);
  });
});

/**
 * With no webhook secret nothing is signed, yet each callback still reaches its vendor through the
 * gateway: the adapter's client tags the URL with `mjgate_provider`; the gateway hands the caller's URL
 * on untouched.
 */
describe.each(VENDORS)('unsigned callbacks from %s', (vendor) => {
  it('carry the vendor in their URL and reach it through a gateway whose default is another vendor', async () => {
    const gateway = simGateway(setup.sim, { default: vendor });
    const job = await gateway.imagine({ prompt: 'a red fox', webhookUrl: `${hookUrl}?app=unsigned` });
    const polled = await gateway.wait(job);
    await setup.sim.ledger.settled();
    const delivery = setup.sim.ledger.webhooks({ vendor, jobId: job.providerJobId }).at(-1);
    if (!delivery) throw new Error(`the simulator delivered no callback for ${job.id}`);
    const query = new URL(delivery.url).searchParams;
    expect(query.get('mjgate_provider')).toBe(vendor);
    expect(query.get('app')).toBe('unsigned');
    expect(query.has('mjgate_sig')).toBe(false);

    const jobs: Job[] = [];
    const otherDefault = VENDORS.find((name) => name !== vendor)!;
    const handler = createWebhookHandler(simGateway(setup.sim, { default: otherDefault }), {
      onJob: (received) => void jobs.push(received),
    });
    const request = new Request(delivery.url, {
      method: 'POST',
      headers: delivery.headers,
      body: JSON.stringify(delivery.body),
    });
    expect((await handler(request)).status).toBe(200);
    expect(jobs).toEqual([expect.objectContaining({ id: polled.id, provider: vendor, status: 'succeeded' })]);
  });
});
