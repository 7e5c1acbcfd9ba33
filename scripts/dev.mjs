#!/usr/bin/env node
// Entry point for `npm test`, `npm run demo` and `.ci/run`. It must run on the machine's own Node
// (20 here) with no dependencies: it provisions the pinned Node and pnpm into `.tools/` when the
// machine's are missing or too old, installs from the lockfile, builds, then runs the command.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const NODE_MIN = [22, 12];
const NODE_PKG = `node-${process.platform}-${process.arch}@24`;
// Pinned here rather than in package.json's packageManager, which makes pnpm 12 try to fetch itself.
const PNPM_VERSION = '12.21.0';
const PNPM_MAJOR = Number(PNPM_VERSION.split('.')[0]);
const tools = join(root, '.tools');
const toolBins = [join(tools, 'node_modules', NODE_PKG.split('@')[0], 'bin'), join(tools, 'node_modules', '.bin')];

function say(line) {
  process.stderr.write(`[mjgate] ${line}\n`);
}

function versionAtLeast(version, min) {
  const [major, minor] = version.replace(/^v/, '').split('.').map(Number);
  return major > min[0] || (major === min[0] && minor >= min[1]);
}

function probe(command, env) {
  const r = spawnSync(command, ['--version'], { env, encoding: 'utf8', shell: process.platform === 'win32' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

function toolchainEnv() {
  const env = { ...process.env };
  const nodeOk = versionAtLeast(process.version, NODE_MIN);
  const pnpm = probe('pnpm', env);
  if (nodeOk && pnpm && Number(pnpm.split('.')[0]) >= PNPM_MAJOR) return env;

  const withTools = { ...env, PATH: [...toolBins, env.PATH].join(delimiter) };
  const toolNode = probe(join(toolBins[0], 'node'), withTools);
  const toolPnpm = probe(join(toolBins[1], 'pnpm'), withTools);
  if (!toolNode || !toolPnpm || toolPnpm !== PNPM_VERSION) {
    say(
      `Node ${process.version} / pnpm ${pnpm ?? 'missing'} here; provisioning ${NODE_PKG} and pnpm@${PNPM_VERSION} into .tools/`,
    );
    rmSync(tools, { recursive: true, force: true });
    const r = spawnSync(
      'npm',
      [
        'install',
        '--prefix',
        tools,
        '--no-save',
        '--no-package-lock',
        '--no-audit',
        '--no-fund',
        NODE_PKG,
        `pnpm@${PNPM_VERSION}`,
      ],
      { stdio: ['ignore', 'ignore', 'inherit'], shell: process.platform === 'win32' },
    );
    if (r.status !== 0) fail('could not provision the toolchain with npm (is the npm registry reachable?)');
  }
  return withTools;
}

function fail(message, code = 1) {
  say(message);
  process.exit(code);
}

function run(env, command, args, opts = {}) {
  const r = spawnSync(command, args, { cwd: root, env, stdio: 'inherit', ...opts });
  if (r.status !== 0 && !opts.allowFailure) fail(`\`${command} ${args.join(' ')}\` failed`, r.status ?? 1);
  return r.status ?? 1;
}

function prepare(env) {
  run(env, 'pnpm', ['install', '--frozen-lockfile', '--prefer-offline', '--reporter=silent']);
  run(env, 'pnpm', ['run', '--silent', 'build']);
}

function test(env, extra) {
  const results = join(root, '.vitest-results.json');
  rmSync(results, { force: true });
  const status = run(
    env,
    'pnpm',
    ['exec', 'vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${results}`, ...extra],
    { allowFailure: true },
  );
  if (existsSync(results)) {
    const r = JSON.parse(readFileSync(results, 'utf8'));
    // The plain closing line CI tooling reads, whatever the runner printed above it.
    process.stdout.write(
      `\ntests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped\n`,
    );
    if (r.numTotalTests === 0) fail('no test ran');
  }
  if (status !== 0) process.exit(status);
}

const [command = 'test', ...rest] = process.argv.slice(2);
const env = toolchainEnv();
switch (command) {
  case 'test':
    prepare(env);
    test(env, rest);
    break;
  case 'demo':
    prepare(env);
    run(env, 'pnpm', ['run', '--silent', 'demo:run', ...rest]);
    break;
  case 'run':
    // `node scripts/dev.mjs run lint typecheck`: package scripts with the provisioned toolchain.
    for (const script of rest) run(env, 'pnpm', ['run', script]);
    break;
  case 'exec':
    run(env, rest[0], rest.slice(1));
    break;
  default:
    fail(`unknown command ${command}; use test, demo, run <script…> or exec <cmd…>`, 2);
}
