import { guardSecrets, MjGateError, maskSecrets, ResponseValidationError, redact, type Submission } from './errors.js';
import type { Job, Operation, ProviderName } from './job.js';
import { httpUrl } from './urls.js';

/**
 * The one place every `Job` and every error of an adapter passes on its way to the caller, so that
 * no adapter can forget a rule:
 * - no credential of the client appears in `job.error`, `job.raw`, an error's message, its `cause`,
 *   its `toJSON()` or its inspect output (vendors echo keys back in error texts and bodies);
 * - a job answer names the job that was asked for (a relay mixing answers up must not swap jobs);
 * - an error that may have created a job carries the {@link Submission} to find it again.
 */
export class OutputGuard {
  readonly #provider: ProviderName;
  readonly #secrets: readonly string[];

  constructor(provider: ProviderName, secrets: readonly (string | undefined)[] = []) {
    this.#provider = provider;
    this.#secrets = secrets.filter((s): s is string => typeof s === 'string' && s.length >= 4);
  }

  /**
   * Masks the client's credentials in the job's texts and its raw vendor body, and keeps only
   * absolute http(s) result URLs — the mappings already do; this holds it for every adapter.
   */
  job(job: Job): Job {
    const safe = this.#urls(job);
    if (this.#secrets.length === 0) return safe;
    const clean = { ...safe };
    if (job.error) clean.error = { code: job.error.code, message: redact(job.error.message, this.#secrets) };
    if (job.prompt !== undefined) clean.prompt = redact(job.prompt, this.#secrets);
    clean.texts = job.texts.map((text) => redact(text, this.#secrets));
    if (containsSecret(job.raw, this.#secrets)) clean.raw = maskSecrets(job.raw, this.#secrets);
    return clean;
  }

  /** The job with every result URL that is not absolute http(s) left out; `bad_response` if that leaves a success with nothing. */
  #urls(job: Job): Job {
    const images = job.images.filter((image) => httpUrl(image?.url) !== undefined);
    const videoUrls = job.videoUrls.filter((url) => httpUrl(url) !== undefined);
    const gridUrl = job.gridUrl === undefined ? undefined : httpUrl(job.gridUrl);
    const dropped =
      images.length !== job.images.length || videoUrls.length !== job.videoUrls.length || gridUrl !== job.gridUrl;
    if (!dropped) return job;
    const clean: Job = { ...job, images, videoUrls };
    if (gridUrl === undefined) delete clean.gridUrl;
    else clean.gridUrl = gridUrl;
    const nothingLeft =
      images.length === 0 && videoUrls.length === 0 && gridUrl === undefined && job.texts.length === 0;
    if (job.status === 'succeeded' && nothingLeft) {
      throw new ResponseValidationError(
        `${this.#provider} reported job ${job.id} succeeded but gave no usable result URL (only absolute http(s) URLs are accepted).`,
        { provider: this.#provider },
      );
    }
    return clean;
  }

  /** Masks the client's credentials in the account's raw vendor body. */
  account<A extends { raw: unknown }>(account: A): A {
    if (!containsSecret(account.raw, this.#secrets)) return account;
    return { ...account, raw: maskSecrets(account.raw, this.#secrets) };
  }

  /** `job()`, and a `ResponseValidationError` when the answer is about another job than `providerJobId`. */
  jobFor(providerJobId: string, job: Job): Job {
    if (job.providerJobId !== providerJobId) {
      throw this.error(
        new ResponseValidationError(
          `${this.#provider} answered a status check of job ${providerJobId} with job ${job.providerJobId}. The answer was discarded; check again later.`,
          { provider: this.#provider, retryable: true },
        ),
      );
    }
    return this.job(job);
  }

  /**
   * Any thrown value as what the caller may see: an `MjGateError` with the credentials masked (and
   * remembered for `toJSON` and inspect); anything else is an adapter bug, wrapped so that the caller
   * still gets a typed error and no library object. `submission` is what the call sent, for a call
   * that may create a job.
   */
  error(error: unknown, submission?: Omit<Submission, 'provider'>, signal?: AbortSignal): unknown {
    // The caller's own abort reason travels back as it was given, as `fetch` does.
    if (signal?.aborted && error === signal.reason) return error;
    let typed: MjGateError;
    if (MjGateError.isInstance(error)) {
      typed = error;
    } else {
      typed = new ResponseValidationError(
        `${this.#provider}'s answer could not be read (${describe(error)}).${submission ? ' The request was sent, so the vendor may have created the job: look it up before submitting again.' : ''}`,
        { provider: this.#provider, cause: error, mayHaveCreatedJob: submission !== undefined },
      );
    }
    if (typed.mayHaveCreatedJob && submission) {
      // What the transport saw (the exact send time, a vendor id salvaged from a cut answer) wins over
      // what the call knew before it ran.
      const seen = typed.submission;
      const full: Submission = { provider: this.#provider, ...submission };
      if (seen?.sentAt) full.sentAt = seen.sentAt;
      if (seen?.providerJobId) full.providerJobId = seen.providerJobId;
      typed = typed.rebuilt({ submission: full });
    }
    return guardSecrets(typed, this.#secrets);
  }
}

/** What a submission call knows before it runs, for {@link OutputGuard.error}. */
export function submissionOf(operation: Operation, input: unknown): Omit<Submission, 'provider'> {
  const fields = input && typeof input === 'object' ? (input as { ref?: unknown; prompt?: unknown }) : {};
  const out: Omit<Submission, 'provider'> = { operation, sentAt: new Date().toISOString() };
  if (typeof fields.ref === 'string') out.ref = fields.ref;
  if (typeof fields.prompt === 'string') out.prompt = fields.prompt;
  return out;
}

/** True when some string in `value` (keys too) contains a secret; iterative, so depth cannot overflow it. */
function containsSecret(value: unknown, secrets: readonly string[]): boolean {
  const stack: unknown[] = [value];
  const seen = new Set<object>();
  while (stack.length > 0) {
    const item = stack.pop();
    if (typeof item === 'string') {
      for (const secret of secrets) if (item.includes(secret)) return true;
    } else if (item && typeof item === 'object' && !seen.has(item)) {
      seen.add(item);
      // Keys and values pushed one by one: `Object.entries` made an array per key of every job's raw body.
      if (Array.isArray(item)) for (const entry of item) stack.push(entry);
      else for (const key of Object.keys(item)) stack.push(key, (item as Record<string, unknown>)[key]);
    }
  }
  return false;
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 200);
  return typeof error === 'string' ? error.slice(0, 200) : typeof error;
}
