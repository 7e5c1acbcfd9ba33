// Shared pieces of the findSubmission tests (find-*.test.ts): a lost submission at a fixed time,
// history entries (§3.7) and status reads (§3.2) relative to it, answered by nock.
import type { Submission } from '@mjgate/core';
import { expectCall } from './helpers.js';

/** The moment the lost submission was sent (fixed: the lookup reads no clock). */
export const SENT = Date.parse('2026-11-27T12:00:00.000Z');
/** The ISO time `offsetMs` after {@link SENT}. */
export const at = (offsetMs: number) => new Date(SENT + offsetMs).toISOString();
/** The start of the lookup's window: {@link SENT} less the 60 s clock-skew allowance. */
export const WINDOW_START = -60_000;

/** A message id: `id(7)` → `0b7f3c2e-7777-4a4a-8a8a-000000000007`. */
export const id = (n: number) => `0b7f3c2e-${String(n % 10).repeat(4)}-4a4a-8a8a-${String(n).padStart(12, '0')}`;
export const OURS = id(1);

export function submission(fields: Partial<Submission> = {}): Submission {
  return { provider: 'imaginepro', operation: 'imagine', sentAt: at(0), ...fields };
}

export function entry(entryId: string, fields: Record<string, unknown>) {
  return { id: entryId, uri: `https://cdn.imaginepro.ai/storage/${entryId}.png`, ...fields };
}

/** An entry listed before the submission's window: the history need not be read further. */
export const older = (n: number) => entry(id(n), { type: 'imagine', prompt: 'long ago', createdAt: at(-600_000) });

/** A finished message as the status read answers it. */
export function done(messageId: string, fields: Record<string, unknown> = {}) {
  return {
    messageId,
    status: 'DONE',
    progress: 100,
    uri: `https://cdn.imaginepro.ai/storage/${messageId}.png`,
    createdAt: at(1_000),
    updatedAt: at(30_000),
    ...fields,
  };
}

/** Answers history page `page` (of 100) once with `images`. */
export const history = (page: number, images: unknown[]) =>
  expectCall('get', `/api/v1/nova/images?page=${page}&size=100`, { images });

/** Answers the status read of `messageId` once with a finished message carrying `fields`. */
export const read = (messageId: string, fields: Record<string, unknown> = {}) =>
  expectCall('get', `/api/v1/message/fetch/${messageId}`, done(messageId, fields));
