import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base';

// Three entries over one set of modules: shared chunks (`splitting`), so an error class or the
// webhook job record is one object whichever entry an app or an adapter imported it from. valibot is
// bundled: only the functions src/valibot.ts names (the `valibot` entry adapters build schemas with),
// not its whole module, load with an adapter.
export default defineConfig(
  packageBuild(
    { index: 'src/index.ts', provider: 'src/provider.ts', testing: 'src/testing.ts', valibot: 'src/valibot.ts' },
    { splitting: true, noExternal: ['valibot'] },
  ),
);
