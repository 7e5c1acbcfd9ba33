// Bundled (esbuild, browser platform, `worker`/`edge-light` conditions) and evaluated inside Vercel's
// edge-runtime: exposes the scenario as a global the host calls with the simulator's URL.
import * as acedata from '@mjgate/acedata';
import * as apiframe from '@mjgate/apiframe';
import * as core from '@mjgate/core';
import * as imaginepro from '@mjgate/imaginepro';
import * as mjproxy from '@mjgate/mjproxy';
import * as mjgate from 'mjgate';
import { runScenario } from './scenario.cjs';

globalThis.runMjgateScenario = (simUrl) =>
  runScenario({ core, imaginepro, acedata, apiframe, mjproxy, mjgate }, simUrl).then((lines) => lines.join('\n'));
