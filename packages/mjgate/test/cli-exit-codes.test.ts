import { readFileSync } from 'node:fs';
import {
  AuthenticationError,
  ContentPolicyError,
  emptyJob,
  InsufficientCreditsError,
  InvalidRequestError,
  type Job,
  JobFailedError,
  JobTimeoutError,
  MjGateError,
  NotFoundError,
  ProviderError,
  RateLimitError,
  ResponseValidationError,
  StoreUnavailableError,
  TimeoutError,
  UnsupportedError,
  WebhookVerificationError,
} from '@mjgate/core';
import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { cliMessage, EXIT, exitCodeOf, Interrupted } from '../src/cli/errors.js';

// Every row of the exit-code table in docs/cli.md, from the error a command ends with. A script
// branches on these codes (retry on 5, reword on 6, keep waiting on 4), so one code filed under
// another is a script doing the wrong thing. The built CLI's own runs (cli*.test.ts) check a few
// end to end; this checks each error kind against the source, so a slip shows without a rebuild.

const job = (status: Job['status'], error?: Job['error']): Job => {
  const out = emptyJob({ provider: 'apiframe', providerJobId: 't-1', operation: 'imagine', status });
  if (error) out.error = error;
  return out;
};

const cases: [string, number, unknown][] = [
  ['an unexpected Error (a bug)', 1, new Error('boom')],
  ['a thrown non-error value', 1, 'boom'],
  ['bad arguments (commander)', 2, new CommanderError(1, 'commander.unknownOption', "error: unknown option '--x'")],
  ['invalid input', 2, new InvalidRequestError('prompt must not be empty')],
  ['an unsupported operation', 2, new UnsupportedError('acedata does not support cancelling a job.')],
  ['a failed job', 3, new JobFailedError(job('failed', { code: 'provider_error', message: 'invalid parameter' }))],
  ['a cancelled job', 3, new JobFailedError(job('cancelled'))],
  ['a wait past its deadline', 4, new JobTimeoutError(job('running'), 200)],
  ['a bad API key', 5, new AuthenticationError('apiframe rejected the API key (401).')],
  ['no credits', 5, new InsufficientCreditsError('out of credits (402).')],
  ['a rate limit', 5, new RateLimitError('rate-limited (429).')],
  ['the vendor unavailable', 5, new ProviderError('apiframe failed (503).')],
  ['a refused connection', 5, new ProviderError('Could not connect to apiframe at http://x (ECONNREFUSED).')],
  ['one HTTP call past its limit', 5, new TimeoutError('apiframe did not answer GET /fetch within 60000 ms.')],
  ['an unknown job', 5, new NotFoundError('apiframe does not know this resource (404).')],
  ['an unreadable answer', 5, new ResponseValidationError('a body that is not JSON')],
  ['a store that cannot be reached', 5, new StoreUnavailableError('Redis is unreachable.')],
  ['a callback that fails its check', 5, new WebhookVerificationError('bad signature')],
  ['a result file that could not be downloaded', 5, new ProviderError('HTTP 404 for the grid')],
  ['a prompt refused at submission', 6, new ContentPolicyError('apiframe refused the prompt.')],
  [
    'a job that ended refused by moderation',
    6,
    new JobFailedError(job('failed', { code: 'content_policy', message: 'banned prompt' })),
  ],
  ['Ctrl-C during a wait', 130, new Interrupted(job('running'), false)],
];

describe('exit codes (docs/cli.md)', () => {
  it.each(cases)('%s → exit %i', (_what, code, error) => {
    expect(exitCodeOf(error)).toBe(code);
  });

  it('every mjgate error code has its exit code here, so a new one cannot slip into "provider error" unseen', () => {
    const covered = new Set(cases.map(([, , error]) => (MjGateError.isInstance(error) ? error.code : undefined)));
    const all = [
      'authentication',
      'insufficient_credits',
      'rate_limited',
      'invalid_request',
      'content_policy',
      'not_found',
      'provider_unavailable',
      'bad_response',
      'timeout',
      'job_failed',
      'job_timeout',
      'unsupported',
      'webhook_verification',
      'store_unavailable',
    ] satisfies MjGateError['code'][];
    for (const code of all) expect(covered.has(code), code).toBe(true);
  });

  it('the table in docs/cli.md lists exactly the codes the CLI uses, each with its meaning', () => {
    const doc = readFileSync(new URL('../../../docs/cli.md', import.meta.url), 'utf8');
    const section = doc.slice(doc.indexOf('## Exit codes'));
    const rows = [...section.matchAll(/^\| (\d+) +\| (.+?) +\|$/gm)].map(([, code, meaning]) => [
      Number(code),
      meaning,
    ]);
    expect(rows.map(([code]) => code)).toEqual(Object.values(EXIT).sort((a, b) => a - b));
    const meaning = Object.fromEntries(rows) as Record<number, string>;
    expect(meaning[EXIT.jobTimeout]).toMatch(/wait timed out/);
    expect(meaning[EXIT.provider]).toMatch(/provider error/);
    expect(meaning[EXIT.contentPolicy]).toMatch(/content policy/);
    expect(meaning[EXIT.jobFailed]).toMatch(/job failed/);
    expect(meaning[EXIT.usage]).toMatch(/usage error/);
    expect(meaning[EXIT.interrupted]).toMatch(/interrupted/);
  });

  it('a wait past its deadline says how to keep waiting, in seconds, with the command to run', () => {
    expect(cliMessage(new JobTimeoutError(job('running'), 1_500))).toBe(
      'Job apiframe:t-1 was still running after 1.5 s. It may still finish (and be billed): run `mjgate wait apiframe:t-1` to keep waiting (--timeout SECONDS to wait longer).',
    );
  });
});
