import type { CallOptions, ImagineInput, Job, MidjourneyClient, ProviderOptions, WaitOptions } from '@mjgate/core';
import type { AceDataEditInput } from './schemas.js';

// The adapter's public face besides the factory: its options, its client type and the vendor's
// constants (readable without building a client, as the gateway's vendor registry does).

/** AceData's real API host (the Bearer-token plane, §1). */
export const ACEDATA_BASE_URL = 'https://api.acedata.cloud';
/** Environment variable read when `apiKey` is not given. */
export const ACEDATA_API_KEY_ENV = 'ACEDATA_API_KEY';
/** Environment variable read when `baseURL` is not given (else {@link ACEDATA_BASE_URL}). */
export const ACEDATA_BASE_URL_ENV = 'ACEDATA_BASE_URL';
/** Task ids per `retrieve_batch` request. AceData's MCP server documents at most 50 (§10.1). */
export const ACEDATA_BATCH_MAX = 50;
/** Requests AceData allows in flight per token (§12.3); see {@link AceDataOptions.maxInFlight}. */
export const ACEDATA_MAX_IN_FLIGHT = 5;

/** Options of {@link createAceData}. */
export interface AceDataOptions extends ProviderOptions {
  /**
   * Minimum spacing between calls, in ms, for submissions and for reads. AceData allows 1 submission
   * per second and 60 task lookups per second per token (§12.3), hence the default
   * `{ submit: 1000, read: 17 }`. `0` turns pacing off (tests against the simulator).
   */
  pace?: { submit?: number; read?: number };
  /**
   * Most requests this client keeps open at once, status lookups aside (they have their own limit,
   * see `pace.read`). AceData allows 5 per token (§12.3); the rest wait in call order. An
   * `imagineStream` holds its slot until the stream ends. Default 5; `0` turns it off.
   */
  maxInFlight?: number;
}

/** A {@link MidjourneyClient} for AceData Cloud, plus the AceData calls the neutral model has no slot for. */
export interface AceDataClient extends MidjourneyClient {
  readonly provider: 'acedata';
  /**
   * `imagine`, followed over AceData's ndjson stream instead of by polling: one job per progress
   * snapshot, ending with the terminal one. The submission holds one HTTP connection open for the
   * whole generation; if the stream breaks, it carries on by polling. `timeoutMs` is the overall
   * deadline; `onProgress` is called once per change. Takes no `webhookUrl`.
   */
  imagineStream(input: ImagineInput, options?: WaitOptions): AsyncIterable<Job>;
  /**
   * AceData's `/midjourney/edits`: repaint an uploaded image from a prompt, optionally within a mask.
   * Asynchronous like `imagine`; the job has `operation: 'imagine'` and ends with a grid.
   */
  edit(input: AceDataEditInput, options?: CallOptions): Promise<Job>;
  /** AceData's `/midjourney/translate`: a prompt in another language, in English. */
  translate(text: string, options?: CallOptions): Promise<string>;
}
