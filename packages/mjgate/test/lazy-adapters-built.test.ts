import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * What a built app loads (issue 13): a fresh `node` imports the built facade (`pnpm build` first)
 * with a module load hook recording every file, and reports which adapters' main modules it loaded
 * — after the import alone, then after a gateway configured with ImaginePro only has served a call.
 */

const PACKAGE = join(import.meta.dirname, '..');
const ADAPTERS = ['imaginepro', 'acedata', 'apiframe', 'mjproxy'];

/** The child's body: `load` is `import` (ESM) or `require` (CommonJS); it prints one JSON line. */
const probe = (load: string) => `
const { registerHooks } = process.getBuiltinModule('node:module');
const loaded = [];
registerHooks({ load(url, context, next) { loaded.push(url); return next(url, context); } });
const adapters = () => [...new Set(loaded.flatMap((url) => /\\/packages\\/(\\w+)\\/dist\\/index\\.c?js$/.exec(url)?.[1] ?? []))]
  .filter((name) => ${JSON.stringify(ADAPTERS)}.includes(name));
(async () => {
  const mjgate = await ${load}('mjgate');
  const atImport = adapters();
  const gateway = mjgate.createGateway({ providers: { imaginepro: { apiKey: 'built-test-key' } } });
  await gateway.client('imaginepro').pending();
  const afterUse = adapters();
  const adapter = await ${load}('@mjgate/imaginepro');
  const light = await ${load}('@mjgate/imaginepro/vendor');
  const sameCapabilities = adapter.IMAGINEPRO_CAPABILITIES === light.IMAGINEPRO_CAPABILITIES
    && gateway.client('imaginepro').capabilities === light.IMAGINEPRO_CAPABILITIES;
  console.log(JSON.stringify({ atImport, afterUse, sameCapabilities }));
})();
`;

function run(
  format: 'module' | 'commonjs',
  load: string,
): Promise<{ atImport: string[]; afterUse: string[]; sameCapabilities: boolean }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [
        '--input-type',
        format,
        '--eval',
        format === 'module'
          ? probe(load).replace(
              "const { registerHooks } = process.getBuiltinModule('node:module');",
              "import { registerHooks } from 'node:module';",
            )
          : probe(load),
      ],
      // From the facade's folder, `mjgate` resolves to its own build, as an app's node_modules would.
      { cwd: PACKAGE, timeout: 60_000 },
      (error, stdout, stderr) =>
        error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(JSON.parse(stdout)),
    );
  });
}

describe('the built facade (run pnpm build first)', () => {
  it('is built', () => {
    expect(existsSync(join(PACKAGE, 'dist', 'index.js')), 'run pnpm build first').toBe(true);
  });

  it.each([
    ['ESM', 'module', 'import'],
    ['CommonJS', 'commonjs', 'require'],
  ] as const)(
    '%s: importing mjgate loads no adapter; a gateway loads only the one it is configured with',
    async (_, format, load) => {
      expect(await run(format, load)).toEqual({ atImport: [], afterUse: ['imaginepro'], sameCapabilities: true });
    },
  );
});
