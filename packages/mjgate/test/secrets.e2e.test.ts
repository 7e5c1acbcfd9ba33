import { MjGateError } from '@mjgate/core';
import { type Simulator, startSimulator } from '@mjgate/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, createWebhookHandler } from '../src/index.js';
import { VENDORS } from './helpers.js';

const KEY = 'sk-live-TOPSECRET-0123456789abcdef';
const HOOK_SECRET = 'whsec-TOPSECRET-fedcba9876543210';
let sim: Simulator;
// The simulator refuses to call the off-machine hook URL used below; what it says about that is scanned too.
const simulatorLog: string[] = [];

beforeAll(async () => {
  sim = await startSimulator({ port: 0, apiKey: KEY, seed: 3, log: (line) => void simulatorLog.push(line) });
});
afterAll(() => sim.close());

describe.each(VENDORS)('no secret in any message or log line (%s)', (vendor) => {
  it('across a full flow, a retried failure, a rejected key and webhooks', async () => {
    const lines: string[] = [];
    const record = (message: string, data?: Record<string, unknown>) =>
      void lines.push(message + JSON.stringify(data ?? {}));
    const logger = { debug: record, warn: record };
    const only = (apiKey: string) =>
      Object.fromEntries([[vendor, { apiKey, baseURL: sim.urls[vendor], pace: { submit: 0, read: 0 } }]]);
    const gateway = createGateway({
      providers: only(KEY),
      webhookSecret: HOOK_SECRET,
      logger,
      poll: { intervalMs: 20, maxIntervalMs: 50 },
    });
    const errors: string[] = [];
    const handler = createWebhookHandler(gateway, { onJob: () => {}, onError: (e) => void errors.push(e.message) });

    sim.faults.add({ vendor, category: 'status', kind: 'status', status: 503, times: 1 });
    const grid = await gateway.run({ prompt: 'a red fox', webhookUrl: 'https://app.example/hooks' });
    await gateway.wait(await gateway.upscale(grid, 1));

    const denied = createGateway({ providers: only(`${KEY}-wrong`), logger });
    const authError = await denied.imagine({ prompt: 'a red fox' }).catch((error: unknown) => error);
    expect(MjGateError.isInstance(authError)).toBe(true);
    errors.push((authError as Error).message);

    await handler(new Request(`https://app.example/hooks?mjgate_provider=${vendor}`, { method: 'POST', body: '{}' }));

    expect(lines.length).toBeGreaterThan(5);
    expect(lines.some((l) => l.includes('[redacted]'))).toBe(true);
    for (const text of [...lines, ...errors, ...simulatorLog]) {
      expect(text).not.toContain(KEY);
      expect(text).not.toContain(HOOK_SECRET);
    }
  });
});
