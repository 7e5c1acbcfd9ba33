// Cold `import` of each package over `node -e 0` (issue 13): a fresh Node process per sample, the
// package loaded from its build, samples interleaved so that machine noise hits every package
// alike; the median of many. Run through `pnpm bench` (after `pnpm build`), or alone:
//   node bench/import.ts
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROUNDS = Number(process.env.MJGATE_BENCH_ROUNDS ?? 21);
const GOAL_MS = 40;
const root = join(import.meta.dirname, '..');
const packages = ['core', 'imaginepro', 'acedata', 'apiframe', 'mjproxy', 'mjgate'];
const entry = (name: string) => pathToFileURL(join(root, 'packages', name, 'dist', 'index.js')).href;

/**
 * One fresh `node` running `code` as an ES module: its CPU time (user + system, all threads, as the
 * process itself reports it on exit) and its wall time, in ms. CPU time is the figure: on a machine
 * shared with other work, wall time mostly measures the wait for a core.
 */
function sample(code: string): { cpu: number; wall: number } {
  const report = 'const u = process.cpuUsage(); process.stdout.write(String((u.user + u.system) / 1000));';
  const started = process.hrtime.bigint();
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', `${code};\n${report}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
  });
  const wall = Number(process.hrtime.bigint() - started) / 1e6;
  if (run.status !== 0) throw new Error(`node -e ${code} failed: ${run.stderr}`);
  return { cpu: Number(run.stdout), wall };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

const programs = [
  ['node -e 0', '0'] as const,
  ...packages.map((name) => [name, `await import(${JSON.stringify(entry(name))})`] as const),
];
const samples = new Map<string, Array<{ cpu: number; wall: number }>>(programs.map(([name]) => [name, []]));
for (const [, code] of programs) sample(code); // warm the file cache
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, code] of programs) samples.get(name)!.push(sample(code));
}
const cpuOf = (name: string) => median(samples.get(name)!.map((s) => s.cpu));
const wallOf = (name: string) => median(samples.get(name)!.map((s) => s.wall));
const bare = cpuOf('node -e 0');
for (const name of packages) {
  const extra = cpuOf(name) - bare;
  const label = name === 'mjgate' ? 'mjgate' : `@mjgate/${name}`;
  console.log(
    JSON.stringify({
      figure: `cold import of ${label} over node -e 0 (CPU time)`,
      unit: 'ms',
      anchor: {
        'node -e 0 CPU (ms)': bare,
        'wall time over node -e 0 (ms)': wallOf(name) - wallOf('node -e 0'),
      },
      value: extra,
      goal: `≤ ${GOAL_MS}`,
      pass: extra <= GOAL_MS,
    }),
  );
}
