#!/usr/bin/env node
// Type-checks every ```ts block of README.md, docs/**/*.md and packages/*/README.md against the built packages, so the
// examples users copy keep compiling. A block fenced as ```ts nocheck is skipped (fragments).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// Inside the facade package, so `mjgate` (self-reference) and every `@mjgate/*` package resolve.
const out = join(root, 'packages', 'mjgate', '.docs-check');

function markdownFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? markdownFiles(path) : name.endsWith('.md') ? [path] : [];
  });
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const packageReadmes = readdirSync(join(root, 'packages'))
  .map((p) => join(root, 'packages', p, 'README.md'))
  .filter((f) => existsSync(f));
const files = [join(root, 'README.md'), ...markdownFiles(join(root, 'docs')), ...packageReadmes];
let count = 0;
for (const file of files) {
  const text = readFileSync(file, 'utf8');
  const blocks = [...text.matchAll(/^```(ts|typescript)([^\n]*)\n([\s\S]*?)^```/gm)];
  blocks.forEach((m, i) => {
    if (m[2].includes('nocheck')) return;
    const name = `${relative(root, file).replace(/[^a-zA-Z0-9]+/g, '_')}_${i + 1}.ts`;
    // Each sample is its own module; `export {}` keeps top-level await legal.
    writeFileSync(join(out, name), `${m[3]}\nexport {};\n`);
    count += 1;
  });
}
writeFileSync(
  join(out, 'tsconfig.json'),
  JSON.stringify({
    extends: '../../../tsconfig.base.json',
    compilerOptions: {
      types: ['node'],
      noUnusedLocals: false,
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      target: 'ES2023',
    },
    include: ['*.ts'],
  }),
);
const tsc = spawnSync('pnpm', ['exec', 'tsc', '-p', join(out, 'tsconfig.json')], {
  cwd: join(root, 'packages', 'mjgate'),
  stdio: 'inherit',
});
if (tsc.status !== 0) {
  process.stderr.write(`docs: a code sample does not type-check (see ${relative(root, out)})\n`);
  process.exit(1);
}
rmSync(out, { recursive: true, force: true });
process.stdout.write(`docs: ${count} code samples type-check\n`);
