import type { Job } from '@mjgate/core';
import { type Simulator, startSimulator } from '@mjgate/simulator';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type CliOutput, runCli } from './cli-run.js';
import { API_KEY } from './helpers.js';

/** vi.waitFor gives up after 1 s by default: a busy machine may take longer to get there; the test's own timeout bounds it. */
const PATIENT = { timeout: 15_000, interval: 10 };

/**
 * The CLI in-process on real sessions: a running simulator named by MJGATE_SIMULATOR_URL (paused, so
 * a job moves only when the test moves its clock), and the built-in simulator a fresh machine gets.
 */

/** Runs the CLI; `during` runs while the command does (it can wait for a line, then move the clock). */
const run = (args: string[], during?: (output: CliOutput) => Promise<void>) => runCli(args, { during });

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ port: 0, apiKey: API_KEY, paused: true, seed: 7 });
});
afterAll(async () => {
  await sim?.close();
});

beforeEach(() => {
  process.stderr.isTTY = false;
  for (const name of ['IMAGINEPRO_API_KEY', 'ACEDATA_API_KEY', 'APIFRAME_API_KEY', 'MJPROXY_API_KEY'])
    vi.stubEnv(name, undefined);
  vi.stubEnv('MJGATE_PROVIDER', undefined);
  vi.stubEnv('MJGATE_LOG', undefined);
});
afterEach(() => {
  vi.unstubAllEnvs();
});

describe('on a running simulator (MJGATE_SIMULATOR_URL)', () => {
  beforeEach(() => {
    vi.stubEnv('MJGATE_SIMULATOR_URL', sim.url);
    vi.stubEnv('MJGATE_SIMULATOR_API_KEY', API_KEY);
  });

  it('imagine returns at once with the queued job (no wait by default), on --provider', async () => {
    const result = await run(['imagine', 'a red fox', '--provider', 'apiframe']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^apiframe:\S+ {2}queued {2}\(apiframe\)\n$/);
  });

  it.each([
    ['blank', '  ', 'imaginepro'],
    ['padded', ' apiframe ', 'apiframe'],
  ])('MJGATE_PROVIDER %s reads as the vendors configuration reads it', async (_, value, vendor) => {
    vi.stubEnv('MJGATE_PROVIDER', value);
    const result = await run(['imagine', 'a red fox']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^${vendor}:\\S+ {2}queued {2}\\(${vendor}\\)\n$`));
  });

  it('imagine --wait shows progress lines, then the finished grid; status reads it again as JSON', async () => {
    const result = await run(['imagine', 'a red fox', '--wait'], async (output) => {
      await vi.waitFor(() => expect(output.stderr).toMatch(/^imagine imaginepro:\S+: queued$/m), PATIENT);
      sim.clock.advance(120_000);
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(
      /^imaginepro:\S+ {2}succeeded 100% {2}\(imaginepro\)\ngrid: http\S+\nimage 1: http\S+\nimage 2: \S+\nimage 3: \S+\nimage 4: \S+\n(seed: \S+\n)?actions: upscale-1 /,
    );
    const id = /^(imaginepro:\S+)/.exec(result.stdout)![1]!;
    const status = await run(['status', id, '--json']);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout) as Job).toMatchObject({ id, status: 'succeeded' });
  });

  it('--timeout on a job that does not move: exit 4, in seconds, with the command that keeps waiting', async () => {
    const submitted = await run(['imagine', 'a red fox', '--json']);
    const id = (JSON.parse(submitted.stdout) as Job).id;
    const result = await run(['wait', id, '--timeout', '0.2', '--quiet']);
    expect(result).toEqual({
      code: 4,
      stdout: '',
      stderr: `mjgate: Job ${id} was still queued after 0.2 s. It may still finish (and be billed): run \`mjgate wait ${id}\` to keep waiting (--timeout SECONDS to wait longer).\n`,
    });
  });

  it('an unknown job: a provider error, exit 5', async () => {
    const result = await run(['status', 'apiframe:00000000-0000-4000-8000-000000000000']);
    expect(result.code).toBe(5);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^mjgate: /);
  });

  it('a job that fails: exit 3, and --json prints it', async () => {
    sim.faults.add({
      vendor: 'imaginepro',
      category: 'submit',
      kind: 'fail-job',
      error: 'Job failed: invalid parameter',
      times: 1,
    });
    const before = sim.ledger.submissions({ vendor: 'imaginepro' }).length;
    const result = await run(['imagine', 'a red fox', '--wait', '--json'], async () => {
      // The job exists once its submission is in the ledger; then the clock makes it fail.
      await vi.waitFor(() => expect(sim.ledger.submissions({ vendor: 'imaginepro' }).length).toBe(before + 1), PATIENT);
      sim.clock.advance(120_000);
    });
    expect(result.code).toBe(3);
    expect(JSON.parse(result.stdout)).toMatchObject({ status: 'failed' });
    expect(result.stderr).toMatch(/^mjgate: Job imaginepro:\S+ ended failed/m);
  });
});

describe('on a fresh machine (no key, no simulator URL)', () => {
  beforeEach(() => {
    vi.stubEnv('MJGATE_SIMULATOR_URL', undefined);
  });

  it('imagine runs on a simulator started for the command, says so, and waits for the grid', async () => {
    const result = await run(['imagine', 'a red fox', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(
      /^No API key configured: using the built-in simulator at http:\/\/127\.0\.0\.1:\d+\. It stops with this command/,
    );
    expect(JSON.parse(result.stdout)).toMatchObject({ status: 'succeeded', provider: 'imaginepro' });
  });

  it('--quiet drops the notice', async () => {
    const result = await run(['describe', 'https://cdn.test/a.png', '--quiet', '--provider', 'apiframe']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^apiframe:\S+ {2}succeeded 100% {2}\(apiframe\)\n1\. /);
  });
});
