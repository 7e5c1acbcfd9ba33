import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { aceDataRoutes } from './acedata';
import { apiFrameRoutes } from './apiframe';
import { DEFAULT_SPEED, type SimulatorClock } from './clock';
import { json, type Reply, type RequestContext, type RouteDef, SimState, type VendorModule } from './context';
import type { ActiveFault, FaultRule, Faults } from './faults';
import { jobFile } from './files';
import { imagineProRoutes } from './imaginepro';
import type { Ledger } from './ledger';
import { type MjProxyOptions, mjProxyRoutes } from './mjproxy';
import type { RequestFilter, RequestRecord, RouteCategory, SimulatorStats, Vendor } from './types';

/** Options for {@link startSimulator}. */
export interface SimulatorOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to bind; defaults to `127.0.0.1` so nothing outside the machine can reach it. */
  host?: string;
  /** The only API key accepted. When omitted, any non-empty key is accepted (a missing key is still rejected). */
  apiKey?: string;
  /** Clock compression: vendor time ÷ real time (default 100: a 40 s grid takes 400 ms). */
  speed?: number;
  /**
   * Start with the clock paused: every job stays where it is until `sim.clock.advance()` or
   * `sim.clock.resume()`. For tests that must read a job in a given phase, whatever the machine's load.
   */
  paused?: boolean;
  /** Fault rules installed at start (see {@link FaultRule}). */
  faults?: FaultRule[];
  /** Probability (0–1) that any vendor request gets a random transient fault (429, 500, 502, 503, reset). */
  faultRate?: number;
  /** Seed for ids, fault rolls and generated texts. Random when omitted; read it back from `sim.seed`. */
  seed?: number;
  /** Starting credit balance of each vendor account (default 10 000). */
  credits?: number;
  /** Words that make a prompt banned (whole words, case-insensitive). Default `['banned', 'nsfw', 'gore']`. */
  bannedWords?: string[];
  /**
   * Deliver webhooks to any http(s) host. Off by default: webhooks go only to loopback addresses
   * (127.0.0.0/8, ::1, `localhost`); any other is recorded in the ledger as `refused` and logged, never sent.
   */
  allowExternalWebhooks?: boolean;
  /** Receives a line for each event worth a warning that no HTTP answer reports (a refused webhook). Default `console.warn`. */
  log?: (line: string) => void;
  /** The midjourney-proxy vendor under `/mjproxy`: which server it imitates (`dialect`) and its queue (see {@link MjProxyOptions}). */
  mjproxy?: MjProxyOptions;
}

/** A running simulator. */
export interface Simulator {
  /** Root URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  readonly port: number;
  /** Base URL per vendor: `${url}/imaginepro`, `${url}/acedata`, `${url}/apiframe`, `${url}/mjproxy`. */
  readonly urls: Readonly<Record<Vendor, string>>;
  /** The seed in use (pass it back to replay a run). */
  readonly seed: number;
  /** Accepted submissions and webhook deliveries. */
  readonly ledger: Ledger;
  /** The fault table: `sim.faults.add({ vendor: 'apiframe', route: '/imagine', kind: 'status', status: 503, times: 1 })`. */
  readonly faults: Faults;
  /** Clock compression; assign to change it for jobs submitted afterwards. */
  speed: number;
  /** Pause, resume or step the simulator's time (see {@link SimulatorClock}). */
  readonly clock: SimulatorClock;
  /** Request counts by vendor, route, category and fault. */
  stats(): SimulatorStats;
  /** The request log (the most recent 100 000 requests), optionally filtered. */
  requests(filter?: RequestFilter): RequestRecord[];
  /** How many logged requests match, e.g. `sim.countRequests({ vendor: 'apiframe', category: 'status' })`. */
  countRequests(filter?: RequestFilter): number;
  /** Current credit balance of a vendor account. */
  credits(vendor: Vendor): number;
  /** Sets the credit balance of one vendor account, or of all three. */
  setCredits(credits: number, vendor?: Vendor): void;
  /** Clears the ledger, the request log and counters, and every fault rule. Jobs are kept. */
  reset(): void;
  /** Stops accepting requests, drops open connections and timers. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

const LOG_LIMIT = 100_000;
const MAX_BODY = 10 * 1024 * 1024;
const DEFAULT_BANNED = ['banned', 'nsfw', 'gore'];

interface CompiledRoute {
  def: RouteDef;
  parts: string[];
}

function compile(module: VendorModule): CompiledRoute[] {
  return module.routes.map((def) => ({ def, parts: def.pattern.split('/') }));
}

function matchRoute(routes: CompiledRoute[], method: string, path: string) {
  const segs = path.split('/');
  let pathOnly: CompiledRoute | undefined;
  for (const r of routes) {
    if (r.parts.length !== segs.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < segs.length; i++) {
      const p = r.parts[i] as string;
      const s = segs[i] as string;
      if (p.startsWith(':')) {
        if (s === '') ok = false;
        else params[p.slice(1)] = decodeURIComponent(s);
      } else if (p !== s) ok = false;
      if (!ok) break;
    }
    if (!ok) continue;
    if (r.def.method === method) return { route: r.def, params };
    pathOnly = r;
  }
  return pathOnly ? { route: undefined, pattern: pathOnly.def.pattern, category: pathOnly.def.category } : undefined;
}

function readBody(req: IncomingMessage): Promise<string> {
  return readBytes(req).then((bytes) => bytes.toString('utf8'));
}

function readBytes(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('body too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** A JSON body cut short so no parser accepts it. */
function mangle(value: unknown): string {
  const full = JSON.stringify(value ?? {});
  return `${full.slice(0, Math.max(1, Math.floor(full.length / 2)))}<!-- upstream error`;
}

/**
 * Starts the simulator on localhost.
 *
 * ```ts
 * const sim = await startSimulator({ apiKey: 'test-key' });
 * const client = createApiFrame({ apiKey: 'test-key', baseURL: sim.urls.apiframe });
 * sim.faults.add({ vendor: 'apiframe', route: '/imagine', kind: 'rate-limit', times: 1 });
 * // …
 * await sim.close();
 * ```
 */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const initialCredits = options.credits ?? 10_000;
  const state = new SimState({
    ...(options.apiKey !== undefined ? { apiKey: options.apiKey } : {}),
    speed: options.speed ?? DEFAULT_SPEED,
    paused: options.paused ?? false,
    seed,
    credits: initialCredits,
    bannedWords: options.bannedWords ?? DEFAULT_BANNED,
    allowExternalWebhooks: options.allowExternalWebhooks ?? false,
    log: options.log ?? ((line) => console.warn(line)),
  });
  for (const rule of options.faults ?? []) state.faults.add(rule);
  if (options.faultRate !== undefined && options.faultRate > 0) {
    state.faults.add({ kind: 'random', probability: Math.min(1, options.faultRate) });
  }

  const vendors = new Map<string, { module: VendorModule; routes: CompiledRoute[] }>();
  for (const make of [
    imagineProRoutes,
    aceDataRoutes,
    apiFrameRoutes,
    (s: SimState) => mjProxyRoutes(s, options.mjproxy),
  ]) {
    const module = make(state);
    vendors.set(module.vendor, { module, routes: compile(module) });
  }

  /** A file a vendor module stores itself (APIFRAME uploads), for `/_sim/files`. */
  const vendorFile = (id: string, name: string) => {
    for (const { module } of vendors.values()) {
      const file = module.file?.(id, name);
      if (file) return file;
    }
    return undefined;
  };

  let log: RequestRecord[] = [];
  let seq = 0;
  let counters = newCounters();

  function newCounters() {
    return {
      requests: 0,
      byVendor: {} as Record<string, number>,
      byRoute: {} as Record<string, number>,
      byCategory: {} as Record<string, number>,
      faults: {} as Record<string, number>,
    };
  }

  function logRequest(entry: Omit<RequestRecord, 'seq' | 'at'>): void {
    const full: RequestRecord = { seq: ++seq, at: Date.now(), ...entry };
    log.push(full);
    if (log.length > LOG_LIMIT) log = log.slice(log.length - LOG_LIMIT / 2);
    counters.requests++;
    const bump = (m: Record<string, number>, k: string) => {
      m[k] = (m[k] ?? 0) + 1;
    };
    bump(counters.byVendor, entry.vendor);
    bump(counters.byRoute, `${entry.vendor} ${entry.method} ${entry.route}`);
    bump(counters.byCategory, `${entry.vendor} ${entry.category}`);
    if (entry.fault) bump(counters.faults, entry.fault);
  }

  const filterLog = (f: RequestFilter = {}) =>
    log.filter(
      (r) =>
        (f.vendor === undefined || r.vendor === f.vendor) &&
        (f.method === undefined || r.method === f.method.toUpperCase()) &&
        (f.category === undefined || r.category === f.category) &&
        (f.route === undefined || r.route === f.route || r.path === f.route),
    );

  function send(res: ServerResponse, reply: Reply): void {
    if (res.headersSent || res.destroyed) return;
    const headers: Record<string, string> = { ...reply.headers };
    let payload: Buffer | string;
    if (reply.raw !== undefined) payload = reply.raw;
    else {
      payload = JSON.stringify(reply.body ?? {});
      headers['content-type'] ??= 'application/json; charset=utf-8';
    }
    headers['content-length'] = String(Buffer.byteLength(payload));
    res.writeHead(reply.status, headers);
    res.end(payload);
  }

  async function handleVendor(
    req: IncomingMessage,
    res: ServerResponse,
    vendor: Vendor,
    path: string,
    query: URLSearchParams,
    signal: AbortSignal,
  ): Promise<void> {
    const entry = vendors.get(vendor)!;
    const method = req.method ?? 'GET';
    const found = matchRoute(entry.routes, method, path);
    const route = found?.route;
    const pattern = route?.pattern ?? found?.pattern ?? path;
    const category: RouteCategory = route?.category ?? found?.category ?? 'other';
    let fault: string | undefined;
    const finish = (status: number) =>
      logRequest({ vendor, method, path, route: pattern, category, status, ...(fault ? { fault } : {}) });

    let bytes: Buffer;
    try {
      bytes = await readBytes(req);
    } catch {
      finish(0);
      return;
    }
    const rawBody = bytes.toString('utf8');
    // A multipart body (APIFRAME /upload) is not JSON: the route reads ctx.rawBody itself.
    const multipart = /^multipart\/form-data/i.test(req.headers['content-type'] ?? '');
    let body: unknown;
    let badJson = false;
    if (!multipart && rawBody.trim() !== '') {
      try {
        body = JSON.parse(rawBody);
      } catch {
        badJson = true;
      }
    }

    const rule = state.faults.match({ vendor, method, path, route: pattern, category, body });
    const errors = entry.module.errors;
    const reply = (r: Reply) => {
      send(res, r);
      finish(r.status);
    };
    if (rule) {
      fault = rule.kind;
      switch (rule.kind) {
        case 'reset':
          req.socket.resetAndDestroy();
          finish(0);
          return;
        case 'status':
          return reply(
            (rule.status ?? 500) === 429 ? errors.rateLimited(rule.retryAfter ?? 1) : errors.server(rule.status ?? 500),
          );
        case 'rate-limit':
          return reply(errors.rateLimited(rule.retryAfter ?? 1));
        case 'content-policy':
          return reply(errors.contentPolicy('banned'));
        case 'no-credits':
          return reply(errors.noCredits());
        case 'slow':
          // Network latency, not job time: real milliseconds, running even while the clock is paused.
          try {
            await delay(rule.delayMs ?? 2000, undefined, { signal: state.clock.signal });
          } catch {
            return;
          }
          break;
        default:
          break;
      }
    }

    if (!route) return reply(errors.unknownRoute(method, path));
    const denied = entry.module.authenticate(req.headers);
    if (denied) return reply(denied);
    if (badJson) {
      return reply(
        vendor === 'acedata'
          ? errors.badRequest('The json payload is not valid to request the API')
          : errors.badRequest('Invalid JSON body'),
      );
    }

    const ctx: RequestContext = {
      method,
      path,
      params: found?.route ? found.params : {},
      query,
      headers: req.headers,
      body,
      rawBody: bytes,
      signal,
    };
    if (rule?.kind === 'fail-job') {
      const e = rule.error;
      ctx.failJob = {
        code: (typeof e === 'object' ? e.code : undefined) ?? 'task_failed',
        message: (typeof e === 'string' ? e : e?.message) ?? 'The Midjourney job failed. Please try again.',
      };
    }
    let result: Reply;
    try {
      result = await route.handle(ctx);
    } catch {
      if (signal.aborted) {
        finish(0);
        return;
      }
      result = errors.server(500);
    }
    if (rule?.kind === 'accept-then-error') return reply(errors.server(rule.status ?? 500));
    if (rule?.kind === 'malformed') {
      return reply({
        status: result.status,
        headers: { 'content-type': 'application/json' },
        raw: mangle(result.body),
      });
    }
    if (result.stream) {
      res.writeHead(result.status, result.headers);
      finish(result.status);
      try {
        await result.stream(res, signal);
      } catch {
        // client left or the simulator closed mid-stream
      }
      res.end();
      return;
    }
    reply(result);
  }

  function handleSim(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    query: URLSearchParams,
  ): Promise<void> | void {
    const method = req.method ?? 'GET';
    const finish = (r: Reply) => {
      send(res, r);
      logRequest({
        vendor: '_sim',
        method,
        path,
        route: path.startsWith('/files/') ? '/files/:id/:name' : path,
        category: 'other',
        status: r.status,
      });
    };
    const files = path.match(/^\/files\/([^/]+)\/([^/]+)$/);
    if (files && method === 'GET') {
      const [, id = '', name = ''] = files;
      const job = state.jobs.get(id);
      const file = job ? jobFile(job, name) : vendorFile(id, name);
      if (!file) return finish(json(404, { error: 'file not found' }));
      return finish({
        status: 200,
        headers: { 'content-type': file.type, 'cache-control': 'public, max-age=86400' },
        raw: file.data,
      });
    }
    const vendorFilter = query.get('vendor') as Vendor | null;
    if (method === 'GET' && path === '/health') return finish(json(200, { ok: true }));
    if (method === 'GET' && path === '/ledger') {
      const f = vendorFilter ? { vendor: vendorFilter } : {};
      return finish(json(200, { submissions: state.ledger.submissions(f), webhooks: state.ledger.webhooks(f) }));
    }
    if (method === 'GET' && path === '/stats') return finish(json(200, handle.stats()));
    if (method === 'GET' && path === '/requests') {
      const f: RequestFilter = {};
      if (vendorFilter) f.vendor = vendorFilter;
      const category = query.get('category');
      if (category) f.category = category as RouteCategory;
      const route = query.get('route');
      if (route) f.route = route;
      return finish(json(200, { requests: filterLog(f) }));
    }
    if (path === '/faults') {
      if (method === 'GET') return finish(json(200, { faults: state.faults.list().map(describeFault) }));
      if (method === 'DELETE') {
        state.faults.clear();
        return finish(json(200, { faults: [] }));
      }
      if (method === 'POST') {
        return readBody(req).then((raw) => {
          try {
            const parsed: unknown = JSON.parse(raw || '[]');
            const rules = (Array.isArray(parsed) ? parsed : [parsed]) as FaultRule[];
            const added = rules.map((r) => state.faults.add(r));
            finish(json(200, { faults: added.map(describeFault) }));
          } catch (error) {
            finish(json(400, { error: error instanceof Error ? error.message : 'invalid fault rule' }));
          }
        });
      }
    }
    if (path === '/clock') {
      const view = () => json(200, { paused: state.clock.paused, speed: state.clock.speed });
      if (method === 'GET') return finish(view());
      if (method === 'POST') {
        return readBody(req).then((raw) => {
          try {
            const b = JSON.parse(raw || '{}') as { action?: unknown; vendorMs?: unknown };
            if (b.action === 'pause') state.clock.pause();
            else if (b.action === 'resume') state.clock.resume();
            else if (b.action === 'advance' && typeof b.vendorMs === 'number') state.clock.advance(b.vendorMs);
            else
              throw new Error('expected {"action":"pause"}, {"action":"resume"} or {"action":"advance","vendorMs":n}');
            finish(view());
          } catch (error) {
            finish(json(400, { error: error instanceof Error ? error.message : 'invalid body' }));
          }
        });
      }
    }
    if (path === '/credits' && method === 'POST') {
      return readBody(req).then((raw) => {
        try {
          const b = JSON.parse(raw || '{}') as { credits?: unknown; vendor?: Vendor };
          if (typeof b.credits !== 'number') throw new Error('credits must be a number');
          handle.setCredits(b.credits, b.vendor);
          finish(json(200, { ok: true }));
        } catch (error) {
          finish(json(400, { error: error instanceof Error ? error.message : 'invalid body' }));
        }
      });
    }
    if (method === 'POST' && path === '/reset') {
      handle.reset();
      return finish(json(200, { ok: true }));
    }
    return finish(json(404, { error: `no simulator route ${method} /_sim${path}` }));
  }

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const [, first = '', ...rest] = url.pathname.split('/');
    const path = `/${rest.join('/')}`;
    const abort = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    const signal = AbortSignal.any([abort.signal, state.clock.signal]);
    // Fire what fell due before this request looks at any job, so a job it sees finished has already
    // sent its webhooks (into the ledger), whatever the machine's load did to the clock's own timer.
    state.clock.catchUp();
    const done = (p: Promise<void> | void) =>
      Promise.resolve(p).catch(() => {
        if (!res.headersSent && !res.destroyed) send(res, json(500, { error: 'simulator error' }));
      });
    if (first === '_sim') return void done(handleSim(req, res, path, url.searchParams));
    if (vendors.has(first)) return void done(handleVendor(req, res, first as Vendor, path, url.searchParams, signal));
    send(res, json(404, { error: `unknown vendor prefix; use /imaginepro, /acedata, /apiframe or /mjproxy` }));
  });
  server.keepAliveTimeout = 30_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`;
  state.baseUrl = url;

  let closing: Promise<void> | undefined;
  const handle: Simulator = {
    url,
    port: address.port,
    urls: {
      imaginepro: `${url}/imaginepro`,
      acedata: `${url}/acedata`,
      apiframe: `${url}/apiframe`,
      mjproxy: `${url}/mjproxy`,
    },
    seed,
    ledger: state.ledger,
    faults: state.faults,
    get speed() {
      return state.clock.speed;
    },
    set speed(value: number) {
      state.clock.speed = value;
    },
    // A narrow view: the Clock's timers are the simulator's own business.
    clock: {
      get paused() {
        return state.clock.paused;
      },
      pause: () => state.clock.pause(),
      resume: () => state.clock.resume(),
      advance: (vendorMs: number) => state.clock.advance(vendorMs),
    },
    stats() {
      return {
        requests: counters.requests,
        byVendor: { ...counters.byVendor },
        byRoute: { ...counters.byRoute },
        byCategory: { ...counters.byCategory },
        faults: { ...counters.faults },
        jobs: { total: state.jobs.size, running: state.runningJobs() },
        submissions: state.ledger.submissions().length,
        webhooks: state.ledger.webhooks().length,
      };
    },
    requests: (filter) => filterLog(filter),
    countRequests: (filter) => filterLog(filter).length,
    credits: (vendor) => state.credits.get(vendor) ?? 0,
    setCredits(credits, vendor) {
      for (const v of vendor ? [vendor] : (['imaginepro', 'acedata', 'apiframe'] as const))
        state.credits.set(v, credits);
    },
    reset() {
      state.ledger.clear();
      state.faults.clear();
      log = [];
      counters = newCounters();
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        state.clock.close();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
    [Symbol.asyncDispose]() {
      return handle.close();
    },
  };
  return handle;
}

function describeFault(f: ActiveFault) {
  const { when: _when, route, ...rule } = f.rule;
  return {
    id: f.id,
    hits: f.hits,
    remaining: f.remaining,
    ...rule,
    ...(route !== undefined ? { route: String(route) } : {}),
  };
}
