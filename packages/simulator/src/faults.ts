import type { Random } from './random';
import type { RouteCategory, Vendor } from './types';

/**
 * What a fault does to a matching request.
 * - `status`: answer `status` (default 500) with the vendor's error body; no job is created.
 * - `rate-limit`: answer 429 with `Retry-After: <retryAfter>` and the vendor's rate-limit body.
 * - `reset`: reset the TCP connection before any response; no job is created.
 * - `accept-then-error`: handle the request normally (the job exists and is in the ledger), then
 *   answer `status` (default 500) with the vendor's error body instead of the real response.
 * - `malformed`: handle normally (a submission is created), then send a truncated, unparseable JSON body.
 * - `slow`: wait `delayMs` (default 2000, real time: network latency, so it runs on even while the
 *   simulator's clock is paused) before handling; the request is handled even if the client gave up
 *   meanwhile, as a real server would.
 * - `fail-job`: handle normally, but the created job ends failed with `error`.
 * - `content-policy`: reject as the vendor rejects a banned prompt.
 * - `no-credits`: reject as the vendor rejects an empty balance.
 * - `random`: one of 429, 500, 502, 503 or a reset, chosen by the seeded generator.
 */
export type FaultKind =
  | 'status'
  | 'rate-limit'
  | 'reset'
  | 'accept-then-error'
  | 'malformed'
  | 'slow'
  | 'fail-job'
  | 'content-policy'
  | 'no-credits'
  | 'random';

/** The request a fault rule is matched against. */
export interface FaultRequest {
  vendor: Vendor;
  method: string;
  /** Concrete path below the vendor prefix. */
  path: string;
  /** Route pattern below the vendor prefix, e.g. `/api/v1/message/fetch/:id`. */
  route: string;
  category: RouteCategory;
  /** Parsed JSON body (undefined for GET or an unparseable body). */
  body: unknown;
}

/**
 * A fault to inject. Every matcher given must match; rules are tried in the order they were added and
 * the first live one wins, so `[{…503, times: 1}, {…429, times: 1}]` is a script: 503, then 429, then normal.
 */
export interface FaultRule {
  kind: FaultKind;
  /** Only this vendor. */
  vendor?: Vendor;
  /**
   * Only this route, below the vendor prefix: a pattern (`/api/v1/message/fetch/:id`), a concrete
   * path, a glob with `*` (`/upscale-*`), or a RegExp tested against the concrete path.
   */
  route?: string | RegExp;
  /** Only this HTTP method. */
  method?: string;
  /** Only routes of this kind (`submit` = every job-creating route). */
  category?: RouteCategory;
  /** Extra predicate, e.g. on the body. */
  when?: (request: FaultRequest) => boolean;
  /** HTTP status for `status` (default 500) and `accept-then-error` (default 500). */
  status?: number;
  /** Seconds for the `Retry-After` header of `rate-limit` (default 1). */
  retryAfter?: number;
  /** Real milliseconds for `slow` (default 2000). */
  delayMs?: number;
  /** The failure a `fail-job` job ends with (defaults to a generic Midjourney failure). */
  error?: string | { code?: string; message?: string };
  /** How many times the rule fires before it expires (default: unlimited). */
  times?: number;
  /** Let this many matching requests through untouched first. */
  skip?: number;
  /** Chance (0–1) that a matching request is hit, drawn from the seeded generator (default 1). */
  probability?: number;
}

/** A rule that is installed; read `hits` to see how often it fired. */
export interface ActiveFault {
  readonly id: number;
  readonly rule: Readonly<FaultRule>;
  /** Times the rule fired. */
  readonly hits: number;
  /** Firings left (Infinity when unlimited). */
  readonly remaining: number;
  remove(): void;
}

interface Entry {
  id: number;
  rule: FaultRule;
  hits: number;
  seen: number;
}

/** The fault table. Reach it as `sim.faults`. */
export class Faults {
  #entries: Entry[] = [];
  #nextId = 1;
  readonly #random: Random;

  /** @internal */
  constructor(random: Random) {
    this.#random = random;
  }

  /** Installs a rule; returns a handle to inspect or remove it. */
  add(rule: FaultRule): ActiveFault {
    validate(rule);
    const entry: Entry = { id: this.#nextId++, rule: { ...rule }, hits: 0, seen: 0 };
    this.#entries.push(entry);
    return this.#handle(entry);
  }

  /** Installs several rules in order (a script: each fires its `times`, then the next takes over). */
  script(rules: FaultRule[]): ActiveFault[] {
    return rules.map((r) => this.add(r));
  }

  /** Installed rules, expired ones included until `clear()`. */
  list(): ActiveFault[] {
    return this.#entries.map((e) => this.#handle(e));
  }

  /** Removes every rule. */
  clear(): void {
    this.#entries = [];
  }

  /** @internal Finds the rule that fires for this request and counts the hit. */
  match(request: FaultRequest): FaultRule | undefined {
    for (const e of this.#entries) {
      const { rule } = e;
      if (e.hits >= (rule.times ?? Number.POSITIVE_INFINITY)) continue;
      if (rule.vendor !== undefined && rule.vendor !== request.vendor) continue;
      if (rule.method !== undefined && rule.method.toUpperCase() !== request.method) continue;
      if (rule.category !== undefined && rule.category !== request.category) continue;
      if (rule.route !== undefined && !routeMatches(rule.route, request)) continue;
      if (rule.when !== undefined && !rule.when(request)) continue;
      e.seen++;
      if (e.seen <= (rule.skip ?? 0)) continue;
      if (rule.probability !== undefined && rule.probability < 1 && this.#random.next() >= rule.probability) continue;
      e.hits++;
      if (rule.kind === 'random') return this.#randomFault(rule);
      return rule;
    }
    return undefined;
  }

  #randomFault(rule: FaultRule): FaultRule {
    const pick = this.#random.int(5);
    if (pick === 0) return { ...rule, kind: 'rate-limit' };
    if (pick === 4) return { ...rule, kind: 'reset' };
    return { ...rule, kind: 'status', status: [500, 502, 503][pick - 1] };
  }

  #handle(e: Entry): ActiveFault {
    const remove = () => {
      this.#entries = this.#entries.filter((x) => x !== e);
    };
    return {
      id: e.id,
      rule: e.rule,
      get hits() {
        return e.hits;
      },
      get remaining() {
        return Math.max(0, (e.rule.times ?? Number.POSITIVE_INFINITY) - e.hits);
      },
      remove,
    };
  }
}

const KINDS: readonly FaultKind[] = [
  'status',
  'rate-limit',
  'reset',
  'accept-then-error',
  'malformed',
  'slow',
  'fail-job',
  'content-policy',
  'no-credits',
  'random',
];

function validate(rule: FaultRule): void {
  if (!KINDS.includes(rule.kind)) throw new TypeError(`unknown fault kind ${JSON.stringify(rule.kind)}`);
  if (rule.status !== undefined && (!Number.isInteger(rule.status) || rule.status < 100 || rule.status > 599)) {
    throw new RangeError(`fault status must be an HTTP status, got ${rule.status}`);
  }
  if (rule.probability !== undefined && !(rule.probability >= 0 && rule.probability <= 1)) {
    throw new RangeError(`fault probability must be within 0..1, got ${rule.probability}`);
  }
}

function routeMatches(pattern: string | RegExp, req: FaultRequest): boolean {
  if (pattern instanceof RegExp) return pattern.test(req.path);
  if (pattern === req.route || pattern === req.path) return true;
  if (!pattern.includes('*')) return false;
  const re = new RegExp(`^${pattern.split('*').map(escapeRegExp).join('.*')}$`);
  return re.test(req.path);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
