import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../src/index.js';
import { composePrompt, modeFlag } from '../src/provider.js';

describe('composePrompt', () => {
  it('puts image URLs first, then the trimmed text, then --ar, then the flags', () => {
    expect(
      composePrompt({
        prompt: '  a red fox in snow  ',
        imageUrls: ['https://cdn.example.com/1.png', 'https://cdn.example.com/2.png'],
        aspectRatio: '16:9',
        flags: ['--relax', '--v 6'],
      }),
    ).toBe('https://cdn.example.com/1.png https://cdn.example.com/2.png a red fox in snow --ar 16:9 --relax --v 6');
  });

  it('gives the text alone when nothing else is set, with no stray spaces', () => {
    expect(composePrompt({ prompt: ' a red fox ' })).toBe('a red fox');
    expect(composePrompt({ prompt: 'a red fox', imageUrls: [], flags: [] })).toBe('a red fox');
  });

  it('leaves out an empty text instead of leaving a double space', () => {
    expect(composePrompt({ prompt: '   ', imageUrls: ['https://cdn.example.com/1.png'], flags: ['--relax'] })).toBe(
      'https://cdn.example.com/1.png --relax',
    );
  });

  it('adds no --ar when aspectRatio is empty, even if the prompt has one', () => {
    expect(composePrompt({ prompt: 'a fox --ar 2:3', aspectRatio: '' })).toBe('a fox --ar 2:3');
  });

  it.each([
    ['--ar at the end', 'a fox --ar 2:3'],
    ['--aspect', 'a fox --aspect 2:3'],
    ['--ar at the very start', '--ar 2:3 a fox'],
  ])('refuses aspectRatio when the prompt already has %s', (_what, prompt) => {
    let caught: unknown;
    try {
      composePrompt({ prompt, aspectRatio: '16:9' }, 'acedata');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidRequestError);
    const error = caught as InvalidRequestError;
    expect(error.message).toBe('aspectRatio is set and the prompt already has --ar: keep one of them.');
    expect(error.provider).toBe('acedata');
    expect(error.retryable).toBe(false);
  });

  it('does not mistake a word that merely contains --ar for the flag', () => {
    expect(composePrompt({ prompt: 'a fox x--ar', aspectRatio: '1:1' })).toBe('a fox x--ar --ar 1:1');
    expect(composePrompt({ prompt: 'a fox --arc', aspectRatio: '1:1' })).toBe('a fox --arc --ar 1:1');
  });

  it('refuses a flag the prompt already has, naming the flag without its value', () => {
    let caught: unknown;
    try {
      composePrompt({ prompt: 'a fox --v 5', flags: ['--v 6'] }, 'apiframe');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidRequestError);
    const error = caught as InvalidRequestError;
    expect(error.message).toBe('The prompt already has --v; do not set it twice.');
    expect(error.provider).toBe('apiframe');
  });

  it('refuses a flag the prompt has at its very start or separated by a tab', () => {
    expect(() => composePrompt({ prompt: '--relax a fox', flags: ['--relax'] })).toThrow(
      'The prompt already has --relax; do not set it twice.',
    );
    expect(() => composePrompt({ prompt: 'a fox --v\t5', flags: ['--v\t6'] })).toThrow(
      'The prompt already has --v; do not set it twice.',
    );
  });

  it('matches a flag literally, not as a pattern', () => {
    // `.` would match any character as a pattern: `--q.5` must not collide with `--qx5`.
    expect(composePrompt({ prompt: 'a fox --qx5', flags: ['--q.5'] })).toBe('a fox --qx5 --q.5');
    // Unescaped, `(` would make the pattern invalid and throw a SyntaxError instead.
    expect(() => composePrompt({ prompt: 'a fox', flags: ['--tag(1'] })).not.toThrow();
    expect(() => composePrompt({ prompt: 'a fox --tag(1', flags: ['--tag(1'] })).toThrow(InvalidRequestError);
  });

  it('keeps flags that are only a prefix of a prompt flag', () => {
    expect(composePrompt({ prompt: 'a fox --video', flags: ['--v 6'] })).toBe('a fox --video --v 6');
  });

  it('does not change the caller’s flags list', () => {
    const flags = ['--relax'];
    composePrompt({ prompt: 'a fox', aspectRatio: '1:1', flags });
    expect(flags).toEqual(['--relax']);
  });
});

describe('modeFlag', () => {
  it.each([
    ['fast', ['--fast']],
    ['relax', ['--relax']],
    ['turbo', ['--turbo']],
  ] as const)('gives the speed flag for %s', (mode, flags) => {
    expect(modeFlag(mode)).toEqual(flags);
  });

  it('gives no flag when no mode is chosen', () => {
    expect(modeFlag(undefined)).toEqual([]);
  });
});
