// The one scenario every runtime runs: core's own helpers, each adapter, then the gateway, against
// the simulator at `simUrl`. It receives the packages as loaded by the runtime's own module system
// (import, require or a bundle), so it proves the published entry points, not the sources.
// CommonJS so that both `require` and `import` (and bundlers) can load it.

/** Fast settings for the simulator's compressed clock: short polls, no vendor pacing. */
const FAST = { poll: { intervalMs: 50, maxIntervalMs: 200, timeoutMs: 60_000 } };

function check(condition, message) {
  if (!condition) throw new Error(`runtime scenario: ${message}`);
}

/**
 * @param {{ core: any, imaginepro: any, acedata: any, apiframe: any, mjproxy: any, mjgate: any }} modules
 * @param {string} simUrl the simulator's root URL
 * @returns {Promise<string[]>} one line per step that passed
 */
async function runScenario(modules, simUrl) {
  const { core, imaginepro, acedata, apiframe, mjproxy, mjgate } = modules;
  const lines = [];
  const url = (vendor) => `${simUrl}/${vendor}`;

  check(core.parseJobId('apiframe:abc').provider === 'apiframe', 'core parseJobId');
  check(core.isActionId('upscale-2'), 'core isActionId');
  lines.push(`core ${core.VERSION}`);

  const clients = {
    imaginepro: imaginepro.createImaginePro({
      apiKey: 'sim-key',
      baseURL: url('imaginepro'),
      pace: { submit: 0, read: 0 },
      ...FAST,
    }),
    acedata: acedata.createAceData({ apiKey: 'sim-key', baseURL: url('acedata'), ...FAST }),
    apiframe: apiframe.createApiFrame({ apiKey: 'sim-key', baseURL: url('apiframe'), ...FAST }),
    mjproxy: mjproxy.createMjProxy({ apiKey: 'sim-key', baseURL: url('mjproxy'), ...FAST }),
  };
  for (const [name, client] of Object.entries(clients)) {
    const grid = await client.run({ prompt: `a red fox in snow, ${name}` });
    check(grid.status === 'succeeded' && grid.images.length === 4, `${name} grid: ${grid.status}`);
    const upscale = await client.wait(await client.upscale(grid, 2));
    check(upscale.status === 'succeeded' && upscale.images.length >= 1, `${name} upscale: ${upscale.status}`);
    lines.push(`${name} ${grid.id} -> ${upscale.id}`);
  }

  const gateway = mjgate.createGateway({
    providers: {
      apiframe: { apiKey: 'sim-key', baseURL: url('apiframe') },
      acedata: { apiKey: 'sim-key', baseURL: url('acedata') },
    },
    default: 'apiframe',
    fallback: ['acedata'],
    ...FAST,
  });
  const grid = await gateway.run({ prompt: 'a red fox in snow, gateway' });
  check(grid.status === 'succeeded' && grid.provider === 'apiframe', `gateway grid: ${grid.status} ${grid.provider}`);
  lines.push(`gateway ${grid.id}`);
  return lines;
}

module.exports = { runScenario };
