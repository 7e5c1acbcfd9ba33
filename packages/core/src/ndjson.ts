import { ResponseValidationError } from './errors.js';
import type { ProviderName } from './job.js';

/** Options of {@link readNdjsonLines}. */
export interface NdjsonReadOptions {
  /** Stops reading (and cancels the body) when it aborts; the generator rejects with its reason. */
  signal?: AbortSignal;
  /**
   * The longest line accepted, in characters; a longer one throws `ResponseValidationError` rather
   * than buffering without end. Default 1 MiB: vendor progress lines are a few KB.
   */
  maxLineLength?: number;
  /** The adapter, for the error's `provider`. */
  provider?: ProviderName;
}

/** Longest ndjson line read by default, characters. */
export const DEFAULT_NDJSON_MAX_LINE_LENGTH = 1024 * 1024;

/**
 * Reads a newline-delimited JSON (`application/x-ndjson`) body line by line, as text: the caller
 * parses and validates each line. Vendors rarely document the separator (AceData's web app split on
 * CRLF), so both CRLF and LF end a line; blank lines are skipped and surrounding whitespace trimmed.
 * Leaving the loop early (a terminal line, a `break`, an error) cancels the download.
 *
 * @example
 * for await (const line of readNdjsonLines(response.body, { signal })) {
 *   const snapshot = v.parse(resultSchema, JSON.parse(line));
 * }
 */
export async function* readNdjsonLines(
  body: ReadableStream<Uint8Array>,
  options: NdjsonReadOptions = {},
): AsyncGenerator<string> {
  const { signal, provider } = options;
  const maxLineLength = options.maxLineLength ?? DEFAULT_NDJSON_MAX_LINE_LENGTH;
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const onAbort = () => {
    reader.cancel(signal?.reason).catch(() => {});
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    while (true) {
      if (signal?.aborted) throw signal.reason;
      const { done, value } = await reader.read();
      if (signal?.aborted) throw signal.reason;
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
      let newline = buffer.indexOf('\n');
      while (newline >= 0) {
        const line = buffer.slice(0, newline).replace(/\r$/, '').trim();
        buffer = buffer.slice(newline + 1);
        // One chunk can hold many lines: an abort while the consumer handled the last one ends them too.
        if (signal?.aborted) throw signal.reason;
        if (line) yield line;
        newline = buffer.indexOf('\n');
      }
      if (buffer.length > maxLineLength) {
        throw new ResponseValidationError(
          `The ndjson stream sent a line longer than ${maxLineLength} characters; progress lines are a few KB.`,
          { provider },
        );
      }
      if (done) break;
    }
    const rest = buffer.trim();
    if (rest) yield rest;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    // Stops the download when the consumer leaves early (a terminal line, a break, an error).
    reader.cancel().catch(() => {});
  }
}
