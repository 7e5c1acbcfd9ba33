import { describe, expect, it } from 'vitest';
import { ResponseValidationError } from '../src/index.js';
import { readNdjsonLines } from '../src/provider.js';

function bytesOneByOne(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  return new ReadableStream<Uint8Array>({
    start(controller) {
      for (const b of bytes) controller.enqueue(Uint8Array.of(b));
      controller.close();
    },
  });
}

async function collect(lines: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const line of lines) out.push(line);
  return out;
}

describe('readNdjsonLines', () => {
  it('splits across chunk boundaries and multi-byte characters, on CRLF and LF, skipping blank lines', async () => {
    const lines = await collect(readNdjsonLines(bytesOneByOne('{"a":"é"}\r\n\n{"b":2}\n{"c":3}')));
    expect(lines).toEqual(['{"a":"é"}', '{"b":2}', '{"c":3}']);
  });

  it('cancels the body when the consumer leaves early', async () => {
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"a":1}\n{"b":2}\n'));
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const line of readNdjsonLines(body)) {
      expect(line).toBe('{"a":1}');
      break;
    }
    expect(cancelled).toBe(true);
  });

  it('rejects with the abort reason when the signal aborts mid-stream', async () => {
    const controller = new AbortController();
    const body = new ReadableStream<Uint8Array>({
      start(stream) {
        stream.enqueue(new TextEncoder().encode('{"a":1}\n'));
      },
    });
    const lines = readNdjsonLines(body, { signal: controller.signal });
    expect((await lines.next()).value).toBe('{"a":1}');
    const next = lines.next();
    controller.abort(new Error('stop'));
    await expect(next).rejects.toThrow('stop');
  });

  it('refuses a line longer than maxLineLength instead of buffering it', async () => {
    const lines = readNdjsonLines(bytesOneByOne(`{"a":1}\n${'x'.repeat(50)}`), {
      maxLineLength: 20,
      provider: 'acedata',
    });
    expect((await lines.next()).value).toBe('{"a":1}');
    await expect(lines.next()).rejects.toThrow(ResponseValidationError);
  });
});
