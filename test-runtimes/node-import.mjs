// Node, ESM: every package through its `import` condition.
import * as acedata from '@mjgate/acedata';
import * as apiframe from '@mjgate/apiframe';
import * as core from '@mjgate/core';
import * as imaginepro from '@mjgate/imaginepro';
import * as mjproxy from '@mjgate/mjproxy';
import * as mjgate from 'mjgate';
import { runScenario } from './scenario.cjs';

const lines = await runScenario({ core, imaginepro, acedata, apiframe, mjproxy, mjgate }, process.env.SIM_URL);
console.log(lines.join('\n'));
