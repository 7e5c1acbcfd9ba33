import { describe, expect, it } from 'vitest';
import { saysVendor } from '../src/provider.js';

describe('vendor wording, one table for every adapter', () => {
  it('reads each vendor’s moderation texts alike', () => {
    for (const text of [
      'Banned prompt detected: "gore". Sorry! Our AI moderators feel your prompt might be against our community standards.',
      'Banned prompt: the word "gore" is not allowed by the Midjourney community guidelines.',
      'Sorry! Our Al moderators feel your prompt might be against our community standards.',
      'NSFW content',
      'This violates our content policy',
    ]) {
      expect(saysVendor('moderation', text), text).toBe(true);
    }
    expect(saysVendor('moderation', 'a bandana on a fox')).toBe(false);
  });

  it('tells credits and full queues apart from other refusals', () => {
    expect(saysVendor('credits', 'Insufficient credits, please top up')).toBe(true);
    expect(saysVendor('credits', 'invalid api key')).toBe(false);
    expect(saysVendor('credits', 'Insufficient permissions for this key')).toBe(false);
    expect(saysVendor('credits', 'Please recharge your account')).toBe(true);
    expect(saysVendor('queue', 'Your job queue is full')).toBe(true);
    expect(saysVendor('queue', 'Forbidden')).toBe(false);
    expect(saysVendor('queue', undefined)).toBe(false);
  });
});
