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
});
