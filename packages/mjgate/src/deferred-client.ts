import { type Capabilities, InvalidRequestError, type MidjourneyClient, type ProviderName } from '@mjgate/core';

/** What a deferred client is made of: what is known at once, and how to get the real client. */
export interface DeferredClientSource {
  /** The vendor's name, the client's `provider`. */
  readonly provider: ProviderName;
  /** The vendor's static capabilities (from the adapter's light `/vendor` entry). */
  readonly capabilities: Capabilities;
  /** The adapter package's name, for the message of a failed load. */
  readonly packageName: string;
  /** Imports the adapter and resolves with its factory. */
  readonly load: () => Promise<(options: never) => MidjourneyClient>;
  /** What the factory is called with. */
  readonly options: unknown;
}

/**
 * A {@link MidjourneyClient} whose adapter is imported in the background: `provider` and
 * `capabilities` are there at once, and every method awaits the adapter's client, built from the
 * loaded factory on first need. The import starts here (as the transport starts importing ky when a
 * client is created), so a first call rarely waits for it.
 *
 * A failed import rejects every call with an `InvalidRequestError` naming the package (the failure
 * is caught here, so it is no unhandled rejection when no call is made); an error the factory throws
 * (an option only the adapter checks) rejects every call as it was thrown.
 */
export function deferredClient(source: DeferredClientSource): MidjourneyClient {
  const { provider, capabilities, packageName } = source;
  const factory = source.load().catch((error: unknown) => {
    throw new InvalidRequestError(
      `mjgate could not load ${packageName}, the ${provider} adapter (${messageOf(error)}). Install ${packageName} at the same version as mjgate.`,
      { provider, cause: error },
    );
  });
  // Marks the import's failure as handled: it reaches the caller through each call instead.
  factory.catch(() => {});
  let built: Promise<MidjourneyClient> | undefined;
  const client = (): Promise<MidjourneyClient> => {
    built ??= factory.then((create) => create(source.options as never));
    return built;
  };

  return {
    provider,
    capabilities,
    imagine: async (input, options) => (await client()).imagine(input, options),
    act: async (job, action, input, options) => (await client()).act(job, action, input, options),
    describe: async (input, options) => (await client()).describe(input, options),
    blend: async (input, options) => (await client()).blend(input, options),
    faceSwap: async (input, options) => (await client()).faceSwap(input, options),
    video: async (input, options) => (await client()).video(input, options),
    shorten: async (input, options) => (await client()).shorten(input, options),
    seed: async (job, options) => (await client()).seed(job, options),
    get: async (job, options) => (await client()).get(job, options),
    getMany: async (jobs, options) => (await client()).getMany(jobs, options),
    cancel: async (job, options) => (await client()).cancel(job, options),
    account: async (options) => (await client()).account(options),
    findSubmission: async (submission, options) => (await client()).findSubmission(submission, options),
    pending: async () => (await client()).pending(),
    wait: async (job, options) => (await client()).wait(job, options),
    async *watch(job, options) {
      yield* (await client()).watch(job, options);
    },
    run: async (input, options) => (await client()).run(input, options),
    upscale: async (job, index, options) => (await client()).upscale(job, index, options),
    variation: async (job, index, options) => (await client()).variation(job, index, options),
    reroll: async (job, options) => (await client()).reroll(job, options),
    parseWebhook: async (request) => (await client()).parseWebhook(request),
  };
}

/** A failed import's own words (a module not found, a syntax error), which name no secret. */
function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
