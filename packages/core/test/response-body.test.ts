import { describe, expect, it, vi } from 'vitest';
import { bracketsExceed, nestedDeeperThan, readText, salvageField } from '../src/response-body.js';

function streamed(...chunks: number[][]): Response {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(new Uint8Array(chunk));
      controller.close();
    },
  });
  return new Response(body);
}

describe('nestedDeeperThan', () => {
  it('counts nesting of objects and arrays against the bound', () => {
    const three = { a: { b: [{ c: 1 }] } };
    expect(nestedDeeperThan(three, 3)).toBe(true);
    expect(nestedDeeperThan(three, 4)).toBe(false);
    expect(nestedDeeperThan({}, 0)).toBe(true);
    expect(nestedDeeperThan({ a: 1, b: 'x' }, 1)).toBe(false);
  });

  it('finds the deep branch among shallow ones', () => {
    const value = { shallow: [1, 2], deep: { x: { y: { z: {} } } }, other: null };
    expect(nestedDeeperThan(value, 3)).toBe(true);
    expect(nestedDeeperThan(value, 5)).toBe(false);
  });

  it('never calls a primitive or null deep', () => {
    expect(nestedDeeperThan(5, 0)).toBe(false);
    expect(nestedDeeperThan(null, 0)).toBe(false);
    expect(nestedDeeperThan('text', 0)).toBe(false);
  });
});

describe('bracketsExceed', () => {
  it('counts only `{` and `[` against the bound', () => {
    expect(bracketsExceed('{[', 2)).toBe(false);
    expect(bracketsExceed('{[{', 2)).toBe(true);
    expect(bracketsExceed('[[', 1)).toBe(true);
    expect(bracketsExceed('{', 1)).toBe(false);
    expect(bracketsExceed('(()))}]"a"', 0)).toBe(false);
    expect(bracketsExceed('', 0)).toBe(false);
  });
});

describe('salvageField', () => {
  it('finds a string or a number in a cut JSON text', () => {
    expect(salvageField('{"code":200,"data":{"taskId":"t-1.2:a', 'taskId')).toBeUndefined();
    expect(salvageField('{"taskId": "t-1.2:a", "status', 'taskId')).toBe('t-1.2:a');
    expect(salvageField('{"id":12345,"sta', 'id')).toBe('12345');
    expect(salvageField('{"other":"x"', 'id')).toBeUndefined();
  });

  it('reads the field name literally, not as a pattern', () => {
    expect(salvageField('{"a.b":"yes"}', 'a.b')).toBe('yes');
    expect(salvageField('{"aXb":"no"}', 'a.b')).toBeUndefined();
  });
});

describe('readText', () => {
  it('rejects at once with the reason of an aborted signal', async () => {
    const controller = new AbortController();
    controller.abort(new Error('gave up'));
    await expect(readText(new Response('hello'), controller.signal, { text: '' })).rejects.toThrow('gave up');
  });

  it('reads an answer without a body as empty text', async () => {
    const partial = { text: '' };
    expect(await readText(new Response(null, { status: 204 }), new AbortController().signal, partial)).toBe('');
  });

  it('decodes a character split across chunks', async () => {
    const partial = { text: '' };
    const text = await readText(streamed([0x61, 0xe2, 0x82], [0xac, 0x62]), new AbortController().signal, partial);
    expect(text).toBe('a€b');
    expect(partial.text).toBe('a€b');
  });

  it('accepts a body of exactly the cap and refuses one byte more, keeping what arrived', async () => {
    const signal = new AbortController().signal;
    expect(await readText(streamed([0x61, 0x62], [0x63]), signal, { text: '' }, 3)).toBe('abc');
    const partial = { text: '' };
    await expect(readText(streamed([0x61, 0x62], [0x63, 0x64]), signal, partial, 3)).rejects.toThrow(
      new RangeError('the body is larger than 3 bytes'),
    );
    expect(partial.text).toBe('abcd');
  });

  it('rejects with the reason when the signal aborts a read that waits for more, and cancels the body', async () => {
    const controller = new AbortController();
    let cancelled: unknown;
    // A body that sends one chunk and then nothing, from a fetch that does not watch the signal.
    const body = new ReadableStream<Uint8Array>({
      start(stream) {
        stream.enqueue(new Uint8Array([0x7b]));
      },
      cancel(reason) {
        cancelled = reason;
      },
    });
    const partial = { text: '' };
    const reading = readText(new Response(body), controller.signal, partial);
    await vi.waitFor(() => expect(partial.text).toBe('{'));
    controller.abort(new Error('gave up mid-body'));
    await expect(reading).rejects.toThrow('gave up mid-body');
    expect(cancelled).toEqual(new Error('gave up mid-body'));
  });

  it("rejects with the signal's reason, not the stream's own error, when fetch errors the body on abort", async () => {
    const controller = new AbortController();
    let fail: (error: unknown) => void = () => {};
    const body = new ReadableStream<Uint8Array>({
      start(stream) {
        fail = (error) => stream.error(error);
      },
    });
    // What Node's fetch does to the body of a request whose signal aborts: it errors the stream
    // (its listener was added with the request, so it runs before the reader's).
    controller.signal.addEventListener(
      'abort',
      () => fail(new DOMException('This operation was aborted', 'AbortError')),
      {
        once: true,
      },
    );
    const reading = readText(new Response(body), controller.signal, { text: '' });
    controller.abort(new Error('the caller gave up'));
    await expect(reading).rejects.toThrow('the caller gave up');
  });

  it("passes on a stream's own error when nothing aborted", async () => {
    const body = new ReadableStream<Uint8Array>({
      pull(stream) {
        stream.error(new TypeError('terminated'));
      },
    });
    const partial = { text: '' };
    await expect(readText(new Response(body), new AbortController().signal, partial)).rejects.toThrow(
      new TypeError('terminated'),
    );
  });

  it('lets go of the abort listener once the body is read', async () => {
    const signal = new AbortController().signal;
    const removed = vi.spyOn(signal, 'removeEventListener');
    await readText(new Response('done'), signal, { text: '' });
    expect(removed).toHaveBeenCalledWith('abort', expect.any(Function));
  });
});
