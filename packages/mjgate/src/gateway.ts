import {
  type Account,
  type ActionId,
  type CallOptions,
  type Capabilities,
  createMemoryStore,
  type ImagineInput,
  InvalidRequestError,
  isActionId,
  type Job,
  type MidjourneyClient,
  modelOf,
  modelsOf,
  type Operation,
  type ProviderName,
  type ProviderOptions,
  parseAction,
  parseJobId,
  UnsupportedError,
  type WaitOptions,
  type WebhookRequest,
} from '@mjgate/core';
import {
  definedOnly,
  readEnv,
  resolveApiKey,
  resolveBaseURL,
  resolveLogger,
  scopeName,
  storeScope,
  submissionOf,
  submitOnce,
  webhookProvider,
} from '@mjgate/core/provider';
import { checkConfig, configFromEnv, type GatewayConfig, isClient } from './config.js';
import { deferredClient } from './deferred-client.js';
import { byHealth, canFallBack, Health } from './routing.js';
import { detectWebhookProvider } from './sniff.js';
import {
  BUILTIN_PROVIDERS,
  BUILTIN_VENDORS,
  type BuiltinProvider,
  type BuiltinVendor,
  builtinVendor,
  isBuiltin,
} from './vendors.js';

/** What each built-in vendor supports: the adapters' static capabilities, no client built, no request made. */
export function builtinCapabilities(): Record<BuiltinProvider, Capabilities> {
  return Object.fromEntries(BUILTIN_PROVIDERS.map((name) => [name, BUILTIN_VENDORS[name].capabilities])) as Record<
    BuiltinProvider,
    Capabilities
  >;
}

/** The unified client: a {@link MidjourneyClient} over several vendors. */
export interface Gateway extends MidjourneyClient {
  readonly provider: 'gateway';
  /** Configured vendor names, default first, then the fallback order, then the rest. */
  readonly providers: readonly ProviderName[];
  /** The vendor new submissions go to first. */
  readonly defaultProvider: ProviderName;
  /** The client of one configured vendor, to use its extras or pin a call to it. */
  client(name: ProviderName): MidjourneyClient;
}

/** Submissions: the ones that create a new job and so may fall back to another vendor. */
type Submission = 'imagine' | 'describe' | 'blend' | 'faceSwap' | 'video' | 'shorten';
const OPERATION_OF: Record<Submission, Operation> = {
  imagine: 'imagine',
  describe: 'describe',
  blend: 'blend',
  faceSwap: 'faceswap',
  video: 'video',
  shorten: 'shorten',
};

/**
 * Creates the gateway. With no argument it reads the environment: `MJGATE_PROVIDER`,
 * `MJGATE_FALLBACK` (comma-separated), `IMAGINEPRO_API_KEY`, `ACEDATA_API_KEY`, `APIFRAME_API_KEY`
 * and `<VENDOR>_BASE_URL`. A configuration mistake throws `InvalidRequestError` saying what to set.
 * Each configured vendor's adapter is imported in the background from here on, and its client is
 * built on first use: an option only the adapter checks (say mj-proxy's `authScheme`) rejects the
 * first call to that vendor with the adapter's error instead of throwing here.
 *
 * @example
 * const mj = createGateway({
 *   providers: { imaginepro: { apiKey: process.env.IMAGINEPRO_API_KEY }, apiframe: { apiKey: process.env.APIFRAME_API_KEY } },
 *   default: 'imaginepro',
 *   fallback: ['apiframe'],
 * });
 * const grid = await mj.run({ prompt: 'a red fox in snow' });
 * const upscaled = await mj.wait(await mj.upscale(grid, 2));
 */
export function createGateway(config: GatewayConfig = configFromEnv()): Gateway {
  const { names, primary, fallback } = checkConfig(config);
  const logger = resolveLogger(config);
  // One store for every vendor's client and the gateway's own health and idempotency records.
  const store = config.store ?? createMemoryStore();
  const clients = new Map<ProviderName, MidjourneyClient>();
  for (const name of names) {
    const entry = config.providers?.[name];
    if (isClient(entry)) {
      clients.set(name, entry);
      continue;
    }
    const shared: ProviderOptions = {
      timeoutMs: config.timeoutMs,
      maxRetries: config.maxRetries,
      backoff: config.backoff,
      webhookSecret: config.webhookSecret,
      webhookTtlMs: config.webhookTtlMs,
      poll: config.poll,
      fetch: config.fetch,
      logger: config.logger,
      logLevel: config.logLevel,
      store,
      idempotencyTtlMs: config.idempotencyTtlMs,
    };
    const options = { ...definedOnly(shared), ...definedOnly(entry ?? {}) };
    // checkConfig let through only ready clients and built-in names.
    const vendor = builtinVendor(name as BuiltinProvider);
    checkVendorOptions(name, vendor, options);
    clients.set(
      name,
      deferredClient({
        provider: name,
        capabilities: vendor.capabilities,
        packageName: vendor.packageName,
        load: vendor.load,
        options,
      }),
    );
  }

  const order = [primary, ...fallback, ...names.filter((name) => name !== primary && !fallback.includes(name))];
  const health = new Health(config.cooldownMs ?? 30_000, config.cooldownAfter ?? 3, {
    store,
    scopeOf: (name) => scopeName(name, accountOf(config, name), store),
    logger,
  });
  // The gateway's own idempotency records: a key must hold whichever vendor the routing picks.
  const records = storeScope('gateway', undefined, { store, logger, idempotencyTtlMs: config.idempotencyTtlMs });

  const owner = (job: Job | string): MidjourneyClient => {
    const id = typeof job === 'string' ? job : job?.id;
    const parsed = typeof id === 'string' ? parseJobId(id) : undefined;
    if (!parsed) {
      throw new InvalidRequestError(
        `"${String(id)}" is not a gateway job id. Ids look like "apiframe:<task id>"; pass the Job or its id as returned.`,
      );
    }
    const client = clients.get(parsed.provider);
    if (!client) {
      const hint = isBuiltin(parsed.provider)
        ? ` Add providers.${parsed.provider} (or set ${BUILTIN_VENDORS[parsed.provider].env.apiKey}).`
        : '';
      throw new InvalidRequestError(`Job ${id} belongs to ${parsed.provider}, which is not configured.${hint}`);
    }
    return client;
  };

  /**
   * Whether a vendor can take a submission: the operation, a webhook when one is asked for, and, for
   * an imagine, the model it names (Midjourney when it names none) among `capabilities.models`.
   */
  const supports = (capabilities: Capabilities, operation: Operation, needsWebhook: boolean, model?: string) =>
    capabilities.operations.includes(operation) &&
    (!needsWebhook || capabilities.webhooks) &&
    (model === undefined || modelsOf(capabilities).includes(model));

  /**
   * A submission routed to a vendor, once per `idempotencyKey` across every vendor: the gateway
   * keeps the record (the adapters get no key), so a retry returns the job wherever it was made,
   * even when the routing would now pick another vendor.
   */
  async function submit<K extends Submission>(
    method: K,
    input: Parameters<MidjourneyClient[K]>[0] & { webhookUrl?: string },
    options: CallOptions | undefined,
  ): Promise<Job> {
    const key = options?.idempotencyKey;
    if (key === undefined) return route(method, input, options);
    const { idempotencyKey: _key, ...rest } = options!;
    return submitOnce({
      shared: records,
      key,
      request: { method, input },
      // Where a submitter that died most likely sent it; an outcome lost elsewhere names its vendor.
      submission: { ...submissionOf(OPERATION_OF[method], input), provider: primary },
      submit: () => route(method, input, rest),
      find: (lost) => gateway.findSubmission(lost, { signal: rest.signal, headers: rest.headers }),
      signal: rest.signal,
    });
  }

  async function route<K extends Submission>(
    method: K,
    input: Parameters<MidjourneyClient[K]>[0] & { webhookUrl?: string },
    options: CallOptions | undefined,
  ): Promise<Job> {
    const operation = OPERATION_OF[method];
    const needsWebhook = !!input.webhookUrl;
    // The model is a routing dimension of imagine: only vendors that list it are asked, fallback
    // included. A model that is no string is left to the adapter's input check to refuse.
    const named = method === 'imagine' ? modelOf(input as ImagineInput) : undefined;
    const model = typeof named === 'string' ? named.trim() : undefined;
    const capable = order.filter((name) => supports(clients.get(name)!.capabilities, operation, needsWebhook, model));
    if (capable.length === 0) {
      const known = builtinCapabilities();
      const would = BUILTIN_PROVIDERS.filter((name) => supports(known[name], operation, needsWebhook, model));
      const modelNamed = model !== undefined && (input as ImagineInput).model !== undefined;
      const what = `${operation}${modelNamed ? ` with the model '${model}'` : ''}${needsWebhook ? ' with a webhook' : ''}`;
      throw new UnsupportedError(
        `None of the configured providers (${names.join(', ')}) supports ${what}.${would.length ? ` ${would.join(', ')} would: configure one of them.` : ''}`,
      );
    }
    const first = capable[0]!;
    const chain = await byHealth(
      capable.filter((name) => name === first || fallback.includes(name) || name === primary),
      health,
    );
    let lastError: unknown;
    for (const [position, name] of chain.entries()) {
      const client = clients.get(name)!;
      try {
        const job = await (client[method] as (input: unknown, options?: CallOptions) => Promise<Job>)(input, options);
        await health.succeeded(name);
        return job;
      } catch (error) {
        lastError = error;
        if (!canFallBack(error)) throw error;
        await health.failed(name);
        const next = chain[position + 1];
        if (next) {
          logger?.warn?.(
            `mjgate: ${name} could not take the ${operation} (${(error as Error).message}); trying ${next}`,
          );
          config.onFallback?.({ from: name, to: next, error: error as Error });
        }
      }
    }
    throw lastError;
  }

  const capabilities: Capabilities = {
    operations: [...new Set([...clients.values()].flatMap((client) => client.capabilities.operations))],
    actions: [...new Set([...clients.values()].flatMap((client) => client.capabilities.actions))],
    batchGet: [...clients.values()].some((client) => client.capabilities.batchGet),
    webhooks: [...clients.values()].some((client) => client.capabilities.webhooks),
    cancel: [...clients.values()].some((client) => client.capabilities.cancel),
    account: [...clients.values()].some((client) => client.capabilities.account),
    models: [...new Set([...clients.values()].flatMap((client) => modelsOf(client.capabilities)))],
  };

  const gateway: Gateway = {
    provider: 'gateway',
    capabilities,
    providers: order,
    defaultProvider: primary,
    client(name) {
      const client = clients.get(name);
      if (!client)
        throw new InvalidRequestError(`Provider "${name}" is not configured; configured: ${names.join(', ')}.`);
      return client;
    },
    imagine: (input, options) => submit('imagine', input, options),
    describe: (input, options) => submit('describe', input, options),
    blend: (input, options) => submit('blend', input, options),
    faceSwap: (input, options) => submit('faceSwap', input, options),
    shorten: (input, options) => submit('shorten', input, options),
    async video(input, options) {
      // Extending a video is a follow-up: it belongs to the vendor that made the video.
      if (input.extend) return owner(input.extend).video(input, options);
      return submit('video', input, options);
    },
    async act(job, action: ActionId, input, options) {
      const client = owner(job);
      const id = isActionId(action) ? action : parseAction(String(action));
      if (id && !client.capabilities.actions.includes(id)) {
        throw followUpUnsupported(client.provider, `the action '${id}'`, (offered) => offered.actions.includes(id));
      }
      return client.act(job, action, input, options);
    },
    async seed(job, options) {
      const client = owner(job);
      if (!client.capabilities.operations.includes('seed')) {
        throw followUpUnsupported(client.provider, 'seed lookups', (offered) => offered.operations.includes('seed'));
      }
      return client.seed(job, options);
    },
    get: async (job, options) => owner(job).get(job, options),
    async getMany(jobs, options) {
      const groups = new Map<MidjourneyClient, number[]>();
      jobs.forEach((job, index) => {
        const client = owner(job);
        groups.set(client, [...(groups.get(client) ?? []), index]);
      });
      const out: Job[] = new Array(jobs.length);
      await Promise.all(
        [...groups].map(async ([client, indexes]) => {
          const got = await client.getMany(
            indexes.map((index) => jobs[index]!),
            options,
          );
          indexes.forEach((index, at) => {
            out[index] = got[at]!;
          });
        }),
      );
      return out;
    },
    async cancel(job, options) {
      const client = owner(job);
      if (!client.capabilities.cancel) {
        throw followUpUnsupported(client.provider, 'cancelling a job', (offered) => offered.cancel);
      }
      return client.cancel(job, options);
    },
    account(options): Promise<Account> {
      return clients.get(primary)!.account(options);
    },
    async findSubmission(submission, options) {
      // The vendor the submission went to (a fallback one included) is the one that may have the job.
      const name = submission?.provider;
      const client = typeof name === 'string' ? clients.get(name) : undefined;
      if (!client) {
        throw new InvalidRequestError(
          `This submission was sent to ${String(name)}, which is not configured here; configured: ${names.join(', ')}.`,
        );
      }
      return client.findSubmission(submission, options);
    },
    async pending() {
      const lists = await Promise.all([...clients.values()].map((client) => client.pending()));
      return lists.flat().sort((a, b) => String(a.createdAt ?? '').localeCompare(String(b.createdAt ?? '')));
    },
    wait: async (job, options?: WaitOptions) => owner(job).wait(job, options),
    async *watch(job, options?: WaitOptions) {
      yield* owner(job).watch(job, options);
    },
    async run(input, options = {}) {
      const { signal, headers, idempotencyKey } = options;
      return gateway.wait(await gateway.imagine(input, { signal, headers, idempotencyKey }), options);
    },
    upscale: (job, index, options) => gateway.act(job, `upscale-${index}`, {}, options),
    variation: (job, index, options) => gateway.act(job, `variation-${index}`, {}, options),
    reroll: (job, options) => gateway.act(job, 'reroll', {}, options),
    async parseWebhook(request: WebhookRequest) {
      const name = webhookProvider(request.url) ?? detectWebhookProvider(request);
      const client = name ? clients.get(name) : undefined;
      if (!client) {
        throw new InvalidRequestError(
          name
            ? `A callback for ${name}, which is not configured.`
            : 'Cannot tell which vendor sent this callback: its URL has no mjgate_provider (mjgate adds it to every webhookUrl it sends a vendor) and its body is no vendor’s.',
        );
      }
      return client.parseWebhook(request);
    },
  };
  return gateway;
}

/**
 * The checks the adapter makes when its client is built that need no adapter, made when the gateway
 * is created (the adapter is built later, on first need): the API key (read as the adapter reads it),
 * and a base URL where the vendor has no host of its own. An option only the adapter knows (say
 * mj-proxy's `authScheme`) is checked when it builds the client: the first call rejects with its error.
 */
function checkVendorOptions(name: ProviderName, vendor: BuiltinVendor<ProviderOptions>, options: ProviderOptions) {
  try {
    resolveApiKey(options.apiKey, vendor.env.apiKey, name);
  } catch (error) {
    // The adapter's AuthenticationError, reworded for a gateway's configuration.
    throw new InvalidRequestError(
      `Provider "${name}" has no API key: pass providers.${name}.apiKey or set ${vendor.env.apiKey}.`,
      { provider: name, cause: error },
    );
  }
  // Also refuses `baseURL` and `baseUrl` at odds, with the adapter's own message.
  if (resolveBaseURL(options, vendor.env.baseURL, vendor.defaultBaseURL) === undefined) {
    throw new InvalidRequestError(
      `No ${name} base URL: the ${vendor.title} protocol has no default host. Pass providers.${name}.baseURL or set ${vendor.env.baseURL}.`,
      { provider: name },
    );
  }
}

/**
 * A follow-up the owning vendor cannot do. It cannot move to another vendor (the job lives at its
 * owner), so the message says which vendors would have, for the next job.
 */
function followUpUnsupported(
  provider: ProviderName,
  what: string,
  has: (capabilities: Capabilities) => boolean,
): UnsupportedError {
  const known = builtinCapabilities();
  const would = BUILTIN_PROVIDERS.filter((name) => name !== provider && has(known[name]));
  const hint = would.length
    ? ` ${would.join(', ')} would: a follow-up stays with the vendor that made the job, so create the job there.`
    : '';
  return new UnsupportedError(`${provider} does not support ${what}.${hint}`, { provider });
}

/**
 * What identifies a vendor's account, as its adapter hashes it into its scope: the API key given or
 * in the environment (every built-in vendor needs one: `checkVendorOptions`). A ready client: none.
 */
function accountOf(config: GatewayConfig, name: ProviderName): string | undefined {
  const entry = config.providers?.[name];
  if (isClient(entry) || !isBuiltin(name)) return undefined;
  return (entry as { apiKey?: string } | undefined)?.apiKey?.trim() || readEnv(BUILTIN_VENDORS[name].env.apiKey);
}
