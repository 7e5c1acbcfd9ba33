import { VERSION } from '@mjgate/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCli } from './cli-run.js';

/**
 * The CLI's help and usage errors, in-process (src/cli/main.ts, not the built bin): what a person reads
 * with --help, and the exit code 2 plus the one line that says what was wrong when an argument is off.
 */

// As `node dist/cli.js …` runs it: the program names itself `mjgate` whatever the script file is called.
const run = (...args: string[]) => runCli(args, { script: '/opt/mjgate/dist/cli.js' });

const tty = { stdout: process.stdout.isTTY, stderr: process.stderr.isTTY };

beforeEach(() => {
  // Help wraps at the terminal's width and may be coloured: a pipe's 80 columns, no colour, wherever the tests run.
  process.stdout.isTTY = false;
  process.stderr.isTTY = false;
  vi.stubEnv('NO_COLOR', '1');
  for (const name of [
    'IMAGINEPRO_API_KEY',
    'ACEDATA_API_KEY',
    'APIFRAME_API_KEY',
    'MJPROXY_API_KEY',
    'MJGATE_PROVIDER',
    'MJGATE_SIMULATOR_URL',
  ])
    vi.stubEnv(name, '');
});

afterEach(() => {
  process.stdout.isTTY = tty.stdout;
  process.stderr.isTTY = tty.stderr;
  vi.unstubAllEnvs();
});

describe('mjgate --help', () => {
  it('lists the commands, the vendors, every environment variable (aligned) and the exit codes, exit 0', async () => {
    const result = await run('--help');
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatchInlineSnapshot(`
      "Usage: mjgate [options] [command]

      Midjourney through any vendor: ImaginePro, AceData Cloud, APIFRAME,
      midjourney-proxy — or the built-in simulator

      Options:
        -V, --version                    output the version number
        -h, --help                       display help for command

      Commands:
        imagine [options] <prompt>       submit a prompt; with --wait or --out, wait
                                         for the grid and its four images (or a
                                         model’s n images)
        act [options] <job-id> <action>  press a button on a finished job
        describe [options] <image-url>   four prompts that describe an image
        blend [options] <image-url...>   blend 2–5 images into a grid
        status [options] <job-id>        check a job once
        wait [options] <job-id>          wait for a job to finish, with progress
        providers [options]              which vendors are configured, and what each
                                         supports
        demo [options]                   imagine → wait → upscale → wait → save, on
                                         your vendor or the built-in simulator
        sim [options]                    run the vendor simulator until interrupted
        help [command]                   display help for command

      Environment:
        IMAGINEPRO_API_KEY, ACEDATA_API_KEY, APIFRAME_API_KEY, MJPROXY_API_KEY   a vendor is used when its key is set
        MJGATE_PROVIDER, MJGATE_FALLBACK                                         default vendor, fallback order (comma-separated)
        <VENDOR>_BASE_URL                                                        another base URL (a proxy, or a simulator)
        MJGATE_SIMULATOR_URL, MJGATE_SIMULATOR_API_KEY                           with no key: use this running simulator (see 'mjgate sim')
        MJGATE_LOG                                                               log level on stderr: debug, info, warn (default), error, silent
        With no key and no simulator URL, each command runs on a simulator started in-process,
        which stops with the command: commands wait for their result there.

      Exit codes: 0 ok, 1 unexpected, 2 usage or invalid input, 3 job failed, 4 wait timed out,
        5 provider error, 6 refused by content policy, 130 interrupted (Ctrl-C; the job goes on).
      "
    `);
  });

  it('is also what a bare `mjgate help` prints', async () => {
    const result = await run('help');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe((await run('--help')).stdout);
  });

  it('--version prints the version, exit 0', async () => {
    const result = await run('--version');
    expect(result).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
  });
});

describe('each command’s --help', () => {
  it('imagine', async () => {
    const result = await run('imagine', '--help');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatchInlineSnapshot(`
      "Usage: mjgate imagine [options] <prompt>

      submit a prompt; with --wait or --out, wait for the grid and its four images (or
      a model’s n images)

      Arguments:
        prompt                 the prompt

      Options:
        -p, --provider <name>  vendor for new jobs (choices: "imaginepro", "acedata",
                               "apiframe", "mjproxy")
        --json                 print the Job as JSON on stdout
        -q, --quiet            no progress output
        -o, --out <dir>        download the result images into this folder (implies
                               --wait)
        --timeout <seconds>    give up waiting after this many seconds
        --wait                 wait for the result (the default with no API key)
        --no-wait              return once submitted
        -a, --aspect <ratio>   aspect ratio, e.g. '16:9'
        -m, --mode <mode>      Midjourney speed mode (choices: "fast", "relax",
                               "turbo")
        --image <url...>       image prompt URLs
        --model <name>         the model, e.g. 'flux-1.1-pro' (default Midjourney);
                               goes to a vendor that offers it
        --n <count>            how many images, for models that take it (Flux: 1–4)
        -h, --help             display help for command
      "
    `);
  });

  it('act', async () => {
    const result = await run('act', '--help');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatchInlineSnapshot(`
      "Usage: mjgate act [options] <job-id> <action>

      press a button on a finished job

      Arguments:
        job-id                 the job's id, e.g. imaginepro:7c1…
        action                 e.g. upscale-2, U2, 'Vary (Strong)', pan-left

      Options:
        -p, --provider <name>  vendor for new jobs (choices: "imaginepro", "acedata",
                               "apiframe", "mjproxy")
        --json                 print the Job as JSON on stdout
        -q, --quiet            no progress output
        -o, --out <dir>        download the result images into this folder (implies
                               --wait)
        --timeout <seconds>    give up waiting after this many seconds
        --wait                 wait for the result (the default with no API key)
        --no-wait              return once submitted
        --mask <file>          mask image for vary-region (white = repaint)
        --prompt <text>        prompt for vary-region / custom-zoom
        --zoom <factor>        zoom for custom-zoom (1 < zoom ≤ 2)
        -h, --help             display help for command
      "
    `);
  });

  it('describe (waits by default: --wait is hidden, --no-wait shown)', async () => {
    const result = await run('describe', '--help');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatchInlineSnapshot(`
      "Usage: mjgate describe [options] <image-url>

      four prompts that describe an image

      Options:
        -p, --provider <name>  vendor for new jobs (choices: "imaginepro", "acedata",
                               "apiframe", "mjproxy")
        --json                 print the Job as JSON on stdout
        -q, --quiet            no progress output
        -o, --out <dir>        download the result images into this folder (implies
                               --wait)
        --timeout <seconds>    give up waiting after this many seconds
        --no-wait              return once submitted
        -h, --help             display help for command
      "
    `);
  });

  it('blend', async () => {
    const result = await run('blend', '--help');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatchInlineSnapshot(`
      "Usage: mjgate blend [options] <image-url...>

      blend 2–5 images into a grid

      Arguments:
        image-url              2 to 5 image URLs

      Options:
        -p, --provider <name>  vendor for new jobs (choices: "imaginepro", "acedata",
                               "apiframe", "mjproxy")
        --json                 print the Job as JSON on stdout
        -q, --quiet            no progress output
        -o, --out <dir>        download the result images into this folder (implies
                               --wait)
        --timeout <seconds>    give up waiting after this many seconds
        --wait                 wait for the result (the default with no API key)
        --no-wait              return once submitted
        --dimensions <shape>   (choices: "square", "portrait", "landscape")
        -h, --help             display help for command
      "
    `);
  });

  it('status', async () => {
    const result = await run('status', '--help');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatchInlineSnapshot(`
      "Usage: mjgate status [options] <job-id>

      check a job once

      Arguments:
        job-id                 the job's id, e.g. apiframe:29e9…

      Options:
        -p, --provider <name>  vendor for new jobs (choices: "imaginepro", "acedata",
                               "apiframe", "mjproxy")
        --json                 print the Job as JSON on stdout
        -q, --quiet            no progress output
        -o, --out <dir>        download the result images into this folder (implies
                               --wait)
        --timeout <seconds>    give up waiting after this many seconds
        --wait                 wait for the result (the default with no API key)
        --no-wait              return once submitted
        -h, --help             display help for command
      "
    `);
  });

  it('wait', async () => {
    const result = await run('wait', '--help');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatchInlineSnapshot(`
      "Usage: mjgate wait [options] <job-id>

      wait for a job to finish, with progress

      Arguments:
        job-id                 the job's id, e.g. acedata:7489…

      Options:
        -p, --provider <name>  vendor for new jobs (choices: "imaginepro", "acedata",
                               "apiframe", "mjproxy")
        --json                 print the Job as JSON on stdout
        -q, --quiet            no progress output
        -o, --out <dir>        download the result images into this folder (implies
                               --wait)
        --timeout <seconds>    give up waiting after this many seconds
        --no-wait              return once submitted
        -h, --help             display help for command
      "
    `);
  });

  it('providers', async () => {
    const result = await run('providers', '--help');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatchInlineSnapshot(`
      "Usage: mjgate providers [options]

      which vendors are configured, and what each supports

      Options:
        --json      print as JSON
        -h, --help  display help for command
      "
    `);
  });

  it('demo', async () => {
    const result = await run('demo', '--help');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatchInlineSnapshot(`
      "Usage: mjgate demo [options]

      imagine → wait → upscale → wait → save, on your vendor or the built-in simulator

      Options:
        -p, --provider <name>  vendor for new jobs (choices: "imaginepro", "acedata",
                               "apiframe", "mjproxy")
        --json                 print the Job as JSON on stdout
        -q, --quiet            no progress output
        -o, --out <dir>        download the result images into this folder (implies
                               --wait)
        --timeout <seconds>    give up waiting after this many seconds
        --no-wait              return once submitted
        --prompt <text>        the prompt (default: "a red fox in snow, watercolor")
        -h, --help             display help for command
      "
    `);
  });

  it('sim', async () => {
    const result = await run('sim', '--help');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatchInlineSnapshot(`
      "Usage: mjgate sim [options]

      run the vendor simulator until interrupted

      Options:
        --port <port>     port (0: any free port) (default: 8787)
        --speed <factor>  clock compression (default 100)
        --api-key <key>   the only key it accepts
        -h, --help        display help for command
      "
    `);
  });
});

describe('usage errors: exit 2, the reason on stderr, then the help, nothing on stdout', () => {
  it.each([
    ['no command', [], /^Usage: mjgate \[options\] \[command\]/],
    ['an unknown command', ['frobnicate'], /^error: unknown command 'frobnicate'\n/],
    ['a missing prompt', ['imagine'], /^error: missing required argument 'prompt'\n/],
    ['an unknown option', ['imagine', 'a fox', '--colour'], /^error: unknown option '--colour'\n/],
    [
      'an unknown vendor',
      ['imagine', 'a fox', '--provider', 'dalle'],
      /^error: option '-p, --provider <name>' argument 'dalle' is invalid\. Allowed choices are imaginepro, acedata, apiframe, mjproxy\.\n/,
    ],
    [
      'an unknown speed mode',
      ['imagine', 'a fox', '--mode', 'slow'],
      /^error: option '-m, --mode <mode>' argument 'slow' is invalid\. Allowed choices are fast, relax, turbo\.\n/,
    ],
    [
      'an unknown blend shape',
      ['blend', 'https://x/1.png', 'https://x/2.png', '--dimensions', 'round'],
      /^error: option '--dimensions <shape>' argument 'round' is invalid\. Allowed choices are square, portrait, landscape\.\n/,
    ],
    ['act without its action', ['act', 'imaginepro:1'], /^error: missing required argument 'action'\n/],
  ])('%s', async (_what, args, reason) => {
    const result = await run(...args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(reason);
  });

  it('the help shown after an error is the command’s own', async () => {
    const result = await run('imagine');
    expect(result.stderr).toMatch(/\nUsage: mjgate imagine \[options\] <prompt>\n/);
  });
});

describe('number options: a typo is a usage error, never a NaN', () => {
  const timeout = (value: string) =>
    `error: option '--timeout <seconds>' argument '${value}' is invalid. expected a number above 0.\n`;
  it.each(['soon', '0', '-1', '', ' ', 'Infinity', '1e999', 'NaN'])('--timeout %j', async (value) => {
    const result = await run('wait', 'imaginepro:x', `--timeout=${value}`);
    expect(result.code).toBe(2);
    expect(result.stderr.startsWith(timeout(value))).toBe(true);
  });

  const speed = (value: string) =>
    `error: option '--speed <factor>' argument '${value}' is invalid. expected a number above 0.\n`;
  it.each(['fast', '0', '-2', ''])('sim --speed %j', async (value) => {
    const result = await run('sim', `--speed=${value}`);
    expect(result.code).toBe(2);
    expect(result.stderr.startsWith(speed(value))).toBe(true);
  });

  const port = (value: string) =>
    `error: option '--port <port>' argument '${value}' is invalid. expected a port number from 0 (any free port) to 65535.\n`;
  it.each(['http', '', ' ', '-1', '65536', '80.5', 'Infinity'])('sim --port %j', async (value) => {
    const result = await run('sim', `--port=${value}`);
    expect(result.code).toBe(2);
    expect(result.stderr.startsWith(port(value))).toBe(true);
  });

  const n = (value: string) =>
    `error: option '--n <count>' argument '${value}' is invalid. expected a whole number of 1 or more.\n`;
  it.each(['two', '0', '-1', '2.5', '', ' ', 'Infinity'])('imagine --n %j', async (value) => {
    const result = await run('imagine', 'a fox', `--n=${value}`);
    expect(result.code).toBe(2);
    expect(result.stderr.startsWith(n(value))).toBe(true);
  });
});
