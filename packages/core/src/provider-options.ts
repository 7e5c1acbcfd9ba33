import type { GenericSchema } from 'valibot';
import { InvalidRequestError } from './errors.js';
import type { ProviderName } from './job.js';
import { validateInput } from './schemas.js';

/**
 * Validates a call's `providerOptions` (the vendor-specific pass-through of `imagine`, `act`,
 * `video`, …) against the adapter's valibot `schema`, before any request is sent.
 *
 * - A missing value is read as `{}`, so the schema's own defaults and checks still apply.
 * - A key the schema does not name is refused, even when the schema is a plain `v.object` (which
 *   would drop it silently): an option the vendor never receives must not look accepted. A key
 *   whose value is `undefined` is no option and is left out.
 * - Errors are `InvalidRequestError`s worded `Invalid <what> providerOptions input: …`, naming the
 *   key and, for an unknown one, the keys that are accepted.
 *
 * @param schema the options the adapter's endpoint understands (usually a `v.strictObject`)
 * @param value `input.providerOptions` as the caller passed it
 * @param what the call, as the message should name it (`'imagine'`, `"'upscale-2' action"`)
 * @param provider the adapter, for the error's `provider`
 * @example
 * const extra = parseProviderOptions(imagineOptionsSchema, input.providerOptions, 'imagine', 'acedata');
 */
export function parseProviderOptions<T>(
  schema: GenericSchema<unknown, T>,
  value: unknown,
  what: string,
  provider?: ProviderName,
): T {
  const label = `${what} providerOptions`;
  const given = value ?? {};
  if (!isRecord(given)) return validateInput(schema, given, label, provider);
  const known = entriesOf(schema);
  const options: Record<string, unknown> = {};
  for (const [key, option] of Object.entries(given)) {
    if (option === undefined) continue;
    if (known && !Object.hasOwn(known, key)) {
      const accepted = Object.keys(known);
      throw new InvalidRequestError(
        `Invalid ${label} input: \`${key}\` is not an option here (${accepted.length ? `accepted: ${accepted.join(', ')}` : 'none are accepted'}).`,
        { provider },
      );
    }
    options[key] = option;
  }
  return validateInput(schema, options, label, provider);
}

/** The keys an object schema names (valibot's `pipe` keeps its first schema's `entries`). */
function entriesOf(schema: unknown): Record<string, unknown> | undefined {
  const entries = (schema as { entries?: unknown }).entries;
  return isRecord(entries) ? entries : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
