import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base';

export default defineConfig([
  packageBuild({ index: 'src/index.ts' }),
  // The CLI is a Node program: ESM only, no declarations, with its shebang kept.
  { ...packageBuild({ cli: 'src/cli/bin.ts' }), format: ['esm'], dts: false, clean: false, platform: 'node' },
]);
