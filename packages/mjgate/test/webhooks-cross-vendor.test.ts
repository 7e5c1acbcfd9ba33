import { readdirSync, readFileSync } from 'node:fs';
import { type MidjourneyClient, WebhookVerificationError } from '@mjgate/core';
import { signWebhookUrl } from '@mjgate/core/provider';
import { describe, expect, it } from 'vitest';
import { createGateway, createWebhookHandler } from '../src/index.js';
import { VENDORS, type Vendor } from './helpers.js';

// One vendor's callback body must never pass for another's: every fixture body of each vendor, posted
// to a URL correctly signed for each other vendor (with APIFRAME's header secret too, so that only
// the body's shape can refuse it), is rejected. The URLs are signed directly, as another process of
// the app would have signed them, so no remembered job narrows the check: the shape alone decides.

const SECRET = 'whsec_cross_vendor_0123456789';
const HOOK = 'https://app.example/hooks/mj';

/** Every JSON body among a vendor's test fixtures (ndjson lines one by one). */
function fixtureBodies(vendor: Vendor): [string, unknown][] {
  const dir = new URL(`../../${vendor}/test/fixtures/`, import.meta.url);
  const out: [string, unknown][] = [];
  for (const name of readdirSync(dir).sort()) {
    const text = name.endsWith('.json') || name.endsWith('.ndjson') ? readFileSync(new URL(name, dir), 'utf8') : '';
    if (name.endsWith('.json')) out.push([name, JSON.parse(text)]);
    if (name.endsWith('.ndjson')) {
      text
        .split(/\r?\n/)
        .filter((line) => line.trim())
        .forEach((line, i) => {
          out.push([`${name}:${i + 1}`, JSON.parse(line)]);
        });
    }
  }
  return out;
}

/** Each vendor's fixtures that are callbacks of its own (the rest are submit answers, errors, accounts…). */
const OWN_CALLBACKS: Record<Vendor, string[]> = {
  imaginepro: ['message-done-button.json', 'message-done-new.json', 'message-processing.json', 'video-done.json'],
  acedata: [
    'callback-failed.json',
    'edits-result.json',
    'imagine-result.json',
    'upscale-result.json',
    'video-result.json',
    'imagine-stream.ndjson:1',
  ],
  apiframe: [
    'imagine-finished.json',
    'imagine-processing.json',
    'upscale-1x-finished.json',
    'describe-finished.json',
    'failed-error.json',
    'reroll-finished.json',
    'seed-finished.json',
    'video-finished.json',
  ],
  mjproxy: [
    'task-imagine-novicezk.json',
    'task-upscale-trueai.json',
    'task-video-trueai.json',
    'task-cancelled-trueai.json',
    'task-describe-plus.json',
    'task-shorten-plus.json',
    'task-imagine-newapi.json',
    'task-failure-banned.json',
  ],
};

const BASE_URLS: Partial<Record<Vendor, string>> = { mjproxy: 'https://proxy.example.com' };

const gateway = createGateway({
  providers: Object.fromEntries(
    // mj-proxy has no host of its own (its base URL is required); the others use theirs.
    VENDORS.map((v) => [v, { apiKey: `${v}-key-0123456789`, maxRetries: 0, baseURL: BASE_URLS[v] }]),
  ),
  webhookSecret: SECRET,
});

const request = async (vendor: Vendor, body: unknown) => ({
  url: await signWebhookUrl(HOOK, vendor, SECRET, { operation: 'imagine' }),
  headers: { 'content-type': 'application/json', 'x-webhook-secret': SECRET },
  body: JSON.stringify(body),
});

const pairs = VENDORS.flatMap((to) => VENDORS.filter((from) => from !== to).map((from) => [from, to] as const));

describe.each(pairs)('a %s callback body posted to a URL signed for %s', (from, to) => {
  const client: MidjourneyClient = gateway.client(to);
  const bodies = fixtureBodies(from);

  it(`is rejected by ${to}'s parseWebhook, for every ${from} fixture`, async () => {
    expect(bodies.length).toBeGreaterThan(10);
    for (const [name, body] of bodies) {
      const outcome = await client.parseWebhook(await request(to, body)).then(
        (job) => `accepted as ${job.id}`,
        (error: unknown) => error,
      );
      expect(outcome, `${from}/${name}`).toBeInstanceOf(WebhookVerificationError);
    }
  });

  it('gets 401 from the handler, without the vendor being asked', async () => {
    const seen: string[] = [];
    const handler = createWebhookHandler(gateway, { onJob: (job) => void seen.push(job.id) });
    for (const [name, body] of bodies) {
      const { url, headers, body: text } = await request(to, body);
      const response = await handler(new Request(url, { method: 'POST', headers, body: text }));
      expect(response.status, `${from}/${name}`).toBe(401);
    }
    expect(seen).toEqual([]);
  });
});

describe.each(VENDORS)("%s's own callback fixtures still pass", (vendor) => {
  it('each is accepted by its parseWebhook', async () => {
    const bodies = new Map(fixtureBodies(vendor));
    for (const name of OWN_CALLBACKS[vendor]) {
      expect(bodies.has(name), name).toBe(true);
      const job = await gateway.client(vendor).parseWebhook(await request(vendor, bodies.get(name)));
      expect(job.provider, name).toBe(vendor);
    }
  });
});
