import { startSimulator } from '@mjgate/simulator';
import { apiKeyVariables, configFromEnv, GATEWAY_ENV, type GatewayConfig } from '../config.js';
import { createGateway, type Gateway } from '../gateway.js';
import { BUILTIN_PROVIDERS } from '../vendors.js';

/** Where the CLI's gateway points: real vendors, a running simulator, or one started in-process. */
export interface Session {
  gateway: Gateway;
  mode: 'vendors' | 'simulator' | 'embedded';
  close(): Promise<void>;
}

/** The CLI's own environment variables: a simulator to use when no vendor key is set. */
export const SIMULATOR_ENV = { url: 'MJGATE_SIMULATOR_URL', apiKey: 'MJGATE_SIMULATOR_KEY' } as const;

/** Settings for the simulator's fast clock: no vendor pacing, short polls. */
const SIMULATED = { pace: { submit: 0, read: 0 }, poll: { intervalMs: 100, maxIntervalMs: 500 } };

function simulatorConfig(url: string, apiKey: string, provider?: string): GatewayConfig {
  const base = url.replace(/\/+$/, '');
  return {
    providers: Object.fromEntries(
      BUILTIN_PROVIDERS.map((name) => [name, { apiKey, baseUrl: `${base}/${name}`, ...SIMULATED }]),
    ),
    default: provider ?? process.env[GATEWAY_ENV.provider] ?? BUILTIN_PROVIDERS[0],
  };
}

/**
 * Builds the gateway the way a fresh machine expects: vendor keys from the environment when any is
 * set; else the simulator at `MJGATE_SIMULATOR_URL`; else a simulator started in this process.
 */
export async function openSession(provider: string | undefined, say: (line: string) => void): Promise<Session> {
  const env = configFromEnv();
  const hasKey = apiKeyVariables().some((variable) => process.env[variable]?.trim());
  if (hasKey) {
    return {
      gateway: createGateway({ ...env, default: provider ?? env.default }),
      mode: 'vendors',
      close: async () => {},
    };
  }
  const simUrl = process.env[SIMULATOR_ENV.url]?.trim();
  if (simUrl) {
    const gateway = createGateway(simulatorConfig(simUrl, process.env[SIMULATOR_ENV.apiKey] ?? 'sim-key', provider));
    return { gateway, mode: 'simulator', close: async () => {} };
  }
  const sim = await startSimulator({ port: 0 });
  say(
    `No API key configured: using the built-in simulator at ${sim.url}, which stops with this command (--out keeps the images; set ${apiKeyVariables().join(', ')} to use a real vendor).`,
  );
  return {
    gateway: createGateway(simulatorConfig(sim.url, 'sim-key', provider)),
    mode: 'embedded',
    close: () => sim.close(),
  };
}
