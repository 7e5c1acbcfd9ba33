// `providerOptions.version` on an imagine (§3.1, §15.10): AceData's web app writes the version into
// the prompt as `--v N`, so the client does too, unless the prompt already names a version, in either
// of Midjourney's spellings (`--v` or `--version`).
import { describe, expect, it, vi } from 'vitest';
import { client } from './helpers.js';

/** The prompt AceData gets for an imagine of `prompt` with `version`. */
async function sentPrompt(prompt: string, version: string): Promise<unknown> {
  const bodies: Array<Record<string, unknown>> = [];
  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    bodies.push((await new Request(input, init).json()) as Record<string, unknown>);
    return Response.json({ success: true, task_id: '49589d2c-8a62-4d3c-9f2c-7b1c5e2a9d10' });
  });
  await client({ fetch: fetch as unknown as typeof globalThis.fetch }).imagine({
    prompt,
    providerOptions: { version },
  });
  return bodies[0]?.prompt;
}

describe('the version in the prompt', () => {
  it('adds --v N to a prompt that names no version', async () => {
    expect(await sentPrompt('a red fox', '7')).toBe('a red fox --v 7');
  });

  it('leaves a prompt that names its version with --version as it is', async () => {
    expect(await sentPrompt('a red fox --version 6', '7')).toBe('a red fox --version 6');
    expect(await sentPrompt('a red fox --version 6 --ar 3:2', '7')).toBe('a red fox --version 6 --ar 3:2');
  });

  it('leaves a prompt that names its version with --v as it is', async () => {
    expect(await sentPrompt('a red fox --v 6', '7')).toBe('a red fox --v 6');
  });

  it('a version word that is not the flag does not count', async () => {
    expect(await sentPrompt('a red fox --versions', '7')).toBe('a red fox --versions --v 7');
  });
});
