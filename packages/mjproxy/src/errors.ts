import {
  ContentPolicyError,
  InsufficientCreditsError,
  InvalidRequestError,
  type MjGateError,
  NotFoundError,
  ProviderError,
  RateLimitError,
} from '@mjgate/core';
import { type HttpFailure, httpError, saysVendor, vendorMessage } from '@mjgate/core/provider';
import type { SubmitResult } from './schemas.js';
import { PROVIDER } from './vendor.js';

// The protocol's refusals (vendor doc §1.3 result codes, §1.4 HTTP statuses, §6 rules) → mjgate
// errors. Most servers answer HTTP 200 whatever the outcome, so the `code` decides; the HTTP status
// is the fallback. The descriptions are often Chinese: the wording tables below hold both languages.

/** A full queue or a per-user limit (§6 row 2, §12.13): nothing was kept, so it may be retried later. */
const QUEUE_FULL = /队列已满|queue.*full|并发数已达上限|队列数已达上限|负载已饱和|saturat/i;
/** A banned prompt (§6 row 3). */
const BANNED = /敏感词|违规|banned|sensitive/i;
/**
 * An empty balance or quota (§6 row 4; new-api `quota_not_enough`), and trueai's daily allowance
 * (`用户今日绘图次数已达上限`, code 4, §1.3): spent until tomorrow, so another vendor should take it.
 */
const CREDITS = /额度|余额|insufficient|quota|今日绘图次数已达上限/i;
/** An unknown task (§6 row 5; new-api `task_not_found`, `task_no_found`). */
const NOT_FOUND = /不存在|失效|not.?found|no_found/i;

/** Result codes that say the submission was accepted: 1, 22 (queued), and 21 (exists or modal, §4.3). */
export const ACCEPTED_CODES: ReadonlySet<number> = new Set([1, 21, 22]);

/**
 * Which endpoint answered: code 3 means "parent task missing" on the endpoints that name a parent,
 * "no usable account" elsewhere (§1.3, §6).
 */
export type Endpoint = 'submit' | 'parent' | 'read';

/** The vendor's own words of a `SubmitResultVO` or of new-api's / trueai's error envelopes. */
export function describeResult(result: Pick<SubmitResult, 'description' | 'message'> | undefined): string {
  // new-api's description is "<description> <result>" with a trailing space (§6).
  return (result?.description ?? result?.message ?? '').trim();
}

/**
 * The error a non-accepting result code means (§6), built complete. Submissions with such a code
 * were refused — nothing to find again — except code 5, new-api's "could not reach the upstream",
 * which may have reached it (§1.3): that one says the job may exist.
 */
export function resultError(result: SubmitResult, endpoint: Endpoint, status?: number): MjGateError {
  const words = describeResult(result);
  const said = words ? `: ${words}` : '';
  const source = { provider: PROVIDER, ...(status ? { status } : {}) };
  const code = result.code;
  const named = `${PROVIDER} refused the request (code ${code})${said}.`;
  if (code === 23 || code === 30 || QUEUE_FULL.test(words)) {
    return new RateLimitError(`${PROVIDER}'s queue is full (code ${code})${said}. Nothing was kept; retry later.`, {
      ...source,
      retryable: true,
    });
  }
  if (code === 24 || BANNED.test(words) || saysVendor('moderation', words)) {
    const banned = result.properties?.bannedWord;
    const word = typeof banned === 'string' && banned ? ` (banned word: ${JSON.stringify(banned)})` : '';
    return new ContentPolicyError(
      `${PROVIDER} refused the prompt (code ${code})${said}${word}. Rephrase it without the banned words.`,
      source,
    );
  }
  if (CREDITS.test(words) || saysVendor('credits', words)) {
    return new InsufficientCreditsError(
      `${PROVIDER} says the account is out of quota (code ${code})${said}. Top up, or use another provider.`,
      source,
    );
  }
  if ((code === 3 && endpoint !== 'submit') || NOT_FOUND.test(words)) {
    return new NotFoundError(`${PROVIDER} does not know the task (code ${code})${said}.`, source);
  }
  switch (code) {
    case 3:
      // "无可用的账号实例": no Discord account can take it now; nothing was created.
      return new ProviderError(`${PROVIDER} has no usable account right now (code 3)${said}. Retry later.`, {
        ...source,
        retryable: true,
      });
    case 4:
    case -1:
      // -1: trueai's `{success: false}` envelope (§12.19), its limits aside (matched above).
      return new InvalidRequestError(`${named} Check the input.`, source);
    case 5:
      return new ProviderError(
        `${PROVIDER} could not complete the call upstream (code 5)${said}.${endpoint === 'read' ? ' Retry later.' : ' The request was forwarded, so the job may exist: look it up before submitting again.'}`,
        { ...source, retryable: endpoint === 'read', mayHaveCreatedJob: endpoint !== 'read' },
      );
    case 9:
      // A system error or trueai's full account queue; trueai deletes the task (§1.3).
      return new ProviderError(`${PROVIDER} failed to submit (code 9)${said}. Retry later.`, {
        ...source,
        retryable: true,
      });
    default:
      return new ProviderError(`${named}`, { ...source, retryable: false });
  }
}

/** A body that carries a result code: `SubmitResultVO`, new-api's `{description, type, code}`, trueai's envelope. */
function codedBody(body: unknown): SubmitResult | undefined {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const fields = body as Record<string, unknown>;
  if (typeof fields.code !== 'number') return undefined;
  const text = (key: string) => (typeof fields[key] === 'string' ? (fields[key] as string) : undefined);
  const properties = fields.properties && typeof fields.properties === 'object' ? fields.properties : undefined;
  return {
    code: fields.code,
    description: text('description'),
    message: text('message') ?? vendorMessage(body),
    ...(properties ? { properties: properties as Record<string, unknown> } : {}),
  };
}

/**
 * Maps a non-2xx answer (§1.4): 401/403 are about the key whatever the body says; otherwise a body
 * with a result code decides (trueai's 404 + code 3, new-api's 400 + code 4 `task_no_found`, a fork's
 * 429 + code 23); the rest is core's status mapping with the vendor's words.
 */
export function toMjProxyError(failure: HttpFailure, endpoint: Endpoint): MjGateError {
  const { status } = failure;
  const coded = codedBody(failure.body);
  if (status !== 401 && status !== 403 && status < 500 && coded && !ACCEPTED_CODES.has(coded.code)) {
    const mapped = resultError(coded, endpoint, status);
    return failure.retryAfterMs === undefined ? mapped : mapped.rebuilt({ retryAfterMs: failure.retryAfterMs });
  }
  const message = coded ? describeResult(coded) || vendorMessage(failure.body) : vendorMessage(failure.body);
  if (status === 400 && NOT_FOUND.test(message)) {
    return new NotFoundError(`${PROVIDER} does not know the task (${status}): ${message}.`, {
      provider: PROVIDER,
      status,
    });
  }
  return httpError(failure, message);
}

/**
 * Failed submissions the server certainly refused, so the transport may retry them: 429, 503 (core's
 * defaults), and any status whose body carries a refusing result code (§6: 3, 4, 9, 23, 24, 30).
 */
export function submissionRefused(failure: HttpFailure): boolean {
  if (failure.status === 429 || failure.status === 503) return true;
  const coded = codedBody(failure.body);
  return coded !== undefined && [3, 4, 9, 23, 24, 30].includes(coded.code);
}
