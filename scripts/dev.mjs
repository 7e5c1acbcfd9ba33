#!/usr/bin/env node
// Entry point for `npm test`, `npm run demo` and `.ci/run`. It must run on the machine's own Node
// (20 here) with no dependencies: it provisions the pinned Node and pnpm into `.tools/` when the
// machine's are missing or too old, installs from the lockfile, builds, then runs the command.
//
// A newcomer sees one line per phase (provisioning, installing, building) and then the demo or the
// test summary; a phase's full output is printed only when it fails. MJGATE_VERBOSE=1 shows everything.
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
const verbose = /^(1|true|yes)$/i.test(process.env.MJGATE_VERBOSE ?? '');
const windows = process.platform === 'win32';

function say(line) {
  process.stderr.write(`[mjgate] ${line}\n`);
}

function fail(message, code = 1) {
  say(message);
  process.exit(code);
}

function seconds(since) {
  return `${((performance.now() - since) / 1000).toFixed(1)} s`;
}

/**
 * One phase of the setup: a line when it starts and one when it is done, its output kept back and
 * printed in full only if it fails (or with MJGATE_VERBOSE=1).
 */
function phase(label, env, command, args) {
  const started = performance.now();
  say(`${label}…`);
  const r = spawnSync(command, args, {
    cwd: root,
    env,
    encoding: 'utf8',
    stdio: verbose ? 'inherit' : ['ignore', 'pipe', 'pipe'],
    shell: windows,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) {
    if (!verbose) process.stderr.write(`${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? `${r.error.message}\n` : ''}`);
    fail(`${label} failed (\`${command} ${args.join(' ')}\`, output above)`, r.status ?? 1);
  }
  say(`${label}: done in ${seconds(started)}`);
}

function versionAtLeast(version, min) {
  const [major, minor] = version.replace(/^v/, '').split('.').map(Number);
  return major > min[0] || (major === min[0] && minor >= min[1]);
}

function probe(command, env) {
  const r = spawnSync(command, ['--version'], { env, encoding: 'utf8', shell: windows });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

function toolchainEnv() {
  // npm's own notices (funding, updates) are noise in a phase's output.
  const env = { ...process.env, npm_config_fund: 'false', npm_config_update_notifier: 'false' };
  const nodeOk = versionAtLeast(process.version, NODE_MIN);
  const pnpm = probe('pnpm', env);
  if (nodeOk && pnpm && Number(pnpm.split('.')[0]) >= PNPM_MAJOR) return env;

  const withTools = { ...env, PATH: [...toolBins, env.PATH].join(delimiter) };
  const toolNode = probe(join(toolBins[0], 'node'), withTools);
  const toolPnpm = probe(join(toolBins[1], 'pnpm'), withTools);
  if (!toolNode || !toolPnpm || toolPnpm !== PNPM_VERSION) {
    say(`Node ${process.version} and pnpm ${pnpm ?? '(none)'} here; the packages need Node ≥ 22.12 and pnpm 12`);
    rmSync(tools, { recursive: true, force: true });
    phase(`provisioning ${NODE_PKG} and pnpm@${PNPM_VERSION} into .tools/ (once)`, env, 'npm', [
      'install',
      '--prefix',
      tools,
      '--no-save',
      '--no-package-lock',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
      NODE_PKG,
      `pnpm@${PNPM_VERSION}`,
    ]);
  }
  return withTools;
}

function run(env, command, args, opts = {}) {
  const r = spawnSync(command, args, { cwd: root, env, stdio: 'inherit', shell: windows, ...opts });
  if (r.status !== 0 && !opts.allowFailure) fail(`\`${command} ${args.join(' ')}\` failed`, r.status ?? 1);
  return r.status ?? 1;
}

function prepare(env) {
  phase('installing dependencies (pnpm install)', env, 'pnpm', ['install', '--frozen-lockfile', '--prefer-offline']);
  phase('building the packages', env, 'pnpm', ['run', 'build']);
}

function test(env, extra) {
  const results = join(root, '.vitest-results.json');
  rmSync(results, { force: true });
  say('running the tests…');
  // The dot reporter keeps a newcomer's screen to a line of dots and, on failure, the failures in full.
  const reporter = verbose ? 'default' : 'dot';
  const status = run(
    env,
    'pnpm',
    ['exec', 'vitest', 'run', `--reporter=${reporter}`, '--reporter=json', `--outputFile.json=${results}`, ...extra],
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
