import { execFile, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Job } from '@mjgate/core';
import { startSimulator } from '@mjgate/simulator';
import { describe, expect, it } from 'vitest';
import { API_KEY, useSimulator } from './helpers.js';

/**
 * The CLI as a person meets it in a terminal and in scripts: pipes closed early, Ctrl-C during a
 * wait, the built-in simulator's defaults, the documented scripts example, messages in CLI words.
 * Every case runs the built bin in a child process.
 */

const BIN = join(import.meta.dirname, '..', 'dist', 'cli.js');
const setup = useSimulator();

/** The environment of a fresh machine: no vendor keys, no simulator URL, no mjgate settings. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (/_API_KEY$|_BASE_URL$|^MJGATE_/.test(k)) delete env[k];
  return { ...env, ...extra };
}

/** A running simulator, as `mjgate sim` + its `export` lines give it. */
const simEnv = (url = setup.sim.url) => cleanEnv({ MJGATE_SIMULATOR_URL: url, MJGATE_SIMULATOR_API_KEY: API_KEY });

function run(args: string[], env = cleanEnv()): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** Runs the bin with its stdout pipe closed by the reader before the first write, as `| head -1` does after its line. */
function runIntoClosedPipe(args: string[], env = cleanEnv()): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.destroy();
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stderr })));
}

describe('output to a closed pipe', () => {
  it.each([
    ['--help', ['--help']],
    ['providers', ['providers']],
    ['imagine --json on the built-in simulator', ['imagine', 'a red fox', '--json']],
  ])('%s ends quietly with exit 0, no EPIPE stack trace', async (_name, args) => {
    const result = await runIntoClosedPipe(args);
    expect(result.stderr).not.toMatch(/EPIPE|Error|^\s+at /m);
    expect(result.code).toBe(0);
  });
});

describe('Ctrl-C during a wait', () => {
  it('shows the job id, exits 130, prints the one command that resumes, and that command finishes the job', async () => {
    const sim = await startSimulator({ port: 0, paused: true, apiKey: API_KEY });
    try {
      const env = simEnv(sim.url);
      const child = spawn(process.execPath, [BIN, 'imagine', 'a red fox', '--wait'], { env });
      let stderr = '';
      let stdout = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
      });
      const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
      // The progress line (stderr, piped: plain lines) names the job before any poll: wait for it, then interrupt.
      const id = await new Promise<string>((resolve, reject) => {
        child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
          stderr += chunk;
          const line = /^imagine (imaginepro:\S+): (queued|running)/m.exec(stderr);
          if (line) resolve(line[1]!);
        });
        child.on('close', () => reject(new Error(`exited before a progress line:\n${stderr}`)));
      });
      child.kill('SIGINT');
      expect(await exited).toBe(130);
      expect(stdout).toBe('');
      expect(stderr).toContain(`Job ${id} is still running at imaginepro`);
      expect(stderr).toMatch(new RegExp(`Resume with:\\n {2}mjgate wait ${id.replace(/[.]/g, '\\.')}\\n`));
      expect(stderr).not.toMatch(/at .*\.js:\d+/);

      // The job went on at the vendor: the printed command picks it up.
      sim.clock.advance(10 * 60_000);
      const resumed = await run(['wait', id, '--json'], env);
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(JSON.parse(resumed.stdout)).toMatchObject({ id, status: 'succeeded' });
    } finally {
      await sim.close();
    }
  });
});

describe('the built-in simulator (no key)', () => {
  it('imagine without --wait waits, and says why in its one line', async () => {
    const result = await run(['imagine', 'a red fox', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ status: 'succeeded', operation: 'imagine' });
    const notice = result.stderr.trim().split('\n');
    expect(notice).toHaveLength(1);
    expect(notice[0]).toMatch(
      /built-in simulator at http:\/\/127\.0\.0\.1:\d+\. It stops with this command, so the command waits/,
    );
  });

  it('--no-wait still returns at once when asked', async () => {
    const result = await run(['imagine', 'a red fox', '--json', '--no-wait']);
    expect(result.code, result.stderr).toBe(0);
    expect((JSON.parse(result.stdout) as Job).status).not.toBe('succeeded');
  });

  it('status, wait and act on an earlier job say what to set instead (exit 2), naming the vendor key', async () => {
    for (const args of [
      ['wait', 'apiframe:29e9'],
      ['status', 'apiframe:29e9'],
      ['act', 'apiframe:29e9', 'U1'],
    ]) {
      const result = await run(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(/Set APIFRAME_API_KEY, or .*run 'mjgate sim'.*MJGATE_SIMULATOR_URL/);
      expect(result.stderr).not.toMatch(/No API key configured: using/);
    }
  });
});

describe("docs/cli.md's scripts example", () => {
  it('runs as written against a running simulator', async () => {
    const docs = readFileSync(join(import.meta.dirname, '..', '..', '..', 'docs', 'cli.md'), 'utf8');
    const script = /## Scripts[\s\S]*?```sh\n([\s\S]*?)```/.exec(docs)?.[1];
    expect(script).toContain('mjgate wait "$id"');
    // `mjgate` on the PATH, as `npm install -g mjgate` puts it there.
    const bin = mkdtempSync(join(tmpdir(), 'mjgate-bin-'));
    writeFileSync(join(bin, 'mjgate'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
    chmodSync(join(bin, 'mjgate'), 0o755);
    const cwd = mkdtempSync(join(tmpdir(), 'mjgate-script-'));
    const env = { ...simEnv(), PATH: `${bin}:${process.env.PATH}` };
    const result = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile('bash', ['-euo', 'pipefail', '-c', script!], { env, cwd, timeout: 60_000 }, (error, stdout, stderr) =>
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
    expect(result.code, result.stderr).toBe(0);
    // The last line is the upscale's image URL, from jq.
    expect(result.stdout.trim().split('\n').at(-1)).toMatch(/^https?:\/\/\S+$/);
    expect(readdirSync(join(cwd, 'images')).length).toBe(5);
  });
});

describe('messages in CLI words', () => {
  it('a wait that times out names the command and flag to go on, not library options (exit 4)', async () => {
    const sim = await startSimulator({ port: 0, paused: true, apiKey: API_KEY });
    try {
      const result = await run(['imagine', 'a red fox', '--wait', '--timeout', '0.2'], simEnv(sim.url));
      expect(result.code).toBe(4);
      expect(result.stderr).toMatch(/run `mjgate wait imaginepro:\S+` to keep waiting \(--timeout SECONDS/);
      expect(result.stderr).not.toMatch(/timeoutMs|wait\(\)/);
    } finally {
      await sim.close();
    }
  });

  it('a prompt the vendor refuses is exit 6, with no library call in the advice', async () => {
    const result = await run(['imagine', 'a gore scene', '--wait'], simEnv());
    expect(result.code).toBe(6);
    expect(result.stderr).toMatch(/refused the prompt/);
    expect(result.stderr).not.toMatch(/promptCheck|\(\)/);
  });

  it('sim --port and --speed take numbers: anything else is a usage error (exit 2)', async () => {
    for (const args of [
      ['sim', '--port', 'abc'],
      ['sim', '--port', '70000'],
      ['sim', '--speed', 'fast'],
    ]) {
      const result = await run(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(/argument .* is invalid/);
    }
  });

  it('MJGATE_LOG=debug logs every request on stderr, credentials redacted; a bad level is exit 2', async () => {
    const result = await run(['imagine', 'a red fox', '--wait', '--json'], { ...simEnv(), MJGATE_LOG: 'debug' });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/^mjgate debug: → POST /m);
    expect(result.stderr).not.toContain(API_KEY);
    // stdout stays the Job alone, parseable.
    expect(JSON.parse(result.stdout)).toMatchObject({ status: 'succeeded' });
    const quiet = await run(['imagine', 'a red fox', '--wait'], { ...simEnv(), MJGATE_LOG: 'silent' });
    expect(quiet.stderr).not.toMatch(/mjgate (debug|warn):/);
    const bad = await run(['imagine', 'a red fox'], { ...simEnv(), MJGATE_LOG: 'verbose' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/MJGATE_LOG must be one of debug, info, warn, error, silent/);
  });
});
