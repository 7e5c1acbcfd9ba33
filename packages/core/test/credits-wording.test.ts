import { describe, expect, it } from 'vitest';
import { saysVendor } from '../src/provider.js';

// The balance wordings vendors use instead of a code, each read as "out of credits".

describe('credits wording', () => {
  it.each([
    'Not enough credits',
    'Your credit is too low',
    'Insufficient balance',
    'Please top up your account',
    'Please top-up your account',
    'Please topup your account',
    'Monthly quota exceeded',
    'insufficient funds',
    'Please recharge',
    // A field name glued to the word: only the "insufficient credit…" wording catches it.
    'Insufficient credit_balance for this task',
  ])('%s says credits', (text) => {
    expect(saysVendor('credits', text)).toBe(true);
  });

  it.each(['insufficient permissions', 'stop, upload again', 'tops up', 'credited'])(
    '%s does not say credits',
    (text) => {
      expect(saysVendor('credits', text)).toBe(false);
    },
  );
});
