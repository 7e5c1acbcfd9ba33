// Webhooks go to this machine only, unless the simulator is told otherwise. No test here sends anything off
// the machine: `fetch` is wrapped so that a non-loopback URL gets a stand-in answer and is only noted.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type Simulator, type SimulatorOptions, startSimulator, TIMINGS, type Vendor } from '../src/index';
import { isLoopbackHost, webhookTarget } from '../src/webhooks';
import { call, startReceiver } from './helpers';

const realFetch = globalThis.fetch;
/** URLs the simulator tried to reach off this machine (answered by the stand-in, never sent). */
let offMachine: string[] = [];

beforeEach(() => {
  offMachine = [];
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (isLoopbackHost(url.hostname)) return realFetch(input, init);
    offMachine.push(url.href);
    return new Response(null, { status: 204 });
  });
});
afterEach(() => {
  vi.restoreAllMocks();
});

const EXTERNAL = 'https://hooks.example.com/mj?token=callback-token-123';

/** Submits one job per vendor with EXTERNAL as its webhook, and runs the clock to the end of all three. */
async function submitEverywhere(sim: Simulator): Promise<Record<Exclude<Vendor, 'mjproxy'>, string>> {
  const send = (vendor: Vendor, path: string, body: unknown, authorization: string) =>
    call<Record<string, string>>(`${sim.urls[vendor]}${path}`, { body, headers: { authorization } });
  const ip = await send('imaginepro', '/api/v1/nova/imagine', { prompt: 'a', webhookOverride: EXTERNAL }, 'Bearer k');
  const ace = await send('acedata', '/midjourney/imagine', { prompt: 'b', callback_url: EXTERNAL }, 'Bearer k');
  const af = await send('apiframe', '/imagine', { prompt: 'c', webhook_url: EXTERNAL, webhook_secret: 's' }, 'k');
  sim.clock.advance(TIMINGS.grid[0] + TIMINGS.grid[1]);
  await sim.ledger.settled();
  return {
    imaginepro: ip.body.messageId as string,
    acedata: ace.body.task_id as string,
    apiframe: af.body.task_id as string,
  };
}

async function paused(options: SimulatorOptions = {}) {
  const lines: string[] = [];
  const sim = await startSimulator({ paused: true, speed: 400, log: (line) => lines.push(line), ...options });
  return { sim, lines };
}

describe('which webhook URLs are sent', () => {
  it('takes only loopback hosts, however they are written', () => {
    for (const url of [
      'http://127.0.0.1:8080/hook',
      'http://127.8.9.10/hook',
      'http://localhost:3000/hook',
      'https://LOCALHOST./hook',
      'http://[::1]:8080/hook',
      'http://[0:0:0:0:0:0:0:1]/hook',
      'http://[::ffff:127.0.0.1]/hook',
      'http://2130706433/hook', // 127.0.0.1 as one number
      'http://0x7f.1/hook',
    ]) {
      expect(webhookTarget(url, false), url).toBeUndefined();
    }
  });

  it('refuses every other host, names that resolve to 127.0.0.1 included, and anything not http(s)', () => {
    for (const url of [
      'https://hooks.example.com/mj',
      'http://10.0.0.5/hook',
      'http://192.168.1.2/hook',
      'http://0.0.0.0:8080/hook',
      'http://128.0.0.1/hook',
      'http://[::2]/hook',
      'http://[fe80::1]/hook',
      'http://localtest.me/hook', // public DNS name for 127.0.0.1: not decided by a lookup
      'http://localhost.example.com/hook',
      'http://127.0.0.1.nip.io/hook',
    ]) {
      expect(webhookTarget(url, false), url).toMatch(/is not a loopback address/);
    }
    expect(webhookTarget('ftp://127.0.0.1/hook', false)).toMatch(/not http or https/);
    expect(webhookTarget('file:///etc/passwd', true)).toMatch(/not http or https/);
    expect(webhookTarget('/relative/hook', false)).toMatch(/not an absolute URL/);
    expect(webhookTarget('https://hooks.example.com/mj', true)).toBeUndefined();
  });
});

describe('webhook delivery', () => {
  it('by default records and logs a webhook to another host for every vendor, and never sends it', async () => {
    const { sim, lines } = await paused();
    try {
      const ids = await submitEverywhere(sim);
      expect(offMachine).toEqual([]);
      for (const [vendor, jobId] of Object.entries(ids) as Array<[Vendor, string]>) {
        const deliveries = sim.ledger.webhooks({ vendor, jobId });
        // APIFRAME's progress update and the final result; the others' final result.
        expect(deliveries, vendor).toHaveLength(vendor === 'apiframe' ? 2 : 1);
        for (const d of deliveries) {
          expect(d).toMatchObject({ url: EXTERNAL, refused: true, error: expect.stringMatching(/loopback/) });
          expect(d.status).toBeUndefined();
        }
      }
      expect(lines).toHaveLength(4);
      for (const line of lines) {
        expect(line).toContain('https://hooks.example.com is not a loopback address');
        // The log names the origin only: a callback URL's path and query may carry a secret.
        expect(line).not.toContain('callback-token-123');
      }
      const overHttp = await call<{ webhooks: Array<{ refused?: boolean }> }>(`${sim.url}/_sim/ledger`);
      expect(overHttp.body.webhooks.every((w) => w.refused === true)).toBe(true);
    } finally {
      await sim.close();
    }
  });

  it('with allowExternalWebhooks, sends to any host', async () => {
    const { sim, lines } = await paused({ allowExternalWebhooks: true });
    try {
      const ids = await submitEverywhere(sim);
      // The stand-in answered them here: the simulator did try to reach the external host.
      expect(offMachine).toEqual([EXTERNAL, EXTERNAL, EXTERNAL, EXTERNAL]);
      expect(sim.ledger.webhooks({ jobId: ids.acedata })).toEqual([
        expect.objectContaining({ url: EXTERNAL, status: 204 }),
      ]);
      expect(sim.ledger.webhooks().some((d) => d.refused)).toBe(false);
      expect(lines).toEqual([]);
    } finally {
      await sim.close();
    }
  });

  it('delivers to a loopback receiver, and does not follow its redirect', async () => {
    const elsewhere = await startReceiver();
    const redirecting = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(307, { location: `${elsewhere.url}/moved` }).end());
    });
    await new Promise<void>((resolve) => redirecting.listen(0, '127.0.0.1', resolve));
    const { sim, lines } = await paused();
    try {
      const hook = `http://127.0.0.1:${(redirecting.address() as AddressInfo).port}/hook`;
      const { body } = await call<{ task_id: string }>(`${sim.urls.acedata}/midjourney/imagine`, {
        body: { prompt: 'redirected', callback_url: hook },
        headers: { authorization: 'Bearer k' },
      });
      sim.clock.advance(TIMINGS.grid[0] + TIMINGS.grid[1]);
      await sim.ledger.settled();
      expect(sim.ledger.webhooks({ jobId: body.task_id })).toEqual([
        expect.objectContaining({ url: hook, status: 307 }),
      ]);
      expect(elsewhere.calls).toEqual([]);
      expect(lines).toEqual([]);
    } finally {
      await sim.close();
      redirecting.closeAllConnections();
      await new Promise<void>((resolve) => redirecting.close(() => resolve()));
      await elsewhere.close();
    }
  });
});
