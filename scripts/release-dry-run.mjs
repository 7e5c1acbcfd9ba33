#!/usr/bin/env node
// A release without the publish: what `changeset publish` would upload, checked as a user receives it.
//   0. check that the pending changesets parse (`changeset status`),
//   1. pack every public package (`pnpm pack`: workspace ranges become real versions),
//   2. publint (strict) and attw on each tarball,
//   3. install all tarballs into a scratch project in a temp dir (npm, dependencies from the registry),
//   4. run the README's code there against the simulator from the tarballs, and the CLI's --version.
// Needs built packages (`pnpm build`). Exits non-zero on the first failing step, with its output.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const keep = process.argv.includes('--keep');
const scratch = mkdtempSync(join(tmpdir(), 'mjgate-release-'));
const tarballs = join(scratch, 'tarballs');
const project = join(scratch, 'project');
mkdirSync(tarballs);
mkdirSync(project);

function say(line) {
  process.stdout.write(`[release] ${line}\n`);
}

function fail(message, output = '') {
  process.stderr.write(`${output}${output.endsWith('\n') || !output ? '' : '\n'}[release] ${message}\n`);
  if (!keep) rmSync(scratch, { recursive: true, force: true });
  else process.stderr.write(`[release] kept ${scratch}\n`);
  process.exit(1);
}

/** Runs a command quietly; on failure prints its output and stops. */
function run(command, args, options = {}) {
  const r = spawnSync(command, args, { encoding: 'utf8', ...options });
  if (r.status !== 0) fail(`\`${command} ${args.join(' ')}\` failed`, `${r.stdout ?? ''}${r.stderr ?? ''}`);
  return r.stdout;
}

/** `##`-headed section of README.md → its first ```ts block. */
function readmeBlock(heading) {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.split(/^## /m).find((s) => s.startsWith(heading));
  const block = section && /^```ts\n([\s\S]*?)^```/m.exec(section);
  if (!block) fail(`README.md has no \`\`\`ts block under "## ${heading}"`);
  return block[1];
}

const packages = readdirSync(join(root, 'packages'))
  .map((dir) => ({ dir: join(root, 'packages', dir), manifest: join(root, 'packages', dir, 'package.json') }))
  .filter(({ manifest }) => {
    try {
      return !JSON.parse(readFileSync(manifest, 'utf8')).private;
    } catch {
      return false;
    }
  })
  .map(({ dir, manifest }) => ({ dir, name: JSON.parse(readFileSync(manifest, 'utf8')).name }));

// 0. The pending changesets parse: `changeset version` at release time would otherwise stop on a file
// whose front matter a formatter rewrote (Markdown formatters read `"pkg": patch` + `---` as a heading).
run('pnpm', ['exec', 'changeset', 'status'], { cwd: root });
say('changesets parse');

// 1. Pack.
const packed = new Map();
for (const { dir, name } of packages) {
  const before = new Set(readdirSync(tarballs));
  run('pnpm', ['pack', '--pack-destination', tarballs], { cwd: dir });
  const file = readdirSync(tarballs).find((f) => !before.has(f));
  if (!file) fail(`pnpm pack wrote no tarball for ${name}`);
  packed.set(name, join(tarballs, file));
}
say(`packed ${packed.size} packages: ${[...packed.keys()].join(', ')}`);

// 2. publint and attw, on the tarballs themselves.
const { publint } = await import('publint');
const { formatMessage } = await import('publint/utils');
for (const [name, tarball] of packed) {
  const bytes = readFileSync(tarball);
  const { messages, pkg } = await publint({
    pack: { tarball: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) },
    strict: true,
  });
  if (messages.length > 0) {
    fail(`publint: ${name}`, messages.map((m) => `  ${m.type}: ${formatMessage(m, pkg) ?? m.code}`).join('\n'));
  }
  run('pnpm', ['exec', 'attw', tarball, '--profile', 'node16', '--format', 'table-flipped'], { cwd: root });
}
say('publint --strict and attw (node16 profile): clean');

// 3. A scratch project that depends on the tarballs only (overrides keep transitive @mjgate/* on them too).
const dependencies = Object.fromEntries([...packed].map(([name, tarball]) => [name, `file:${tarball}`]));
writeFileSync(
  join(project, 'package.json'),
  JSON.stringify(
    {
      name: 'mjgate-release-check',
      private: true,
      type: 'module',
      dependencies,
      overrides: Object.fromEntries([...packed.keys()].map((name) => [name, `$${name}`])),
    },
    null,
    2,
  ),
);
run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', '--prefer-offline'], { cwd: project });
say('installed the tarballs into a scratch project');

// 4. The README's examples, as written, against the simulator that ships in the tarballs.
writeFileSync(join(project, 'one-vendor.ts'), `${readmeBlock('One vendor')}\nexport {};\n`);
writeFileSync(join(project, 'every-vendor.ts'), `${readmeBlock('Every vendor')}\nexport {};\n`);
writeFileSync(
  join(project, 'main.mjs'),
  `import { startSimulator } from '@mjgate/simulator';
const sim = await startSimulator({ log: () => {} });
try {
  for (const vendor of ['imaginepro', 'apiframe']) {
    process.env[\`\${vendor.toUpperCase()}_API_KEY\`] = 'sim-key';
    process.env[\`\${vendor.toUpperCase()}_BASE_URL\`] = sim.urls[vendor];
  }
  await import('./one-vendor.ts');
  await import('./every-vendor.ts');
} finally {
  await sim.close();
}
`,
);
const output = run(process.execPath, ['main.mjs'], { cwd: project, env: { ...process.env, NODE_NO_WARNINGS: '1' } });
if (!/http:\/\/127\.0\.0\.1:\d+\//.test(output)) fail('the README example printed no result URL', output);
say(`README examples ran against the simulator:\n${output.replace(/^/gm, '    ').trimEnd()}`);
const version = run(join(project, 'node_modules', '.bin', 'mjgate'), ['--version'], { cwd: project }).trim();
say(`mjgate --version from the tarball: ${version}`);

if (keep) say(`kept ${scratch}`);
else rmSync(scratch, { recursive: true, force: true });
say('dry run passed: nothing was published');
