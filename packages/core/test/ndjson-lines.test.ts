import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { ResponseValidationError } from '../src/index.js';
import { readNdjsonLines } from '../src/provider.js';

function bodyOf(...chunks: string[]): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
      controller.close();
    },
  });
}

async function linesOf(body: ReadableStream<Uint8Array>, options = {}): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of readNdjsonLines(body, options)) lines.push(line);
  return lines;
}

describe('readNdjsonLines edges', () => {
  it('trims every line, keeps a carriage return inside one, and yields no empty tail', async () => {
    expect(await linesOf(bodyOf('  {"a":1}  \r\n', 'a\rb\n', '  {"b":2}  '))).toEqual(['{"a":1}', 'a\rb', '{"b":2}']);
    expect(await linesOf(bodyOf('{"a":1}\n   '))).toEqual(['{"a":1}']);
  });

  it('accepts a line of exactly maxLineLength; one more is refused, naming the vendor', async () => {
    expect(await linesOf(bodyOf('x'.repeat(8)), { maxLineLength: 8 })).toEqual(['x'.repeat(8)]);
    const error = await linesOf(bodyOf('x'.repeat(9)), { maxLineLength: 8, provider: 'acedata' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect((error as ResponseValidationError).message).toBe(
      'The ndjson stream sent a line longer than 8 characters; progress lines are a few KB.',
    );
    expect((error as ResponseValidationError).provider).toBe('acedata');
  });

  it('an already aborted signal rejects at once with its reason, without reading a body that has nothing yet', async () => {
    let pulls = 0;
    // A body whose first bytes have not come: a read would wait for them.
    const body = new ReadableStream<Uint8Array>(
      {
        pull() {
          pulls += 1;
        },
      },
      { highWaterMark: 0 },
    );
    const reason = new Error('stopped before reading');
    const next = readNdjsonLines(body, { signal: AbortSignal.abort(reason) }).next();
    let outcome: unknown = 'pending';
    next.then(
      () => (outcome = 'resolved'),
      (error: unknown) => (outcome = error),
    );
    for (let i = 0; i < 20; i++) await Promise.resolve();
    expect(outcome).toBe(reason);
    expect(pulls).toBe(0);
  });

  it('lets go of the abort listener when the body ends', async () => {
    const controller = new AbortController();
    expect(await linesOf(bodyOf('{"a":1}\n'), { signal: controller.signal })).toEqual(['{"a":1}']);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('an abort while the consumer holds a line leaves no listener on the signal', async () => {
    const controller = new AbortController();
    const lines = readNdjsonLines(bodyOf('{"a":1}\n', '{"b":2}\n'), { signal: controller.signal });
    expect((await lines.next()).value).toBe('{"a":1}');
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    controller.abort(new Error('stop'));
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    await expect(lines.next()).rejects.toThrow('stop');
  });

  // One chunk often holds several lines: an abort while the consumer handles one ends the rest too,
  // as the option's documentation promises (a bug until the signal was checked per line).
  it('after an abort, a line still buffered from the same chunk is not handed on', async () => {
    const controller = new AbortController();
    const lines = readNdjsonLines(bodyOf('{"a":1}\n{"b":2}\n'), { signal: controller.signal });
    expect((await lines.next()).value).toBe('{"a":1}');
    controller.abort(new Error('stop'));
    await expect(lines.next()).rejects.toThrow('stop');
  });
});
