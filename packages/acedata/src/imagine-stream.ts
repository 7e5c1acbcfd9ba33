import {
  type ImagineInput,
  InvalidRequestError,
  isTerminal,
  type Job,
  JobTimeoutError,
  type Logger,
  type MidjourneyClient,
  MjGateError,
  mergeJob,
  ProviderError,
  ResponseValidationError,
  type WaitOptions,
} from '@mjgate/core';
import {
  type ConcurrencyLimit,
  deadlineError,
  type HttpTransport,
  imagineInputSchema,
  jobFingerprint,
  OutputGuard,
  readNdjsonLines,
  submissionOf,
  validateInput,
} from '@mjgate/core/provider';
import * as v from '@mjgate/core/valibot';
import { refusalError } from './errors.js';
import { classify, type JobContext, PROVIDER, submittedJob } from './mapping.js';
import { REQUESTS } from './requests.js';
import { type AceDataResult, resultSchema } from './schemas.js';

/** What {@link createImagineStream} follows a stream with: the client's own parts. */
export interface ImagineStreamParts {
  transport: HttpTransport;
  /** The client's in-flight limit: the stream holds one slot until it ends (§12.3). */
  limit: ConcurrencyLimit;
  /** The client, whose `watch` polls the rest when the stream ends early. */
  client: Pick<MidjourneyClient, 'watch'>;
  /** The overall deadline when the caller gives none, ms. */
  timeoutMs: number;
  /** The client's credentials, masked in every job and error. */
  secrets: readonly (string | undefined)[];
  logger?: Logger;
}

/**
 * `imagineStream`: an imagine followed over AceData's ndjson stream (§2, mode 2): one job per
 * progress snapshot, ending with the terminal one. It is an extra beside `createClient`'s methods, so
 * it applies core's guard itself: no credential in a yielded job or a thrown error, and a typed error
 * with the submission to find the task by when the stream breaks before naming it.
 */
export function createImagineStream(parts: ImagineStreamParts) {
  const guard = new OutputGuard(PROVIDER, parts.secrets);
  return async function* imagineStream(input: ImagineInput, options: WaitOptions = {}): AsyncGenerator<Job> {
    const submission = submissionOf('imagine', input);
    try {
      for await (const job of followStream(input, options, parts)) yield guard.job(job);
    } catch (error) {
      throw guard.error(error, submission, options.signal);
    }
  };
}

/** One stream line as a result object, or `undefined` when it is not one. */
function parseLine(line: string): AceDataResult | undefined {
  try {
    const parsed = v.safeParse(resultSchema, JSON.parse(line));
    return parsed.success ? parsed.output : undefined;
  } catch {
    return undefined;
  }
}

async function* followStream(
  input: ImagineInput,
  options: WaitOptions,
  parts: ImagineStreamParts,
): AsyncGenerator<Job> {
  const valid = validateInput(imagineInputSchema, input, 'imagine', PROVIDER) as ImagineInput;
  if (valid.webhookUrl) {
    throw new InvalidRequestError('imagineStream follows the job itself; use imagine() to get a webhook.', {
      provider: PROVIDER,
    });
  }
  const request = REQUESTS.imagine;
  const body = request.body(valid);
  const context: JobContext = { ...classify(body, request.taskType), ref: valid.ref };
  const timeoutMs = options.timeoutMs ?? parts.timeoutMs;
  const started = Date.now();
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;

  let last: Job | undefined;
  let shown: string | undefined;
  const changed = (job: Job): boolean => {
    const fingerprint = jobFingerprint(job);
    if (fingerprint === shown) return false;
    shown = fingerprint;
    options.onProgress?.(job);
    return true;
  };

  let release: (() => void) | undefined;
  try {
    release = await parts.limit.acquire(signal);
    const response = await parts.transport.send(
      {
        method: request.method,
        path: request.path,
        body,
        call: request.call,
        headers: { accept: 'application/x-ndjson' },
      },
      { signal, headers: options.headers },
    );
    // A plain JSON answer (the blocking mode, §2) is one snapshot: the final one.
    const type = response.headers.get('content-type') ?? '';
    const lines: AsyncIterable<string> =
      type.includes('json') && !type.includes('ndjson')
        ? (async function* () {
            yield await response.text();
          })()
        : readNdjsonLines(response.body ?? new Blob([]).stream(), { signal, provider: PROVIDER });
    for await (const line of lines) {
      const result = parseLine(line);
      if (!result) {
        if (last) break; // a garbled line: the task exists, polling can take over
        throw new ResponseValidationError(
          `AceData's ndjson stream began with a line that is not a result: ${JSON.stringify(line.slice(0, 120))}. A job may exist.`,
          { provider: PROVIDER, mayHaveCreatedJob: true },
        );
      }
      // §2: all lines share one `task_id`.
      const taskId = result.task_id ?? last?.providerJobId;
      if (!taskId) throw refusalError(result, 'imagine', 'a task_id');
      const job = mergeJob(last, submittedJob(result, taskId, context));
      last = job;
      if (changed(job)) yield job;
      if (isTerminal(job.status)) return;
    }
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason;
    if (deadline.aborted) throw deadlineError(last, timeoutMs);
    if (!last && !MjGateError.isInstance(error)) {
      throw new ProviderError(
        'AceData’s ndjson stream broke before its first line. The request was sent, so the task may exist (and may be billed): look it up before submitting again.',
        { provider: PROVIDER, cause: error, mayHaveCreatedJob: true },
      );
    }
    if (!last) throw error;
    // The stream broke after the task was created: polling takes over below.
    parts.logger?.warn?.('acedata: the ndjson stream broke; following the job by polling.');
  } finally {
    // The connection is done with (finished, broken, or left by the consumer): free its slot.
    release?.();
  }
  if (!last) {
    throw new ResponseValidationError('AceData closed the ndjson stream without a line. A job may exist.', {
      provider: PROVIDER,
      mayHaveCreatedJob: true,
    });
  }
  // The stream ended before a terminal line: poll the rest.
  const remaining = Math.max(1, timeoutMs - (Date.now() - started));
  try {
    for await (const job of parts.client.watch(last, { ...options, onProgress: undefined, timeoutMs: remaining })) {
      const merged = mergeJob(last, job);
      last = merged;
      if (changed(merged)) yield merged;
    }
  } catch (error) {
    // Polling had what was left of the caller's limit; the error names the limit the caller set.
    if (JobTimeoutError.isInstance(error)) throw new JobTimeoutError(error.job, timeoutMs);
    throw error;
  }
}
