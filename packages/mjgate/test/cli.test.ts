import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emptyJob, type Job, MjGateError } from '@mjgate/core';
import { describe, expect, it } from 'vitest';
import { saveResults } from '../src/cli/files.js';
import { API_KEY, useSimulator } from './helpers.js';

const BIN = join(import.meta.dirname, '..', 'dist', 'cli.js');
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const setup = useSimulator();

/** The environment of a fresh machine: no vendor keys, no simulator URL. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (/_API_KEY$|^MJGATE_/.test(k)) delete env[k];
  return { ...env, ...extra };
}

function run(args: string[], env = cleanEnv()): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('mjgate CLI (built bin)', () => {
  it('is built', () => {
    expect(existsSync(BIN), 'run pnpm build first').toBe(true);
  });

  it('with no key it embeds the simulator, says so, and --out writes real PNGs; --json prints the Job', async () => {
    const out = mkdtempSync(join(tmpdir(), 'mjgate-cli-'));
    const result = await run(['imagine', 'a red fox in snow', '--aspect', '16:9', '--out', out, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const job = JSON.parse(result.stdout) as Job & { files: string[] };
    expect(job).toMatchObject({ status: 'succeeded', operation: 'imagine', provider: 'imaginepro' });
    expect(job.images).toHaveLength(4);
    const files = readdirSync(out).sort();
    expect(files).toHaveLength(5);
    expect(files.some((f) => f.endsWith('-grid.png'))).toBe(true);
    for (const f of files) expect(readFileSync(join(out, f)).subarray(0, 8)).toEqual(PNG);
    expect(job.files).toHaveLength(5);
  });

  it('the embedded default announces itself in one line on stderr', async () => {
    const result = await run(['imagine', 'a red fox', '--wait']);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/No API key configured: using the built-in simulator at http:\/\/127\.0\.0\.1:\d+/);
    expect(result.stdout).toMatch(/^imaginepro:\S+ {2}succeeded 100%/);
  });

  it('drives a running simulator through MJGATE_SIMULATOR_URL across commands', async () => {
    const env = cleanEnv({ MJGATE_SIMULATOR_URL: setup.sim.url, MJGATE_SIMULATOR_API_KEY: API_KEY });
    const first = await run(['imagine', 'a red fox', '--provider', 'apiframe', '--wait', '--json'], env);
    expect(first.code, first.stderr).toBe(0);
    const grid = JSON.parse(first.stdout) as Job;
    expect(grid.provider).toBe('apiframe');
    const up = await run(['act', grid.id, 'U2', '--wait', '--json'], env);
    expect(up.code, up.stderr).toBe(0);
    expect(JSON.parse(up.stdout)).toMatchObject({ action: 'upscale-2', parentId: grid.id, status: 'succeeded' });
    const status = await run(['status', grid.id, '--json'], env);
    expect(JSON.parse(status.stdout)).toMatchObject({ id: grid.id, status: 'succeeded' });
  });

  it('exit codes: usage 2, job failure 3, provider error 5', async () => {
    expect((await run(['imagine'])).code).toBe(2);
    expect((await run(['frobnicate'])).code).toBe(2);
    expect((await run(['imagine', 'x', '--aspect', 'wide'])).code).toBe(2);
    const env = cleanEnv({ MJGATE_SIMULATOR_URL: setup.sim.url, MJGATE_SIMULATOR_API_KEY: API_KEY });
    expect((await run(['act', 'imaginepro:x', 'U9'], env)).code).toBe(2);
    // A timeout that is not a number is a usage error, not a NaN deadline that polls in a tight loop.
    const badTimeout = await run(['wait', 'imaginepro:x', '--timeout', 'soon'], env);
    expect(badTimeout.code).toBe(2);
    expect(badTimeout.stderr).toMatch(/--timeout.*expected a number above 0/);
    const unknown = await run(['status', 'apiframe:00000000-0000-4000-8000-000000000000'], env);
    expect(unknown.code).toBe(5);
    setup.sim.faults.add({
      vendor: 'imaginepro',
      category: 'submit',
      kind: 'fail-job',
      error: 'Job failed: invalid parameter',
      times: 1,
    });
    const failed = await run(['imagine', 'a red fox', '--wait', '--json'], env);
    expect(failed.code).toBe(3);
    expect(JSON.parse(failed.stdout)).toMatchObject({ status: 'failed' });
    expect(failed.stderr).toMatch(/ended failed/);
    expect((await run(['--help'])).code).toBe(0);
  });

  it('providers lists the capability table', async () => {
    const result = await run(['providers', '--json']);
    expect(result.code).toBe(0);
    const rows = JSON.parse(result.stdout) as { name: string; operations: string[]; models: string[] }[];
    expect(rows.map((x) => x.name)).toEqual(['imaginepro', 'acedata', 'apiframe', 'mjproxy']);
    expect(rows.every((x) => x.operations.includes('imagine'))).toBe(true);
    const models = Object.fromEntries(rows.map((x) => [x.name, x.models]));
    expect(models.imaginepro).toEqual(['midjourney', 'flux-1.1-pro']);
  });

  it('imagine --model flux-1.1-pro --n 4 --out writes 4 PNGs and no grid', async () => {
    const out = mkdtempSync(join(tmpdir(), 'mjgate-cli-flux-'));
    // AceData as the default: the model, not the default, decides where the job goes.
    const env = cleanEnv({ MJGATE_PROVIDER: 'acedata' });
    const result = await run(
      ['imagine', 'a lighthouse at dawn', '--model', 'flux-1.1-pro', '--n', '4', '--out', out],
      env,
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^imaginepro:flux\.\S+ {2}succeeded 100% {2}\(imaginepro\)\nmodel: flux-1\.1-pro\n/);
    expect(result.stdout).not.toMatch(/grid:|actions:/);
    const files = readdirSync(out).sort();
    expect(files).toHaveLength(4);
    expect(files.every((f) => /-[1-4]\.png$/.test(f))).toBe(true);
    for (const f of files) expect(readFileSync(join(out, f)).subarray(0, 8)).toEqual(PNG);
  });

  it('--n on Midjourney is a usage error (exit 2) before any job', async () => {
    const result = await run(['imagine', 'a red fox', '--n', '2']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/`n` does not apply to Midjourney/);
    expect((await run(['imagine', 'a red fox', '--model', 'flux-1.1-pro', '--n', 'two'])).code).toBe(2);
  });
});

describe('--out downloads', () => {
  it('a result link that fails is a provider error (exit 5), naming the job to fetch again', async () => {
    const job = emptyJob({ provider: 'apiframe', providerJobId: 't1', operation: 'imagine', status: 'succeeded' });
    job.gridUrl = `${setup.sim.url}/no-such-file.png`;
    const failure = await saveResults(job, mkdtempSync(join(tmpdir(), 'mjgate-dl-'))).catch((error) => error);
    expect(MjGateError.isInstance(failure) && failure.code).toBe('provider_unavailable');
    expect(failure.message).toMatch(/HTTP 404.*mjgate status apiframe:t1 --out/);
  });
});
