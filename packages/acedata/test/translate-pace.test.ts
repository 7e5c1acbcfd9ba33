// translate (§7) is a read: nothing is billed as a task, so it takes the read pace (60 calls a second
// by default, §12.3), not the 1-a-second submission pace.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAceData } from '../src/index.js';
import { fixture, KEY } from './helpers.js';

afterEach(() => {
  vi.useRealTimers();
});

/** A fetch answering every translate, noting when each was sent. */
function fakeFetch() {
  const sentAt: number[] = [];
  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    expect(new URL(request.url).pathname).toBe('/midjourney/translate');
    sentAt.push(Date.now());
    return Response.json(fixture('translate.json'));
  });
  return { fetch: fetch as unknown as typeof globalThis.fetch, sentAt };
}

describe('translate', () => {
  it('spaces calls by the read pace, not the submission pace', async () => {
    vi.useFakeTimers();
    const { fetch, sentAt } = fakeFetch();
    const mj = createAceData({ apiKey: KEY, maxRetries: 0, fetch, pace: { submit: 1_000, read: 40 } });
    const asked = Date.now();
    const pending = [mj.translate('天使'), mj.translate('狐狸'), mj.translate('雪')];
    for (const [index, call] of pending.entries()) {
      // The clock stands still while a call is on its way, so a paced call leaves exactly at its slot.
      if (index > 0) await vi.advanceTimersByTimeAsync(40);
      expect(await call).toBe('Exquisite, flawless, pure white angel.');
    }
    expect(sentAt.map((at) => at - asked)).toEqual([0, 40, 80]);
  });
});
