// Shared tsup settings: every publishable package ships ESM + CJS + .d.ts from the same entries.
import type { Options } from 'tsup';

export function packageBuild(entry: Record<string, string>, extra: Options = {}): Options {
  return {
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'es2023',
    platform: 'neutral',
    splitting: false,
    treeshake: true,
    ...extra,
  };
}
