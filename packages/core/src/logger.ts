import { InvalidRequestError } from './errors.js';
import { readEnv } from './options.js';
import type { Logger } from './types.js';

/**
 * How much a client logs, from the most to the least: `'debug'` (every request, response and
 * retry), `'info'`, `'warn'` (retries, fallbacks, suspicious settings), `'error'`, `'silent'`.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

/** The levels, from the most verbose to none. */
export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];

/** The environment variable that sets the log level without code changes, e.g. `MJGATE_LOG=debug`. */
export const LOG_LEVEL_ENV = 'MJGATE_LOG';

const METHODS = ['debug', 'info', 'warn', 'error'] as const;

function checkedLevel(value: string, source: string): LogLevel {
  const level = value.trim().toLowerCase();
  if ((LOG_LEVELS as readonly string[]).includes(level)) return level as LogLevel;
  throw new InvalidRequestError(
    `${source} must be one of ${LOG_LEVELS.join(', ')}; got ${JSON.stringify(value.slice(0, 40))}. Fix or unset it.`,
  );
}

/**
 * `logger` keeping only the lines at `level` or above: the methods below it are absent, so a caller
 * that checks `logger.debug` first skips building a line nobody reads. `undefined` for `'silent'`.
 */
export function filterLogger(logger: Logger, level: LogLevel): Logger | undefined {
  const from = LOG_LEVELS.indexOf(level);
  const kept: Logger = {};
  for (const method of METHODS) {
    const write = logger[method];
    // Bound, so `console` (whose methods may rely on `this`) works as a logger.
    if (LOG_LEVELS.indexOf(method) >= from && typeof write === 'function') kept[method] = write.bind(logger);
  }
  return Object.keys(kept).length ? kept : undefined;
}

/**
 * The logger a client writes to. The level is `logLevel`, else `MJGATE_LOG`, else `'debug'` for a
 * logger you pass (it receives every line, as it always has) and `'silent'` without one: a library
 * does not write to your console unless asked. `MJGATE_LOG` with no `logger` logs to `console`.
 */
export function resolveLogger(options: { logger?: Logger; logLevel?: LogLevel }): Logger | undefined {
  const fromEnv = readEnv(LOG_LEVEL_ENV);
  const level =
    options.logLevel !== undefined
      ? checkedLevel(String(options.logLevel), 'logLevel')
      : fromEnv !== undefined
        ? checkedLevel(fromEnv, LOG_LEVEL_ENV)
        : options.logger
          ? 'debug'
          : 'silent';
  const logger = options.logger ?? (globalThis as { console?: Logger }).console;
  return logger ? filterLogger(logger, level) : undefined;
}
