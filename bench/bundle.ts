// What mjgate adds to an application's bundle (issue 13): a tiny app per adapter, and one for the
// facade, bundled by esbuild for the browser from the packages' builds, minified, then gzipped.
// Run through `pnpm bench` (after `pnpm build`), or alone: node bench/bundle.ts
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = join(import.meta.dirname, '..');
const ADAPTER_GOAL_KB = 22;
const FACADE_GOAL_KB = 32;

/** The app: create a client, run a job, print its images — what a first integration does. */
const adapterApp = (pkg: string, factory: string) => `
import { ${factory} } from '${pkg}';
const client = ${factory}({ apiKey: globalThis.KEY });
const job = await client.run({ prompt: 'a red fox in snow' });
console.log(job.images.map((image) => image.url));
`;
/** What a first run loads on demand besides the start-up chunks: ky, on the first request. */
const KY = /(^|\/)node_modules\/ky\//;
const apps = [
  {
    name: '@mjgate/imaginepro',
    code: adapterApp('@mjgate/imaginepro', 'createImaginePro'),
    goal: ADAPTER_GOAL_KB,
    firstRun: [KY],
  },
  {
    name: '@mjgate/acedata',
    code: adapterApp('@mjgate/acedata', 'createAceData'),
    goal: ADAPTER_GOAL_KB,
    firstRun: [KY],
  },
  {
    name: '@mjgate/apiframe',
    code: adapterApp('@mjgate/apiframe', 'createApiFrame'),
    goal: ADAPTER_GOAL_KB,
    firstRun: [KY],
  },
  {
    name: '@mjgate/mjproxy',
    code: adapterApp('@mjgate/mjproxy', 'createMjProxy'),
    goal: ADAPTER_GOAL_KB,
    firstRun: [KY],
  },
  {
    name: 'mjgate (facade)',
    // The gateway imports the configured vendor's adapter (its own chunk) when it is created.
    firstRun: [/(^|\/)packages\/imaginepro\/dist\/index\.js$/, KY],
    code: `
import { createGateway } from 'mjgate';
const gateway = createGateway({ providers: { imaginepro: { apiKey: globalThis.KEY } } });
const job = await gateway.run({ prompt: 'a red fox in snow' });
console.log(job.images.map((image) => image.url));
`,
    goal: FACADE_GOAL_KB,
  },
];

/** How every bundle here is built: for the browser, as ESM, minified, kept in memory. */
const BUILD = {
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2023',
  write: false,
  logLevel: 'silent',
} as const;

/**
 * The chosen stack alone — ky, p-retry and the valibot functions core bundles for the adapters — as
 * the same build would ship it: the part of every app's size no change to mjgate's own code can cut.
 */
async function stackAlone(): Promise<number> {
  const result = await build({
    stdin: {
      contents: `
import ky from 'ky';
import pRetry from 'p-retry';
import * as v from '@mjgate/core/valibot';
globalThis.stack = [ky, pRetry, v];
`,
      resolveDir: join(root, 'packages', 'core'),
      loader: 'js',
    },
    alias: { '@mjgate/core/valibot': join(root, 'packages', 'core', 'dist', 'valibot.js') },
    ...BUILD,
  });
  return result.outputFiles.reduce((sum, file) => sum + gzipSync(file.contents, { level: 9 }).length / 1024, 0);
}
const stack = await stackAlone();

for (const app of apps) {
  const result = await build({
    stdin: { contents: app.code, resolveDir: join(root, 'packages', 'mjgate'), loader: 'js' },
    // The facade's own name, resolved from its folder as an app's node_modules would.
    alias: { mjgate: join(root, 'packages', 'mjgate', 'dist', 'index.js') },
    ...BUILD,
    // Split as an app's bundler does, so what loads on first use (ky, p-retry; the facade's adapters)
    // is told apart from what loads with the app; the goal is checked against everything, the split
    // is information.
    splitting: true,
    outdir: join(root, 'bench', '.bundle'),
    metafile: true,
  });
  const outputs = result.metafile.outputs;
  /** The chunks `roots` load before they run: themselves and their static imports, transitively. */
  const loadedWith = (roots: string[]) => {
    const loaded = new Set<string>();
    const queue = [...roots];
    while (queue.length > 0) {
      const name = queue.pop()!;
      if (loaded.has(name)) continue;
      loaded.add(name);
      for (const imported of outputs[name]!.imports)
        if (imported.kind === 'import-statement') queue.push(imported.path);
    }
    return loaded;
  };
  const entry = Object.keys(outputs).find((name) => outputs[name]!.entryPoint !== undefined)!;
  const startup = loadedWith([entry]);
  // A first run: the start-up chunks plus the chunks holding what it imports on demand.
  const onDemand = Object.keys(outputs).filter((name) =>
    Object.keys(outputs[name]!.inputs).some((input) => app.firstRun.some((pattern) => pattern.test(input))),
  );
  const firstRun = loadedWith([entry, ...onDemand]);
  const among = (chunks: Set<string>, path: string) =>
    [...chunks].some((name) => path.endsWith(name.slice(name.lastIndexOf('/'))));
  let minified = 0;
  let total = 0;
  let atStartup = 0;
  let onFirstRun = 0;
  for (const file of result.outputFiles) {
    const gzipped = gzipSync(file.contents, { level: 9 }).length / 1024;
    minified += file.contents.length / 1024;
    total += gzipped;
    if (among(startup, file.path)) atStartup += gzipped;
    if (among(firstRun, file.path)) onFirstRun += gzipped;
  }
  console.log(
    JSON.stringify({
      figure: `app bundling ${app.name}, min+gz`,
      unit: 'kB',
      anchor: {
        'minified (kB)': minified,
        'loaded with the app, min+gz (kB)': atStartup,
        'loaded by a first run, min+gz (kB)': onFirstRun,
        'ky, p-retry and valibot alone, min+gz (kB)': stack,
      },
      value: total,
      goal: `≤ ${app.goal}`,
      pass: total <= app.goal,
    }),
  );
}
