#!/usr/bin/env node
// Proves the built packages run where users run them: one scenario (test-runtimes/scenario.cjs: core,
// every adapter, the gateway) against the simulator on 127.0.0.1, under
//   - Node (this one, 24) through `import` and through `require`,
//   - Node 22.12 (the oldest we support) through `import` and `require`, provisioned into .tools/,
//   - Vercel's edge-runtime (the `edge-runtime` package: the Edge Functions VM),
//   - workerd (Cloudflare Workers' runtime; the `workerd` package ships the binary), via `workerd test`.
// Needs built packages (`pnpm build`). Usage: node scripts/runtimes.mjs [name…]  (names: see RUNTIMES)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const project = join(root, 'test-runtimes');
const requireFromProject = createRequire(join(project, 'package.json'));
const requireFromRoot = createRequire(join(root, 'package.json'));
const NODE_OLDEST = '22.12.0';
const nodeOldestDir = join(root, '.tools', `node-${NODE_OLDEST}`);
const nodeOldestBin = join(nodeOldestDir, 'node_modules', `node-${process.platform}-${process.arch}`, 'bin', 'node');

function say(line) {
  process.stdout.write(`[runtimes] ${line}\n`);
}

function fail(message) {
  process.stderr.write(`[runtimes] ${message}\n`);
  process.exit(1);
}

/** Runs a command without blocking this process (the simulator serves from here); resolves with its output. */
function exec(command, args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: project, env: { ...process.env, ...env } });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.on('error', (error) => resolve({ status: 1, output: `${output}${error.message}\n` }));
    child.on('close', (status) => resolve({ status: status ?? 1, output }));
  });
}

/** Node 22.12 from the npm registry (the same `node-<platform>-<arch>` package dev.mjs uses for 24). */
function provisionOldestNode() {
  if (existsSync(nodeOldestBin)) return;
  say(`provisioning Node ${NODE_OLDEST} into ${join('.tools', `node-${NODE_OLDEST}`)}`);
  const r = spawnSync(
    'npm',
    [
      'install',
      '--prefix',
      nodeOldestDir,
      '--no-save',
      '--no-package-lock',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
      `node-${process.platform}-${process.arch}@${NODE_OLDEST}`,
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  if (r.status !== 0 || !existsSync(nodeOldestBin)) fail(`could not install Node ${NODE_OLDEST} from the npm registry`);
}

async function bundle(entry, conditions, format) {
  const esbuild = requireFromRoot('esbuild');
  const result = await esbuild.build({
    entryPoints: [join(project, entry)],
    absWorkingDir: project,
    bundle: true,
    write: false,
    format,
    platform: 'browser',
    target: 'es2022',
    conditions,
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

async function runEdge(simUrl) {
  const { EdgeRuntime } = requireFromRoot('edge-runtime');
  const code = await bundle('edge-entry.mjs', ['edge-light', 'worker', 'browser'], 'iife');
  const runtime = new EdgeRuntime({ initialCode: code });
  try {
    const output = await runtime.evaluate(`runMjgateScenario(${JSON.stringify(simUrl)})`);
    return { status: 0, output: `${output}\n` };
  } catch (error) {
    return { status: 1, output: `${error?.stack ?? error}\n` };
  }
}

async function runWorkerd(simUrl) {
  const dir = mkdtempSync(join(tmpdir(), 'mjgate-workerd-'));
  try {
    writeFileSync(join(dir, 'worker.js'), await bundle('worker-entry.mjs', ['workerd', 'worker', 'browser'], 'esm'));
    // The default outbound network refuses private addresses; the simulator lives on 127.0.0.1.
    writeFileSync(
      join(dir, 'config.capnp'),
      `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    (name = "loopback", network = (allow = ["public", "private", "local"])),
  ],
);
const worker :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed "worker.js")],
  compatibilityDate = "2025-09-01",
  bindings = [(name = "SIM_URL", text = ${JSON.stringify(simUrl)})],
  globalOutbound = "loopback",
);
`,
    );
    const binary = join(root, 'node_modules', '.bin', 'workerd');
    return await exec(binary, ['test', join(dir, 'config.capnp')]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const RUNTIMES = {
  'node-import': (url) => exec(process.execPath, ['node-import.mjs'], { SIM_URL: url }),
  'node-require': (url) => exec(process.execPath, ['node-require.cjs'], { SIM_URL: url }),
  [`node-${NODE_OLDEST}-import`]: (url) => exec(nodeOldestBin, ['node-import.mjs'], { SIM_URL: url }),
  [`node-${NODE_OLDEST}-require`]: (url) => exec(nodeOldestBin, ['node-require.cjs'], { SIM_URL: url }),
  'edge-runtime': runEdge,
  workerd: runWorkerd,
};

const chosen = process.argv.slice(2);
for (const name of chosen)
  if (!(name in RUNTIMES)) fail(`unknown runtime ${name}; choose from ${Object.keys(RUNTIMES).join(', ')}`);
const names = chosen.length > 0 ? chosen : Object.keys(RUNTIMES);

for (const pkg of ['core', 'imaginepro', 'acedata', 'apiframe', 'mjproxy', 'mjgate', 'simulator']) {
  if (!existsSync(join(root, 'packages', pkg, 'dist'))) fail(`packages/${pkg} is not built: run \`pnpm build\` first`);
}
if (names.some((n) => n.startsWith(`node-${NODE_OLDEST}`))) provisionOldestNode();

const { startSimulator } = requireFromProject('@mjgate/simulator');
const sim = await startSimulator({ log: () => {} });
let failed = 0;
try {
  for (const name of names) {
    const started = performance.now();
    const { status, output } = await RUNTIMES[name](sim.url);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    if (status === 0) say(`${name}: ok (${seconds} s)`);
    else {
      failed += 1;
      say(`${name}: FAILED (${seconds} s)\n${output}`);
    }
  }
} finally {
  await sim.close();
}
if (failed > 0) fail(`${failed} of ${names.length} runtimes failed`);
say(`all ${names.length} runtimes passed`);
