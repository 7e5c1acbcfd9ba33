import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { type ActionId, type Job, JobFailedError, MjGateError, modelsOf, parseAction, VERSION } from '@mjgate/core';
import { startSimulator } from '@mjgate/simulator';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { apiKeyVariables, configFromEnv, GATEWAY_ENV } from '../config.js';
import { builtinCapabilities } from '../gateway.js';
import { BUILTIN_PROVIDERS, BUILTIN_VENDORS } from '../vendors.js';
import { cliMessage, EXIT, exitCodeOf, Interrupted } from './errors.js';
import { saveResults } from './files.js';
import { watchInterrupt } from './interrupt.js';
import { progressView } from './progress.js';
import { NoJobsToReach, openSession, type Purpose, type Session, SIMULATOR_ENV } from './setup.js';

export { EXIT } from './errors.js';

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
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number <= 0)
    throw new InvalidArgumentError('expected a number above 0.');
  return number;
}

/** A commander parser for a TCP port, 0 (any free port) to 65535: `--port abc` is a usage error. */
function port(value: string): number {
  const number = Number(value);
  if (value.trim() === '' || !Number.isInteger(number) || number < 0 || number > 65_535)
    throw new InvalidArgumentError('expected a port number from 0 (any free port) to 65535.');
  return number;
}

/** A commander parser for a whole number ≥ 1: `--n 2.5` or `--n two` is a usage error. */
function count(value: string): number {
  const number = Number(value);
  if (value.trim() === '' || !Number.isInteger(number) || number < 1)
    throw new InvalidArgumentError('expected a whole number of 1 or more.');
  return number;
}

const say = (line: string) => process.stderr.write(`${line}\n`);
/** The command's own lines on stderr (notices, narration): none with --quiet. */
const narration = (options: Common) => (options.quiet ? () => {} : say);

/** Prints a job for a person (a few lines) or for a script (`--json`: the Job as JSON on stdout). */
function printJob(job: Job, options: Common, files: string[] = []): void {
  if (options.json) {
    process.stdout.write(`${JSON.stringify(files.length ? { ...job, files } : job, null, 2)}\n`);
    return;
  }
  const lines = [`${job.id}  ${job.status}${job.progress !== null ? ` ${job.progress}%` : ''}  (${job.provider})`];
  if (job.model) lines.push(`model: ${job.model}`);
  if (job.gridUrl) lines.push(`grid: ${job.gridUrl}`);
  job.images.forEach((image, index) => {
    lines.push(`image ${index + 1}: ${image.url}`);
  });
  for (const url of job.videoUrls) lines.push(`video: ${url}`);
  job.texts.forEach((text, index) => {
    lines.push(`${index + 1}. ${text}`);
  });
  if (job.seed) lines.push(`seed: ${job.seed}`);
  if (job.actions.length) lines.push(`actions: ${job.actions.join(' ')}`);
  if (job.error) lines.push(`error: ${job.error.code}: ${job.error.message}`);
  for (const file of files) lines.push(`saved ${file}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

/**
 * Whether to wait: `--wait` / `--no-wait` when given, else the command's default — except that the
 * built-in simulator stops with the command, so there a job id alone would be useless: it waits.
 */
function shouldWait(session: Session, options: Common, commandDefault: boolean): boolean {
  return options.wait ?? (commandDefault || session.mode === 'embedded');
}

/** Waits (when asked) with a progress display, saves files with --out, then prints. */
async function finish(session: Session, job: Job, options: Common, wait: boolean): Promise<void> {
  let result = job;
  if (wait || options.out) {
    const mode = options.json || options.quiet ? 'none' : process.stderr.isTTY ? 'bar' : 'lines';
    const view = progressView(mode, job.operation === 'action' ? (job.action ?? 'action') : job.operation);
    // Listening first, then the id shows at once (before the first poll): a Ctrl-C from the moment
    // the id is on screen is caught, and leaves the id there.
    const interrupt = watchInterrupt();
    view.update(job);
    try {
      result = await session.gateway.wait(job, {
        timeoutMs: options.timeout === undefined ? undefined : options.timeout * 1000,
        onProgress: (current) => view.update(current),
        signal: interrupt.signal,
      });
    } catch (error) {
      if (interrupt.signal.aborted) throw new Interrupted(job, session.mode === 'embedded');
      throw error;
    } finally {
      interrupt.dispose();
      view.stop();
    }
  }
  const files = options.out && result.status === 'succeeded' ? await saveResults(result, options.out) : [];
  printJob(result, options, files);
}

async function withSession(options: Common, purpose: Purpose, run: (session: Session) => Promise<void>): Promise<void> {
  // The session's one notice goes to stderr, so --json output stays parseable; --quiet drops it.
  const session = await openSession(options.provider, purpose, narration(options));
  try {
    await run(session);
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

/** The CLI's environment help: the API-key variables come from the vendor registry, aligned in one column. */
function environmentHelp(): string {
  const rows: [string, string][] = [
    [apiKeyVariables().join(', '), 'a vendor is used when its key is set'],
    [`${GATEWAY_ENV.provider}, ${GATEWAY_ENV.fallback}`, 'default vendor, fallback order (comma-separated)'],
    ['<VENDOR>_BASE_URL', 'another base URL (a proxy, or a simulator)'],
    [`${SIMULATOR_ENV.url}, ${SIMULATOR_ENV.apiKey}`, "with no key: use this running simulator (see 'mjgate sim')"],
    [GATEWAY_ENV.logLevel, 'log level on stderr: debug, info, warn (default), error, silent'],
  ];
  const width = Math.max(...rows.map(([variables]) => variables.length)) + 3;
  return rows.map(([variables, meaning]) => `  ${variables.padEnd(width)}${meaning}`).join('\n');
}

export function buildProgram(): Command {
  const vendorTitles = BUILTIN_PROVIDERS.map((name) => BUILTIN_VENDORS[name].title).join(', ');
  const program = new Command('mjgate')
    .description(`Midjourney through any vendor: ${vendorTitles} — or the built-in simulator`)
    .version(VERSION)
    .showHelpAfterError()
    .exitOverride()
    .addHelpText(
      'after',
      `
Environment:
${environmentHelp()}
  With no key and no simulator URL, each command runs on a simulator started in-process,
  which stops with the command: commands wait for their result there.

Exit codes: 0 ok, 1 unexpected, 2 usage or invalid input, 3 job failed, 4 wait timed out,
  5 provider error, 6 refused by content policy, 130 interrupted (Ctrl-C; the job goes on).`,
    );

  const common = (command: Command, waitDefault: boolean) =>
    command
      .addOption(new Option('-p, --provider <name>', 'vendor for new jobs').choices(BUILTIN_PROVIDERS))
      .option('--json', 'print the Job as JSON on stdout')
      .option('-q, --quiet', 'no progress output')
      .option('-o, --out <dir>', 'download the result images into this folder (implies --wait)')
      .option('--timeout <seconds>', 'give up waiting after this many seconds', positive)
      .addOption(
        // With both spellings and neither given, `wait` is undefined and the session decides (see shouldWait).
        new Option('--wait', 'wait for the result (the default with no API key)').hideHelp(waitDefault),
      )
      .option('--no-wait', 'return once submitted');

  common(program.command('imagine').argument('<prompt>', 'the prompt'), false)
    .description('submit a prompt; with --wait or --out, wait for the grid and its four images (or a model’s n images)')
    .option('-a, --aspect <ratio>', "aspect ratio, e.g. '16:9'")
    .addOption(new Option('-m, --mode <mode>', 'Midjourney speed mode').choices(['fast', 'relax', 'turbo']))
    .option('--image <url...>', 'image prompt URLs')
    .option('--model <name>', "the model, e.g. 'flux-1.1-pro' (default Midjourney); goes to a vendor that offers it")
    .option('--n <count>', 'how many images, for models that take it (Flux: 1–4)', count)
    .action(
      async (
        prompt: string,
        options: Common & { aspect?: string; mode?: 'fast'; image?: string[]; model?: string; n?: number },
      ) =>
        withSession(options, { kind: 'new' }, async (session) => {
          const job = await session.gateway.imagine({
            prompt,
            aspectRatio: options.aspect,
            mode: options.mode,
            imageUrls: options.image,
            model: options.model,
            n: options.n,
          });
          await finish(session, job, options, shouldWait(session, options, false));
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
    .action(async (id: string, label: string, options: Common & { mask?: string; prompt?: string; zoom?: string }) =>
      withSession(options, { kind: 'existing', id, command: 'act' }, async (session) => {
        const action = parseAction(label);
        if (!action)
          throw new MjGateError(
            'invalid_request',
            `Unknown action "${label}". Try upscale-1, variation-2, reroll, vary-strong, zoom-out-2x, pan-left…`,
          );
        const job = await session.gateway.act(id, action as ActionId, {
          prompt: options.prompt,
          zoom: options.zoom ? Number(options.zoom) : undefined,
          mask: options.mask ? await maskFromFile(options.mask) : undefined,
        });
        await finish(session, job, options, shouldWait(session, options, false));
      }),
    );

  common(program.command('describe').argument('<image-url>'), true)
    .description('four prompts that describe an image')
    .action(async (imageUrl: string, options: Common) =>
      withSession(options, { kind: 'new' }, async (session) =>
        finish(session, await session.gateway.describe({ imageUrl }), options, shouldWait(session, options, true)),
      ),
    );

  common(program.command('blend').argument('<image-url...>', '2 to 5 image URLs'), false)
    .description('blend 2–5 images into a grid')
    .addOption(new Option('--dimensions <shape>').choices(['square', 'portrait', 'landscape']))
    .action(async (imageUrls: string[], options: Common & { dimensions?: 'square' }) =>
      withSession(options, { kind: 'new' }, async (session) =>
        finish(
          session,
          await session.gateway.blend({ imageUrls, dimensions: options.dimensions }),
          options,
          shouldWait(session, options, false),
        ),
      ),
    );

  common(program.command('status').argument('<job-id>', "the job's id, e.g. apiframe:29e9…"), false)
    .description('check a job once')
    .action(async (id: string, options: Common) =>
      withSession(options, { kind: 'existing', id, command: 'status' }, async (session) =>
        finish(session, await session.gateway.get(id), options, false),
      ),
    );

  common(program.command('wait').argument('<job-id>', "the job's id, e.g. acedata:7489…"), true)
    .description('wait for a job to finish, with progress')
    .action(async (id: string, options: Common) =>
      withSession(options, { kind: 'existing', id, command: 'wait' }, async (session) =>
        finish(session, await session.gateway.get(id), options, options.wait !== false),
      ),
    );

  program
    .command('providers')
    .description('which vendors are configured, and what each supports')
    .option('--json', 'print as JSON')
    .action((options: Common) => {
      const env = configFromEnv();
      const configured = Object.keys(env.providers ?? {});
      const primary = env.default ?? configured[0] ?? BUILTIN_PROVIDERS[0];
      const rows = Object.entries(builtinCapabilities()).map(([name, capabilities]) => ({
        name,
        configured: configured.includes(name),
        default: name === primary,
        operations: capabilities.operations,
        actions: capabilities.actions,
        batchGet: capabilities.batchGet,
        webhooks: capabilities.webhooks,
        cancel: capabilities.cancel,
        models: modelsOf(capabilities),
      }));
      if (options.json) return void process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      if (configured.length === 0) say('No API key configured: commands run on the built-in simulator.');
      for (const row of rows) {
        process.stdout.write(
          `${row.default ? '*' : ' '} ${row.name.padEnd(11)} ${row.configured ? 'configured  ' : 'no key      '} ${row.operations.join(', ')} | ${row.actions.length} actions | batch ${row.batchGet ? 'yes' : 'no'} | webhooks ${row.webhooks ? 'yes' : 'no'} | cancel ${row.cancel ? 'yes' : 'no'} | models ${row.models.join(', ')}\n`,
        );
      }
    });

  common(program.command('demo'), true)
    .description('imagine → wait → upscale → wait → save, on your vendor or the built-in simulator')
    .option('--prompt <text>', 'the prompt', 'a red fox in snow, watercolor')
    .action(async (options: Common & { prompt: string }) =>
      withSession({ ...options, out: options.out ?? 'mjgate-demo' }, { kind: 'new' }, async (session) => {
        const out = options.out ?? 'mjgate-demo';
        const view = (label: string) =>
          progressView(options.json || options.quiet ? 'none' : process.stderr.isTTY ? 'bar' : 'lines', label);
        const note = narration(options);
        note(`imagine "${options.prompt}" on ${session.gateway.defaultProvider}`);
        let progress = view('imagine');
        const grid = await session.gateway.run(
          { prompt: options.prompt, aspectRatio: '1:1' },
          { onProgress: (current) => progress.update(current) },
        );
        progress.stop();
        const gridFiles = await saveResults(grid, out);
        note('upscale-2 on the grid');
        progress = view('upscale-2');
        const upscaled = await session.gateway.wait(await session.gateway.upscale(grid, 2), {
          onProgress: (current) => progress.update(current),
        });
        progress.stop();
        const upscaleFiles = await saveResults(upscaled, out);
        if (options.json) {
          // One document, so a script's one JSON.parse reads both jobs.
          const result = { grid: { ...grid, files: gridFiles }, upscale: { ...upscaled, files: upscaleFiles } };
          process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        } else {
          printJob(grid, options, gridFiles);
          printJob(upscaled, options, upscaleFiles);
        }
        note(`done: ${gridFiles.length + upscaleFiles.length} files in ${out}`);
      }),
    );

  program
    .command('sim')
    .description('run the vendor simulator until interrupted')
    .option('--port <port>', 'port (0: any free port)', port, 8787)
    .option('--speed <factor>', 'clock compression (default 100)', positive)
    .option('--api-key <key>', 'the only key it accepts')
    .action(async (options: { port: number; speed?: number; apiKey?: string }) => {
      const sim = await startSimulator({ port: options.port, speed: options.speed, apiKey: options.apiKey });
      process.stdout.write(
        [
          `simulator listening on ${sim.url}`,
          `  export ${SIMULATOR_ENV.url}=${sim.url}`,
          ...(options.apiKey ? [`  export ${SIMULATOR_ENV.apiKey}=${options.apiKey}`] : []),
          `  vendors: ${Object.values(sim.urls).join(' ')}`,
          '',
        ].join('\n'),
      );
      await new Promise<void>((resolve) => {
        // Whichever signal comes first stops it; the other listener goes too (main() may run in-process).
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await sim.close();
    });

  return program;
}

/**
 * Runs the CLI on `argv` (as `process.argv`: node, the script, then the arguments) and returns its exit
 * code. It prints to process.stdout/stderr and never exits the process: bin.ts does that, and tests call
 * this in-process.
 */
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
    if (error instanceof NoJobsToReach) {
      say(`mjgate: ${error.message}`);
      return EXIT.usage;
    }
    const code = exitCodeOf(error);
    if (JobFailedError.isInstance(error) && argv.includes('--json')) {
      process.stdout.write(`${JSON.stringify(error.job, null, 2)}\n`);
    }
    say(`mjgate: ${cliMessage(error)}`);
    return code;
  }
}
