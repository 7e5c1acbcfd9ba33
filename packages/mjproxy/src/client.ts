import {
  type CallOptions,
  emptyJob,
  InvalidRequestError,
  type Job,
  type MidjourneyClient,
  MjGateError,
  NotFoundError,
  ResponseValidationError,
  UnsupportedError,
} from '@mjgate/core';
import {
  createClient,
  definedOnly,
  HttpTransport,
  type ProviderDefinition,
  readIfKnown,
  SubmissionMemo,
  storeScope,
} from '@mjgate/core/provider';
import * as v from '@mjgate/core/valibot';
import type { GenericSchema } from 'valibot';
import { MJPROXY_CAPABILITIES } from './capabilities.js';
import { ACCEPTED_CODES, resultError, submissionRefused, toMjProxyError } from './errors.js';
import { findInListing } from './find.js';
import { type KnownTask, taskToJob } from './mapping.js';
import { type MjProxyOptions, resolveSettings } from './options.js';
import * as requests from './requests.js';
import { MODAL_ACTIONS, REMIX_ACTIONS, ROUTES, type Route } from './requests.js';
import { fetchSchema, listSchema, type SubmitResult, submitResultSchema, type Task, taskSchema } from './schemas.js';
import { PROVIDER } from './vendor.js';
import { verifiedCallback } from './webhook.js';

/** trueai limits `state` to 255 characters (§3, §10): a longer `ref` is refused before sending. */
const MAX_STATE_LENGTH = 255;

/** `list-by-condition` has no documented limit; batches of at most 50 ids keep bodies small (§3.13). */
const LIST_BATCH_SIZE = 50;

/** `image-seed` blocks up to ~60 s on trueai (§3.14, §12.17): the call's own limit is at least this. */
const SEED_TIMEOUT_MS = 70_000;

/** What every submission may carry besides the endpoint's own fields (§3 `BaseSubmitDTO`). */
interface CallerFields {
  webhookUrl?: string;
  ref?: string;
}

/** How many submitted tasks the client remembers (parent, action and prompt: new-api keeps none, §12.9). */
const REMEMBERED_TASKS = 2_000;
/** A task this client submitted this recently reads as queued while the server cannot show it yet. */
const FRESH_MS = 30_000;

/**
 * Creates a client for a server speaking the midjourney-proxy protocol: a self-hosted novicezk or
 * trueai server, or a relay vendor (new-api and the hosted services built on it). The key comes from
 * `apiKey` or `MJPROXY_API_KEY`, the server from `baseURL` or `MJPROXY_BASE_URL` (no default host).
 *
 * @example
 * const mj = createMjProxy({ baseURL: 'https://relay.example', authScheme: 'bearer' });
 * const grid = await mj.run({ prompt: 'a red fox in snow', aspectRatio: '16:9' });
 * const upscaled = await mj.wait(await mj.upscale(grid, 2));
 */
export function createMjProxy(options: MjProxyOptions = {}): MidjourneyClient {
  const { apiKey, baseUrl, authHeaders, modeVia, logger } = resolveSettings(options);
  const webhookSecret = options.webhookSecret || undefined;
  // A server without a key is told apart by its URL (hashed like a key: it may carry a token).
  const shared = storeScope(PROVIDER, apiKey ?? baseUrl, { ...options, logger });
  const transport = new HttpTransport({
    provider: PROVIDER,
    baseUrl,
    authHeaders,
    secrets: [apiKey, webhookSecret],
    fetch: options.fetch,
    timeoutMs: options.timeoutMs,
    maxRetries: options.maxRetries,
    backoff: options.backoff,
    logger,
    headers: options.headers,
    toError: (failure) => toMjProxyError(failure, requests.routeOfPath(failure.path)?.endpoint ?? 'submit'),
    submitRefused: submissionRefused,
  });
  const submitted = new SubmissionMemo<KnownTask>({ maxEntries: REMEMBERED_TASKS });

  /** The one path from a Task to a `Job`, for polling, list-by-condition and callbacks. */
  function observe(raw: unknown, context: KnownTask = {}): Job | undefined {
    const parsed = v.safeParse(taskSchema, raw);
    if (!parsed.success) return undefined;
    const remembered = submitted.recall(String(parsed.output.id));
    return taskToJob(raw, parsed.output, { ...remembered, ...definedOnly(context) });
  }

  /** A job this client submitted moments ago, as queued: the server may not show it yet. */
  function freshlySubmitted(id: string): Job | undefined {
    const known = submitted.recall(id);
    if (!known?.createdAt || Date.now() - Date.parse(known.createdAt) > FRESH_MS) return undefined;
    const { operation = 'imagine', ...rest } = known;
    return emptyJob({ provider: PROVIDER, providerJobId: id, operation, status: 'queued', ...rest });
  }

  async function read<T>(
    route: Route,
    id: string,
    schema: GenericSchema<unknown, T>,
    call: CallOptions,
    body?: unknown,
  ) {
    const spec = { method: route.method, path: requests.pathOf(route, id), call: route.call, schema } as const;
    return (await transport.request(body === undefined ? spec : { ...spec, body }, call)).data;
  }

  /** Sends a submission: a refusing result code (§1.3) throws, an accepted one (1, 21, 22) names the task. */
  async function send(
    route: Route,
    body: Record<string, unknown>,
    caller: CallerFields,
    call: CallOptions,
    path = route.path,
  ) {
    if (caller.ref !== undefined && caller.ref.length > MAX_STATE_LENGTH) {
      throw new InvalidRequestError(
        `ref travels as the task's state, which servers limit to ${MAX_STATE_LENGTH} characters; got ${caller.ref.length}.`,
        { provider: PROVIDER },
      );
    }
    const full = { ...body, ...definedOnly({ notifyHook: caller.webhookUrl, state: caller.ref }) };
    const spec = {
      method: 'POST',
      path,
      body: full,
      call: 'submit',
      schema: submitResultSchema,
      jobIdField: 'result',
    } as const;
    const { data, status } = await transport.request(spec, call);
    if (!ACCEPTED_CODES.has(data.code)) throw resultError(data, route.endpoint, status);
    const id = typeof data.result === 'string' || typeof data.result === 'number' ? String(data.result) : '';
    if (!id) {
      throw new ResponseValidationError(
        `${PROVIDER} accepted ${path} (code ${data.code}) but named no task id. Look the job up before submitting again.`,
        { provider: PROVIDER, mayHaveCreatedJob: true },
      );
    }
    return { id, answer: data };
  }

  /** The queued job of a new task, remembered for later reads. */
  function created(id: string, answer: SubmitResult, known: KnownTask): Job {
    const { operation = 'imagine', ...task } = { ...definedOnly(known), createdAt: new Date().toISOString() };
    submitted.remember(id, { operation, ...task });
    return emptyJob({ provider: PROVIDER, providerJobId: id, operation, status: 'queued', ...task, raw: answer });
  }

  async function submit(
    name: keyof typeof requests.OPERATION_OF_ROUTE,
    body: Record<string, unknown>,
    input: CallerFields,
    call: CallOptions,
    extra: { path?: string; parentId?: string } = {},
  ) {
    const { id, answer } = await send(ROUTES[name], body, input, call, extra.path);
    // The prompt as sent: a blend, describe or face swap sends none (a blend's given prompt is blank).
    const prompt = typeof body.prompt === 'string' ? body.prompt : undefined;
    return created(id, answer, {
      operation: requests.OPERATION_OF_ROUTE[name],
      ref: input.ref,
      prompt,
      parentId: extra.parentId,
    });
  }

  /** The parent's Task: from the job passed, else fetched (its buttons are what `act` presses, §3.2). */
  async function parentTask(parent: Job, call: CallOptions): Promise<Task> {
    const own = v.safeParse(taskSchema, parent.raw);
    if (own.success) return own.output;
    const fetched = v.safeParse(taskSchema, await read(ROUTES.fetch, parent.providerJobId, fetchSchema, call));
    if (fetched.success) return fetched.output;
    throw new NotFoundError(`${PROVIDER} does not know task ${parent.providerJobId}.`, { provider: PROVIDER });
  }

  const definition: ProviderDefinition = {
    provider: PROVIDER,
    capabilities: MJPROXY_CAPABILITIES,
    // No documented limit; new-api refreshes its copy every 15 s (§7): start at 3 s, grow to 15 s.
    poll: { intervalMs: 3_000, maxIntervalMs: 15_000, ...options.poll },
    batch: { max: LIST_BATCH_SIZE, min: 2 },
    // The servers sign nothing (§5): mjgate's signed callback URL is the whole check.
    webhookSecret,
    webhookTtlMs: options.webhookTtlMs,
    secrets: [apiKey, webhookSecret],
    shared,

    async get(id, call) {
      const data = await read(ROUTES.fetch, id, fetchSchema, call);
      // An unknown task: 200 with an empty body (novicezk) or 204 (trueai), §3.12, §12.8.
      if (data === undefined || data === null || data === '') {
        const fresh = freshlySubmitted(id);
        if (fresh) return fresh;
        throw new NotFoundError(`${PROVIDER} does not know task ${id} (an empty answer).`, { provider: PROVIDER });
      }
      const job = observe(data);
      if (job) return job;
      throw new ResponseValidationError(
        `${PROVIDER} answered the fetch of task ${id} with a body that is not a Task.`,
        {
          provider: PROVIDER,
          retryable: true,
        },
      );
    },

    async getMany(ids, call) {
      const unique = [...new Set(ids)];
      const byId = new Map<string, Job>();
      for (const raw of await read(ROUTES.list, '', listSchema, call, requests.listBody(unique))) {
        const job = observe(raw);
        if (job) byId.set(job.providerJobId, job);
        else logger?.warn?.(`${PROVIDER}: list-by-condition listed an entry that is not a Task; skipped.`);
      }
      // Unknown ids are left out and the order is the server's (§3.13): answer in the order asked.
      return unique.flatMap((id) => byId.get(id) ?? freshlySubmitted(id) ?? []);
    },

    imagine: (input, call) =>
      submit('imagine', requests.imagineBody(input, modeVia), input, call, {
        path: requests.withMode(ROUTES.imagine.path, input.mode, modeVia),
      }),
    describe: (input, call) => submit('describe', requests.describeBody(input), input, call),
    blend: (input, call) => submit('blend', requests.blendBody(input), input, call),
    shorten: (input, call) => submit('shorten', requests.shortenBody(input), input, call),
    faceSwap: (input, call) => submit('faceSwap', requests.faceSwapBody(input), input, call),
    video: (input, call) => submit('video', requests.videoBody(input), input, call, { parentId: input.extend?.id }),

    async act(parent, action, input, call) {
      const task = await parentTask(parent, call);
      const prompt = input.prompt?.trim() || undefined;
      const known: KnownTask = {
        operation: 'action',
        action,
        parentId: parent.id,
        ref: input.ref,
        prompt: prompt ?? parent.prompt,
      };
      const plan = requests.actionPlan(task, action, prompt);
      const maskBase64 = action === 'vary-region' ? requests.regionMask(input.mask) : undefined;
      const pressed = await send(plan.route, plan.body, input, call);
      // Code 21 on /submit/action: a new task waits in MODAL for /mj/submit/modal (§4.3); elsewhere "exists" (§12.2).
      if (plan.route !== ROUTES.action || pressed.answer.code !== 21) {
        if (MODAL_ACTIONS.has(action) || (prompt && REMIX_ACTIONS.has(action))) {
          logger?.warn?.(
            `${PROVIDER}: '${action}' was accepted without a modal; its prompt, mask or zoom was not sent.`,
          );
        }
        return created(pressed.id, pressed.answer, known);
      }
      const fallbackPrompt = [pressed.answer.properties?.finalPrompt, task.properties?.finalPrompt, task.prompt].find(
        (text): text is string => typeof text === 'string' && text.trim() !== '',
      );
      const body = requests.modalBody({
        taskId: pressed.id,
        action,
        prompt,
        maskBase64,
        zoom: input.zoom,
        fallbackPrompt,
      });
      try {
        const { id, answer } = await send(ROUTES.modal, body, {}, call);
        return created(id, answer, known);
      } catch (error) {
        if (!MjGateError.isInstance(error)) throw error;
        throw error.rebuilt({
          message: `${error.message} Task ${pressed.id} stays waiting for its modal (MODAL); act again to retry.`,
        });
      }
    },

    async seed(job, call) {
      // Synchronous: the server asks Midjourney and waits up to ~60 s (§3.14, §12.17).
      const timeoutMs = Math.max(call.timeoutMs ?? options.timeoutMs ?? 0, SEED_TIMEOUT_MS);
      const answer = await read(ROUTES.seed, job.providerJobId, submitResultSchema, { ...call, timeoutMs });
      const seed = answer.code === 1 && answer.result != null ? String(answer.result) : '';
      if (!seed) throw resultError(answer.code === 1 ? { ...answer, code: 3 } : answer, 'parent');
      // No new task: the seed job carries the image task's id (§10).
      const fields = { providerJobId: job.providerJobId, parentId: job.id, seed, progress: 100, raw: answer };
      return emptyJob({ provider: PROVIDER, operation: 'seed', status: 'succeeded', ...fields });
    },

    async cancel(job, call) {
      try {
        await read(ROUTES.cancel, job.providerJobId, fetchSchema, call);
      } catch (error) {
        // new-api and novicezk have no cancel route (§3.15, §12.18).
        if (MjGateError.isInstance(error) && (error.status === 404 || error.status === 405)) {
          throw new UnsupportedError(`This ${PROVIDER} server has no cancel endpoint (${error.status}).`, {
            provider: PROVIDER,
          });
        }
        throw error;
      }
      return definition.get(job.providerJobId, call);
    },

    async findSubmission(submission, call) {
      if (submission.providerJobId) return readIfKnown(definition, submission.providerJobId, call);
      let listed: unknown[];
      try {
        listed = await read(ROUTES.taskList, '', listSchema, call);
      } catch (error) {
        // new-api has no task listing (§3.16): a lost submission can only be found through its callback.
        if (MjGateError.isInstance(error) && (error.status === 404 || error.status === 405)) {
          throw new UnsupportedError(
            `This ${PROVIDER} server lists no tasks (${error.status}); pass a webhookUrl with each submission instead.`,
            { provider: PROVIDER },
          );
        }
        throw error;
      }
      const task = findInListing(submission, listed);
      return task ? observe(task) : undefined;
    },

    async parseWebhook(request, context) {
      // The context core read from the signed callback URL stands in for this process's memory of the submission.
      const { operation, action, parentId, ref } = context;
      return observe(verifiedCallback(request), definedOnly({ operation, action, parentId, ref }))!;
    },
  };

  return createClient(definition);
}
