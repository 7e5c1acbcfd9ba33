// APIFRAME original v1 API (vendors/apiframe.md): raw-key auth, `{task_id}` submissions,
// pending → starting → processing → finished | failed with `percentage` as a string, parent chains,
// and `/upload` for local images.
import {
  DEFAULT_FAILURE,
  json,
  type NewJob,
  type Reply,
  type RequestContext,
  type RouteDef,
  record,
  type SimState,
  text,
  type VendorModule,
} from './context';
import { phaseOf, type SimJob } from './jobs';

const CREDITS: Record<string, number> = {
  imagine: 4,
  reroll: 4,
  blend: 4,
  variations: 4,
  inpaint: 4,
  outpaint: 4,
  pan: 4,
  'upscale-alt': 4,
  'upscale-1x': 2,
  describe: 2,
  shorten: 2,
  seed: 2,
  faceswap: 2,
  'upscale-highres-2x': 1,
  'upscale-highres-4x': 2,
  'imagine-video': 4,
  'imagine-video-extend': 4,
};

const isUpscale1x = (job: SimJob) => /^upscale#[1-4]$/.test(job.operation);

/** `index` "1"–"4" → 1–4; anything else (a number too: the docs send strings, §1.2) → undefined. */
function indexOf(value: unknown): number | undefined {
  return typeof value === 'string' && /^[1-4]$/.test(value) ? Number(value) : undefined;
}

/** `/upload` takes at most 2 MB (§3.20). */
const UPLOAD_MAX_BYTES = 2 * 1024 * 1024;
/** Uploads kept for serving; the oldest is dropped beyond this. */
const UPLOAD_LIMIT = 64;

/** A file the simulator serves under `/_sim/files/<id>/<name>`. */
export interface StoredFile {
  type: string;
  data: Buffer;
}

/** The image types `/upload` takes, told by their first bytes rather than by the declared type. */
const SIGNATURES: ReadonlyArray<readonly [string, string, (b: Buffer) => boolean]> = [
  ['image/png', 'png', (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))],
  ['image/jpeg', 'jpg', (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff],
  ['image/gif', 'gif', (b) => b.toString('latin1', 0, 4) === 'GIF8'],
  ['image/webp', 'webp', (b) => b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP'],
];

/**
 * The request with its body bytes. server.ts must pass them (`rawBody`) and skip its JSON check for
 * multipart bodies; until context.ts declares the field, it is read through this type.
 */
type UploadContext = RequestContext & { rawBody?: Buffer };

/** The APIFRAME module: the routes, plus the uploaded files it serves. */
export interface ApiFrameModule extends VendorModule {
  /** An uploaded image by the `<id>/<name>` of the URL `/upload` answered, for `/_sim/files`. */
  file(id: string, name: string): StoredFile | undefined;
}

/** APIFRAME's routes, as its API reference describes them. */
export function apiFrameRoutes(state: SimState): ApiFrameModule {
  const now = () => state.now();
  const fail = (status: number, msg: string, headers?: Record<string, string>) =>
    json(status, { errors: [{ msg }] }, headers);

  const errors = {
    badRequest: (m: string) => fail(400, m),
    notFound: (m: string) => fail(404, m),
    rateLimited: (s: number) => fail(429, 'Too many requests, please slow down.', { 'retry-after': String(s) }),
    server: (s: number) => json(s, {}),
    contentPolicy: (w: string) =>
      fail(400, `Banned prompt: the word "${w}" is not allowed by the Midjourney community guidelines.`),
    noCredits: () => fail(402, 'Not enough credits. Please top up your account to continue.'),
    unknownRoute: () => fail(404, 'Not found'),
  };

  function find(id: string | undefined): SimJob | undefined {
    const job = id ? state.jobs.get(id) : undefined;
    return job?.vendor === 'apiframe' ? job : undefined;
  }

  /** The task object `/fetch` returns and webhooks carry, as it stands at clock time `at`. */
  function view(job: SimJob, at = now()): Record<string, unknown> {
    const p = phaseOf(job, at);
    const out: Record<string, unknown> = { task_id: job.id, task_type: job.operation };
    // seed and shorten report no percentage (their doc examples show none)
    const withPercentage = job.operation !== 'seed' && job.operation !== 'shorten';
    if (p.phase === 'queued') {
      out.status = 'pending';
      if (withPercentage) out.percentage = '0';
      return out;
    }
    if (p.phase === 'running') {
      out.status = p.progress < 10 ? 'starting' : 'processing';
      if (withPercentage) out.percentage = String(p.progress);
      return out;
    }
    if (p.phase === 'failed') {
      const message = job.failure?.message ?? DEFAULT_FAILURE.message;
      out.status = 'failed';
      out.message = message;
      out.error = message;
      return out;
    }
    out.status = 'finished';
    // Midjourney examples give `percentage` as a string; the newer pages (video among them) end with
    // a numeric 100 (§11.6). Both are served, so clients meet both.
    if (job.shape === 'video') out.percentage = 100;
    else if (withPercentage) out.percentage = '100';
    switch (job.shape) {
      case 'grid': {
        const sref = job.prompt.match(/--sref\s+(\S+)/)?.[1];
        if (sref) out.sref = sref;
        out.original_image_url = state.gridUrl(job);
        out.image_urls = state.tileUrls(job);
        break;
      }
      case 'single':
        out.image_url = state.imageUrl(job);
        break;
      case 'text':
        out.content = job.texts;
        if (job.operation === 'describe') out.image_url = job.prompt;
        if (job.operation === 'shorten') {
          out.full_content = `## Important tokens\n${job.prompt}\n\n## Shortened prompts\n${job.texts.join('\n')}`;
        }
        break;
      case 'seed':
        out.seed = job.seed;
        break;
      case 'video':
        out.video_urls = state.videoUrls(job);
        break;
    }
    return out;
  }

  /** Credits, ledger, webhooks, `{task_id}`. */
  function submit(ctx: RequestContext, creditKey: string, spec: Omit<NewJob, 'vendor' | 'body'>): Reply {
    if (!state.charge('apiframe', CREDITS[creditKey] ?? 2)) return errors.noCredits();
    const job = state.createJob({ ...spec, vendor: 'apiframe', body: ctx.body }, ctx);
    const body = record(ctx.body);
    const hook = text(body.webhook_url);
    if (hook) {
      const secret = typeof body.webhook_secret === 'string' ? body.webhook_secret : undefined;
      const headers: Record<string, string> = secret !== undefined ? { 'x-webhook-secret': secret } : {};
      // The progress update describes the job at 50 %, even when a busy process sends it later.
      state.at(job, 0.5, (t) => state.webhook('apiframe', job, hook, view(job, t), headers));
      state.onFinal(job, () => state.webhook('apiframe', job, hook, view(job), headers));
    }
    return json(200, { task_id: job.id });
  }

  /** Resolves `parent_task_id`, checks it is finished and passes `accept`; an error reply otherwise. */
  function parentOf(body: Record<string, unknown>, accept: (job: SimJob) => boolean, need: string): SimJob | Reply {
    const id = text(body.parent_task_id);
    if (!id) return errors.badRequest('parent_task_id is required');
    const parent = find(id);
    if (!parent) return errors.badRequest(`Invalid parent_task_id: task ${id} was not found`);
    if (phaseOf(parent, now()).phase !== 'succeeded') {
      return errors.badRequest(`The parent task ${id} is not finished yet`);
    }
    if (!accept(parent)) return errors.badRequest(`The parent task must be ${need} (got ${parent.operation})`);
    return parent;
  }

  const isReply = (x: SimJob | Reply): x is Reply => 'status' in x && typeof x.status === 'number' && !('id' in x);
  const grid = (j: SimJob) => j.shape === 'grid';
  const prompted = (body: Record<string, unknown>) => text(body.prompt);

  function bannedReply(prompt: string | undefined): Reply | undefined {
    const word = state.banned(prompt);
    return word ? errors.contentPolicy(word) : undefined;
  }

  const handlers: Record<string, (ctx: RequestContext, body: Record<string, unknown>) => Reply> = {
    '/imagine': (ctx, body) => {
      const prompt = prompted(body);
      if (!prompt) return errors.badRequest('prompt is required');
      const banned = bannedReply(prompt);
      if (banned) return banned;
      const aspect = text(body.aspect_ratio) ?? prompt.match(/--(?:ar|aspect)\s+(\S+)/)?.[1];
      return submit(ctx, 'imagine', {
        route: '/imagine',
        operation: 'imagine',
        shape: 'grid',
        timing: 'grid',
        prompt,
        aspect,
      });
    },
    '/reroll': (ctx, body) => {
      const parent = parentOf(body, grid, 'a grid task');
      if (isReply(parent)) return parent;
      const prompt = prompted(body) ?? parent.prompt;
      const banned = bannedReply(prompt);
      if (banned) return banned;
      return submit(ctx, 'reroll', {
        route: '/reroll',
        operation: 'reroll',
        shape: 'grid',
        timing: 'grid',
        prompt,
        parent,
      });
    },
    '/upscale-1x': (ctx, body) => {
      const index = indexOf(body.index);
      if (index === undefined) return errors.badRequest('index must be "1", "2", "3" or "4"');
      const parent = parentOf(body, grid, 'a grid task (imagine, reroll, variations, blend…)');
      if (isReply(parent)) return parent;
      return submit(ctx, 'upscale-1x', {
        route: '/upscale-1x',
        operation: `upscale#${index}`,
        shape: 'single',
        timing: 'upscale',
        prompt: parent.prompt,
        parent,
        index,
        imageKey: parent.imageKey,
        data: { scale: 2 },
      });
    },
    '/upscale-alt': (ctx, body) => {
      const type = body.type;
      if (type !== 'subtle' && type !== 'creative') return errors.badRequest('type must be "subtle" or "creative"');
      const parent = parentOf(body, isUpscale1x, 'an upscale-1x task');
      if (isReply(parent)) return parent;
      return submit(ctx, 'upscale-alt', {
        route: '/upscale-alt',
        operation: `upscale-${type}`,
        shape: 'single',
        timing: 'upscaleSlow',
        prompt: parent.prompt,
        parent,
        index: parent.index,
        imageKey: parent.imageKey,
        data: { scale: 4 },
      });
    },
    '/upscale-highres': (ctx, body) => {
      const type = body.type;
      if (type !== '2x' && type !== '4x') return errors.badRequest('type must be "2x" or "4x"');
      const imageUrl = text(body.image_url);
      let parent: SimJob | undefined;
      let index = 1;
      if (body.parent_task_id !== undefined) {
        const p = parentOf(body, (j) => j.shape === 'grid' || j.shape === 'single', 'an image task');
        if (isReply(p)) return p;
        parent = p;
        if (p.shape === 'grid') {
          const i = indexOf(body.index);
          if (i === undefined) return errors.badRequest('index ("1"–"4") is required when the parent is a grid task');
          index = i;
        } else index = p.index;
      } else if (!imageUrl) {
        return errors.badRequest('parent_task_id or image_url is required');
      }
      const factor = type === '2x' ? 2 : 4;
      return submit(ctx, `upscale-highres-${type}`, {
        route: '/upscale-highres',
        operation: `upscale-${type}`,
        shape: 'single',
        timing: 'upscaleSlow',
        prompt: parent?.prompt ?? imageUrl ?? '',
        ...(parent ? { parent, imageKey: parent.imageKey } : { imageKey: `url|${imageUrl}` }),
        index,
        data: { scale: Math.min(8, (parent?.shape === 'single' ? 2 : 1) * factor) },
      });
    },
    '/variations': (ctx, body) => {
      const strength = body.index === 'strong' || body.index === 'subtle' ? body.index : undefined;
      const index = strength ? undefined : indexOf(body.index);
      if (!strength && index === undefined) return errors.badRequest('index must be "1"–"4", "strong" or "subtle"');
      const parent = strength
        ? parentOf(body, isUpscale1x, 'an upscale-1x task for strong/subtle variations')
        : parentOf(body, grid, 'a grid task');
      if (isReply(parent)) return parent;
      const prompt = prompted(body) ?? parent.prompt;
      const banned = bannedReply(prompt);
      if (banned) return banned;
      return submit(ctx, 'variations', {
        route: '/variations',
        operation: `variation-${strength ?? index}`,
        shape: 'grid',
        timing: 'grid',
        prompt,
        parent,
      });
    },
    '/inpaint': (ctx, body) => {
      if (!text(body.mask)) return errors.badRequest('mask is required');
      const parent = parentOf(body, isUpscale1x, 'an upscale-1x task');
      if (isReply(parent)) return parent;
      const prompt = prompted(body) ?? parent.prompt;
      const banned = bannedReply(prompt);
      if (banned) return banned;
      return submit(ctx, 'inpaint', {
        route: '/inpaint',
        operation: 'inpaint',
        shape: 'grid',
        timing: 'grid',
        prompt,
        parent,
      });
    },
    '/outpaint': (ctx, body) => {
      const ratio = typeof body.zoom_ratio === 'string' ? Number(body.zoom_ratio) : body.zoom_ratio;
      if (typeof ratio !== 'number' || !Number.isFinite(ratio) || ratio < 1 || ratio > 2) {
        return errors.badRequest('zoom_ratio must be 1 (make square) or a number in (1, 2]');
      }
      const parent = parentOf(body, isUpscale1x, 'an upscale-1x task');
      if (isReply(parent)) return parent;
      const prompt = prompted(body) ?? parent.prompt;
      const banned = bannedReply(prompt);
      if (banned) return banned;
      return submit(ctx, 'outpaint', {
        route: '/outpaint',
        operation: `outpaint-${ratio}`,
        shape: 'grid',
        timing: 'grid',
        prompt,
        parent,
      });
    },
    '/pan': (ctx, body) => {
      const dir = body.direction;
      if (dir !== 'up' && dir !== 'down' && dir !== 'left' && dir !== 'right') {
        return errors.badRequest('direction must be "up", "down", "left" or "right"');
      }
      const parent = parentOf(body, isUpscale1x, 'an upscale-1x task');
      if (isReply(parent)) return parent;
      const prompt = prompted(body) ?? parent.prompt;
      const banned = bannedReply(prompt);
      if (banned) return banned;
      return submit(ctx, 'pan', {
        route: '/pan',
        operation: `pan-${dir}`,
        shape: 'grid',
        timing: 'grid',
        prompt,
        parent,
      });
    },
    '/describe': (ctx, body) => {
      const url = text(body.image_url);
      if (!url) return errors.badRequest('image_url is required');
      return submit(ctx, 'describe', {
        route: '/describe',
        operation: 'describe',
        shape: 'text',
        timing: 'text',
        prompt: url,
        texts: state.texts(url, 4, true),
      });
    },
    '/blend': (ctx, body) => {
      const urls = body.image_urls;
      if (!Array.isArray(urls) || urls.length < 2 || urls.length > 5 || !urls.every((u) => text(u))) {
        return errors.badRequest('image_urls must be an array of 2 to 5 image URLs');
      }
      const dim = body.dimension;
      if (dim !== undefined && dim !== 'square' && dim !== 'portrait' && dim !== 'landscape') {
        return errors.badRequest('dimension must be "square", "portrait" or "landscape"');
      }
      const aspect = dim === 'portrait' ? '2:3' : dim === 'landscape' ? '3:2' : '1:1';
      return submit(ctx, 'blend', {
        route: '/blend',
        operation: 'blend',
        shape: 'grid',
        timing: 'grid',
        prompt: (urls as string[]).join(' '),
        aspect,
      });
    },
    '/shorten': (ctx, body) => {
      const prompt = prompted(body);
      if (!prompt) return errors.badRequest('prompt is required');
      const banned = bannedReply(prompt);
      if (banned) return banned;
      const words = prompt
        .replace(/--\S+(\s+\S+)?/g, '')
        .split(/[\s,]+/)
        .filter(Boolean);
      const marks = ['1️⃣', '2️⃣', '3️⃣', '4️⃣', '5️⃣'];
      const texts = [5, 4, 3, 2, 1].map(
        (n, i) => `${marks[i]} ${words.slice(0, Math.max(1, Math.ceil((words.length * n) / 6))).join(' ')}`,
      );
      return submit(ctx, 'shorten', {
        route: '/shorten',
        operation: 'shorten',
        shape: 'text',
        timing: 'text',
        prompt,
        texts,
      });
    },
    '/seed': (ctx, body) => {
      const id = text(body.task_id);
      if (!id) return errors.badRequest('task_id is required');
      const target = find(id);
      if (!target) return errors.badRequest(`Invalid task_id: task ${id} was not found`);
      if (phaseOf(target, now()).phase !== 'succeeded' || (target.shape !== 'grid' && target.shape !== 'single')) {
        return errors.badRequest(`The task ${id} is not a finished image task`);
      }
      const job = submit(ctx, 'seed', {
        route: '/seed',
        operation: 'seed',
        shape: 'seed',
        timing: 'text',
        prompt: target.prompt,
        parent: target,
      });
      const created = find((job.body as { task_id?: string } | undefined)?.task_id);
      if (created) created.seed = target.seed;
      return job;
    },
    '/faceswap': (ctx, body) => {
      const target = text(body.target_image_url);
      const swap = text(body.swap_image_url);
      if (!target) return errors.badRequest('target_image_url is required');
      if (!swap) return errors.badRequest('swap_image_url is required');
      return submit(ctx, 'faceswap', {
        route: '/faceswap',
        operation: 'faceswap',
        shape: 'single',
        timing: 'faceswap',
        prompt: `${target} ${swap}`,
        index: 1,
        data: { scale: 2 },
      });
    },
    '/imagine-video': (ctx, body) => {
      const prompt = prompted(body);
      if (!prompt) return errors.badRequest('prompt is required');
      if (!text(body.image_url)) return errors.badRequest('image_url is required');
      if (body.motion !== undefined && body.motion !== 'low' && body.motion !== 'high') {
        return errors.badRequest('motion must be "low" or "high"');
      }
      const banned = bannedReply(prompt);
      if (banned) return banned;
      return submit(ctx, 'imagine-video', {
        route: '/imagine-video',
        operation: 'imagine-video',
        shape: 'video',
        timing: 'video',
        prompt,
      });
    },
    '/imagine-video-extend': (ctx, body) => {
      const prompt = prompted(body);
      if (!prompt) return errors.badRequest('prompt is required');
      const index = indexOf(body.index);
      if (index === undefined) return errors.badRequest('index must be "1", "2", "3" or "4"');
      const parent = parentOf(body, (j) => j.shape === 'video', 'a video task');
      if (isReply(parent)) return parent;
      const banned = bannedReply(prompt);
      if (banned) return banned;
      return submit(ctx, 'imagine-video-extend', {
        route: '/imagine-video-extend',
        operation: 'imagine-video-extend',
        shape: 'video',
        timing: 'video',
        prompt,
        parent,
        index,
      });
    },
  };

  function fetchOne(ctx: RequestContext): Reply {
    const id = text(record(ctx.body).task_id);
    if (!id) return errors.badRequest('task_id is required');
    const job = find(id);
    // Undocumented (§3.17); §1.4 lists only 400/401/500, so an unknown id is a 400 like any bad input.
    if (!job) return errors.badRequest(`Task ${id} not found`);
    return json(200, view(job));
  }

  function fetchMany(ctx: RequestContext): Reply {
    const ids = record(ctx.body).task_ids;
    if (!Array.isArray(ids) || !ids.every((x) => typeof x === 'string')) {
      return errors.badRequest('task_ids must be an array of task ids');
    }
    if (ids.length < 2 || ids.length > 20) return errors.badRequest('task_ids must contain between 2 and 20 ids');
    const tasks = (ids as string[]).map((id) => find(id)).filter((j): j is SimJob => j !== undefined);
    return json(200, { tasks: tasks.map((job) => view(job)) });
  }

  function account(): Reply {
    const credits = state.credits.get('apiframe') ?? 0;
    return json(200, {
      email: 'simulator@mjgate.local',
      credits,
      plan: 'pro',
      next_billing_date: new Date(state.clock.epoch() + 30 * 86_400_000).toISOString(),
      total_images: [...state.jobs.values()].filter((j) => j.vendor === 'apiframe' && j.shape === 'grid').length * 4,
      subscription_credits: credits,
      topup_credits: 0,
    });
  }

  const uploads = new Map<string, StoredFile & { name: string }>();

  /** `POST /upload` (§3.20): multipart field `image`, at most 2 MB → `{ imageURL }`, served by the simulator. */
  async function upload(ctx: UploadContext): Promise<Reply> {
    const type = String(ctx.headers['content-type'] ?? '');
    if (!/^multipart\/form-data/i.test(type) || !ctx.rawBody) {
      return errors.badRequest('image is required (multipart/form-data)');
    }
    let image: FormDataEntryValue | null;
    try {
      const form = await new Request('http://simulator/upload', {
        method: 'POST',
        headers: { 'content-type': type },
        body: new Uint8Array(ctx.rawBody),
      }).formData();
      image = form.get('image');
    } catch {
      return errors.badRequest('Invalid multipart/form-data body');
    }
    if (image === null || typeof image === 'string') return errors.badRequest('image is required');
    const data = Buffer.from(await image.arrayBuffer());
    if (data.length === 0) return errors.badRequest('image is empty');
    if (data.length > UPLOAD_MAX_BYTES) return errors.badRequest('image must be at most 2 MB');
    const signature = SIGNATURES.find(([, , matches]) => matches(data));
    if (!signature) return errors.badRequest('image must be a PNG, JPEG, GIF or WebP file');
    const [mime, ext] = signature;
    const id = state.ids.uuid();
    const name = `${id}.${ext}`;
    uploads.set(id, { name, type: mime, data });
    if (uploads.size > UPLOAD_LIMIT) uploads.delete(uploads.keys().next().value as string);
    return json(200, { imageURL: `${state.baseUrl}/_sim/files/${id}/${name}` });
  }

  const routes: RouteDef[] = Object.entries(handlers).map(([pattern, handle]) => ({
    method: 'POST' as const,
    pattern,
    category: 'submit' as const,
    handle: (ctx: RequestContext) => handle(ctx, record(ctx.body)),
  }));
  routes.push(
    { method: 'POST', pattern: '/fetch', category: 'status', handle: fetchOne },
    { method: 'POST', pattern: '/fetch-many', category: 'status', handle: fetchMany },
    { method: 'GET', pattern: '/account', category: 'account', handle: account },
    // Creates no task and costs no credits: neither a submission nor a status read.
    { method: 'POST', pattern: '/upload', category: 'other', handle: upload },
  );

  return {
    vendor: 'apiframe',
    routes,
    errors,
    file(id, name) {
      const stored = uploads.get(id);
      return stored && stored.name === name ? { type: stored.type, data: stored.data } : undefined;
    },
    authenticate(headers) {
      const header = headers.authorization;
      // the docs send the raw key; some official clients send `Bearer <key>`, so both are accepted
      const key = typeof header === 'string' ? header.replace(/^Bearer\s+/i, '').trim() : undefined;
      return state.keyAccepted(key) ? undefined : json(401, {});
    },
  };
}
