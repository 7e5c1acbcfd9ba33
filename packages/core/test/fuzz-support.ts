/**
 * Shared pieces of the adapters' property-based fuzz tests (issue 10 §9): hostile vendor answers made
 * by mutating the real fixtures, a `fetch` that serves them, and the property every outcome must
 * hold — a valid `Job`, or an `MjGateError` that is not a programming error in disguise.
 */
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { expect } from 'vitest';
import { isActionId, isOperation, type Job, MjGateError } from '../src/index.js';
import { httpUrl } from '../src/urls.js';

/** One seed for every fuzz file, so CI replays the same cases; change it locally to explore. */
export const FUZZ_SEED = 20_260_110;

/** The JSON fixtures of a package's `test/fixtures`, by file name without `.json`. */
export function loadFixtures(dir: URL): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.json')) continue;
    out[name.slice(0, -'.json'.length)] = JSON.parse(readFileSync(new URL(name, dir), 'utf8'));
  }
  return out;
}

// ───────────────────────────── hostile values ─────────────────────────────

/** JSON text written as it is: numbers JSON.stringify cannot produce (`1e400`), or deep nesting. */
class Raw {
  constructor(readonly text: string) {}
}

/** Keys that name Object.prototype members, which a careless `TABLE[word]` lookup returns. */
export const PROTOTYPE_WORDS = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'prototype'];

/** URLs that must never reach a Job. */
export const HOSTILE_URLS = [
  'javascript:alert(1)',
  'JavaScript:alert(document.cookie)',
  'data:image/png;base64,iVBORw0KGgo=',
  'data:text/html,<script>alert(1)</script>',
  'file:///etc/passwd',
  '//evil.example/x.png',
  '/relative/x.png',
  'x.png',
  '',
  '   ',
  'https://cdn.example/a\u0000.png',
  'https://cdn.example/a b.png',
  'java\tscript:alert(1)',
  'https://user:pass@cdn.example/a.png',
  'https://evil.example\\@cdn.example/a.png',
  'https://cdn.example/\u202egnp.exe',
  'https:///nohost.png',
  'vbscript:msgbox(1)',
  `https://cdn.example/${'a'.repeat(10_000)}.png`,
];

const STATUS_WORDS = [
  'DONE',
  'FAIL',
  'QUEUED',
  'PROCESSING',
  'SUBMITTED',
  'finished',
  'failed',
  'processing',
  'pending',
  'staged',
  'starting',
  'retry',
  'completed',
  'error',
  'cancelled',
  'success',
  'unknown-word',
];

const hostileString = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.constantFrom(
      ...PROTOTYPE_WORDS,
      ...HOSTILE_URLS,
      ...STATUS_WORDS,
      'NaN',
      'Infinity',
      '-Infinity',
      '1e20',
      '-1e20',
      '1e400',
      '0x10',
      '45%',
      '2024-02-30T99:99:99Z',
      '+275760-09-13T00:00:00.001Z',
      '{"toString":null}',
      '<html><body>502</body></html>',
      '\u0000',
      '\ud800',
      '🦊\u200d🔥',
      'U1',
      'upscale1',
      'upscale#2',
      'Cancel Job',
    ),
  },
  { weight: 1, arbitrary: fc.webUrl() },
  { weight: 2, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.constant('x'.repeat(100_000)) },
);

const hostileNumber = fc.oneof(
  fc.constantFrom(0, -0, -1, 1.5, 100, 101, 1e20, -1e20, Number.MAX_SAFE_INTEGER, 8.64e12, 8.64e12 + 1),
  fc.constantFrom(new Raw('1e400'), new Raw('-1e400'), new Raw('1e-400')),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
);

/** Nested arrays or objects `depth` levels deep, as raw JSON text (the parser gets the whole depth). */
const deepNesting = fc
  .tuple(fc.integer({ min: 10, max: 1_000 }), fc.boolean())
  .map(([depth, arrays]) =>
    arrays
      ? new Raw(`${'['.repeat(depth)}1${']'.repeat(depth)}`)
      : new Raw(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`),
  );

/** An object whose own keys are prototype words (a `__proto__` key is an own key in parsed JSON). */
const prototypeObject = fc
  .array(fc.tuple(fc.constantFrom(...PROTOTYPE_WORDS), fc.constantFrom<unknown>(null, 1, 'x', {}, [])), {
    minLength: 1,
    maxLength: 3,
  })
  .map((entries) => {
    const out: Record<string, unknown> = {};
    for (const [key, value] of entries) Object.defineProperty(out, key, { value, enumerable: true, writable: true });
    return out;
  });

/** Any value a broken or hostile vendor might put in a field. */
export const hostileValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom<unknown>(null, true, false),
    hostileNumber,
    hostileString,
    fc.array(fc.oneof(hostileString, hostileNumber), { maxLength: 5 }),
    fc.constantFrom(...HOSTILE_URLS).map((url) => [url]),
    fc.dictionary(hostileString, tie('value'), { maxKeys: 3 }),
    prototypeObject,
    deepNesting,
  ),
})).value;

// ───────────────────────────── mutating fixtures ─────────────────────────────

type Path = (string | number)[];
type Node = Record<string | number, unknown>;

function isContainer(value: unknown): value is Node {
  return !!value && typeof value === 'object' && !(value instanceof Raw);
}

/** Every path below `value` (objects' keys and arrays' indexes), to a depth of 6. */
function pathsOf(value: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  if (prefix.length >= 6 || !isContainer(value)) return out;
  const keys: (string | number)[] = Array.isArray(value) ? value.map((_, index) => index) : Object.keys(value);
  for (const key of keys) {
    const path = [...prefix, key];
    out.push(path);
    pathsOf(value[key], path, out);
  }
  return out;
}

function nodeAt(root: unknown, path: Path): unknown {
  let node = root;
  for (const key of path) {
    if (!isContainer(node)) return undefined;
    node = node[key];
  }
  return node;
}

/** Sets an own property, even one named `__proto__`. */
function setOwn(target: Node, key: string | number, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * A deep copy that keeps own `__proto__` keys and {@link Raw} pieces, so mutating it never touches a
 * fixture or a value fast-check may replay while shrinking.
 */
function copy(value: unknown): unknown {
  if (!isContainer(value)) return value;
  if (Array.isArray(value)) return value.map(copy);
  const out: Node = {};
  for (const [key, item] of Object.entries(value)) setOwn(out, key, copy(item));
  return out;
}

type Mutation =
  | { kind: 'drop'; at: number }
  | { kind: 'set'; at: number; value: unknown }
  | { kind: 'add'; at: number; key: string; value: unknown }
  | { kind: 'swap'; at: number; to: 'string' | 'number' | 'array' | 'object' | 'null' };

// Weighted toward replacing a value by a hostile string (a URL, a status word, a prototype key):
// type-breaking mutations mostly stop at the schema, strings reach the mapping.
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: hostileString }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: hostileValue }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('add' as const),
      at: fc.nat(),
      key: fc.oneof(fc.constantFrom(...PROTOTYPE_WORDS), fc.string({ maxLength: 8 })),
      value: hostileValue,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('swap' as const),
      at: fc.nat(),
      to: fc.constantFrom('string' as const, 'number' as const, 'array' as const, 'object' as const, 'null' as const),
    }),
  },
);

function swapped(value: unknown, to: 'string' | 'number' | 'array' | 'object' | 'null'): unknown {
  switch (to) {
    case 'string':
      return typeof value === 'string' ? value : value instanceof Raw ? value.text : (JSON.stringify(value) ?? '');
    case 'number':
      // Not String(value): a generated object may carry `toString: null`.
      return typeof value === 'number' ? -value : typeof value === 'string' ? Number.parseFloat(value) || 1e20 : 1e20;
    case 'array':
      return [value];
    case 'object':
      return { value };
    case 'null':
      return null;
  }
}

/** `root` with one mutation applied (in place, on a copy made by {@link copy}). */
function apply(root: unknown, m: Mutation): unknown {
  if (m.kind === 'add') {
    const objects = [[], ...pathsOf(root)].filter((path) => {
      const node = nodeAt(root, path);
      return isContainer(node) && !Array.isArray(node);
    });
    if (objects.length === 0) return root;
    setOwn(nodeAt(root, objects[m.at % objects.length]!) as Node, m.key, copy(m.value));
    return root;
  }
  const paths = pathsOf(root);
  if (paths.length === 0) return m.kind === 'set' ? copy(m.value) : m.kind === 'swap' ? swapped(root, m.to) : root;
  const path = paths[m.at % paths.length]!;
  const parent = nodeAt(root, path.slice(0, -1)) as Node;
  const key = path.at(-1)!;
  if (m.kind === 'drop') {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key];
  } else if (m.kind === 'set') setOwn(parent, key, copy(m.value));
  else setOwn(parent, key, swapped(parent[key], m.to));
  return root;
}

/** JSON text of `value`, with {@link Raw} pieces written as they are. */
function serialize(value: unknown): string {
  if (value instanceof Raw) return value.text;
  if (Array.isArray(value)) return `[${value.map(serialize).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([key, item]) => `${JSON.stringify(key)}:${serialize(item)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * Body texts a vendor might send: one of `fixtures`, deep-copied and mutated 0–4 times (fields
 * dropped, replaced by hostile values, prototype keys or `fields` added, types swapped), or now and
 * then no JSON object at all.
 */
export function hostileBody(
  fixtures: readonly unknown[],
  { fields = [], words = [] }: { fields?: readonly string[]; words?: readonly string[] } = {},
): fc.Arbitrary<string> {
  // Fields the vendor documents but the fixtures leave out (a timestamp, an error) get added too, and
  // the fields that hold a status or kind word (`status`, `state`, `task_type`) get odd words.
  const additions: fc.Arbitrary<Mutation>[] = [mutation];
  if (fields.length > 0) {
    additions.push(
      fc.record({
        kind: fc.constant('add' as const),
        at: fc.nat(),
        key: fc.constantFrom(...fields),
        value: hostileValue,
      }),
    );
  }
  if (words.length > 0) {
    const word = fc.oneof(fc.constantFrom(...PROTOTYPE_WORDS, ...STATUS_WORDS), hostileString);
    additions.push(
      fc.record({ kind: fc.constant('add' as const), at: fc.nat(), key: fc.constantFrom(...words), value: word }),
    );
  }
  const added = fc.oneof(...additions);
  const mutated = fc
    .tuple(fc.constantFrom(...fixtures), fc.array(fc.oneof(mutation, added), { maxLength: 4 }))
    .map(([fixture, mutations]) => {
      let root = copy(fixture);
      for (const m of mutations) root = apply(root, m);
      return serialize(root);
    });
  const odd = fc.oneof(
    fc.constantFrom('', 'null', '[]', '{}', '"DONE"', '42', '{', '<html>502 Bad Gateway</html>', '{"toString":null}'),
    fc.constantFrom(...fixtures).map((f) => JSON.stringify(f).slice(0, 17)),
    hostileValue.map(serialize),
  );
  return fc.oneof({ weight: 9, arbitrary: mutated }, { weight: 1, arbitrary: odd });
}

/** HTTP statuses a vendor answer comes with: mostly 200, sometimes an error the adapter maps. */
export const hostileStatus = fc.oneof(
  { weight: 8, arbitrary: fc.constant(200) },
  { weight: 2, arbitrary: fc.constantFrom(201, 400, 401, 402, 403, 404, 408, 409, 422, 429, 451, 500, 502, 503) },
);

/** A `fetch` that answers every request with `status` and `body`, as a vendor would. */
export function answering(status: number, body: string): typeof fetch {
  return async () =>
    new Response(status === 204 ? null : body, {
      status,
      headers: { 'content-type': 'application/json', 'retry-after': '0' },
    });
}

// ───────────────────────────── the property ─────────────────────────────

const STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'];
/** Error names that mean code threw by mistake (a TypeError from reading a field of `null`, a RangeError from a Date). */
const PROGRAMMING_ERRORS = ['TypeError', 'RangeError', 'ReferenceError', 'InternalError'];

/** A valid neutral `Job` of `provider`, with only absolute http(s) URLs. */
export function expectValidJob(job: Job, provider: string): void {
  expect(job).toBeTypeOf('object');
  expect(job.provider).toBe(provider);
  expect(job.providerJobId).toBeTypeOf('string');
  expect(job.providerJobId).not.toBe('');
  expect(job.id).toBe(`${provider}:${job.providerJobId}`);
  expect(STATUSES).toContain(job.status);
  expect(isOperation(job.operation)).toBe(true);
  if (job.progress !== null) {
    expect(Number.isFinite(job.progress)).toBe(true);
    expect(job.progress).toBeGreaterThanOrEqual(0);
    expect(job.progress).toBeLessThanOrEqual(100);
  }
  const urls = [
    ...(job.gridUrl === undefined ? [] : [job.gridUrl]),
    ...job.images.map((image) => image.url),
    ...job.videoUrls,
  ];
  for (const url of urls) expect(httpUrl(url), `a Job URL: ${String(url).slice(0, 80)}`).toBe(url);
  for (const image of job.images) {
    for (const size of [image.width, image.height]) if (size !== undefined) expect(Number.isFinite(size)).toBe(true);
  }
  expect(Array.isArray(job.texts) && job.texts.every((text) => typeof text === 'string')).toBe(true);
  expect(job.actions.every(isActionId)).toBe(true);
  if (job.seed !== undefined) expect(job.seed).toBeTypeOf('string');
  if (job.error !== undefined) {
    expect(job.error.code).toBeTypeOf('string');
    expect(job.error.message).toBeTypeOf('string');
  }
  for (const time of [job.createdAt, job.updatedAt]) {
    if (time !== undefined) expect(new Date(time).toISOString()).toBe(time);
  }
  // A Job is plain JSON: storing it must work.
  expect(() => JSON.stringify(job)).not.toThrow();
}

/** An `MjGateError`, and not one that only wraps a programming error of the adapter. */
export function expectTypedError(error: unknown): void {
  if (!MjGateError.isInstance(error)) {
    throw new Error(`untyped outcome: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
  }
  expect(error.code).toBeTypeOf('string');
  expect(error.message).toBeTypeOf('string');
  const cause = error.cause as { name?: unknown; message?: unknown } | undefined;
  if (cause && !MjGateError.isInstance(cause) && PROGRAMMING_ERRORS.includes(String(cause.name))) {
    throw new Error(`a programming error wrapped as ${error.code}: ${String(cause.name)}: ${String(cause.message)}`);
  }
}

/** Runs `call` and checks its outcome: a valid Job (or list of Jobs) of `provider`, or a typed error. */
export async function expectJobOrTypedError(provider: string, call: () => Promise<Job | Job[]>): Promise<void> {
  let result: Job | Job[];
  try {
    result = await call();
  } catch (error) {
    expectTypedError(error);
    return;
  }
  for (const job of Array.isArray(result) ? result : [result]) expectValidJob(job, provider);
}
