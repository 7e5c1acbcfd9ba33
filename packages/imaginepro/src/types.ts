import type { Account, ActionId, CallOptions, MidjourneyClient, ProviderOptions } from '@mjgate/core';
import type { AccountInfo } from './schemas.js';

/** Options of `createImaginePro`. */
export interface ImagineProOptions extends ProviderOptions {
  /**
   * Minimum spacing between calls, in ms, so a burst is queued instead of rejected. `submit`:
   * ImaginePro's general endpoints (default 3000: one per 3 s) — job-creating calls, and, spaced
   * separately, `account`, `promptCheck` and `history`; `read`: the message (status) endpoint
   * (default 100: ten per second). 0 turns a limit off (e.g. against the simulator).
   */
  pace?: { submit?: number; read?: number };
}

/** The result of {@link ImagineProClient.promptCheck}. */
export interface PromptCheckResult {
  /** True when ImaginePro found nothing wrong (`status: "SUCCESS"`). */
  ok: boolean;
  /** ImaginePro's reason when `ok` is false: the banned word or the invalid parameter. */
  message?: string;
  /** The untouched response. */
  raw: unknown;
}

/** One generated image from {@link ImagineProClient.history}. */
export interface HistoryEntry {
  /** The neutral job id, usable with `get` and `act`. */
  id: string;
  /** ImaginePro's `messageId`. */
  providerJobId: string;
  /** ImaginePro's `type` (e.g. `imagine`, `button`). */
  type?: string;
  /** The button that made it, as ImaginePro labels it. */
  button?: string;
  /** `button` as a canonical action, when it is one. */
  action?: ActionId;
  /** The prompt it was made from. */
  prompt?: string;
  /** The image (or grid) URL. */
  url?: string;
  /** ISO-8601. */
  createdAt?: string;
  /** ImaginePro's entry as it arrived. */
  raw: unknown;
}

/** Account details with ImaginePro's own fields next to the neutral ones. */
export interface ImagineProAccount extends Account {
  /** Plan credits left this period (`credits`). `credits` is this plus `extraCredits`. */
  planCredits?: number;
  /** Purchased credits on top of the plan (`creditsExtra`). */
  extraCredits?: number;
  /** The plan's credits per period (`creditsQuota`). */
  creditsQuota?: number;
  /** When the plan ends (`expiredAt`), ISO-8601. */
  expiresAt?: string;
  raw: AccountInfo;
}

/** A {@link MidjourneyClient} for ImaginePro, plus ImaginePro's own extras. */
export interface ImagineProClient extends MidjourneyClient {
  readonly provider: 'imaginepro';
  /**
   * Checks a prompt against ImaginePro's banned words and Midjourney parameter rules without
   * creating (or paying for) a job: `POST /api/v1/nova/prompt-check` (§3.8).
   */
  promptCheck(prompt: string, options?: CallOptions): Promise<PromptCheckResult>;
  /** Images generated in the last 24 hours, newest first: `GET /api/v1/nova/images` (§3.7). */
  history(query?: { page?: number; size?: number }, options?: CallOptions): Promise<HistoryEntry[]>;
  account(options?: CallOptions): Promise<ImagineProAccount>;
}
