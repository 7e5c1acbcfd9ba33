// The test projects, one per package. The root vitest.config.ts reads this list (Vitest 4+ no longer
// picks a workspace file up by itself). Workspace imports resolve to package sources, so tests run
// against the code as written, without a rebuild in between.
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TestProjectInlineConfiguration } from 'vitest/config';

const root = import.meta.dirname;
const packagesDir = join(root, 'packages');
const packages = readdirSync(packagesDir).filter((d) => existsSync(join(packagesDir, d, 'package.json')));

const src = (pkg: string, file = 'index.ts') => resolve(packagesDir, pkg, 'src', file);
export const alias = [
  { find: /^@mjgate\/core\/testing$/, replacement: src('core', 'testing.ts') },
  { find: /^@mjgate\/core\/provider$/, replacement: src('core', 'provider.ts') },
  { find: /^@mjgate\/core\/valibot$/, replacement: src('core', 'valibot.ts') },
  // Each adapter's light entry (what the gateway imports before it loads the adapter).
  {
    find: /^@mjgate\/(imaginepro|acedata|apiframe|mjproxy)\/vendor$/,
    replacement: resolve(packagesDir, '$1', 'src', 'vendor.ts'),
  },
  ...packages.filter((p) => p !== 'mjgate').map((p) => ({ find: new RegExp(`^@mjgate/${p}$`), replacement: src(p) })),
  { find: /^mjgate$/, replacement: src('mjgate') },
];

const projects: TestProjectInlineConfiguration[] = packages.map((name) => ({
  resolve: { alias },
  test: {
    name,
    root: join(packagesDir, name),
    include: ['test/**/*.test.ts'],
    benchmark: { include: ['bench/**/*.bench.ts'] },
    testTimeout: 20_000,
    // A package may print a line before its tests (the Redis tests say when they are skipped).
    globalSetup: existsSync(join(packagesDir, name, 'test', 'global-setup.ts'))
      ? [join(packagesDir, name, 'test', 'global-setup.ts')]
      : [],
  },
}));

export default projects;
