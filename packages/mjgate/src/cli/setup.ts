import { LOG_LEVEL_ENV, type Logger, type LogLevel } from '@mjgate/core';
import { readEnv } from '@mjgate/core/provider';
import { startSimulator } from '@mjgate/simulator';
import { apiKeyVariables, configFromEnv, GATEWAY_ENV, type GatewayConfig } from '../config.js';
import { createGateway, type Gateway } from '../gateway.js';
import { BUILTIN_PROVIDERS, BUILTIN_VENDORS } from '../vendors.js';
import { vendorOfId } from './errors.js';

/** Where the CLI's gateway points: real vendors, a running simulator, or one started in-process. */
export interface Session {
  gateway: Gateway;
  mode: 'vendors' | 'simulator' | 'embedded';
  close(): Promise<void>;
}

/** The CLI's own environment variables: a simulator to use when no vendor key is set. */
export const SIMULATOR_ENV = { url: 'MJGATE_SIMULATOR_URL', apiKey: 'MJGATE_SIMULATOR_API_KEY' } as const;

/** The simulator key's earlier name, still read (it predates the one `*_API_KEY` naming scheme). */
const LEGACY_SIMULATOR_KEY = 'MJGATE_SIMULATOR_KEY';

/** Settings for the simulator's fast clock: no vendor pacing, short polls. */
const SIMULATED = { pace: { submit: 0, read: 0 }, poll: { intervalMs: 100, maxIntervalMs: 500 } };

/**
 * The CLI's log lines go to stderr (stdout carries results, and `--json` output must stay parseable):
 * warnings (retries, fallbacks) by default, everything with `MJGATE_LOG=debug`, nothing with `silent`.
 */
function stderrLogging(): { logger: Logger; logLevel?: LogLevel } {
  const write = (level: string) => (message: string, data?: Record<string, unknown>) =>
    void process.stderr.write(`mjgate ${level}: ${message}${data ? ` ${JSON.stringify(data)}` : ''}\n`);
  const logger: Logger = { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
  // With MJGATE_LOG set, the clients read (and check) it themselves.
  return readEnv(LOG_LEVEL_ENV) ? { logger } : { logger, logLevel: 'warn' };
}

function simulatorConfig(url: string, apiKey: string, provider?: string): GatewayConfig {
  const base = url.replace(/\/+$/, '');
  return {
    providers: Object.fromEntries(
      BUILTIN_PROVIDERS.map((name) => [name, { apiKey, baseURL: `${base}/${name}`, ...SIMULATED }]),
    ),
    // Read as the vendors' configuration reads it (trimmed, blank = unset), so both modes agree.
    default: provider ?? readEnv(GATEWAY_ENV.provider) ?? BUILTIN_PROVIDERS[0],
    ...stderrLogging(),
  };
}

/** What the command works on: new jobs, or a job made by an earlier command (its id). */
export type Purpose = { kind: 'new' } | { kind: 'existing'; id: string; command: string };

/** Why an existing job cannot be reached with no key and no simulator URL, and what to set instead. */
export class NoJobsToReach extends Error {
  constructor(purpose: Extract<Purpose, { kind: 'existing' }>) {
    const vendor = vendorOfId(purpose.id);
    const key = vendor ? BUILTIN_VENDORS[vendor].env.apiKey : apiKeyVariables().join(', ');
    super(
      `mjgate ${purpose.command} needs the vendor that holds job ${purpose.id}, and no API key is set. Set ${key}, or — for a job made on the simulator — run 'mjgate sim' in another terminal and export the ${SIMULATOR_ENV.url} it prints before making the job: the built-in simulator forgets its jobs when each command ends.`,
    );
    this.name = 'NoJobsToReach';
  }
}

/**
 * Builds the gateway the way a fresh machine expects: vendor keys from the environment when any is
 * set; else the simulator at `MJGATE_SIMULATOR_URL`; else a simulator started in this process, for
 * new jobs only (it stops with the command, so a job id from an earlier command means nothing to it).
 */
export async function openSession(
  provider: string | undefined,
  purpose: Purpose,
  say: (line: string) => void,
): Promise<Session> {
  const env = configFromEnv();
  const hasKey = apiKeyVariables().some((variable) => readEnv(variable));
  if (hasKey) {
    return {
      gateway: createGateway({ ...env, default: provider ?? env.default, ...stderrLogging() }),
      mode: 'vendors',
      close: async () => {},
    };
  }
  const simUrl = readEnv(SIMULATOR_ENV.url);
  if (simUrl) {
    const gateway = createGateway(
      simulatorConfig(simUrl, readEnv(SIMULATOR_ENV.apiKey) ?? readEnv(LEGACY_SIMULATOR_KEY) ?? 'sim-key', provider),
    );
    return { gateway, mode: 'simulator', close: async () => {} };
  }
  if (purpose.kind === 'existing') throw new NoJobsToReach(purpose);
  const sim = await startSimulator({ port: 0 });
  say(
    `No API key configured: using the built-in simulator at ${sim.url}. It stops with this command, so the command waits for the result (--out keeps the files; run 'mjgate sim' for jobs that outlive a command, or set ${apiKeyVariables().join(', ')} to use a real vendor).`,
  );
  return {
    gateway: createGateway(simulatorConfig(sim.url, 'sim-key', provider)),
    mode: 'embedded',
    close: () => sim.close(),
  };
}
