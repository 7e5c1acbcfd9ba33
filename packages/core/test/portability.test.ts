import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const packages = join(import.meta.dirname, '..', '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'cli' ? [] : sources(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

describe('web-standard runtime code', () => {
  // DESIGN.md: core, the adapters and the gateway run on Node, Bun, Deno and edge runtimes; `node:`
  // imports belong only to the simulator and the CLI.
  it.each(['core', 'imaginepro', 'acedata', 'apiframe', 'mjgate'])('%s/src imports nothing from node:', (pkg) => {
    const offenders = sources(join(packages, pkg, 'src')).filter((file) =>
      /(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"]node:/.test(readFileSync(file, 'utf8')),
    );
    expect(offenders.map((f) => relative(packages, f))).toEqual([]);
  });
});
