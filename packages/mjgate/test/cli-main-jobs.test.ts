import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emptyJob, type Job, JobFailedError, JobTimeoutError, type WaitOptions } from '@mjgate/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { saveResults } from '../src/cli/files.js';
import { openSession, type Session } from '../src/cli/setup.js';
import { runCli } from './cli-run.js';

/**
 * Each command of src/cli/main.ts run in-process against a scripted gateway: what it asks the gateway
 * for, whether it waits, and what a person (or a script, with --json) sees on stdout and stderr, with
 * the exit code. The session (setup.ts) and the downloads (files.ts) have their own tests; here they
 * are stand-ins, so every job field and every branch is reachable without a vendor or the wall clock.
 */

vi.mock('../src/cli/setup.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../src/cli/setup.js')>();
  return { ...actual, openSession: vi.fn(actual.openSession) };
});
vi.mock('../src/cli/files.js', () => ({ saveResults: vi.fn() }));

const job = (fields: Partial<Job> = {}): Job =>
  emptyJob({ provider: 'imaginepro', providerJobId: 'abc', operation: 'imagine', status: 'queued', ...fields });

const done = (fields: Partial<Job> = {}) => job({ status: 'succeeded', progress: 100, ...fields });

/** A gateway that answers every call with the jobs it was given and records what it was asked. */
function fakeGateway(script: { submitted?: Job; waited?: Job | Error; progress?: Job[] } = {}) {
  const submitted = script.submitted ?? job();
  const waitOptions: WaitOptions[] = [];
  const gateway = {
    defaultProvider: 'imaginepro',
    imagine: vi.fn(async () => submitted),
    act: vi.fn(async () => submitted),
    describe: vi.fn(async () => submitted),
    blend: vi.fn(async () => submitted),
    get: vi.fn(async () => submitted),
    upscale: vi.fn(async () => submitted),
    run: vi.fn(async (_input: unknown, options: WaitOptions = {}) => {
      for (const state of script.progress ?? []) options.onProgress?.(state);
      const waited = script.waited ?? done();
      if (waited instanceof Error) throw waited;
      return waited;
    }),
    wait: vi.fn(async (_job: Job, options: WaitOptions = {}) => {
      waitOptions.push(options);
      for (const state of script.progress ?? []) options.onProgress?.(state);
      const waited = script.waited ?? done();
      if (waited instanceof Error) throw waited;
      return waited;
    }),
  };
  return { gateway, waitOptions };
}

type Gateway = ReturnType<typeof fakeGateway>['gateway'];

/** Makes the next commands run on `gateway`; the session's notice goes through the CLI's `say`. */
function useGateway(gateway: Gateway, mode: Session['mode'] = 'vendors') {
  const close = vi.fn(async () => {});
  vi.mocked(openSession).mockImplementation(async (_provider, _purpose, say) => {
    say('session notice');
    return { gateway: gateway as unknown as Session['gateway'], mode, close };
  });
  return { close };
}

const run = (...args: string[]) => runCli(args);

const stderrTTY = process.stderr.isTTY;

beforeEach(() => {
  process.stderr.isTTY = false;
  vi.stubEnv('NO_COLOR', '1');
  vi.mocked(saveResults).mockReset();
});

afterEach(() => {
  process.stderr.isTTY = stderrTTY;
  vi.unstubAllEnvs();
  vi.mocked(openSession).mockReset();
});

describe('printing a job', () => {
  const full = done({
    model: 'flux-1.1-pro',
    gridUrl: 'https://cdn.test/grid.png',
    images: [{ url: 'https://cdn.test/1.png' }, { url: 'https://cdn.test/2.png' }] as Job['images'],
    videoUrls: ['https://cdn.test/a.mp4', 'https://cdn.test/b.mp4'],
    texts: ['a fox, watercolor', 'a fox in snow'],
    seed: '1234',
    actions: ['upscale-1', 'variation-2'],
    error: { code: 'provider_error', message: 'partly broken' },
  });

  it('for a person: one line per result, every field, then the saved files', async () => {
    const { gateway } = fakeGateway({ waited: full });
    useGateway(gateway);
    vi.mocked(saveResults).mockResolvedValue(['/out/grid.png', '/out/1.png']);
    const result = await run('imagine', 'a fox', '--out', '/out', '--quiet');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        'imaginepro:abc  succeeded 100%  (imaginepro)',
        'model: flux-1.1-pro',
        'grid: https://cdn.test/grid.png',
        'image 1: https://cdn.test/1.png',
        'image 2: https://cdn.test/2.png',
        'video: https://cdn.test/a.mp4',
        'video: https://cdn.test/b.mp4',
        '1. a fox, watercolor',
        '2. a fox in snow',
        'seed: 1234',
        'actions: upscale-1 variation-2',
        'error: provider_error: partly broken',
        'saved /out/grid.png',
        'saved /out/1.png',
        '',
      ].join('\n'),
    );
    expect(saveResults).toHaveBeenCalledWith(full, '/out');
  });

  it('for a person: a bare job is its one line, with no progress when none is known', async () => {
    useGateway(fakeGateway({ submitted: job() }).gateway);
    expect((await run('imagine', 'a fox')).stdout).toBe('imaginepro:abc  queued  (imaginepro)\n');
  });

  it('for a person: progress 0 is shown as 0%', async () => {
    useGateway(fakeGateway({ submitted: job({ status: 'running', progress: 0 }) }).gateway);
    expect((await run('imagine', 'a fox')).stdout).toBe('imaginepro:abc  running 0%  (imaginepro)\n');
  });

  it('--json: the Job as indented JSON, nothing else on stdout', async () => {
    useGateway(fakeGateway({ submitted: full }).gateway);
    const result = await run('status', 'imaginepro:abc', '--json');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${JSON.stringify(full, null, 2)}\n`);
    expect(JSON.parse(result.stdout)).not.toHaveProperty('files');
  });

  it('--json --out: the Job with the saved files', async () => {
    useGateway(fakeGateway({ waited: full }).gateway);
    vi.mocked(saveResults).mockResolvedValue(['/out/grid.png']);
    const result = await run('imagine', 'a fox', '--json', '--out', '/out');
    expect(result.stdout).toBe(`${JSON.stringify({ ...full, files: ['/out/grid.png'] }, null, 2)}\n`);
  });

  it('--out on a job that did not succeed saves nothing', async () => {
    const failed = job({ status: 'failed', error: { code: 'provider_error', message: 'no' } });
    useGateway(fakeGateway({ submitted: failed, waited: failed }).gateway);
    const result = await run('status', 'imaginepro:abc', '--out', '/out', '--quiet');
    expect(saveResults).not.toHaveBeenCalled();
    expect(result.stdout).toBe('imaginepro:abc  failed  (imaginepro)\nerror: provider_error: no\n');
  });
});

describe('what each command asks the gateway', () => {
  it('imagine passes the prompt and every option', async () => {
    const { gateway } = fakeGateway();
    useGateway(gateway);
    const args = ['imagine', 'a fox', '-a', '16:9', '-m', 'relax', '--image', 'https://x/1.png', 'https://x/2.png'];
    expect((await run(...args, '--model', 'flux-1.1-pro', '--n', '3')).code).toBe(0);
    expect(gateway.imagine).toHaveBeenCalledWith({
      prompt: 'a fox',
      aspectRatio: '16:9',
      mode: 'relax',
      imageUrls: ['https://x/1.png', 'https://x/2.png'],
      model: 'flux-1.1-pro',
      n: 3,
    });
  });

  it('the smallest numbers the options take: --n 1, --timeout 0.001', async () => {
    const { gateway, waitOptions } = fakeGateway();
    useGateway(gateway);
    expect(
      (await run('imagine', 'a fox', '--model', 'flux-1.1-pro', '--n', '1', '--timeout', '0.001', '--wait')).code,
    ).toBe(0);
    expect(gateway.imagine).toHaveBeenCalledWith(expect.objectContaining({ n: 1 }));
    expect(waitOptions[0]?.timeoutMs).toBe(1);
  });

  it('imagine with only a prompt leaves every option unset', async () => {
    const { gateway } = fakeGateway();
    useGateway(gateway);
    await run('imagine', 'a fox');
    expect(gateway.imagine).toHaveBeenCalledWith({
      prompt: 'a fox',
      aspectRatio: undefined,
      mode: undefined,
      imageUrls: undefined,
      model: undefined,
      n: undefined,
    });
  });

  it('describe, blend, status and wait', async () => {
    const { gateway } = fakeGateway({ submitted: done() });
    useGateway(gateway);
    await run('describe', 'https://x/1.png');
    expect(gateway.describe).toHaveBeenCalledWith({ imageUrl: 'https://x/1.png' });
    await run('blend', 'https://x/1.png', 'https://x/2.png', '--dimensions', 'portrait');
    expect(gateway.blend).toHaveBeenCalledWith({
      imageUrls: ['https://x/1.png', 'https://x/2.png'],
      dimensions: 'portrait',
    });
    await run('status', 'apiframe:1');
    expect(gateway.get).toHaveBeenLastCalledWith('apiframe:1');
    await run('wait', 'acedata:2');
    expect(gateway.get).toHaveBeenLastCalledWith('acedata:2');
  });

  it('the session: --provider, the job purpose of each command, and its notice on stderr (not with --quiet)', async () => {
    const { gateway } = fakeGateway({ submitted: done() });
    const { close } = useGateway(gateway);
    const first = await run('imagine', 'a fox', '--provider', 'acedata');
    expect(openSession).toHaveBeenLastCalledWith('acedata', { kind: 'new' }, expect.any(Function));
    expect(first.stderr).toBe('session notice\n');
    expect(close).toHaveBeenCalledTimes(1);
    expect((await run('status', 'apiframe:1', '--quiet')).stderr).toBe('');
    expect(openSession).toHaveBeenLastCalledWith(
      undefined,
      { kind: 'existing', id: 'apiframe:1', command: 'status' },
      expect.any(Function),
    );
    await run('wait', 'apiframe:1');
    expect(openSession).toHaveBeenLastCalledWith(
      undefined,
      { kind: 'existing', id: 'apiframe:1', command: 'wait' },
      expect.any(Function),
    );
    await run('act', 'apiframe:1', 'U1');
    expect(openSession).toHaveBeenLastCalledWith(
      undefined,
      { kind: 'existing', id: 'apiframe:1', command: 'act' },
      expect.any(Function),
    );
    for (const args of [['describe', 'https://x/1.png'], ['blend', 'https://x/1.png', 'https://x/2.png'], ['demo']]) {
      await run(...args);
      expect(openSession).toHaveBeenLastCalledWith(undefined, { kind: 'new' }, expect.any(Function));
    }
  });

  it('the session is closed when the command fails too', async () => {
    const { gateway } = fakeGateway();
    gateway.imagine.mockRejectedValue(new Error('boom'));
    const { close } = useGateway(gateway);
    expect(await run('imagine', 'a fox')).toMatchObject({ code: 1, stderr: 'session notice\nmjgate: boom\n' });
    expect(close).toHaveBeenCalledTimes(1);
  });
});

describe('act', () => {
  it('parses the button label and passes prompt and zoom', async () => {
    const { gateway } = fakeGateway();
    useGateway(gateway);
    await run('act', 'imaginepro:abc', 'Zoom Out 1.5x');
    expect(gateway.act).toHaveBeenLastCalledWith('imaginepro:abc', 'zoom-out-1.5x', {
      prompt: undefined,
      zoom: undefined,
      mask: undefined,
    });
    await run('act', 'imaginepro:abc', 'custom-zoom', '--zoom', '1.8', '--prompt', 'wider');
    expect(gateway.act).toHaveBeenLastCalledWith('imaginepro:abc', 'custom-zoom', {
      prompt: 'wider',
      zoom: 1.8,
      mask: undefined,
    });
  });

  it('an unknown action is a usage error that lists real ones, before any request', async () => {
    const { gateway } = fakeGateway();
    useGateway(gateway);
    const result = await run('act', 'imaginepro:abc', 'U9', '--quiet');
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: 'mjgate: Unknown action "U9". Try upscale-1, variation-2, reroll, vary-strong, zoom-out-2x, pan-left…\n',
    });
    expect(gateway.act).not.toHaveBeenCalled();
  });

  const folder = mkdtempSync(join(tmpdir(), 'mjgate-mask-'));
  it.each([
    ['mask.png', 'image/png'],
    ['mask.jpg', 'image/jpeg'],
    ['mask.jpeg', 'image/jpeg'],
    ['MASK.JPG', 'image/jpeg'],
    ['mask.webp', 'image/webp'],
    ['mask.gif', 'image/png'],
    ['mask', 'image/png'],
  ])('--mask %s is sent as a %s data URL of the file', async (name, type) => {
    const file = join(folder, name);
    writeFileSync(file, Buffer.from('mask bytes'));
    const { gateway } = fakeGateway();
    useGateway(gateway);
    await run('act', 'imaginepro:abc', 'vary-region', '--mask', file, '--prompt', 'a hat');
    expect(gateway.act).toHaveBeenCalledWith('imaginepro:abc', 'vary-region', {
      prompt: 'a hat',
      zoom: undefined,
      mask: `data:${type};base64,${Buffer.from('mask bytes').toString('base64')}`,
    });
  });

  it('a mask file that is missing fails with the reason', async () => {
    const { gateway } = fakeGateway();
    useGateway(gateway);
    const result = await run('act', 'imaginepro:abc', 'vary-region', '--mask', join(folder, 'none.png'), '-q');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^mjgate: ENOENT: no such file or directory/);
    expect(gateway.act).not.toHaveBeenCalled();
  });
});

describe('waiting or not', () => {
  // [command line, session mode, waits]
  const cases: [string[], Session['mode'], boolean][] = [
    [['imagine', 'a fox'], 'vendors', false],
    [['imagine', 'a fox', '--wait'], 'vendors', true],
    [['imagine', 'a fox'], 'simulator', false],
    [['imagine', 'a fox'], 'embedded', true],
    [['imagine', 'a fox', '--no-wait'], 'embedded', false],
    [['imagine', 'a fox', '--out', '/out'], 'vendors', true],
    [['act', 'imaginepro:abc', 'U1'], 'vendors', false],
    [['act', 'imaginepro:abc', 'U1', '--wait'], 'vendors', true],
    [['describe', 'https://x/1.png'], 'vendors', true],
    [['describe', 'https://x/1.png', '--no-wait'], 'vendors', false],
    [['blend', 'https://x/1.png', 'https://x/2.png'], 'vendors', false],
    [['blend', 'https://x/1.png', 'https://x/2.png'], 'embedded', true],
    [['blend', 'https://x/1.png', 'https://x/2.png', '--wait'], 'vendors', true],
    [['status', 'imaginepro:abc'], 'vendors', false],
    [['status', 'imaginepro:abc', '--wait'], 'vendors', false],
    [['status', 'imaginepro:abc', '--out', '/out'], 'vendors', true],
    [['wait', 'imaginepro:abc'], 'vendors', true],
    [['wait', 'imaginepro:abc', '--wait'], 'vendors', true],
    [['wait', 'imaginepro:abc', '--no-wait'], 'vendors', false],
  ];
  it.each(cases)('%j on %s: waits %s', async (args, mode, waits) => {
    const { gateway } = fakeGateway();
    useGateway(gateway, mode);
    vi.mocked(saveResults).mockResolvedValue([]);
    const result = await run(...args, '--quiet');
    expect(result.code).toBe(0);
    expect(gateway.wait).toHaveBeenCalledTimes(waits ? 1 : 0);
    expect(result.stdout).toBe(
      waits ? 'imaginepro:abc  succeeded 100%  (imaginepro)\n' : 'imaginepro:abc  queued  (imaginepro)\n',
    );
  });

  it('waits on the submitted job, with no deadline of its own unless --timeout', async () => {
    const submitted = job({ providerJobId: 'sub', id: 'imaginepro:sub' });
    const { gateway, waitOptions } = fakeGateway({ submitted });
    useGateway(gateway);
    await run('imagine', 'a fox', '--wait', '-q');
    expect(gateway.wait.mock.calls[0]?.[0]).toBe(submitted);
    expect(waitOptions[0]?.timeoutMs).toBeUndefined();
    expect(waitOptions[0]?.signal).toBeInstanceOf(AbortSignal);
    await run('imagine', 'a fox', '--wait', '-q', '--timeout', '2.5');
    expect(waitOptions[1]?.timeoutMs).toBe(2500);
  });

  it('--timeout reached: exit 4, in CLI words (seconds, the command that keeps waiting)', async () => {
    const running = job({ status: 'running', progress: 40 });
    useGateway(fakeGateway({ submitted: running, waited: new JobTimeoutError(running, 2500) }).gateway);
    const result = await run('wait', 'imaginepro:abc', '--timeout', '2.5', '-q');
    expect(result).toEqual({
      code: 4,
      stdout: '',
      stderr:
        'mjgate: Job imaginepro:abc was still running after 2.5 s. It may still finish (and be billed): run `mjgate wait imaginepro:abc` to keep waiting (--timeout SECONDS to wait longer).\n',
    });
  });
});

describe('progress on stderr while waiting', () => {
  const running = [job({ status: 'running', progress: 10 }), job({ status: 'running', progress: 60 })];

  it('piped: one line per change, labelled with the operation and the id, shown before the first poll', async () => {
    useGateway(fakeGateway({ progress: running }).gateway);
    const result = await run('imagine', 'a fox', '--wait');
    expect(result.stderr).toBe(
      [
        'session notice',
        'imagine imaginepro:abc: queued',
        'imagine imaginepro:abc: running 10%',
        'imagine imaginepro:abc: running 60%',
        '',
      ].join('\n'),
    );
  });

  it('an action job is labelled with its action', async () => {
    const submitted = job({ operation: 'action', action: 'upscale-2' });
    useGateway(fakeGateway({ submitted }).gateway);
    expect((await run('act', 'imaginepro:abc', 'U2', '--wait')).stderr).toBe(
      'session notice\nupscale-2 imaginepro:abc: queued\n',
    );
    useGateway(fakeGateway({ submitted: job({ operation: 'action' }) }).gateway);
    expect((await run('act', 'imaginepro:abc', 'U2', '--wait')).stderr).toBe(
      'session notice\naction imaginepro:abc: queued\n',
    );
  });

  it('--json and --quiet show no progress', async () => {
    useGateway(fakeGateway({ progress: running }).gateway);
    expect((await run('imagine', 'a fox', '--wait', '--json')).stderr).toBe('session notice\n');
    expect((await run('imagine', 'a fox', '--wait', '--quiet')).stderr).toBe('');
  });

  it('on a terminal too, --json and --quiet show no bar', async () => {
    process.stderr.isTTY = true;
    useGateway(fakeGateway({ progress: running }).gateway);
    expect((await run('imagine', 'a fox', '--wait', '--json')).stderr).toBe('session notice\n');
    expect((await run('imagine', 'a fox', '--wait', '--quiet')).stderr).toBe('');
  });

  it('on a terminal: a progress bar, and the cursor given back at the end', async () => {
    process.stderr.isTTY = true;
    useGateway(fakeGateway({ progress: running }).gateway);
    const result = await run('imagine', 'a fox', '--wait');
    expect(result.stderr).toMatch(/^session notice\n(.|\n)*imagine imaginepro:abc \[░+\] 0% \| queued/);
    expect(result.stderr).not.toMatch(/^imagine imaginepro:abc: /m);
    // The last state is drawn when the bar stops, and the hidden cursor comes back.
    const showCursor = '\u001b[?25h';
    expect(result.stderr.indexOf(showCursor)).toBeGreaterThan(result.stderr.lastIndexOf('60% | running'));
    expect(result.stderr.lastIndexOf('60% | running')).toBeGreaterThan(0);
  });
});

describe('Ctrl-C during a wait', () => {
  function interruptedGateway() {
    const { gateway } = fakeGateway({ submitted: job({ status: 'running', progress: 30 }) });
    gateway.wait.mockImplementation(async (_job: Job, options: WaitOptions = {}) => {
      process.emit('SIGINT');
      throw options.signal?.reason;
    });
    return gateway;
  }

  it('exits 130 and says how to resume, the job id on screen; the handler is gone afterwards', async () => {
    const before = process.listenerCount('SIGINT');
    useGateway(interruptedGateway());
    const result = await run('imagine', 'a fox', '--wait', '-q');
    expect(result).toEqual({
      code: 130,
      stdout: '',
      stderr:
        'mjgate: Interrupted. Job imaginepro:abc is still running at imaginepro (and may be billed). Resume with:\n  mjgate wait imaginepro:abc\n',
    });
    expect(process.listenerCount('SIGINT')).toBe(before);
  });

  it('on the built-in simulator: nothing was billed', async () => {
    useGateway(interruptedGateway(), 'embedded');
    const result = await run('imagine', 'a fox', '-q');
    expect(result.code).toBe(130);
    expect(result.stderr).toBe(
      'mjgate: Interrupted. Job imaginepro:abc ran on the built-in simulator, which stops with this command; nothing was billed.\n',
    );
  });

  it('a wait that ends on its own leaves no SIGINT handler behind', async () => {
    const before = process.listenerCount('SIGINT');
    useGateway(fakeGateway().gateway);
    await run('imagine', 'a fox', '--wait', '-q');
    useGateway(fakeGateway({ waited: new Error('boom') }).gateway);
    await run('imagine', 'a fox', '--wait', '-q');
    expect(process.listenerCount('SIGINT')).toBe(before);
  });
});

describe('a job that fails', () => {
  const failed = job({ status: 'failed', error: { code: 'provider_error', message: 'invalid parameter' } });

  it('exit 3; --json still prints the failed Job on stdout for the script', async () => {
    useGateway(fakeGateway({ waited: new JobFailedError(failed) }).gateway);
    const result = await run('imagine', 'a fox', '--wait', '--json', '-q');
    expect(result).toEqual({
      code: 3,
      stdout: `${JSON.stringify(failed, null, 2)}\n`,
      stderr: 'mjgate: Job imaginepro:abc ended failed: invalid parameter (provider_error).\n',
    });
  });

  it('exit 3 without --json: only the message', async () => {
    useGateway(fakeGateway({ waited: new JobFailedError(failed) }).gateway);
    const result = await run('imagine', 'a fox', '--wait', '-q');
    expect(result).toMatchObject({ code: 3, stdout: '' });
  });

  it('refused by moderation: exit 6', async () => {
    const refused = job({ status: 'failed', error: { code: 'content_policy', message: 'banned' } });
    useGateway(fakeGateway({ waited: new JobFailedError(refused) }).gateway);
    expect((await run('imagine', 'a fox', '--wait', '-q')).code).toBe(6);
  });
});

describe('demo', () => {
  it('imagine → save → upscale-2 → save, narrated on stderr, both jobs printed', async () => {
    const grid = done({ gridUrl: 'https://cdn.test/grid.png' });
    const upscaled = done({ providerJobId: 'up', id: 'imaginepro:up', operation: 'action', action: 'upscale-2' });
    const { gateway } = fakeGateway({
      submitted: job({ providerJobId: 'up', id: 'imaginepro:up', operation: 'action', action: 'upscale-2' }),
      progress: [job({ status: 'running', progress: 50 })],
    });
    gateway.run.mockImplementation(async (_input: unknown, options: WaitOptions = {}) => {
      options.onProgress?.(job({ status: 'running', progress: 50 }));
      return grid;
    });
    gateway.wait.mockImplementation(async (_job: Job, options: WaitOptions = {}) => {
      options.onProgress?.(job({ providerJobId: 'up', status: 'running', progress: 20 }));
      return upscaled;
    });
    useGateway(gateway);
    vi.mocked(saveResults).mockResolvedValueOnce(['grid.png', '1.png']).mockResolvedValueOnce(['up.png']);
    const result = await run('demo');
    expect(result.code).toBe(0);
    expect(gateway.run).toHaveBeenCalledWith(
      { prompt: 'a red fox in snow, watercolor', aspectRatio: '1:1' },
      { onProgress: expect.any(Function) },
    );
    expect(gateway.upscale).toHaveBeenCalledWith(grid, 2);
    expect(gateway.wait.mock.calls[0]?.[0]).toMatchObject({ id: 'imaginepro:up' });
    expect(saveResults).toHaveBeenNthCalledWith(1, grid, 'mjgate-demo');
    expect(saveResults).toHaveBeenNthCalledWith(2, upscaled, 'mjgate-demo');
    expect(result.stdout).toBe(
      [
        'imaginepro:abc  succeeded 100%  (imaginepro)',
        'grid: https://cdn.test/grid.png',
        'saved grid.png',
        'saved 1.png',
        'imaginepro:up  succeeded 100%  (imaginepro)',
        'saved up.png',
        '',
      ].join('\n'),
    );
    expect(result.stderr).toBe(
      [
        'session notice',
        'imagine "a red fox in snow, watercolor" on imaginepro',
        'imagine imaginepro:abc: running 50%',
        'upscale-2 on the grid',
        'upscale-2 imaginepro:up: running 20%',
        'done: 3 files in mjgate-demo',
        '',
      ].join('\n'),
    );
  });

  it('--prompt, --out and --json: the files go there, the jobs print as JSON, no progress lines', async () => {
    const grid = done();
    const { gateway } = fakeGateway({ waited: grid, progress: [job({ status: 'running', progress: 50 })] });
    useGateway(gateway);
    vi.mocked(saveResults).mockResolvedValue(['a.png']);
    const result = await run('demo', '--prompt', 'a cat', '--out', '/tmp/cats', '--json');
    expect(gateway.run).toHaveBeenCalledWith({ prompt: 'a cat', aspectRatio: '1:1' }, expect.anything());
    expect(saveResults).toHaveBeenCalledWith(grid, '/tmp/cats');
    // One JSON document holding both jobs, so a script's one JSON.parse reads it.
    expect(JSON.parse(result.stdout)).toEqual(
      JSON.parse(JSON.stringify({ grid: { ...grid, files: ['a.png'] }, upscale: { ...grid, files: ['a.png'] } })),
    );
    expect(result.stdout).toBe(
      `${JSON.stringify({ grid: { ...grid, files: ['a.png'] }, upscale: { ...grid, files: ['a.png'] } }, null, 2)}\n`,
    );
    expect(result.stderr).toBe(
      'session notice\nimagine "a cat" on imaginepro\nupscale-2 on the grid\ndone: 2 files in /tmp/cats\n',
    );
  });

  it('--quiet: no narration on stderr, the jobs still on stdout', async () => {
    const grid = done();
    const { gateway } = fakeGateway({ waited: grid, progress: [job({ status: 'running', progress: 50 })] });
    useGateway(gateway);
    vi.mocked(saveResults).mockResolvedValue(['a.png']);
    const result = await run('demo', '--quiet');
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('saved a.png');
  });

  it('on a terminal: a bar for each of the two waits, each stopped (the cursor given back twice)', async () => {
    process.stderr.isTTY = true;
    const { gateway } = fakeGateway({ progress: [job({ status: 'running', progress: 50 })] });
    useGateway(gateway);
    vi.mocked(saveResults).mockResolvedValue([]);
    const result = await run('demo');
    expect(result.stderr).toMatch(/imagine imaginepro:abc \[█+░+\] 50% \| running/);
    expect(result.stderr).toMatch(/upscale-2 imaginepro:abc \[█+░+\] 50% \| running/);
    expect(result.stderr).not.toMatch(/^imagine imaginepro:abc: /m);
    expect(result.stderr.split('\u001b[?25h')).toHaveLength(3);
  });

  it('on a terminal with --json or --quiet: no bar either', async () => {
    process.stderr.isTTY = true;
    const { gateway } = fakeGateway({ progress: [job({ status: 'running', progress: 50 })] });
    useGateway(gateway);
    vi.mocked(saveResults).mockResolvedValue([]);
    for (const flag of ['--json', '--quiet']) {
      const result = await run('demo', flag);
      expect(result.stderr).not.toMatch(/\[|50%/);
    }
  });

  it('--provider and --quiet reach the session like on any command', async () => {
    const { gateway } = fakeGateway();
    useGateway(gateway);
    vi.mocked(saveResults).mockResolvedValue([]);
    const result = await run('demo', '--provider', 'mjproxy', '--quiet');
    expect(openSession).toHaveBeenCalledWith('mjproxy', { kind: 'new' }, expect.any(Function));
    expect(result.stderr).not.toMatch(/session notice/);
  });

  it('--quiet: no progress lines', async () => {
    const { gateway } = fakeGateway({ progress: [job({ status: 'running', progress: 50 })] });
    useGateway(gateway);
    vi.mocked(saveResults).mockResolvedValue([]);
    const result = await run('demo', '--quiet');
    expect(result.stderr).not.toMatch(/running 50%/);
  });
});

describe('a job id with no vendor to ask', () => {
  it('status/wait/act with no key and no simulator: exit 2, saying what to set', async () => {
    for (const name of ['IMAGINEPRO_API_KEY', 'ACEDATA_API_KEY', 'APIFRAME_API_KEY', 'MJPROXY_API_KEY'])
      vi.stubEnv(name, '');
    vi.stubEnv('MJGATE_SIMULATOR_URL', '');
    vi.mocked(openSession).mockImplementation(
      (await vi.importActual<typeof import('../src/cli/setup.js')>('../src/cli/setup.js')).openSession,
    );
    const result = await run('status', 'apiframe:29e9');
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      /^mjgate: mjgate status needs the vendor that holds job apiframe:29e9, and no API key is set\. Set APIFRAME_API_KEY, or/,
    );
  });
});
