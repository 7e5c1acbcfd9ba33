import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { HttpTransport } from '../src/provider.js';

// Which request headers a debug log line hides: any whose name ends like a credential header's,
// whatever its case; every other header, including one whose name merely starts like one, is shown.

describe('request headers in the debug log', () => {
  it('hides credential headers by how their names end and shows the rest', async () => {
    const lines: Array<{ message: string; data?: Record<string, unknown> }> = [];
    const transport = new HttpTransport({
      provider: 'acme',
      baseUrl: 'https://vendor.test/api',
      authHeaders: { authorization: 'Bearer sk-test-secret' },
      maxRetries: 0,
      fetch: async () => Response.json({ id: 'job-1' }),
      logger: { debug: (message, data) => lines.push({ message, data }) },
    });
    await transport.request(
      { method: 'GET', path: '/job/1', call: 'read', schema: v.object({ id: v.string() }) },
      {
        headers: {
          'X-Api-Key': 'other-secret',
          Cookie: 'session=abc',
          'Proxy-Authorization': 'Basic proxy-secret',
          'x-goog-api-key': 'goog-secret',
          'x-apikey': 'plain-secret',
          'mj-api-secret': 'relay-secret',
          'X-Auth-Token': 'token-secret',
          'x-password': 'pass-secret',
          'x-token-type': 'bearer',
          'api-key-version': '2',
          'x-api-key-id': 'key-7',
          'cookie-policy': 'strict',
        },
      },
    );
    const sent = lines.find((line) => line.message.startsWith('→ GET'))?.data?.headers as Record<string, string>;
    expect(sent).toMatchObject({
      authorization: '[redacted]',
      'X-Api-Key': '[redacted]',
      Cookie: '[redacted]',
      'Proxy-Authorization': '[redacted]',
      'x-goog-api-key': '[redacted]',
      'x-apikey': '[redacted]',
      'mj-api-secret': '[redacted]',
      'X-Auth-Token': '[redacted]',
      'x-password': '[redacted]',
      'x-token-type': 'bearer',
      'api-key-version': '2',
      'x-api-key-id': 'key-7',
      'cookie-policy': 'strict',
    });
    expect(JSON.stringify(lines)).not.toMatch(
      /sk-test-secret|other-secret|session=abc|(proxy|goog|plain|relay|token|pass)-secret/,
    );
  });
});
