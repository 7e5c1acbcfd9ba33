#!/usr/bin/env node
// `mjgate-sim`: run the simulator in the foreground until Ctrl-C.
import { parseArgs } from 'node:util';
import { MJPROXY_DIALECTS, type MjProxyDialect } from './mjproxy';
import { startSimulator } from './server';

const HELP = `mjgate-sim — ImaginePro, AceData, APIFRAME and midjourney-proxy Midjourney APIs on localhost

Usage: mjgate-sim [options]

  --port <n>         port to listen on (default 8787; 0 picks a free one)
  --host <addr>      interface to bind (default 127.0.0.1)
  --speed <n>        clock compression, vendor time ÷ real time (default 100: a grid in ~0.4 s)
  --api-key <key>    the only API key accepted (default: any non-empty key)
  --fault-rate <p>   chance 0–1 of a random 429/5xx/reset on each vendor request (default 0)
  --seed <n>         seed for ids and fault rolls (default random)
  --credits <n>      starting credits per vendor account (default 10000)
  --paused           start with the clock paused; step it with POST /_sim/clock
  --mjproxy-dialect <d>
                     the midjourney-proxy server /mjproxy imitates: trueai (default),
                     novicezk or new-api
  --allow-external-webhooks
                     deliver webhooks to any host (default: loopback addresses only;
                     others are logged and recorded in the ledger, never sent)
  -h, --help         show this help
`;

function num(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) {
    process.stderr.write(`mjgate-sim: --${name} must be a number, got ${JSON.stringify(value)}\n`);
    process.exit(2);
  }
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      speed: { type: 'string' },
      'api-key': { type: 'string' },
      'fault-rate': { type: 'string' },
      seed: { type: 'string' },
      credits: { type: 'string' },
      paused: { type: 'boolean' },
      'mjproxy-dialect': { type: 'string' },
      'allow-external-webhooks': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const port = num('port', values.port) ?? 8787;
  const speed = num('speed', values.speed);
  const faultRate = num('fault-rate', values['fault-rate']);
  const seed = num('seed', values.seed);
  const credits = num('credits', values.credits);
  const dialect = values['mjproxy-dialect'];
  if (dialect !== undefined && !MJPROXY_DIALECTS.includes(dialect as MjProxyDialect)) {
    process.stderr.write(`mjgate-sim: --mjproxy-dialect must be one of ${MJPROXY_DIALECTS.join(', ')}\n`);
    process.exit(2);
  }
  const sim = await startSimulator({
    port,
    ...(values.host !== undefined ? { host: values.host } : {}),
    ...(speed !== undefined ? { speed } : {}),
    ...(values['api-key'] !== undefined ? { apiKey: values['api-key'] } : {}),
    ...(faultRate !== undefined ? { faultRate } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(credits !== undefined ? { credits } : {}),
    ...(dialect !== undefined ? { mjproxy: { dialect: dialect as MjProxyDialect } } : {}),
    paused: values.paused === true,
    allowExternalWebhooks: values['allow-external-webhooks'] === true,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(
    [
      `mjgate simulator listening on ${sim.url} (speed ${sim.speed}x, seed ${sim.seed})`,
      `  ImaginePro  ${sim.urls.imaginepro}   Authorization: Bearer <key>`,
      `  AceData     ${sim.urls.acedata}      Authorization: Bearer <key>`,
      `  APIFRAME    ${sim.urls.apiframe}     Authorization: <key>`,
      `  mj-proxy    ${sim.urls.mjproxy}      mj-api-secret: <key>   (${dialect ?? 'trueai'} dialect)`,
      `  ledger ${sim.url}/_sim/ledger · stats ${sim.url}/_sim/stats · faults ${sim.url}/_sim/faults`,
      `  clock ${sim.url}/_sim/clock${sim.clock.paused ? ' (paused)' : ''} · webhooks to ${
        values['allow-external-webhooks'] ? 'any host' : 'loopback addresses only'
      }`,
      '',
    ].join('\n'),
  );
  const stop = () => {
    sim.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`mjgate-sim: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
