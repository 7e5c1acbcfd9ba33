import { modelsOf } from '@mjgate/core';
import type { Simulator, SimulatorOptions } from '@mjgate/simulator';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { builtinCapabilities } from '../src/gateway.js';
import { runCli } from './cli-run.js';

/** vi.waitFor gives up after 1 s by default: a busy machine may take longer to get there; the test's own timeout bounds it. */
const PATIENT = { timeout: 15_000, interval: 10 };

/**
 * The commands that list or serve rather than make jobs, in-process: `providers` (which vendors are
 * configured, which is the default, what each supports) and `sim` (the simulator a person exports
 * for later commands). `sim` runs a stand-in simulator here: what is checked is what the command
 * asks for, prints, and how it stops.
 */

const started = vi.hoisted(() => ({ options: [] as SimulatorOptions[], close: [] as (() => void)[] }));

vi.mock('@mjgate/simulator', async (importOriginal) => ({
  ...(await importOriginal<typeof import('@mjgate/simulator')>()),
  startSimulator: vi.fn(async (options: SimulatorOptions = {}) => {
    started.options.push(options);
    const close = vi.fn(async () => {});
    started.close.push(close);
    const url = `http://127.0.0.1:${options.port || 40123}`;
    return {
      url,
      urls: {
        imaginepro: `${url}/imaginepro`,
        acedata: `${url}/acedata`,
        apiframe: `${url}/apiframe`,
        mjproxy: `${url}/mjproxy`,
      },
      close,
    } as unknown as Simulator;
  }),
}));

const run = (...args: string[]) => runCli(args);

const KEYS = ['IMAGINEPRO_API_KEY', 'ACEDATA_API_KEY', 'APIFRAME_API_KEY', 'MJPROXY_API_KEY'];

beforeEach(() => {
  for (const name of [...KEYS, 'MJGATE_PROVIDER', 'MJGATE_FALLBACK', 'MJGATE_SIMULATOR_URL']) vi.stubEnv(name, '');
  started.options.length = 0;
  started.close.length = 0;
});

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('mjgate providers', () => {
  it('with no key: says commands run on the simulator, the first vendor marked default, none configured', async () => {
    const result = await run('providers');
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('No API key configured: commands run on the built-in simulator.\n');
    // One line per vendor, built from the capability tables (which other work may extend), in the registry's order.
    const yes = (value: boolean) => (value ? 'yes' : 'no');
    const expected = Object.entries(builtinCapabilities()).map(
      ([name, capabilities], index) =>
        `${index === 0 ? '*' : ' '} ${name.padEnd(11)} no key       ${capabilities.operations.join(', ')} | ${capabilities.actions.length} actions | batch ${yes(capabilities.batchGet)} | webhooks ${yes(capabilities.webhooks)} | cancel ${yes(capabilities.cancel)} | models ${modelsOf(capabilities).join(', ')}\n`,
    );
    expect(result.stdout).toBe(expected.join(''));
    expect(result.stdout).toMatch(
      /^\* imaginepro {2}no key {7}imagine, action, describe, .* \| \d+ actions \| batch no \| webhooks yes \| cancel yes \| models midjourney, flux-1\.1-pro\n {2}acedata {5}no key {7}imagine, .* \| batch yes \| webhooks yes \| cancel no \| models midjourney\n/,
    );
  });

  it('with a key: that vendor is configured and the default, and no notice', async () => {
    vi.stubEnv('APIFRAME_API_KEY', 'k-1');
    const result = await run('providers');
    expect(result.stderr).toBe('');
    const lines = result.stdout.split('\n');
    expect(lines.filter((line) => line.startsWith('*'))).toEqual([
      expect.stringMatching(/^\* apiframe {4}configured {3}/),
    ]);
    expect(lines.filter((line) => line.includes('configured  '))).toHaveLength(1);
  });

  it('MJGATE_PROVIDER picks the default among the configured', async () => {
    vi.stubEnv('APIFRAME_API_KEY', 'k-1');
    vi.stubEnv('ACEDATA_API_KEY', 'k-2');
    vi.stubEnv('MJGATE_PROVIDER', 'apiframe');
    const result = await run('providers');
    expect(result.stdout.split('\n').filter((line) => line.startsWith('*'))).toEqual([
      expect.stringMatching(/^\* apiframe {4}configured/),
    ]);
    expect(result.stdout).toMatch(/^ {2}acedata {5}configured {3}/m);
    expect(result.stdout).toMatch(/^ {2}imaginepro {2}no key {7}/m);
  });

  it('with two keys and no MJGATE_PROVIDER: the first configured in registry order is the default', async () => {
    vi.stubEnv('MJPROXY_API_KEY', 'k-1');
    vi.stubEnv('ACEDATA_API_KEY', 'k-2');
    const result = await run('providers');
    expect(result.stdout.split('\n').filter((line) => line.startsWith('*'))).toEqual([
      expect.stringMatching(/^\* acedata /),
    ]);
  });

  it('--json: one row per vendor, for a script', async () => {
    vi.stubEnv('ACEDATA_API_KEY', 'k-2');
    const result = await run('providers', '--json');
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const rows = JSON.parse(result.stdout) as Record<string, unknown>[];
    expect(result.stdout).toBe(`${JSON.stringify(rows, null, 2)}\n`);
    expect(rows.map((row) => [row.name, row.configured, row.default])).toEqual([
      ['imaginepro', false, false],
      ['acedata', true, true],
      ['apiframe', false, false],
      ['mjproxy', false, false],
    ]);
    expect(Object.keys(rows[0]!)).toEqual([
      'name',
      'configured',
      'default',
      'operations',
      'actions',
      'batchGet',
      'webhooks',
      'cancel',
      'models',
    ]);
    expect(rows[0]).toMatchObject({ models: ['midjourney', 'flux-1.1-pro'] });
  });

  it('--json with no key: still no notice (stdout and stderr stay for the script)', async () => {
    const result = await run('providers', '--json');
    expect(result.stderr).toBe('');
    expect((JSON.parse(result.stdout) as { default: boolean }[]).map((row) => row.default)).toEqual([
      true,
      false,
      false,
      false,
    ]);
  });
});

describe('mjgate sim', () => {
  async function serve(args: string[], signal: 'SIGINT' | 'SIGTERM') {
    const before = { SIGINT: process.listenerCount('SIGINT'), SIGTERM: process.listenerCount('SIGTERM') };
    const result = await runCli(['sim', ...args], {
      // The command runs until a signal: wait for its lines (an event, not a clock), then send one.
      during: async (output) => {
        await vi.waitFor(() => expect(output.stdout).toMatch(/vendors: /), PATIENT);
        expect(started.close[0]).not.toHaveBeenCalled();
        process.emit(signal);
      },
    });
    return { result, before };
  }

  it('starts the simulator with the options, prints the exports, and stops on Ctrl-C', async () => {
    const { result, before } = await serve(['--port', '65535', '--speed', '2.5', '--api-key', 'sk-test'], 'SIGINT');
    // Neither signal's listener is left behind, whichever came.
    expect({ SIGINT: process.listenerCount('SIGINT'), SIGTERM: process.listenerCount('SIGTERM') }).toEqual(before);
    expect(started.options).toEqual([{ port: 65535, speed: 2.5, apiKey: 'sk-test' }]);
    expect(result).toEqual({
      code: 0,
      stdout: [
        'simulator listening on http://127.0.0.1:65535',
        '  export MJGATE_SIMULATOR_URL=http://127.0.0.1:65535',
        '  export MJGATE_SIMULATOR_API_KEY=sk-test',
        '  vendors: http://127.0.0.1:65535/imaginepro http://127.0.0.1:65535/acedata http://127.0.0.1:65535/apiframe http://127.0.0.1:65535/mjproxy',
        '',
      ].join('\n'),
      stderr: '',
    });
    expect(started.close[0]).toHaveBeenCalledTimes(1);
  });

  it('defaults: port 8787, no key line; stops on SIGTERM too', async () => {
    const { result, before } = await serve([], 'SIGTERM');
    // Neither signal's listener is left behind, whichever came.
    expect({ SIGINT: process.listenerCount('SIGINT'), SIGTERM: process.listenerCount('SIGTERM') }).toEqual(before);
    expect(started.options).toEqual([{ port: 8787, speed: undefined, apiKey: undefined }]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        'simulator listening on http://127.0.0.1:8787',
        '  export MJGATE_SIMULATOR_URL=http://127.0.0.1:8787',
        '  vendors: http://127.0.0.1:8787/imaginepro http://127.0.0.1:8787/acedata http://127.0.0.1:8787/apiframe http://127.0.0.1:8787/mjproxy',
        '',
      ].join('\n'),
    );
    expect(started.close[0]).toHaveBeenCalledTimes(1);
  });

  it('--port 0 asks for any free port', async () => {
    await serve(['--port', '0'], 'SIGINT');
    expect(started.options[0]?.port).toBe(0);
  });
});
