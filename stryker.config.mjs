// StrykerJS for one package at a time: `MJGATE_MUTATION_PACKAGE=core npx stryker run`, or through
// `pnpm test:mutation [package]` (scripts/mutation.mjs), which also prints the score and applies the threshold.
// Stryker runs from the repository root so the sandbox keeps the layout tests rely on (`../../core/test/…`
// helpers, docs/providers/*.md tables, every package's node_modules symlinked back).
import { createRequire } from 'node:module';

/**
 * What is mutated per package. Left out, with the reason:
 * - index.ts / provider.ts / types.ts / version.ts: re-exports, type declarations and a constant — no behaviour.
 * - core/testing.ts: the mock provider is a test double, tested by its use in other suites, not a shipped path.
 * - mjgate cli/bin.ts, files.ts, progress.ts, setup.ts, interrupt.ts, pipes.ts: the CLI's I/O glue (the process's
 *   exit code, downloads, progress bars, the embedded simulator session, signals, closed pipes), proven end to end
 *   by the built bin's tests; the argument handling (cli/main.ts, run in-process by tests) and the exit codes
 *   (cli/errors.ts) are mutated.
 * - mjgate vendors.ts: the registry's data, checked whole by adapter-shape.test.ts.
 */
export const MUTATED = {
  core: [
    'packages/core/src/**/*.ts',
    '!packages/core/src/index.ts',
    '!packages/core/src/provider.ts',
    '!packages/core/src/types.ts',
    '!packages/core/src/version.ts',
    '!packages/core/src/testing.ts',
  ],
  imaginepro: [
    'packages/imaginepro/src/**/*.ts',
    '!packages/imaginepro/src/index.ts',
    '!packages/imaginepro/src/types.ts',
  ],
  acedata: ['packages/acedata/src/**/*.ts', '!packages/acedata/src/index.ts'],
  apiframe: ['packages/apiframe/src/**/*.ts', '!packages/apiframe/src/index.ts'],
  mjproxy: ['packages/mjproxy/src/**/*.ts', '!packages/mjproxy/src/index.ts'],
  mjgate: [
    'packages/mjgate/src/gateway.ts',
    'packages/mjgate/src/deferred-client.ts',
    'packages/mjgate/src/routing.ts',
    'packages/mjgate/src/webhooks.ts',
    'packages/mjgate/src/sniff.ts',
    'packages/mjgate/src/config.ts',
    'packages/mjgate/src/cli/main.ts',
    'packages/mjgate/src/cli/errors.ts',
  ],
};

const name = process.env.MJGATE_MUTATION_PACKAGE;
if (!name || !(name in MUTATED)) {
  throw new Error(
    `Set MJGATE_MUTATION_PACKAGE to one of ${Object.keys(MUTATED).join(', ')} (or run \`pnpm test:mutation <package>\`).`,
  );
}
const require = createRequire(import.meta.url);
// The TypeScript checker drops mutants that do not compile before any test runs. It costs a type-check per
// mutant group, so it can be turned off on a slow machine: MJGATE_MUTATION_CHECKER=off.
const typeCheck = process.env.MJGATE_MUTATION_CHECKER !== 'off';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  // pnpm keeps the plugins out of Stryker's own node_modules, so they are named by path.
  plugins: [
    require.resolve('@stryker-mutator/vitest-runner'),
    ...(typeCheck ? [require.resolve('@stryker-mutator/typescript-checker')] : []),
  ],
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  checkers: typeCheck ? ['typescript'] : [],
  tsconfigFile: `packages/${name}/tsconfig.json`,
  coverageAnalysis: 'perTest',
  // Static mutants (module-level values such as the status and request tables) rerun the package's whole
  // suite each, which is most of a run's time; they are what the vendor tables are made of, so they are
  // tested by default. MJGATE_MUTATION_STATIC=off skips them for a quick local look.
  ignoreStatic: process.env.MJGATE_MUTATION_STATIC === 'off',
  mutate: MUTATED[name],
  // The sandbox gets the packages, the docs the table tests compare, and the root configs — not builds,
  // reports, benchmarks or the other top-level folders.
  ignorePatterns: [
    '/*',
    '!/packages',
    '!/docs',
    '!/package.json',
    '!/tsconfig.base.json',
    '!/vitest.workspace.ts',
    '!/vitest.mutation.config.ts',
    'dist',
    'bench',
    'coverage',
  ],
  incremental: true,
  incrementalFile: `reports/mutation/${name}.incremental`,
  reporters: ['clear-text', 'progress', 'html'],
  htmlReporter: { fileName: `reports/mutation/html/${name}.html` },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  thresholds: { high: 90, low: 80, break: null },
  tempDirName: '.stryker-tmp',
  // Two cores shared with the rest of the work: one test runner, unless the caller asks for more.
  concurrency: Number(process.env.MJGATE_MUTATION_CONCURRENCY ?? 1),
  // A mutant is timed out (counted as killed) after twice its tests' time plus the run's overhead plus this.
  // A static mutant reloads the whole suite, and on a loaded machine 10 s of slack timed equivalent ones out:
  // 30 s by default, MJGATE_MUTATION_TIMEOUT_MS to change it.
  timeoutMS: Number(process.env.MJGATE_MUTATION_TIMEOUT_MS ?? 30_000),
  timeoutFactor: 2,
  logLevel: 'info',
  fileLogLevel: 'off',
};
