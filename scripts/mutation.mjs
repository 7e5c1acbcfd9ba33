#!/usr/bin/env node
// Mutation testing with StrykerJS, one package at a time (stryker.config.mjs), incremental: a package's results
// are kept in reports/mutation/<package>.incremental, so a rerun only tests the mutants a change touched.
//
//   node scripts/mutation.mjs                  every package
//   node scripts/mutation.mjs core mjproxy     these packages
//   node scripts/mutation.mjs --changed        the packages whose files changed since the previous commit
//                                              (--base <git ref> to compare with another one)
//   node scripts/mutation.mjs --report         print the scores of the last runs, run nothing
//   --retest-survivors                         test every surviving static mutant again instead of reusing its
//                                              result (Stryker reuses it even after a test was added for it)
//   --threshold <percent>                      fail under it (default 90, or MJGATE_MUTATION_THRESHOLD)
//
// With --changed the threshold ratchets: a package whose committed score (its incremental file at the base
// commit, or as committed when the base has none) is still under the threshold fails only when a change
// lowers that score, so a package can be raised step by step while no change may make it worse.
//
// Score = killed ÷ (killed + survived), timeouts counted as killed and mutants no test reaches counted as
// survived; mutants that do not compile (dropped by the TypeScript checker) count for neither.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';

const root = join(import.meta.dirname, '..');
const PACKAGES = ['mjproxy', 'apiframe', 'acedata', 'imaginepro', 'core', 'mjgate'];
// A change to these files changes every package's mutation run.
const SHARED = ['stryker.config.mjs', 'vitest.mutation.config.ts', 'vitest.workspace.ts', 'scripts/mutation.mjs'];

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    changed: { type: 'boolean', default: false },
    base: { type: 'string', default: 'HEAD~1' },
    report: { type: 'boolean', default: false },
    'retest-survivors': { type: 'boolean', default: false },
    threshold: { type: 'string', default: process.env.MJGATE_MUTATION_THRESHOLD ?? '90' },
  },
});

const threshold = Number(values.threshold);
if (!Number.isFinite(threshold) || threshold < 0 || threshold > 100) {
  fail(`--threshold must be a percentage from 0 to 100, got "${values.threshold}".`);
}
const unknown = positionals.filter((name) => !PACKAGES.includes(name));
if (unknown.length > 0) fail(`Unknown package ${unknown.join(', ')}: pick from ${PACKAGES.join(', ')}.`);

let packages = values.changed ? changedPackages(values.base) : positionals.length > 0 ? positionals : PACKAGES;
if (values.changed) {
  // Without committed results a package's run is a full one (tens of minutes on two cores): CI tests
  // only the packages that have a baseline, and says which ones need one.
  const missing = packages.filter((name) => !existsSync(incrementalFile(name)));
  for (const name of missing) {
    console.log(`mutation: ${name} changed but has no ${relative(root, incrementalFile(name))}; skipped.`);
    console.log(`          Run \`pnpm test:mutation ${name}\` once and commit that file.`);
  }
  packages = packages.filter((name) => !missing.includes(name));
}
if (packages.length === 0) {
  console.log(`mutation: no package with a baseline changed since ${values.base}; nothing to test.`);
  process.exit(0);
}

// The scores before this run: the floors of the ratchet (only --changed has one).
const floors = new Map(values.changed ? packages.map((name) => [name, committedScore(name, values.base)]) : []);

if (!values.report) {
  for (const name of packages) {
    console.log(`\nmutation: ${name}`);
    if (values['retest-survivors']) forgetSurvivors(name);
    const run = spawnSync('pnpm', ['exec', 'stryker', 'run', 'stryker.config.mjs'], {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, MJGATE_MUTATION_PACKAGE: name },
    });
    if (run.status !== 0) fail(`Stryker failed for ${name} (exit ${run.status ?? run.signal}); see the output above.`);
  }
}

let below = 0;
console.log('\npackage      score    killed  timeout  survived  no-coverage  threshold');
for (const name of packages) {
  const score = scoreOf(name);
  if (!score) {
    console.log(`${name.padEnd(12)} no results yet: run node scripts/mutation.mjs ${name}`);
    below++;
    continue;
  }
  const floor = floors.get(name);
  // Rounded to the report's two decimals, so a rerun that reproduces the committed score passes.
  const required = floor === undefined ? threshold : Math.min(threshold, round(floor.percent));
  const ok = round(score.percent) >= required;
  if (!ok) below++;
  console.log(
    `${name.padEnd(12)} ${`${score.percent.toFixed(2)} %`.padStart(8)} ${String(score.killed).padStart(7)} ${String(score.timeout).padStart(8)} ${String(score.survived).padStart(9)} ${String(score.noCoverage).padStart(12)}  ${`${required.toFixed(2)} %`.padStart(9)}  ${ok ? 'ok' : 'BELOW'}`,
  );
}
console.log('\nHTML reports: reports/mutation/html/<package>.html');
if (below > 0) fail(`${below} package(s) under their threshold: kill the survivors (see docs/testing.md).`);

/**
 * Drops the surviving static mutants from the package's incremental file, so Stryker tests them again.
 * Its incremental mode reruns a surviving mutant only when a test that covers it was added or changed;
 * a static mutant (a module-level value) is covered by no test in particular, so a test written to kill
 * it would otherwise never run against it. Other survivors are left to that rule, which already reruns
 * them when a new test reaches them.
 */
function forgetSurvivors(name) {
  const file = incrementalFile(name);
  if (!existsSync(file)) return;
  const report = JSON.parse(readFileSync(file, 'utf8'));
  let forgotten = 0;
  for (const entry of Object.values(report.files)) {
    const kept = entry.mutants.filter(
      (mutant) => !mutant.static || (mutant.status !== 'Survived' && mutant.status !== 'NoCoverage'),
    );
    forgotten += entry.mutants.length - kept.length;
    entry.mutants = kept;
  }
  writeFileSync(file, JSON.stringify(report));
  console.log(`mutation: ${name}: ${forgotten} surviving static mutants to test again.`);
}

/** Counts of the package's last run, read from its incremental file. */
function scoreOf(name) {
  const file = incrementalFile(name);
  return existsSync(file) ? scoreOfReport(readFileSync(file, 'utf8')) : undefined;
}

/** The package's score as the base commit had it, else as the working tree has it before this run. */
function committedScore(name, base) {
  const atBase = spawnSync('git', ['show', `${base}:${relative(root, incrementalFile(name))}`], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  return atBase.status === 0 ? scoreOfReport(atBase.stdout) : scoreOf(name);
}

function round(percent) {
  return Math.round(percent * 100) / 100;
}

/** Counts of a run, from an incremental file's text (the mutation-testing-report schema). */
function scoreOfReport(text) {
  const report = JSON.parse(text);
  const count = { killed: 0, timeout: 0, survived: 0, noCoverage: 0 };
  for (const source of Object.values(report.files)) {
    for (const mutant of source.mutants) {
      if (mutant.status === 'Killed') count.killed++;
      else if (mutant.status === 'Timeout') count.timeout++;
      else if (mutant.status === 'Survived') count.survived++;
      else if (mutant.status === 'NoCoverage') count.noCoverage++;
    }
  }
  const detected = count.killed + count.timeout;
  const total = detected + count.survived + count.noCoverage;
  return { ...count, percent: total === 0 ? 100 : (detected / total) * 100 };
}

/** Where a package's results are kept between runs (stryker.config.mjs `incrementalFile`). */
function incrementalFile(name) {
  return join(root, 'reports', 'mutation', `${name}.incremental`);
}

/** The packages whose sources or tests differ from `base` (committed or not). */
function changedPackages(base) {
  const diff = spawnSync('git', ['diff', '--name-only', base], { cwd: root, encoding: 'utf8' });
  if (diff.status !== 0) fail(`git diff ${base} failed: ${diff.stderr.trim()}`);
  const files = diff.stdout.split('\n').filter(Boolean);
  if (files.some((file) => SHARED.includes(file))) return PACKAGES;
  return PACKAGES.filter((name) =>
    files.some((file) => file.startsWith(`packages/${name}/src/`) || file.startsWith(`packages/${name}/test/`)),
  );
}

function fail(message) {
  console.error(`mutation: ${message}`);
  process.exit(1);
}
