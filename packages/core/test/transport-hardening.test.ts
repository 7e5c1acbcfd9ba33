import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidRequestError, MjGateError } from '../src/index.js';
import { HttpTransport, vendorMessage } from '../src/provider.js';

const KEY = 'sk-live-HARDEN-0987654321';
const created = v.object({ messageId: v.string() });

/** A loopback server whose handler each test sets: real sockets, so resets and cut bodies are real. */
let server: Server;
let base: string;
let handle: (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void;

beforeAll(async () => {
  server = createServer((req, res) => handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/vendor`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function transport(extra: Partial<ConstructorParameters<typeof HttpTransport>[0]> = {}) {
  return new HttpTransport({
    provider: 'acme',
    baseUrl: base,
    authHeaders: { authorization: `Bearer ${KEY}` },
    secrets: [KEY],
    maxRetries: 2,
    backoff: { baseMs: 1, maxMs: 1 },
    ...extra,
  });
}

/** Everything a user could print of an error. */
function everything(error: unknown): string {
  return [String(error), JSON.stringify(error), inspect(error, { depth: 10 }), (error as Error).message].join('\n');
}

async function caught(promise: Promise<unknown>): Promise<MjGateError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!MjGateError.isInstance(error)) throw new Error(`expected an MjGateError, got ${inspect(error)}`);
  return error;
}

describe('redirects are not followed', () => {
  for (const status of [301, 302, 307, 308]) {
    it(`a ${status} on a submission is a typed error naming the target's origin; nothing is re-sent`, async () => {
      const seen: string[] = [];
      handle = (req, res) => {
        seen.push(`${req.method} ${req.url}`);
        res.writeHead(status, { location: 'https://elsewhere.example:8443/steal?token=abc' }).end();
      };
      const error = await caught(
        transport().request({
          method: 'POST',
          path: '/imagine',
          body: { webhook_secret: 'whsec-x' },
          call: 'submit',
          schema: created,
        }),
      );
      expect(error.code).toBe('provider_unavailable');
      expect(error.status).toBe(status);
      expect(error.message).toContain('https://elsewhere.example:8443');
      expect(error.message).not.toContain('token=abc');
      expect(error.message).toMatch(/follows no redirect/);
      // Not a job the vendor may have: a redirect says the request was not processed here.
      expect(error.mayHaveCreatedJob).toBe(false);
      expect(seen).toEqual(['POST /vendor/imagine']);
    });
  }

  it('a 303 on a submission may have created the job', async () => {
    handle = (_req, res) => res.writeHead(303, { location: '/vendor/result/1' }).end();
    const error = await caught(
      transport().request({ method: 'POST', path: '/imagine', body: {}, call: 'submit', schema: created }),
    );
    expect(error.mayHaveCreatedJob).toBe(true);
    expect(error.submission).toMatchObject({ provider: 'acme' });
  });
});

describe('a 2xx body that breaks off', () => {
  function cutAfter(text: string) {
    handle = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(text.length + 200) });
      res.write(text);
      // Headers sent, part of the body sent, then the connection dies.
      setImmediate(() => res.socket?.destroy());
    };
  }

  it('on a submission is ambiguous, not retried, and salvages the job id that arrived', async () => {
    let calls = 0;
    cutAfter('{"success":true,"messageId":"msg-42","createdAt":"2026-');
    const wrapped = handle;
    handle = (req, res) => {
      calls += 1;
      wrapped(req, res);
    };
    const error = await caught(
      transport().request({
        method: 'POST',
        path: '/imagine',
        body: {},
        call: 'submit',
        schema: created,
        jobIdField: 'messageId',
      }),
    );
    expect(error.code).toBe('provider_unavailable');
    expect(error.mayHaveCreatedJob).toBe(true);
    expect(error.retryable).toBe(false);
    expect(error.submission).toMatchObject({ provider: 'acme', providerJobId: 'msg-42' });
    expect(error.message).toContain('msg-42');
    expect(calls).toBe(1);
    expect(everything(error)).not.toContain(KEY);
  });

  it('on a read is retried', async () => {
    let calls = 0;
    handle = (_req, res) => {
      calls += 1;
      if (calls === 1) {
        res.writeHead(200, { 'content-length': '100' });
        res.write('{"messageId":');
        setImmediate(() => res.socket?.destroy());
      } else {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"messageId":"m1"}');
      }
    };
    const result = await transport().request({ method: 'GET', path: '/fetch/m1', call: 'read', schema: created });
    expect(result.data.messageId).toBe('m1');
    expect(calls).toBe(2);
  });

  it('a truncated but readable JSON prefix on a submission still names the job', async () => {
    handle = (_req, res) => res.writeHead(200).end('{"task_id": "t-77", "status": ');
    const error = await caught(
      transport().request({
        method: 'POST',
        path: '/imagine',
        body: {},
        call: 'submit',
        schema: v.object({ task_id: v.string() }),
        jobIdField: 'task_id',
      }),
    );
    expect(error.code).toBe('bad_response');
    expect(error.mayHaveCreatedJob).toBe(true);
    expect(error.submission?.providerJobId).toBe('t-77');
  });

  it('a body past the size limit is refused without being read to its end', async () => {
    let written = 0;
    handle = (_req, res) => {
      res.writeHead(200);
      const chunk = Buffer.alloc(64 * 1024, 'a');
      const pump = () => {
        while (written < 64 * 1024 * 1024) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('close', () => {});
      pump();
    };
    const error = await caught(
      transport({ maxRetries: 0 }).request({ method: 'GET', path: '/big', call: 'read', schema: created }),
    );
    expect(error.message).toMatch(/larger than/);
    expect(written).toBeLessThan(64 * 1024 * 1024);
  });
});

describe('failures before anything was sent', () => {
  it('a port fetch refuses to use is "nothing was submitted", retryable even for a submission', async () => {
    const t = new HttpTransport({
      provider: 'acme',
      baseUrl: 'http://127.0.0.1:6000',
      authHeaders: { authorization: `Bearer ${KEY}` },
      secrets: [KEY],
      maxRetries: 0,
    });
    const error = await caught(
      t.request({ method: 'POST', path: '/imagine', body: {}, call: 'submit', schema: created }),
    );
    expect(error.mayHaveCreatedJob).toBe(false);
    expect(error.message).toMatch(/nothing was submitted/);
    expect(error.retryable).toBe(true);
    expect(everything(error)).not.toContain(KEY);
  });

  it('a baseUrl that is not an absolute http(s) URL is refused when the client is made', () => {
    for (const baseUrl of ['api.example.com', 'ftp://x.example', 'javascript:alert(1)', 'https://u:p@x.example', '']) {
      expect(() => new HttpTransport({ provider: 'acme', baseUrl, authHeaders: {} }), baseUrl).toThrow(
        InvalidRequestError,
      );
    }
  });

  it('a reset keeps a plain cause: no Request, no headers, no key anywhere', async () => {
    handle = (req) => req.socket.destroy();
    const error = await caught(
      transport({ maxRetries: 0 }).request({
        method: 'POST',
        path: '/imagine',
        body: {},
        call: 'submit',
        schema: created,
      }),
    );
    expect(error.mayHaveCreatedJob).toBe(true);
    expect(error.cause).not.toBeInstanceOf(Error);
    expect(Object.keys(error.cause as object).sort()).toEqual(expect.arrayContaining(['message', 'name']));
    expect(everything(error)).not.toContain(KEY);
    expect(everything(error)).not.toMatch(/authorization/i);
  });
});

describe('vendorMessage survives any JSON', () => {
  it('reads the usual shapes', () => {
    expect(vendorMessage({ error: { message: 'bad key.' } })).toBe('bad key');
    expect(vendorMessage({ message: ['a', 'b'] })).toBe('a; b');
    expect(vendorMessage({ errors: [{ msg: 'x' }, 'y'] })).toBe('x; y');
    expect(vendorMessage({ detail: 'nope' })).toBe('nope');
  });

  it('never throws on hostile bodies', () => {
    let deep: unknown = { message: 'deep' };
    for (let i = 0; i < 5_000; i++) deep = { error: deep, errors: [deep] };
    const hostile: unknown[] = [
      { toString: null },
      { errors: [{ toString: null }, null, 5, { msg: { toString: null } }] },
      { error: { message: 12 } },
      { message: [null, { toString: null }] },
      JSON.parse('{"__proto__": {"message": "polluted"}}'),
      Object.create(null),
      [1, 2, 3],
      deep,
      'x'.repeat(100_000),
    ];
    for (const body of hostile) {
      expect(() => vendorMessage(body, 'fallback')).not.toThrow();
      expect(vendorMessage(body, 'fallback').length).toBeLessThanOrEqual(500);
    }
    expect(vendorMessage(JSON.parse('{"__proto__": {"message": "polluted"}}'), 'fallback')).toBe('fallback');
  });
});

describe('answers nested too deep to store', () => {
  it('a body nested thousands of levels deep is bad_response, not a Job that cannot be stringified', async () => {
    handle = (_req, res) => {
      const deep = `${'['.repeat(5_000)}${']'.repeat(5_000)}`;
      res.writeHead(200, { 'content-type': 'application/json' }).end(`{"messageId":"m1","extra":${deep}}`);
    };
    const error = await caught(
      transport({ maxRetries: 0 }).request({ method: 'GET', path: '/fetch/m1', call: 'read', schema: created }),
    );
    expect(error.code).toBe('bad_response');
    expect(error.message).toMatch(/nested more than 64 levels/);
  });

  it('an ordinary vendor answer passes', async () => {
    handle = (_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"messageId":"m1","a":{"b":[{"c":[1]}]}}');
    const result = await transport().request({ method: 'GET', path: '/fetch/m1', call: 'read', schema: created });
    expect(result.data.messageId).toBe('m1');
  });
});
