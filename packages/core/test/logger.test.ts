import { afterEach, describe, expect, it, vi } from 'vitest';
import { InvalidRequestError, type Logger, type LogLevel } from '../src/index.js';
import { filterLogger, resolveLogger } from '../src/provider.js';

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

function recorder() {
  const lines: string[] = [];
  const logger: Required<Logger> = {
    debug: (message) => void lines.push(`debug ${message}`),
    info: (message) => void lines.push(`info ${message}`),
    warn: (message) => void lines.push(`warn ${message}`),
    error: (message) => void lines.push(`error ${message}`),
  };
  return { lines, logger };
}

function writeAll(logger: Logger | undefined) {
  logger?.debug?.('d');
  logger?.info?.('i');
  logger?.warn?.('w');
  logger?.error?.('e');
}

describe('log levels', () => {
  it('a level keeps its own lines and the more severe ones; silent keeps none', () => {
    const expected = {
      debug: ['debug d', 'info i', 'warn w', 'error e'],
      info: ['info i', 'warn w', 'error e'],
      warn: ['warn w', 'error e'],
      error: ['error e'],
    } as const;
    for (const [level, lines] of Object.entries(expected)) {
      const { lines: seen, logger } = recorder();
      writeAll(filterLogger(logger, level as keyof typeof expected));
      expect(seen, level).toEqual(lines);
    }
    expect(filterLogger(recorder().logger, 'silent')).toBeUndefined();
  });

  it('a filtered-out level is absent, so callers that check for it build no line', () => {
    const filtered = filterLogger(recorder().logger, 'warn');
    expect(filtered?.debug).toBeUndefined();
    expect(filtered?.warn).toBeTypeOf('function');
  });

  it('a logger you pass gets every line unless logLevel or MJGATE_LOG says otherwise', () => {
    vi.stubEnv('MJGATE_LOG', '');
    const all = recorder();
    writeAll(resolveLogger({ logger: all.logger }));
    expect(all.lines).toHaveLength(4);

    const option = recorder();
    writeAll(resolveLogger({ logger: option.logger, logLevel: 'error' }));
    expect(option.lines).toEqual(['error e']);

    vi.stubEnv('MJGATE_LOG', 'warn');
    const env = recorder();
    writeAll(resolveLogger({ logger: env.logger }));
    expect(env.lines).toEqual(['warn w', 'error e']);
    // The option wins over the environment.
    const both = recorder();
    writeAll(resolveLogger({ logger: both.logger, logLevel: 'debug' }));
    expect(both.lines).toHaveLength(4);
  });

  it('with no logger nothing is logged, until MJGATE_LOG turns console logging on', () => {
    vi.stubEnv('MJGATE_LOG', '');
    expect(resolveLogger({})).toBeUndefined();
    const debug = vi.spyOn(console, 'debug').mockImplementation(() => {});
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    vi.stubEnv('MJGATE_LOG', 'DEBUG ');
    const logger = resolveLogger({});
    logger?.debug?.('request GET /x');
    logger?.warn?.('retry');
    expect(debug).toHaveBeenCalledWith('request GET /x');
    expect(warn).toHaveBeenCalledWith('retry');
    vi.stubEnv('MJGATE_LOG', 'silent');
    expect(resolveLogger({})).toBeUndefined();
  });

  it('an unknown level is a configuration error naming the values', () => {
    vi.stubEnv('MJGATE_LOG', 'verbose');
    expect(() => resolveLogger({})).toThrow(InvalidRequestError);
    expect(() => resolveLogger({})).toThrow(
      /MJGATE_LOG must be one of debug, info, warn, error, silent; got "verbose"/,
    );
    // @ts-expect-error: not a level
    expect(() => resolveLogger({ logLevel: 'loud' })).toThrow(/logLevel must be one of/);
  });
});

describe('the logLevel option', () => {
  it('reads a level written with padding or capitals', () => {
    const { lines, logger } = recorder();
    const kept = resolveLogger({ logger, logLevel: ' WARN ' as LogLevel });
    expect(Object.keys(kept ?? {})).toEqual(['warn', 'error']);
    kept?.warn?.('slow down');
    expect(lines).toEqual(['warn slow down']);
  });

  it('quotes at most 40 characters of a level it does not know', () => {
    const level = `loud${'!'.repeat(100)}`;
    let caught: unknown;
    try {
      resolveLogger({ logLevel: level as LogLevel });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidRequestError);
    expect((caught as Error).message).toBe(
      `logLevel must be one of debug, info, warn, error, silent; got "loud${'!'.repeat(36)}". Fix or unset it.`,
    );
  });
});

describe('a logger with only some methods', () => {
  it('keeps the methods it has and leaves out the others', () => {
    const lines: string[] = [];
    const logger: Logger = { error: (message) => void lines.push(message) };
    const kept = resolveLogger({ logger, logLevel: 'debug' });
    expect(Object.keys(kept ?? {})).toEqual(['error']);
    kept?.error?.('failed');
    expect(lines).toEqual(['failed']);
  });
});
