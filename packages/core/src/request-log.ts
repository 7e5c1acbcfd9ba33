// What a debug log line may show of a request: no credential header, no payload dump.

// By how a header's name ends, not by a list of exact names: a per-call header such as
// `Proxy-Authorization`, `x-goog-api-key`, mj-proxy's `mj-api-secret` or `X-Auth-Token` carries a
// credential too, and hiding a harmless header costs less than printing a key.
const SENSITIVE_HEADERS = /(authorization|api-?key|secret|token|cookie|password)$/i;

const LOG_STRING_MAX = 200;

/** Long strings (base64 masks, uploads) cut short in log data: a log line is not a payload dump. */
export function shorten(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') {
    return value.length > LOG_STRING_MAX ? `${value.slice(0, LOG_STRING_MAX)}… (${value.length} chars)` : value;
  }
  if (depth > 16 && value && typeof value === 'object') return '[…]';
  if (Array.isArray(value)) return value.map((item) => shorten(item, depth + 1));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shorten(v, depth + 1)]));
  }
  return value;
}

export function redactHeaders(data: Record<string, unknown>): Record<string, unknown> {
  const headers = data.headers as Record<string, string> | undefined;
  if (!headers) return data;
  return {
    ...data,
    headers: Object.fromEntries(
      Object.entries(headers).map(([k, val]) => [k, SENSITIVE_HEADERS.test(k) ? '[redacted]' : val]),
    ),
  };
}
