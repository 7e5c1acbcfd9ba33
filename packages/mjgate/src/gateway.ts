import { createAceData } from '@mjgate/acedata';
import { createApiFrame } from '@mjgate/apiframe';
import {
  type Account,
  type ActionId,
  type CallOptions,
  type Capabilities,
  definedOnly,
  InvalidRequestError,
  isActionId,
  type Job,
  type MidjourneyClient,
  MjGateError,
  type Operation,
  type ProviderName,
  type ProviderOptions,
  parseAction,
  parseJobId,
  UnsupportedError,
  type WaitOptions,
  type WebhookRequest,
  webhookProvider,
} from '@mjgate/core';
import { createImaginePro } from '@mjgate/imaginepro';
import {
  BUILTIN_PROVIDERS,
  type BuiltinProvider,
  checkConfig,
  configFromEnv,
  type GatewayConfig,
  isClient,
  PROVIDER_ENV,
} from './config.js';
import { byHealth, canFallBack, Health } from './routing.js';
import { detectWebhookProvider } from './sniff.js';

const FACTORIES: Record<BuiltinProvider, (options: ProviderOptions) => MidjourneyClient> = {
  imaginepro: createImaginePro,
  acedata: createAceData,
  apiframe: createApiFrame,
};

/** What each built-in vendor supports, read from its adapter (no request is made). */
export function builtinCapabilities(): Record<BuiltinProvider, Capabilities> {
  return Object.fromEntries(
    BUILTIN_PROVIDERS.map((name) => [name, FACTORIES[name]({ apiKey: 'capabilities-only' }).capabilities]),
  ) as Record<BuiltinProvider, Capabilities>;
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
    };
    const options = { ...definedOnly(shared), ...definedOnly(entry ?? {}) };
    try {
      clients.set(name, FACTORIES[name as BuiltinProvider](options));
    } catch (error) {
      if (MjGateError.isInstance(error) && error.code === 'authentication') {
        const env = PROVIDER_ENV[name as BuiltinProvider].apiKey;
        throw new InvalidRequestError(
          `Provider "${name}" has no API key: pass providers.${name}.apiKey or set ${env}.`,
          {
            provider: name,
            cause: error,
          },
        );
      }
      throw error;
    }
  }

  const order = [primary, ...fallback, ...names.filter((n) => n !== primary && !fallback.includes(n))];
  const health = new Health(config.cooldownMs ?? 30_000, config.cooldownAfter ?? 3);

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
      const hint = (BUILTIN_PROVIDERS as readonly string[]).includes(parsed.provider)
        ? ` Add providers.${parsed.provider} (or set ${PROVIDER_ENV[parsed.provider as BuiltinProvider].apiKey}).`
        : '';
      throw new InvalidRequestError(`Job ${id} belongs to ${parsed.provider}, which is not configured.${hint}`);
    }
    return client;
  };

  const supports = (client: MidjourneyClient, op: Operation, needsWebhook: boolean) =>
    client.capabilities.operations.includes(op) && (!needsWebhook || client.capabilities.webhooks);

  async function submit<K extends Submission>(
    method: K,
    input: Parameters<MidjourneyClient[K]>[0] & { webhookUrl?: string },
    options: CallOptions | undefined,
  ): Promise<Job> {
    const op = OPERATION_OF[method];
    const needsWebhook = !!input.webhookUrl;
    const capable = order.filter((n) => supports(clients.get(n)!, op, needsWebhook));
    if (capable.length === 0) {
      const known = builtinCapabilities();
      const would = BUILTIN_PROVIDERS.filter((p) =>
        supports({ capabilities: known[p] } as MidjourneyClient, op, needsWebhook),
      );
      throw new UnsupportedError(
        `None of the configured providers (${names.join(', ')}) supports ${op}${needsWebhook ? ' with a webhook' : ''}.${would.length ? ` ${would.join(', ')} would: configure one of them.` : ''}`,
      );
    }
    const first = capable[0]!;
    const chain = byHealth(
      capable.filter((n) => n === first || fallback.includes(n) || n === primary),
      health,
    );
    let lastError: unknown;
    for (const [i, name] of chain.entries()) {
      const client = clients.get(name)!;
      const routed = input.webhookUrl ? { ...input, webhookUrl: tagWebhook(input.webhookUrl, name) } : input;
      try {
        const job = await (client[method] as (i: unknown, o?: CallOptions) => Promise<Job>)(routed, options);
        health.succeeded(name);
        return job;
      } catch (error) {
        lastError = error;
        if (!canFallBack(error)) throw error;
        health.failed(name);
        const next = chain[i + 1];
        if (next) {
          config.logger?.warn?.(
            `mjgate: ${name} could not take the ${op} (${(error as Error).message}); trying ${next}`,
          );
          config.onFallback?.({ from: name, to: next, error: error as Error });
        }
      }
    }
    throw lastError;
  }

  const capabilities: Capabilities = {
    operations: [...new Set([...clients.values()].flatMap((c) => c.capabilities.operations))],
    actions: [...new Set([...clients.values()].flatMap((c) => c.capabilities.actions))],
    batchGet: [...clients.values()].some((c) => c.capabilities.batchGet),
    webhooks: [...clients.values()].some((c) => c.capabilities.webhooks),
    cancel: [...clients.values()].some((c) => c.capabilities.cancel),
    account: [...clients.values()].some((c) => c.capabilities.account),
  };

  const gateway: Gateway = {
    provider: 'gateway',
    capabilities,
    providers: order,
    defaultProvider: primary,
    client(name) {
      const c = clients.get(name);
      if (!c) throw new InvalidRequestError(`Provider "${name}" is not configured; configured: ${names.join(', ')}.`);
      return c;
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
        throw followUpUnsupported(client.provider, `the action '${id}'`, (c) => c.actions.includes(id));
      }
      return client.act(job, action, input, options);
    },
    async seed(job, options) {
      const client = owner(job);
      if (!client.capabilities.operations.includes('seed')) {
        throw followUpUnsupported(client.provider, 'seed lookups', (c) => c.operations.includes('seed'));
      }
      return client.seed(job, options);
    },
    get: async (job, options) => owner(job).get(job, options),
    async getMany(jobs, options) {
      const groups = new Map<MidjourneyClient, number[]>();
      jobs.forEach((job, i) => {
        const c = owner(job);
        groups.set(c, [...(groups.get(c) ?? []), i]);
      });
      const out: Job[] = new Array(jobs.length);
      await Promise.all(
        [...groups].map(async ([client, indexes]) => {
          const got = await client.getMany(
            indexes.map((i) => jobs[i]!),
            options,
          );
          indexes.forEach((i, k) => {
            out[i] = got[k]!;
          });
        }),
      );
      return out;
    },
    async cancel(job, options) {
      const client = owner(job);
      if (!client.capabilities.cancel) {
        throw followUpUnsupported(client.provider, 'cancelling a job', (c) => c.cancel);
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
    wait: async (job, options?: WaitOptions) => owner(job).wait(job, options),
    async *watch(job, options?: WaitOptions) {
      yield* owner(job).watch(job, options);
    },
    async run(input, options = {}) {
      const { signal, headers } = options;
      return gateway.wait(await gateway.imagine(input, { signal, headers }), options);
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
            : 'Cannot tell which vendor sent this callback: use the webhook URLs the gateway hands out (they carry mjgate_provider).',
        );
      }
      return client.parseWebhook(request);
    },
  };
  return gateway;
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
  const would = BUILTIN_PROVIDERS.filter((p) => p !== provider && has(known[p]));
  const hint = would.length
    ? ` ${would.join(', ')} would: a follow-up stays with the vendor that made the job, so create the job there.`
    : '';
  return new UnsupportedError(`${provider} does not support ${what}.${hint}`, { provider });
}

/** Tags a callback URL with the vendor it is handed to, so one endpoint can serve every vendor. */
function tagWebhook(url: string, provider: ProviderName): string {
  try {
    const u = new URL(url);
    u.searchParams.set('mjgate_provider', provider);
    return u.toString();
  } catch {
    return url; // the adapter's own validation reports the bad URL
  }
}
