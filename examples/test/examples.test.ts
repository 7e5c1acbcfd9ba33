// Runs the batch script and the Express server as a user would (`node batch/batch.ts`, `node
// express/server.ts`, Node's own type stripping, the built packages) against the simulator on
// 127.0.0.1. Every wait is on an event (a process exit, a line of output); the test timeout is only a
// hang guard.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { type Simulator, startSimulator } from '@mjgate/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const examples = join(import.meta.dirname, '..');
let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ apiKey: 'sim-key', log: () => {} });
});
afterAll(async () => {
  await sim?.close();
});

/** The environment a user sets to point the examples at `mjgate sim`. */
function simulatorEnv(): NodeJS.ProcessEnv {
  const { IMAGINEPRO_API_KEY, ACEDATA_API_KEY, MJPROXY_API_KEY, MJGATE_PROVIDER, ...rest } = process.env;
  return {
    ...rest,
    APIFRAME_API_KEY: 'sim-key',
    APIFRAME_BASE_URL: sim.urls.apiframe,
    MJGATE_WEBHOOK_SECRET: 'example-webhook-secret',
  };
}

function start(script: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, [script, ...args], { cwd: examples, env, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** The process's output, line by line, and a way to wait for a line. */
function lines(child: ChildProcess) {
  const output: string[] = [];
  const waiters = new Set<{ pattern: RegExp; resolve: (m: RegExpMatchArray) => void; reject: (e: Error) => void }>();
  createInterface({ input: child.stdout! }).on('line', (line) => {
    output.push(line);
    for (const waiter of waiters) {
      const match = waiter.pattern.exec(line);
      if (match) {
        waiters.delete(waiter);
        waiter.resolve(match);
      }
    }
  });
  child.stderr?.on('data', (chunk) => output.push(String(chunk)));
  child.once('exit', (code) => {
    for (const waiter of waiters)
      waiter.reject(new Error(`exited (${code}) before ${waiter.pattern}:\n${output.join('\n')}`));
  });
  return {
    /** Resolves with the first line (already printed or to come) that matches; rejects if the process ends first. */
    next: (pattern: RegExp) =>
      new Promise<RegExpMatchArray>((resolve, reject) => {
        for (const line of output) {
          const match = pattern.exec(line);
          if (match) return resolve(match);
        }
        if (child.exitCode !== null) return reject(new Error(`exited (${child.exitCode}):\n${output.join('\n')}`));
        waiters.add({ pattern, resolve, reject });
      }),
  };
}

describe('examples against the simulator', () => {
  it('the batch script generates every grid and reports progress', async () => {
    const child = start(
      'batch/batch.ts',
      ['a red fox in snow', 'a lighthouse at dusk', 'a city of glass'],
      // All at once: the run then lasts one job's polling, not two rounds of it.
      { ...simulatorEnv(), BATCH_CONCURRENCY: '3' },
    );
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr?.on('data', (chunk) => {
      stderr += chunk;
    });
    const [code] = await once(child, 'exit');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^progress \d+% \(\d\/3 done\)$/m);
    expect(stdout).toMatch(/^✓ a red fox in snow: apiframe:\S+ http:\/\/127\.0\.0\.1:/m);
    expect(stdout).toContain('batch: 3 succeeded, 0 failed');
  });

  it('the Express server submits, receives the webhook and serves the finished job', async () => {
    const child = start('express/server.ts', [], { ...simulatorEnv(), PORT: '0' });
    const server = lines(child);
    try {
      const [, url] = await server.next(/^listening on (http:\/\/127\.0\.0\.1:\d+)$/);
      const submitted = await fetch(`${url}/imagine`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ prompt: 'a red fox in snow' }),
      });
      expect(submitted.status).toBe(202);
      const { id } = (await submitted.json()) as { id: string };
      expect(id).toMatch(/^apiframe:/);

      // The server logs each verified callback; the grid's final one says succeeded.
      await server.next(new RegExp(`^job ${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: succeeded$`));
      const finished = await fetch(`${url}/jobs/${encodeURIComponent(id)}`);
      expect(finished.status).toBe(200);
      const job = (await finished.json()) as { status: string; images: unknown[] };
      expect(job.status).toBe('succeeded');
      expect(job.images).toHaveLength(4);
      // Every callback the simulator delivered was accepted (a refused one would get a 4xx).
      expect(sim.ledger.webhooks({ vendor: 'apiframe' }).map((w) => w.status)).toContain(200);
      expect(sim.ledger.webhooks({ vendor: 'apiframe' }).every((w) => w.status === 200)).toBe(true);

      const missing = await fetch(`${url}/imagine`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(missing.status).toBe(400);
    } finally {
      child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'exit');
    }
  });
});
