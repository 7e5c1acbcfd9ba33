// Reading a vendor's answer body without trusting it: chunk by chunk with a size cap, keeping what
// arrived when the stream breaks, with nesting bounded and a job id salvaged from a cut answer.

/** Largest answer body read, in bytes: vendor answers are a few KB; a bigger one is not a vendor's. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** Deepest JSON accepted: vendor answers nest a few levels; `JSON.stringify` of thousands overflows. */
export const MAX_JSON_DEPTH = 64;

/** Whether `value` nests arrays or objects deeper than `max`; iterative, so depth cannot overflow it. */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  const stack: Array<{ item: unknown; depth: number }> = [{ item: value, depth: 0 }];
  while (stack.length > 0) {
    const { item, depth } = stack.pop()!;
    if (!item || typeof item !== 'object') continue;
    if (depth >= max) return true;
    for (const entry of Object.values(item)) {
      if (entry && typeof entry === 'object') stack.push({ item: entry, depth: depth + 1 });
    }
  }
  return false;
}

/**
 * Whether a JSON text has more than `max` opening brackets: a text with fewer cannot nest deeper
 * than `max`, so the walk of {@link nestedDeeperThan} is skipped for almost every vendor answer.
 */
export function bracketsExceed(text: string, max: number): boolean {
  let count = 0;
  for (let at = 0; at < text.length; at++) {
    const code = text.charCodeAt(at);
    // `{` and `[`
    if ((code === 123 || code === 91) && ++count > max) return true;
  }
  return false;
}

/** Largest error (non-2xx) body read: enough for any vendor's message. */
export const ERROR_BODY_MAX_BYTES = 64 * 1024;

/** The value of `"field": "…"` (or a number) in a JSON text that may be cut short. */
export function salvageField(text: string, field: string): string | undefined {
  const name = field.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`"${name}"\\s*:\\s*(?:"([A-Za-z0-9._:-]{1,200})"|(\\d{1,40})[,}\\s])`).exec(text);
  return match?.[1] ?? match?.[2];
}

/** `TextDecoder.decode` options for a chunk that may end inside a character. */
const STREAM = { stream: true } as const;

/**
 * The body as text, read chunk by chunk so that `partial.text` holds what arrived if the stream
 * breaks, and so that a body past `maxBytes` is refused without being read to its end. Rejects when
 * `signal` aborts, even with a custom fetch that ignores it.
 */
export async function readText(
  response: Response,
  signal: AbortSignal,
  partial: { text: string },
  maxBytes = MAX_BODY_BYTES,
): Promise<string> {
  if (signal.aborted) throw signal.reason;
  const body = response.body;
  if (!body) return '';
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let bytes = 0;
  // An abort cancels the reader, which ends a pending read at once (a custom fetch may ignore the
  // signal): one listener for the whole body, not a race per chunk (issue 13: garbage of every read).
  const onAbort = () => {
    reader.cancel(signal.reason).catch(() => {});
  };
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    while (true) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (error) {
        // fetch errors its own body stream when the signal aborts: the caller gets the signal's reason.
        throw signal.aborted ? signal.reason : error;
      }
      if (signal.aborted) throw signal.reason;
      const { done, value } = chunk;
      if (done) break;
      bytes += value.byteLength;
      partial.text += decoder.decode(value, STREAM);
      if (bytes > maxBytes) throw new RangeError(`the body is larger than ${maxBytes} bytes`);
    }
    partial.text += decoder.decode();
    return partial.text;
  } finally {
    signal.removeEventListener('abort', onAbort);
    reader.cancel().catch(() => {});
  }
}
