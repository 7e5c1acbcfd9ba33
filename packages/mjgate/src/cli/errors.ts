import { type Job, JobFailedError, JobTimeoutError, MjGateError, parseJobId } from '@mjgate/core';
import { CommanderError } from 'commander';
import { GATEWAY_ENV } from '../config.js';
import { BUILTIN_VENDORS, isBuiltin } from '../vendors.js';

/** Exit codes, documented in docs/cli.md. 130 is the shell's code for Ctrl-C (128 + SIGINT). */
export const EXIT = {
  ok: 0,
  unexpected: 1,
  usage: 2,
  jobFailed: 3,
  jobTimeout: 4,
  provider: 5,
  contentPolicy: 6,
  interrupted: 130,
} as const;

/** Ctrl-C during a wait: the job goes on at the vendor; the message says how to pick it up again. */
export class Interrupted extends Error {
  constructor(
    readonly job: Job,
    embedded: boolean,
  ) {
    super(
      embedded
        ? `Interrupted. Job ${job.id} ran on the built-in simulator, which stops with this command; nothing was billed.`
        : `Interrupted. Job ${job.id} is still running at ${job.provider} (and may be billed). Resume with:\n  mjgate wait ${job.id}`,
    );
    this.name = 'Interrupted';
  }
}

export function exitCodeOf(error: unknown): number {
  if (error instanceof Interrupted) return EXIT.interrupted;
  if (error instanceof CommanderError) return EXIT.usage;
  if (!MjGateError.isInstance(error)) return EXIT.unexpected;
  // A prompt or image the vendor refuses, at submission or as the job's outcome: retrying will not help.
  if (error.code === 'content_policy') return EXIT.contentPolicy;
  if (JobFailedError.isInstance(error) && error.job.error?.code === 'content_policy') return EXIT.contentPolicy;
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

/** The environment variable that sets `provider`'s base URL, or a generic name for another vendor. */
function baseURLVariable(provider: string | undefined): string {
  return provider && isBuiltin(provider) ? BUILTIN_VENDORS[provider].env.baseURL : '<VENDOR>_BASE_URL';
}

/** The environment variable that holds `provider`'s API key, or a generic name for another vendor. */
function apiKeyVariable(provider: string | undefined): string {
  return provider && isBuiltin(provider) ? BUILTIN_VENDORS[provider].env.apiKey : '<VENDOR>_API_KEY';
}

/**
 * The library's messages speak its options (`timeoutMs`, `baseURL`, "call wait()"); a person at the
 * CLI sets flags, commands and environment variables instead. Each row rewrites one such phrase.
 */
const CLI_WORDS: [RegExp, (error: MjGateError, ...groups: string[]) => string][] = [
  [/\bpass \{ apiKey \} or set\b/g, () => 'set'],
  [/\bpass providers\.\w+\.apiKey or set\b/g, () => 'set'],
  [/\bAdd providers\.\w+ \(or set (\w+)\)\./g, (_error, variable) => `Set ${variable}.`],
  [/\b(?:raise|set) timeoutMs\b/g, () => `set ${GATEWAY_ENV.timeoutMs} (ms)`],
  [/\bCheck baseU(?:rl|RL)\b/g, (error) => `Check ${baseURLVariable(error.provider)}`],
  [/\bbaseU(?:rl|RL) for (\w+)\b/g, (_error, provider) => `${baseURLVariable(provider)} for ${provider}`],
  [/\bpass the key as apiKey\b/g, (error) => `set the key in ${apiKeyVariable(error.provider)}`],
  [/\bcall wait\(\) again with its id\b/g, () => 'run `mjgate wait <id>`'],
  [/\bwait\(\) or get\(\)/g, () => '`mjgate wait <id>` or `mjgate status <id>`'],
  // A library-only call the CLI has no command for.
  [/; client\.promptCheck\(\) tests a prompt for free/g, () => ''],
];

/** An error's message in CLI words: what to run or set, not which library option to pass. */
export function cliMessage(error: unknown): string {
  if (JobTimeoutError.isInstance(error)) {
    const { job } = error;
    const seconds = Math.round(error.timeoutMs / 100) / 10;
    return `Job ${job.id} was still ${job.status} after ${seconds} s. It may still finish (and be billed): run \`mjgate wait ${job.id}\` to keep waiting (--timeout SECONDS to wait longer).`;
  }
  if (!MjGateError.isInstance(error)) return error instanceof Error ? error.message : String(error);
  let message = error.message;
  for (const [pattern, replace] of CLI_WORDS) {
    // A replacer receives the match, its groups, the offset and the whole text: keep the groups.
    message = message.replace(pattern, (...match: unknown[]) => replace(error, ...(match.slice(1, -2) as string[])));
  }
  return message;
}

/** The vendor a job id names, when it is one of the built-in vendors. */
export function vendorOfId(id: string): keyof typeof BUILTIN_VENDORS | undefined {
  const provider = parseJobId(id)?.provider;
  return provider && isBuiltin(provider) ? provider : undefined;
}
