// The Vitest setup StrykerJS runs (stryker.config.mjs): the one package under mutation, without the suites
// that dominate a mutation run's time and kill nothing the unit and end-to-end tests do not — the
// fast-check fuzzers (4,500 cases per adapter) and the gateway's chaos run. They still run in `pnpm test`.
import { defineConfig } from 'vitest/config';
import projects from './vitest.workspace.ts';

const name = process.env.MJGATE_MUTATION_PACKAGE;
const project = projects.find((candidate) => candidate.test?.name === name);
if (!project) throw new Error(`MJGATE_MUTATION_PACKAGE names no package: ${name}`);

export const SLOW_SUITES = ['test/fuzz.test.ts', 'test/chaos.test.ts'];
// The suites that run builds (the CLI's bin, packages/mjgate/dist/cli.js, and the facade's dist/ in a fresh
// node): the sandbox has no builds, and a mutant of src/ never reaches dist/, so they could only fail the
// dry run, never kill a mutant. cli/main.ts and cli/errors.ts are mutated through the suites that import
// them from src (cli-exit-codes, cli-messages).
export const BUILT_BIN_SUITES = ['test/cli.test.ts', 'test/cli-terminal.test.ts', 'test/lazy-adapters-built.test.ts'];

export default defineConfig({
  test: { projects: [{ ...project, test: { ...project.test, exclude: [...SLOW_SUITES, ...BUILT_BIN_SUITES] } }] },
});
