import { describe, expect, it } from 'vitest';
import { promptMatches } from '../src/provider.js';

// What a vendor may list in front of a prompt and still be that prompt: image URLs (http or https,
// bare or in Discord's <…>), nothing else.

describe('image prompts in front of a listed prompt', () => {
  it.each([
    'https://cdn.example/1.png a fox',
    'http://cdn.example/1.png a fox',
    'HTTPS://CDN.EXAMPLE/1.PNG a fox',
    '<https://cdn.example/1.png> a fox',
    'https://cdn.example/1.png <https://cdn.example/2.png> a fox --ar 16:9',
    'https://c a fox',
  ])('%s matches "a fox"', (listed) => {
    expect(promptMatches('a fox', listed)).toBe(true);
  });

  it.each([
    'xhttps://cdn.example/1.png a fox',
    'ftp://cdn.example/1.png a fox',
    'https:// a fox',
    'https://cdn.example/1.png and a fox',
    'image a fox',
  ])('%s does not match "a fox"', (listed) => {
    expect(promptMatches('a fox', listed)).toBe(false);
  });
});
