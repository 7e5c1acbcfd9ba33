import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base';

// Two entries over one set of modules: `vendor` (the host, environment variables and capabilities,
// which the mjgate gateway imports at start-up) and the adapter itself, loaded only when used. Shared
// chunks (`splitting`) keep one capabilities object whichever entry an app imported it from.
export default defineConfig(packageBuild({ index: 'src/index.ts', vendor: 'src/vendor.ts' }, { splitting: true }));
