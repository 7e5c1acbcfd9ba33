#!/usr/bin/env node
// `pnpm bench`: runs every `bench/*.ts` script in its own Node process (Node ≥ 22.18 strips the
// types), collects the JSON lines each prints — one per figure of issue 13's table, measured next
// to its anchor in the same run — and prints one table with PASS/FAIL per goal. The scripts import
// the packages' built `dist/`, so build first (`pnpm build`), or pass `--build` to build here.
//
//   pnpm build && pnpm bench             every script
//   pnpm bench transport import          only bench/transport.ts and bench/import.ts
//   pnpm bench --build                   build the packages first
//   pnpm bench --json                    the figures as JSON lines only (for a CI artifact)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const benchDir = join(root, 'bench');
const args = process.argv.slice(2);
const jsonOnly = args.includes('--json');
const wanted = args.filter((arg) => !arg.startsWith('--'));

if (args.includes('--build')) {
  const built = spawnSync('pnpm', ['-r', '--filter', './packages/*', 'run', 'build'], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);
}
const missing = readdirSync(join(root, 'packages')).filter(
  (name) =>
    existsSync(join(root, 'packages', name, 'package.json')) && !existsSync(join(root, 'packages', name, 'dist')),
);
if (missing.length > 0) {
  console.error(`No build of ${missing.join(', ')}: run \`pnpm build\` first (or \`pnpm bench --build\`).`);
  process.exit(1);
}

const scripts = readdirSync(benchDir)
  .filter((file) => file.endsWith('.ts'))
  .filter((file) => wanted.length === 0 || wanted.includes(file.replace(/\.ts$/, '')))
  .sort();

/** Runs one script; resolves with the figures it printed (its other output goes to stderr). */
function runScript(file) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--expose-gc', join(benchDir, file)], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const figures = [];
    let buffer = '';
    const take = (line) => {
      const trimmed = line.trim();
      if (!trimmed) return;
      try {
        const figure = JSON.parse(trimmed);
        if (figure && typeof figure.figure === 'string') {
          figure.script = file;
          figures.push(figure);
          if (jsonOnly) console.log(JSON.stringify(figure));
          return;
        }
      } catch {}
      if (!jsonOnly) console.error(`  [${file}] ${trimmed}`);
    };
    child.stdout.on('data', (chunk) => {
      buffer += chunk;
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      lines.forEach(take);
    });
    child.on('close', (code) => {
      take(buffer);
      if (code !== 0) figures.push({ figure: `${file} exited with code ${code}`, script: file, pass: false });
      resolve(figures);
    });
  });
}

const all = [];
for (const file of scripts) {
  if (!jsonOnly) console.error(`running bench/${file} …`);
  const started = Date.now();
  all.push(...(await runScript(file)));
  if (!jsonOnly) console.error(`  done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

if (!jsonOnly) {
  const anchorText = (anchor) =>
    anchor && typeof anchor === 'object'
      ? Object.entries(anchor)
          .map(([name, value]) => `${name}: ${typeof value === 'number' ? round(value) : value}`)
          .join('; ')
      : (anchor ?? '');
  const rows = all.map((f) => [
    f.figure,
    anchorText(f.anchor),
    f.value === undefined ? '' : `${round(f.value)} ${f.unit ?? ''}`.trim(),
    f.goal ?? '',
    f.pass === undefined ? '' : f.pass ? 'PASS' : 'FAIL',
  ]);
  const head = ['figure', 'anchor', 'value', 'goal', ''];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
  console.log(line(head));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of rows) console.log(line(row));
  const failed = all.filter((f) => f.pass === false).length;
  console.log(`\n${all.length} figures, ${failed} FAIL`);
}

function round(value) {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  return String(abs >= 100 ? Math.round(value) : abs >= 10 ? value.toFixed(1) : value.toFixed(2));
}
