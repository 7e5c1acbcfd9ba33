// The examples' own test run (`pnpm test:examples`): it runs the examples as a user would, with Node
// against the built packages, so it lives outside the per-package projects (which alias sources).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: import.meta.dirname,
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
  },
});
