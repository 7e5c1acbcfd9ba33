#!/usr/bin/env node
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { type ActionId, type Job, JobFailedError, MjGateError, parseAction, VERSION } from '@mjgate/core';
import { startSimulator } from '@mjgate/simulator';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { configFromEnv } from '../config.js';
import { builtinCapabilities } from '../gateway.js';
import { saveResults } from './files.js';
import { progressView } from './progress.js';
import { openSession, type Session } from './setup.js';

/** Exit codes, documented in docs/cli.md. */
export const EXIT = { ok: 0, unexpected: 1, usage: 2, jobFailed: 3, jobTimeout: 4, provider: 5 } as const;

interface Common {
  provider?: string;
  json?: boolean;
  quiet?: boolean;
  out?: string;
  wait?: boolean;
  timeout?: number;
}

/** A commander parser for a number > 0: `--timeout abc` is a usage error, not a NaN deadline. */
function positive(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0)
    throw new InvalidArgumentError('expected a number above 0.');
  return n;
}

const say = (line: string) => process.stderr.write(`${line}\n`);

function exitCodeOf(error: unknown): number {
  if (error instanceof CommanderError) return EXIT.usage;
  if (!MjGateError.isInstance(error)) return EXIT.unexpected;
  switch (error.code) {
    case 'invalid_request':
    case 'unsupported':
      return EXIT.usage;
    case 'job_failed':
      return EXIT.jobFailed;
    case 'job_timeout':
      return EXIT.jobTimeout;
    default:
      return EXIT.provider;
  }
}

/** Prints a job for a person (a few lines) or for a script (`--json`: the Job as JSON on stdout). */
function printJob(job: Job, opts: Common, files: string[] = []): void {
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(files.length ? { ...job, files } : job, null, 2)}\n`);
    return;
  }
  const lines = [`${job.id}  ${job.status}${job.progress !== null ? ` ${job.progress}%` : ''}  (${job.provider})`];
  if (job.gridUrl) lines.push(`grid: ${job.gridUrl}`);
  job.images.forEach((img, i) => {
    lines.push(`image ${i + 1}: ${img.url}`);
  });
  for (const url of job.videoUrls) lines.push(`video: ${url}`);
  job.texts.forEach((t, i) => {
    lines.push(`${i + 1}. ${t}`);
  });
  if (job.seed) lines.push(`seed: ${job.seed}`);
  if (job.actions.length) lines.push(`actions: ${job.actions.join(' ')}`);
  if (job.error) lines.push(`error: ${job.error.code}: ${job.error.message}`);
  for (const f of files) lines.push(`saved ${f}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** Waits (when asked) with a progress display, saves files with --out, then prints. */
async function finish(session: Session, job: Job, opts: Common, wait: boolean): Promise<void> {
  let result = job;
  if (wait || opts.out) {
    const mode = opts.json || opts.quiet ? 'none' : process.stderr.isTTY ? 'bar' : 'lines';
    const view = progressView(mode, job.operation === 'action' ? (job.action ?? 'action') : job.operation);
    try {
      result = await session.gateway.wait(job, {
        timeoutMs: opts.timeout === undefined ? undefined : opts.timeout * 1000,
        onProgress: (j) => view.update(j),
      });
    } finally {
      view.stop();
    }
  }
  const files = opts.out && result.status === 'succeeded' ? await saveResults(result, opts.out) : [];
  printJob(result, opts, files);
}

async function withSession(opts: Common, fn: (s: Session) => Promise<void>): Promise<void> {
  const session = await openSession(opts.provider, opts.json || opts.quiet ? () => {} : say);
  try {
    await fn(session);
  } finally {
    await session.close();
  }
}

async function maskFromFile(path: string): Promise<string> {
  const bytes = await readFile(path);
  const type = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.webp': 'image/webp' }[
    extname(path).toLowerCase()
  ];
  return `data:${type ?? 'image/png'};base64,${bytes.toString('base64')}`;
}

export function buildProgram(): Command {
  const program = new Command('mjgate')
    .description('Midjourney through any vendor: ImaginePro, AceData Cloud, APIFRAME — or the built-in simulator')
    .version(VERSION)
    .showHelpAfterError()
    .exitOverride()
    .addHelpText(
      'after',
      `
Environment:
  IMAGINEPRO_API_KEY, ACEDATA_API_KEY, APIFRAME_API_KEY   a vendor is used when its key is set
  MJGATE_PROVIDER, MJGATE_FALLBACK                          default vendor, fallback order (comma-separated)
  <VENDOR>_BASE_URL                                         another base URL (a proxy, or a simulator)
  MJGATE_SIMULATOR_URL                                      with no key: use this running simulator (see 'mjgate sim')
  With no key and no simulator URL, each command runs on a simulator started in-process.

Exit codes: 0 ok, 1 unexpected, 2 usage or invalid input, 3 job failed, 4 wait timed out, 5 provider error.`,
    );

  const common = (cmd: Command, waitDefault: boolean) =>
    cmd
      .addOption(
        new Option('-p, --provider <name>', 'vendor for new jobs').choices(['imaginepro', 'acedata', 'apiframe']),
      )
      .option('--json', 'print the Job as JSON on stdout')
      .option('-q, --quiet', 'no progress output')
      .option('-o, --out <dir>', 'download the result images into this folder (implies --wait)')
      .option('--timeout <seconds>', 'give up waiting after this many seconds', positive)
      .option(waitDefault ? '--no-wait' : '--wait', waitDefault ? 'return once submitted' : 'wait for the result');

  common(program.command('imagine').argument('<prompt>', 'the Midjourney prompt'), false)
    .description('submit a prompt; with --wait or --out, wait for the grid and its four images')
    .option('-a, --aspect <ratio>', "aspect ratio, e.g. '16:9'")
    .addOption(new Option('-m, --mode <mode>', 'speed mode').choices(['fast', 'relax', 'turbo']))
    .option('--image <url...>', 'image prompt URLs')
    .action(async (prompt: string, opts: Common & { aspect?: string; mode?: 'fast'; image?: string[] }) =>
      withSession(opts, async (s) => {
        const job = await s.gateway.imagine({
          prompt,
          aspectRatio: opts.aspect,
          mode: opts.mode,
          imageUrls: opts.image,
        });
        await finish(s, job, opts, !!opts.wait);
      }),
    );

  common(
    program
      .command('act')
      .argument('<job-id>', "the job's id, e.g. imaginepro:7c1…")
      .argument('<action>', "e.g. upscale-2, U2, 'Vary (Strong)', pan-left"),
    false,
  )
    .description('press a button on a finished job')
    .option('--mask <file>', 'mask image for vary-region (white = repaint)')
    .option('--prompt <text>', 'prompt for vary-region / custom-zoom')
    .option('--zoom <factor>', 'zoom for custom-zoom (1 < zoom ≤ 2)')
    .action(async (id: string, label: string, opts: Common & { mask?: string; prompt?: string; zoom?: string }) =>
      withSession(opts, async (s) => {
        const action = parseAction(label);
        if (!action)
          throw new MjGateError(
            'invalid_request',
            `Unknown action "${label}". Try upscale-1, variation-2, reroll, vary-strong, zoom-out-2x, pan-left…`,
          );
        const job = await s.gateway.act(id, action as ActionId, {
          prompt: opts.prompt,
          zoom: opts.zoom ? Number(opts.zoom) : undefined,
          mask: opts.mask ? await maskFromFile(opts.mask) : undefined,
        });
        await finish(s, job, opts, !!opts.wait);
      }),
    );

  common(program.command('describe').argument('<image-url>'), true)
    .description('four prompts that describe an image')
    .action(async (imageUrl: string, opts: Common) =>
      withSession(opts, async (s) => finish(s, await s.gateway.describe({ imageUrl }), opts, opts.wait !== false)),
    );

  common(program.command('blend').argument('<image-url...>', '2 to 5 image URLs'), false)
    .description('blend 2–5 images into a grid')
    .addOption(new Option('--dimensions <shape>').choices(['square', 'portrait', 'landscape']))
    .action(async (imageUrls: string[], opts: Common & { dimensions?: 'square' }) =>
      withSession(opts, async (s) =>
        finish(s, await s.gateway.blend({ imageUrls, dimensions: opts.dimensions }), opts, !!opts.wait),
      ),
    );

  common(program.command('status').argument('<job-id>', "the job's id, e.g. apiframe:29e9…"), false)
    .description('check a job once')
    .action(async (id: string, opts: Common) =>
      withSession(opts, async (s) => finish(s, await s.gateway.get(id), opts, false)),
    );

  common(program.command('wait').argument('<job-id>', "the job's id, e.g. acedata:7489…"), true)
    .description('wait for a job to finish, with progress')
    .action(async (id: string, opts: Common) =>
      withSession(opts, async (s) => finish(s, await s.gateway.get(id), opts, true)),
    );

  program
    .command('providers')
    .description('which vendors are configured, and what each supports')
    .option('--json', 'print as JSON')
    .action((opts: Common) => {
      const env = configFromEnv();
      const configured = Object.keys(env.providers ?? {});
      const primary = env.default ?? configured[0] ?? 'imaginepro';
      const rows = Object.entries(builtinCapabilities()).map(([name, caps]) => ({
        name,
        configured: configured.includes(name),
        default: name === primary,
        operations: caps.operations,
        actions: caps.actions,
        batchGet: caps.batchGet,
        webhooks: caps.webhooks,
        cancel: caps.cancel,
      }));
      if (opts.json) return void process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      if (configured.length === 0) say('No API key configured: commands run on the built-in simulator.');
      for (const r of rows) {
        process.stdout.write(
          `${r.default ? '*' : ' '} ${r.name.padEnd(11)} ${r.configured ? 'configured  ' : 'no key      '} ${r.operations.join(', ')} | ${r.actions.length} actions | batch ${r.batchGet ? 'yes' : 'no'} | webhooks ${r.webhooks ? 'yes' : 'no'} | cancel ${r.cancel ? 'yes' : 'no'}\n`,
        );
      }
    });

  common(program.command('demo'), true)
    .description('imagine → wait → upscale → wait → save, on your vendor or the built-in simulator')
    .option('--prompt <text>', 'the prompt', 'a red fox in snow, watercolor')
    .action(async (opts: Common & { prompt: string }) =>
      withSession({ ...opts, out: opts.out ?? 'mjgate-demo' }, async (s) => {
        const out = opts.out ?? 'mjgate-demo';
        const view = (label: string) =>
          progressView(opts.json || opts.quiet ? 'none' : process.stderr.isTTY ? 'bar' : 'lines', label);
        say(`imagine "${opts.prompt}" on ${s.gateway.defaultProvider}`);
        let v = view('imagine');
        const grid = await s.gateway.run(
          { prompt: opts.prompt, aspectRatio: '1:1' },
          { onProgress: (j) => v.update(j) },
        );
        v.stop();
        const gridFiles = await saveResults(grid, out);
        say('upscale-2 on the grid');
        v = view('upscale-2');
        const upscaled = await s.gateway.wait(await s.gateway.upscale(grid, 2), { onProgress: (j) => v.update(j) });
        v.stop();
        const upFiles = await saveResults(upscaled, out);
        printJob(grid, opts, gridFiles);
        printJob(upscaled, opts, upFiles);
        say(`done: ${gridFiles.length + upFiles.length} files in ${out}`);
      }),
    );

  program
    .command('sim')
    .description('run the vendor simulator until interrupted')
    .option('--port <port>', 'port', '8787')
    .option('--speed <factor>', 'clock compression (default 100)')
    .option('--api-key <key>', 'the only key it accepts')
    .action(async (opts: { port: string; speed?: string; apiKey?: string }) => {
      const sim = await startSimulator({
        port: Number(opts.port),
        speed: opts.speed ? Number(opts.speed) : undefined,
        apiKey: opts.apiKey,
      });
      process.stdout.write(
        [
          `simulator listening on ${sim.url}`,
          `  export MJGATE_SIMULATOR_URL=${sim.url}`,
          ...(opts.apiKey ? [`  export MJGATE_SIMULATOR_KEY=${opts.apiKey}`] : []),
          `  vendors: ${Object.values(sim.urls).join(' ')}`,
          '',
        ].join('\n'),
      );
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await sim.close();
    });

  return program;
}

/** Runs the CLI and returns its exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through here too.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    const code = exitCodeOf(error);
    if (JobFailedError.isInstance(error) && process.argv.includes('--json')) {
      process.stdout.write(`${JSON.stringify(error.job, null, 2)}\n`);
    }
    say(`mjgate: ${error instanceof Error ? error.message : String(error)}`);
    return code;
  }
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    say(String(error));
    process.exitCode = EXIT.unexpected;
  },
);
