// Bundled (esbuild, `workerd`/`worker` conditions) into a Cloudflare Worker whose test handler
// `workerd test` runs; the simulator's URL comes in as the SIM_URL text binding.
import * as acedata from '@mjgate/acedata';
import * as apiframe from '@mjgate/apiframe';
import * as core from '@mjgate/core';
import * as imaginepro from '@mjgate/imaginepro';
import * as mjproxy from '@mjgate/mjproxy';
import * as mjgate from 'mjgate';
import { runScenario } from './scenario.cjs';

export default {
  async test(_controller, env) {
    const lines = await runScenario({ core, imaginepro, acedata, apiframe, mjproxy, mjgate }, env.SIM_URL);
    console.log(lines.join('\n'));
  },
};
