/**
 * The promise "never leak a key", checked the way an attacker or a careless log would look: a
 * distinctive key and webhook secret per vendor, every success and failure path (refused, reset,
 * timeout, 4xx/5xx, 2xx error envelopes, failed jobs, a vendor that echoes the key back), debug
 * logging on, through each adapter, the gateway with fallback, and the CLI; then every printable
 * form of every outcome is scanned.
 */
import { execFile } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { createAceData } from '@mjgate/acedata';
import { createApiFrame } from '@mjgate/apiframe';
import type { Job, Logger, MidjourneyClient } from '@mjgate/core';
import { MjGateError } from '@mjgate/core';
import { createImaginePro } from '@mjgate/imaginepro';
import { createMjProxy } from '@mjgate/mjproxy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway } from '../src/index.js';

type Vendor = 'imaginepro' | 'acedata' | 'apiframe' | 'mjproxy';
const VENDORS: Vendor[] = ['imaginepro', 'acedata', 'apiframe', 'mjproxy'];

const SECRETS: Record<Vendor, { key: string; hook: string }> = {
  imaginepro: { key: 'ipk-LEAKCANARY-1111aaaa', hook: 'iph-LEAKCANARY-2222bbbb' },
  acedata: { key: 'adk-LEAKCANARY-3333cccc', hook: 'adh-LEAKCANARY-4444dddd' },
  apiframe: { key: 'afk-LEAKCANARY-5555eeee', hook: 'afh-LEAKCANARY-6666ffff' },
  mjproxy: { key: 'mjk-LEAKCANARY-7777aaaa', hook: 'mjh-LEAKCANARY-8888bbbb' },
};
const ALL_SECRETS = VENDORS.flatMap((v) => [SECRETS[v].key, SECRETS[v].hook]);

type Scenario = 'success-echo' | 'failed-job' | 'envelope' | 'http-401' | 'http-500' | 'bad-json' | 'reset' | 'stall';
const SCENARIOS: Scenario[] = [
  'success-echo',
  'failed-job',
  'envelope',
  'http-401',
  'http-500',
  'bad-json',
  'reset',
  'stall',
];

/** What each vendor says, with `echo` (the credentials the request carried) put where a vendor could put it. */
const bodies: Record<
  Vendor,
  {
    created: (echo: string) => unknown;
    finished: (echo: string) => unknown;
    failed: (echo: string) => unknown;
    envelope: (echo: string) => unknown;
  }
> = {
  imaginepro: {
    created: (echo) => ({ success: true, messageId: 'ip-1', createdAt: '2026-01-01T00:00:00Z', note: echo }),
    finished: (echo) => ({
      messageId: 'ip-1',
      prompt: `a fox ${echo}`,
      status: 'DONE',
      progress: 100,
      uri: 'https://cdn.example/grid.png',
      images: [
        'https://cdn.example/1.png',
        'https://cdn.example/2.png',
        'https://cdn.example/3.png',
        'https://cdn.example/4.png',
      ],
      buttons: ['U1', 'U2', 'U3', 'U4'],
      debug: { headers: { authorization: echo } },
    }),
    failed: (echo) => ({ messageId: 'ip-1', status: 'FAIL', error: `upstream rejected token ${echo}` }),
    envelope: (echo) => ({ success: false, error: `invalid key ${echo}` }),
  },
  acedata: {
    created: (echo) => ({ task_id: 'ad-1', trace: echo }),
    finished: (echo) => ({
      id: 'ad-1',
      type: 'imagine',
      request: { prompt: `a fox ${echo}`, action: 'generate' },
      response: {
        success: true,
        task_id: 'ad-1',
        image_id: '1',
        progress: 100,
        image_url: 'https://cdn.example/grid.png',
        actions: ['upscale1'],
        echo,
      },
      created_at: 1720364607.967,
      finished_at: 1720364637.404,
    }),
    failed: (echo) => ({
      id: 'ad-1',
      type: 'imagine',
      request: { prompt: 'a fox', action: 'generate' },
      response: {
        success: false,
        task_id: 'ad-1',
        error: { code: 'bad_request', message: `token ${echo} not allowed` },
      },
      created_at: 1720364607.967,
    }),
    envelope: (echo) => ({ success: false, error: { code: 'invalid_token', message: `token ${echo} is invalid` } }),
  },
  apiframe: {
    created: (echo) => ({ task_id: 'af-1', echo }),
    finished: (echo) => ({
      task_id: 'af-1',
      task_type: 'imagine',
      status: 'finished',
      original_image_url: 'https://cdn.example/grid.png',
      image_urls: [
        'https://cdn.example/1.png',
        'https://cdn.example/2.png',
        'https://cdn.example/3.png',
        'https://cdn.example/4.png',
      ],
      echo,
    }),
    failed: (echo) => ({ task_id: 'af-1', task_type: 'imagine', status: 'failed', message: `key ${echo} rejected` }),
    envelope: (echo) => ({ errors: [{ msg: `key ${echo} rejected` }] }),
  },
  mjproxy: {
    created: (echo) => ({ code: 1, description: `提交成功 ${echo}`, result: '1712345678900001', properties: { echo } }),
    finished: (echo) => ({
      id: '1712345678900001',
      action: 'IMAGINE',
      status: 'SUCCESS',
      prompt: `a fox ${echo}`,
      progress: '100%',
      imageUrl: 'https://cdn.example/grid.png',
      properties: { finalPrompt: `a fox ${echo}`, notifyHook: echo },
      buttons: [{ customId: 'MJ::JOB::upsample::1::h', label: 'U1', emoji: '', type: 2, style: 2 }],
    }),
    failed: (echo) => ({
      id: '1712345678900001',
      action: 'IMAGINE',
      status: 'FAILURE',
      failReason: `key ${echo} rejected`,
    }),
    envelope: (echo) => ({ success: false, code: -1, message: `token ${echo} 账号不可用` }),
  },
};

const SUBMIT_PATHS: Record<Vendor, RegExp> = {
  imaginepro: /\/api\/v1\/nova\/imagine$/,
  acedata: /\/midjourney\/imagine$/,
  apiframe: /\/imagine$/,
  mjproxy: /\/mj\/submit\/imagine$/,
};

let server: Server;
let base: string;
let closedPortUrl: string;
const scenario: Record<Vendor, Scenario> = {
  imaginepro: 'success-echo',
  acedata: 'success-echo',
  apiframe: 'success-echo',
  mjproxy: 'success-echo',
};

function answer(req: IncomingMessage, res: ServerResponse): void {
  const vendor = (req.url ?? '').split('/')[1] as Vendor;
  const path = (req.url ?? '').split('?')[0] ?? '';
  const mode = scenario[vendor];
  // The echo holds everything the request carried: a vendor that quotes it back leaks nothing only
  // if mjgate masks it.
  const echo = `${req.headers.authorization ?? ''} ${SECRETS[vendor]?.key ?? ''} ${SECRETS[vendor]?.hook ?? ''}`;
  const json = (status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
  let text = '';
  req.on('data', (chunk) => {
    text += chunk;
  });
  req.on('end', () => {
    const submit = SUBMIT_PATHS[vendor].test(path);
    // Waits on AceData and APIFRAME share batched reads: answer them in the batch shape.
    const batch = /retrieve_batch/.test(text) || path.endsWith('/fetch-many') || path.endsWith('/list-by-condition');
    const read = (record: unknown) =>
      batch
        ? vendor === 'acedata'
          ? { items: [record], count: 1 }
          : vendor === 'mjproxy'
            ? [record]
            : { tasks: [record] }
        : record;
    switch (mode) {
      case 'reset':
        return void req.socket.destroy();
      case 'stall':
        return; // never answers: the client's per-call limit ends it
      case 'http-401':
        return json(401, { message: `bad key ${echo}`, error: { code: 'invalid_token', message: `bad key ${echo}` } });
      case 'http-500':
        return json(500, { message: `crash while handling ${echo}` });
      case 'bad-json':
        return void res.writeHead(200).end(`<html>proxy error for ${echo}</html>`);
      case 'envelope':
        return json(200, bodies[vendor].envelope(echo));
      case 'failed-job':
        return json(200, submit ? bodies[vendor].created(echo) : read(bodies[vendor].failed(echo)));
      default:
        return json(200, submit ? bodies[vendor].created(echo) : read(bodies[vendor].finished(echo)));
    }
  });
}

beforeAll(async () => {
  server = createServer(answer);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  closedPortUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function recorder(): { lines: string[]; logger: Logger } {
  const lines: string[] = [];
  const record = (message: string, data?: Record<string, unknown>) =>
    void lines.push(`${message} ${JSON.stringify(data ?? {})}`);
  return { lines, logger: { debug: record, warn: record } };
}

const COMMON = { maxRetries: 1, backoff: { baseMs: 1, maxMs: 1 } } as const;
/**
 * Per request: short where the server stalls, so that scenario ends soon; long everywhere else, so
 * a loaded machine (a first request also loads ky) never turns an answer into a timeout.
 */
const timeoutFor = (mode: Scenario) => ({ timeoutMs: mode === 'stall' ? 400 : 30_000 });
/** The whole run: never what ends a scenario. */
const RUN = { timeoutMs: 60_000, pollIntervalMs: 1, maxPollIntervalMs: 20 };

function adapter(vendor: Vendor, logger: Logger, mode: Scenario, baseURL = `${base}/${vendor}`): MidjourneyClient {
  const options = {
    apiKey: SECRETS[vendor].key,
    webhookSecret: SECRETS[vendor].hook,
    baseURL,
    logger,
    ...COMMON,
    ...timeoutFor(mode),
  };
  if (vendor === 'imaginepro') return createImaginePro({ ...options, pace: { submit: 0, read: 0 } });
  if (vendor === 'acedata')
    return createAceData({ ...options, pace: { submit: 0, read: 0 } } as Parameters<typeof createAceData>[0]);
  if (vendor === 'mjproxy') return createMjProxy(options);
  return createApiFrame(options);
}

/** Every form in which a user could print or ship what came back. */
function printable(outcome: unknown): string[] {
  const forms = [JSON.stringify(outcome), inspect(outcome, { depth: 10 }), String(outcome)];
  if (outcome instanceof Error) {
    forms.push(outcome.message, outcome.stack ?? '');
    let cause: unknown = outcome.cause;
    for (let depth = 0; cause && depth < 8; depth++) {
      forms.push(inspect(cause, { depth: 10 }), JSON.stringify(cause));
      cause = (cause as { cause?: unknown }).cause;
    }
  }
  return forms;
}

function expectClean(texts: string[], what: string): void {
  for (const text of texts) {
    for (const secret of ALL_SECRETS) {
      expect(text.includes(secret), `${what} leaks ${secret}:\n${text.slice(0, 2000)}`).toBe(false);
    }
  }
}

async function settle(promise: Promise<Job>): Promise<{ job?: Job; error?: unknown }> {
  try {
    return { job: await promise };
  } catch (error) {
    return { error };
  }
}

describe.each(VENDORS)('no secret leaves the %s adapter', (vendor) => {
  it.each(SCENARIOS)('%s', async (mode) => {
    scenario[vendor] = mode;
    const { lines, logger } = recorder();
    const client = adapter(vendor, logger, mode);
    const outcome = await settle(client.run({ prompt: 'a fox' }, RUN));
    if (mode === 'success-echo') {
      expect(outcome.error, inspect(outcome.error)).toBeUndefined();
      expect(outcome.job?.status).toBe('succeeded');
    } else {
      expect(MjGateError.isInstance(outcome.error), inspect(outcome.error)).toBe(true);
    }
    expect(lines.length).toBeGreaterThan(0);
    expectClean([...printable(outcome.job ?? outcome.error), ...lines], `${vendor}/${mode}`);
  });

  it('a refused connection', async () => {
    const { lines, logger } = recorder();
    const outcome = await settle(
      adapter(vendor, logger, 'reset', `${closedPortUrl}/${vendor}`).imagine({ prompt: 'a fox' }),
    );
    expect(MjGateError.isInstance(outcome.error)).toBe(true);
    expectClean([...printable(outcome.error), ...lines], `${vendor}/refused`);
  });
});

describe('no secret leaves the gateway, primary and fallback alike', () => {
  it.each(SCENARIOS)('imaginepro refused, apiframe %s', async (mode) => {
    scenario.apiframe = mode;
    const { lines, logger } = recorder();
    const gateway = createGateway({
      providers: {
        imaginepro: {
          apiKey: SECRETS.imaginepro.key,
          baseURL: `${closedPortUrl}/imaginepro`,
          pace: { submit: 0, read: 0 },
        },
        apiframe: { apiKey: SECRETS.apiframe.key, baseURL: `${base}/apiframe` },
      },
      default: 'imaginepro',
      fallback: ['apiframe'],
      webhookSecret: SECRETS.apiframe.hook,
      logger,
      ...COMMON,
      ...timeoutFor(mode),
    });
    const outcome = await settle(gateway.run({ prompt: 'a fox' }, RUN));
    if (mode === 'success-echo') expect(outcome.job?.provider).toBe('apiframe');
    else expect(MjGateError.isInstance(outcome.error), inspect(outcome.error)).toBe(true);
    expectClean([...printable(outcome.job ?? outcome.error), ...lines], `gateway/${mode}`);
  });
});

const BIN = join(import.meta.dirname, '..', 'dist', 'cli.js');

function cli(args: string[], vendor: Vendor): Promise<string> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) if (/_API_KEY$|_BASE_URL$|^MJGATE_/.test(k)) delete env[k];
  const upper = vendor.toUpperCase();
  Object.assign(env, {
    [`${upper}_API_KEY`]: SECRETS[vendor].key,
    [`${upper}_BASE_URL`]: `${base}/${vendor}`,
    MJGATE_WEBHOOK_SECRET: SECRETS[vendor].hook,
    MJGATE_PROVIDER: vendor,
    // Every request and response logged on stderr: scanned with the rest of the output.
    MJGATE_LOG: 'debug',
  });
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env, timeout: 60_000 }, (_error, stdout, stderr) =>
      resolve(`${stdout}\n${stderr}`),
    );
  });
}

describe('no secret in the CLI output', () => {
  it.each(['failed-job', 'envelope', 'http-401', 'http-500', 'bad-json', 'success-echo'] as Scenario[])(
    'imaginepro %s, human and --json output',
    async (mode) => {
      scenario.imaginepro = mode;
      const human = await cli(['imagine', 'a fox', '--wait', '--timeout', '20'], 'imaginepro');
      const json = await cli(['imagine', 'a fox', '--wait', '--json', '--timeout', '20'], 'imaginepro');
      expect(human.trim().length).toBeGreaterThan(0);
      expectClean([human, json], `cli/${mode}`);
    },
  );
});
