import { describe, expect, it } from 'vitest';
import { InvalidRequestError, type Logger, type LogLevel } from '../src/index.js';
import { resolveLogger } from '../src/provider.js';

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
