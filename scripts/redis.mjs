// A throwaway redis-server for tests and benchmarks: a free port on 127.0.0.1, a temp dir, no
// persistence unless asked, stopped (and its dir removed) by stop(). Not a service: each caller
// starts and stops its own, so tests never share state or depend on one left running.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const HOW_TO_ENABLE = 'install it with `bash scripts/ensure-redis.sh` (Debian: apt-get install -y redis-server)';

/** The redis-server binary on the PATH, or undefined. */
export function redisServerPath() {
  const r = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() ? r.stdout.trim() : undefined;
}

/** The one line printed when the Redis tests are skipped. */
export const REDIS_SKIP_LINE = `[mjgate] @mjgate/redis tests skipped: redis-server is not on the PATH; ${HOW_TO_ENABLE}.`;

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once the server on `port` answers PING; rejects after `timeoutMs`. */
async function waitForPing(port, timeoutMs, exited) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited()) throw new Error(`redis-server on port ${port} exited while starting`);
    const ok = await new Promise((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port });
      let answer = '';
      socket.setTimeout(500, () => socket.destroy());
      socket.on('connect', () => socket.write('PING\r\n'));
      socket.on('data', (chunk) => {
        answer += chunk;
        if (answer.includes('\r\n')) {
          socket.end();
          resolve(answer.startsWith('+PONG'));
        }
      });
      socket.on('error', () => resolve(false));
      socket.on('close', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not answer PING in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * Starts redis-server. Options: `appendOnly` (an AOF fsynced at every write, so a restart keeps
 * every write: what production needs for idempotency records), `port` (default: a free one).
 * Resolves with `{ url, port, dir, stop(), restart() }`; `restart()` stops the process and starts a
 * new one on the same port and dir, as a crash-and-restart of Redis would.
 */
export async function startRedisServer(options = {}) {
  const binary = redisServerPath();
  if (!binary) throw new Error(`redis-server is not on the PATH: ${HOW_TO_ENABLE}`);
  const dir = mkdtempSync(join(tmpdir(), 'mjgate-redis-'));
  const persistence = options.appendOnly
    ? ['--appendonly', 'yes', '--appendfsync', 'always', '--save', '']
    : ['--appendonly', 'no', '--save', ''];
  let port = options.port ?? (await freePort());
  let child;

  async function launch() {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--daemonize', 'no'];
    args.push('--maxmemory-policy', 'noeviction', '--logfile', '', '--loglevel', 'warning', ...persistence);
    let exited = false;
    child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    // Should the caller exit without stop() (a failed test run, Ctrl-C), the server goes with it.
    const running = child;
    const onExit = () => running.kill('SIGKILL');
    process.once('exit', onExit);
    child.on('exit', () => process.off('exit', onExit));
    child.stderr.resume();
    child.on('exit', () => {
      exited = true;
    });
    await waitForPing(port, 10_000, () => exited);
  }

  async function stopProcess() {
    const running = child;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    await new Promise((resolve) => {
      running.once('exit', resolve);
      running.kill('SIGTERM');
    });
  }

  for (let attempt = 0; ; attempt++) {
    try {
      await launch();
      break;
    } catch (error) {
      // Another process may have taken the free port between our probe and redis-server's bind.
      await stopProcess();
      if (attempt >= 3 || options.port) {
        rmSync(dir, { recursive: true, force: true });
        throw error;
      }
      port = await freePort();
    }
  }

  return {
    get url() {
      return `redis://127.0.0.1:${port}`;
    },
    port,
    dir,
    async restart() {
      await stopProcess();
      await launch();
    },
    /** Stops the server without starting it again (see restart). */
    async kill() {
      await stopProcess();
    },
    async start() {
      await launch();
    },
    async stop() {
      await stopProcess();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// `node scripts/redis.mjs`: start one, print its URL, stop on Ctrl-C (for trying things by hand).
if (import.meta.url === `file://${process.argv[1]}`) {
  const server = await startRedisServer();
  process.stdout.write(`${server.url}\n`);
  const stop = () => server.stop().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
