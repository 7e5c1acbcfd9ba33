// Starts and drives the worker processes of multiprocess.test.ts (fixtures/worker.ts).
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('./fixtures/worker.ts', import.meta.url));
const hooks = fileURLToPath(new URL('./fixtures/source-hooks.mjs', import.meta.url));

interface Answer {
  id: number;
  ok: boolean;
  value?: unknown;
  error?: { name?: string; code?: string; message?: string };
}

/** The error a worker's operation failed with, as the worker saw it. */
export class WorkerError extends Error {
  constructor(readonly error: NonNullable<Answer['error']>) {
    super(`${error.name} (${error.code}): ${error.message}`);
  }
}

export interface Worker {
  readonly child: ChildProcess;
  /** Runs one operation in the worker; rejects with {@link WorkerError} when it failed there. */
  call<T = unknown>(op: string, args?: Record<string, unknown>): Promise<T>;
  /** SIGKILL: the worker dies on the spot, as a crashed or OOM-killed one would. */
  kill(): Promise<void>;
  /** Closes its store and exits. */
  exit(): Promise<void>;
  /** What it printed on stderr (for a failing test's message). */
  stderr(): string;
}

/** Starts a worker process; `call('configure', { config })` sets it up for a test. */
export async function startWorker(): Promise<Worker> {
  const child = fork(script, [], {
    execArgv: ['--experimental-transform-types', '--no-warnings', '--import', hooks],
    env: { ...process.env, MJGATE_LOG: '' },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const waiting = new Map<number, (answer: Answer) => void>();
  let next = 1;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.on('message', (answer: Answer) => waiting.get(answer.id)?.(answer));
  child.on('exit', (code, signal) => {
    for (const [, settle] of waiting) {
      settle({ id: -1, ok: false, error: { name: 'WorkerExited', message: `exited (${code ?? signal}): ${stderr}` } });
    }
    waiting.clear();
  });
  await new Promise<void>((resolve, reject) => {
    waiting.set(0, () => resolve());
    child.once('exit', (code) => reject(new Error(`the worker exited (${code}) before it was ready: ${stderr}`)));
  });
  waiting.delete(0);

  function call<T>(op: string, args: Record<string, unknown> = {}): Promise<T> {
    const id = next++;
    return new Promise<T>((resolve, reject) => {
      waiting.set(id, (answer) => {
        waiting.delete(id);
        if (answer.ok) resolve(answer.value as T);
        else reject(new WorkerError(answer.error ?? {}));
      });
      child.send({ ...args, id, op });
    });
  }

  return {
    child,
    call,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async exit() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      await Promise.race([call('exit').catch(() => {}), exited]);
      await exited;
    },
    stderr: () => stderr,
  };
}
