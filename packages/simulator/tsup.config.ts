import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base';

export default defineConfig([
  packageBuild({ index: 'src/index.ts' }, { platform: 'node' }),
  // The bin is a Node program: ESM only, no declarations, its shebang kept.
  { ...packageBuild({ cli: 'src/cli.ts' }), format: ['esm'], dts: false, clean: false, platform: 'node' },
]);
