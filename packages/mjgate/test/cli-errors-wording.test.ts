import { AuthenticationError, emptyJob, InvalidRequestError, ProviderError } from '@mjgate/core';
import { describe, expect, it } from 'vitest';
import { cliMessage, Interrupted, vendorOfId } from '../src/cli/errors.js';

// What a person at the CLI reads: the library's advice reworded for flags, commands and variables.

const job = emptyJob({ provider: 'imaginepro', providerJobId: 'j-1', operation: 'imagine', status: 'running' });

describe('Ctrl-C during a wait', () => {
  it('on the built-in simulator says nothing was billed and there is nothing to resume', () => {
    const error = new Interrupted(job, true);
    expect(error.message).toBe(
      'Interrupted. Job imaginepro:j-1 ran on the built-in simulator, which stops with this command; nothing was billed.',
    );
    expect(cliMessage(error)).toBe(error.message);
  });

  it('at a real vendor says how to resume', () => {
    expect(cliMessage(new Interrupted(job, false))).toBe(
      'Interrupted. Job imaginepro:j-1 is still running at imaginepro (and may be billed). Resume with:\n  mjgate wait imaginepro:j-1',
    );
  });
});

describe('variables named in advice', () => {
  it('a vendor mjgate does not ship, or none, gets the generic variable names', () => {
    const custom = { provider: 'myvendor' };
    expect(cliMessage(new InvalidRequestError('Could not connect. Check baseURL and the network.', custom))).toBe(
      'Could not connect. Check <VENDOR>_BASE_URL and the network.',
    );
    expect(cliMessage(new InvalidRequestError('Could not connect. Check baseUrl and the network.'))).toBe(
      'Could not connect. Check <VENDOR>_BASE_URL and the network.',
    );
    expect(cliMessage(new InvalidRequestError('baseURL for myvendor must be https.', custom))).toBe(
      '<VENDOR>_BASE_URL for myvendor must be https.',
    );
    expect(cliMessage(new AuthenticationError('Key refused: pass the key as apiKey.', custom))).toBe(
      'Key refused: set the key in <VENDOR>_API_KEY.',
    );
    expect(cliMessage(new AuthenticationError('Key refused: pass the key as apiKey.'))).toBe(
      'Key refused: set the key in <VENDOR>_API_KEY.',
    );
  });

  it('a built-in vendor gets its own variables', () => {
    expect(cliMessage(new AuthenticationError('Key refused: pass the key as apiKey.', { provider: 'acedata' }))).toBe(
      'Key refused: set the key in ACEDATA_API_KEY.',
    );
  });
});

describe('library calls reworded as commands', () => {
  it.each([
    [
      'No acedata API key: pass providers.acedata.apiKey or set ACEDATA_API_KEY.',
      'No acedata API key: set ACEDATA_API_KEY.',
    ],
    ['The job may still finish: call wait() again with its id.', 'The job may still finish: run `mjgate wait <id>`.'],
    ['Look it up with wait() or get() later.', 'Look it up with `mjgate wait <id>` or `mjgate status <id>` later.'],
    ['The prompt was refused; client.promptCheck() tests a prompt for free.', 'The prompt was refused.'],
  ])('%s', (message, expected) => {
    expect(cliMessage(new ProviderError(message, { provider: 'acedata' }))).toBe(expected);
  });
});

describe('errors that are not mjgate’s', () => {
  it('are shown as they are, even when their words look like library advice', () => {
    expect(cliMessage(new Error('pass { apiKey } or set X'))).toBe('pass { apiKey } or set X');
    expect(cliMessage('a thrown string')).toBe('a thrown string');
    expect(cliMessage(42)).toBe('42');
  });
});

describe('vendorOfId', () => {
  it('names a built-in vendor from a job id, and nothing for another vendor or a malformed id', () => {
    expect(vendorOfId('imaginepro:j-1')).toBe('imaginepro');
    expect(vendorOfId('apiframe:abc')).toBe('apiframe');
    expect(vendorOfId('myvendor:j-1')).toBeUndefined();
    expect(vendorOfId('no-colon')).toBeUndefined();
    expect(vendorOfId(':j-1')).toBeUndefined();
  });
});
