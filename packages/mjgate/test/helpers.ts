import { type Simulator, startSimulator } from '@mjgate/simulator';
import { afterAll, beforeAll } from 'vitest';
import { BUILTIN_PROVIDERS, createGateway, type Gateway, type GatewayConfig } from '../src/index.js';

export const VENDORS = BUILTIN_PROVIDERS;
export type Vendor = (typeof VENDORS)[number];
export const API_KEY = 'sim-test-key-0123456789';

/** Starts one simulator for the file's tests and closes it afterwards. */
export function useSimulator(): { sim: Simulator } {
  const holder = {} as { sim: Simulator };
  beforeAll(async () => {
    holder.sim = await startSimulator({ port: 0, apiKey: API_KEY, seed: 7 });
  });
  afterAll(async () => {
    await holder.sim?.close();
  });
  return holder;
}

/** A gateway over the simulator's three vendors, without vendor pacing, polling fast. */
export function simGateway(sim: Simulator, extra: Partial<GatewayConfig> = {}): Gateway {
  const providers = Object.fromEntries(
    VENDORS.map((v) => [v, { apiKey: API_KEY, baseURL: sim.urls[v], pace: { submit: 0, read: 0 } }]),
  );
  return createGateway({
    providers,
    poll: { intervalMs: 25, maxIntervalMs: 100 },
    maxRetries: 2,
    ...extra,
  });
}
