import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base';

// A Node package (node:crypto, sockets through @redis/client), unlike core and the adapters.
export default defineConfig(packageBuild({ index: 'src/index.ts' }, { platform: 'node' }));
