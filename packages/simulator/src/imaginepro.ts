// ImaginePro (vendors/imaginepro.md): Bearer auth, NestJS error bodies, messageId UUIDs,
// QUEUED → PROCESSING → DONE | FAIL, buttons on finished messages, webhookOverride delivery.
import { STATUS_CODES } from 'node:http';
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
import { aspectOf, phaseOf, type SimJob } from './jobs';

const PANS = ['⬅️', '➡️', '⬆️', '⬇️'];
const GRID_BUTTONS = ['U1', 'U2', 'U3', 'U4', '🔄', 'V1', 'V2', 'V3', 'V4'];
const AFTER_UPSCALE = ['Vary (Subtle)', 'Vary (Strong)', 'Vary (Region)', 'Zoom Out 2x', 'Zoom Out 1.5x', ...PANS];

/** The labels a finished message offers, by how it was made. */
function buttonsOf(job: SimJob): string[] {
  // §3.12 documents no button on a Flux result.
  if (isFlux(job)) return [];
  if (job.shape === 'grid') return GRID_BUTTONS;
  if (job.shape !== 'single' || job.operation === 'faceswap') return [];
  const square = job.tile.w === job.tile.h ? [] : ['Make Square'];
  switch (job.operation) {
    case 'Upscale (2x)':
    case 'Redo Upscale (2x)':
      return ['Redo Upscale (2x)', 'Upscale (4x)', ...AFTER_UPSCALE, ...square];
    case 'Upscale (4x)':
    case 'Redo Upscale (4x)':
      return ['Upscale (2x)', 'Redo Upscale (4x)', ...AFTER_UPSCALE, ...square];
    case 'Upscale (Subtle)':
    case 'Upscale (Creative)':
      return [...AFTER_UPSCALE, ...square];
    default:
      return ['Upscale (Subtle)', 'Upscale (Creative)', 'Upscale (2x)', 'Upscale (4x)', ...AFTER_UPSCALE, ...square];
  }
}

/** The Flux models `/api/v1/flux/imagine` takes (§3.12: `model`, default and only documented value). */
const FLUX_MODELS = ['flux-1.1-pro'];

/**
 * A Flux job (§3.12) is kept as a `grid` job for its files, so its `n` images are the tiles
 * `1.png`…`n.png`, each a real PNG of its own; its message lists them instead of a grid.
 */
function isFlux(job: SimJob): boolean {
  return typeof job.data.fluxImages === 'number';
}

/** The Flux images of a finished job: `n` tile files. */
function fluxImages(state: SimState, job: SimJob): string[] {
  return state.tileUrls(job).slice(0, job.data.fluxImages as number);
}

/** messageIds are UUIDs; a malformed one is refused with 400 (observed on polling, §2.4). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The Vary (Region) mask is bare base64 image data (the docs' example starts `UklGR…`), no `data:` prefix. */
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

const nest = (statusCode: number, message: string, headers?: Record<string, string>): Reply =>
  json(statusCode, { message, error: STATUS_CODES[statusCode] ?? 'Error', statusCode }, headers);

/** ImaginePro's routes, as its API reference describes them. */
export function imagineProRoutes(state: SimState): VendorModule {
  const now = () => state.now();
  const iso = (ms: number) => new Date(ms).toISOString();

  const errors = {
    badRequest: (m: string) => nest(400, m),
    notFound: (m: string) => nest(404, m),
    rateLimited: (s: number) => nest(429, 'ThrottlerException: Too Many Requests', { 'retry-after': String(s) }),
    // 403 is how ImaginePro refuses a submission while the account's job queue is full (§2.4, §5).
    server: (s: number) =>
      nest(
        s,
        s === 500
          ? 'Internal server error'
          : s === 403
            ? 'Your job queue is full. Please wait for running jobs to finish.'
            : (STATUS_CODES[s] ?? 'Server error'),
      ),
    contentPolicy: (w: string) =>
      nest(
        400,
        `Banned prompt detected: "${w}". Sorry! Our AI moderators feel your prompt might be against our community standards.`,
      ),
    noCredits: () => nest(401, 'Insufficient credits: your balance is too low for this request. Please top up.'),
    unknownRoute: (method: string, path: string) => nest(404, `Cannot ${method} ${path}`),
  };

  /** The message object: what `/message/fetch/:id` returns and what webhooks carry. */
  function view(job: SimJob): Record<string, unknown> {
    const p = phaseOf(job, now());
    const status = { queued: 'QUEUED', running: 'PROCESSING', succeeded: 'DONE', failed: 'FAIL' }[p.phase];
    const out: Record<string, unknown> = {
      messageId: job.id,
      prompt: job.prompt,
      status,
      progress: p.progress,
      createdAt: iso(job.createdAt),
      updatedAt: iso(p.updatedAt),
    };
    if (job.parentId) out.originatingMessageId = job.parentId;
    if (job.ref !== undefined) out.ref = job.ref;
    if (p.phase === 'failed') out.error = job.failure?.message ?? DEFAULT_FAILURE.message;
    if (p.phase !== 'succeeded') return out;
    if (isFlux(job)) {
      // §3.12: `images` = all `n` images, `uri` = the first; the newer message shape has no `buttons`.
      out.images = fluxImages(state, job);
      out.uri = (out.images as string[])[0];
      return out;
    }
    if (job.shape === 'grid') {
      out.uri = state.gridUrl(job);
      out.images = state.tileUrls(job);
    } else if (job.shape === 'single') {
      out.uri = state.imageUrl(job);
      out.images = [out.uri];
    } else if (job.shape === 'text') {
      out.content = job.texts;
    } else if (job.shape === 'video') {
      const urls = state.videoUrls(job);
      out.uri = urls[0];
      out.videoUrl = urls[0];
      out.results = urls.map((url, index) => ({ url, index }));
    }
    out.buttons = buttonsOf(job);
    return out;
  }

  const created = (job: SimJob): Reply =>
    json(200, { success: true, messageId: job.id, createdAt: iso(job.createdAt) });

  /** Shared tail of every create endpoint: webhook wiring and the job-creation body. */
  function accepted(job: SimJob, body: Record<string, unknown>): Reply {
    const hook = text(body.webhookOverride);
    if (hook) state.onFinal(job, () => state.webhook('imaginepro', job, hook, view(job)));
    return created(job);
  }

  /** Checks the BaseParams every create endpoint shares; returns an error reply or undefined. */
  function checkBase(body: Record<string, unknown>): Reply | undefined {
    if (body.timeout !== undefined && body.timeout !== null) {
      const t = Number(body.timeout);
      if (!Number.isInteger(t) || t < 10 || t > 900)
        return errors.badRequest('timeout must be an integer between 10 and 900');
    }
    for (const f of ['ref', 'webhookOverride'] as const) {
      if (body[f] !== undefined && body[f] !== null && typeof body[f] !== 'string') {
        return errors.badRequest(`${f} must be a string`);
      }
    }
    return undefined;
  }

  const ref = (body: Record<string, unknown>) => (typeof body.ref === 'string' ? body.ref : undefined);

  /** Shared by every create endpoint once its input is checked: charge, create the job, answer. */
  function submit(
    ctx: RequestContext,
    body: Record<string, unknown>,
    cost: number,
    spec: Omit<NewJob, 'vendor' | 'ref' | 'body'>,
  ): Reply {
    if (!state.charge('imaginepro', cost)) return errors.noCredits();
    const job = state.createJob({ vendor: 'imaginepro', ref: ref(body), body: ctx.body, ...spec }, ctx);
    return accepted(job, body);
  }

  function find(id: string | undefined): SimJob | undefined {
    const job = id ? state.jobs.get(id) : undefined;
    return job?.vendor === 'imaginepro' ? job : undefined;
  }

  function imagine(route: string) {
    return (ctx: RequestContext): Reply => {
      const body = record(ctx.body);
      const prompt = text(body.prompt);
      if (!prompt) return errors.badRequest('Prompt is required.');
      const bad = checkBase(body);
      if (bad) return bad;
      const word = state.banned(prompt);
      if (word) return errors.contentPolicy(word);
      return submit(ctx, body, /--relax\b/.test(prompt) ? 5 : 10, {
        route,
        operation: 'imagine',
        shape: 'grid',
        timing: 'grid',
        prompt,
        aspect: aspectOf(prompt),
      });
    };
  }

  /** `/api/v1/flux/imagine` (§3.12): snake_case fields, `n` images of FLUX 1.1 PRO, 6 credits each (§5). */
  function fluxImagine(ctx: RequestContext): Reply {
    const body = record(ctx.body);
    const prompt = text(body.prompt);
    if (!prompt) return errors.badRequest('Prompt is required.');
    const bad = checkBase(body);
    if (bad) return bad;
    const given = (field: string) => body[field] !== undefined && body[field] !== null;
    const n = given('n') ? Number(body.n) : 1;
    if (!Number.isInteger(n) || n < 1 || n > 4) return errors.badRequest('n must be an integer between 1 and 4');
    for (const side of ['width', 'height'] as const) {
      const value = Number(body[side]);
      if (given(side) && (!Number.isInteger(value) || value < 8 || value % 8 !== 0)) {
        return errors.badRequest(`${side} must be a multiple of 8`);
      }
    }
    const aspect = given('aspect_ratio') ? text(body.aspect_ratio) : undefined;
    if (given('aspect_ratio') && !/^\d+:\d+$/.test(aspect ?? '')) {
      return errors.badRequest('aspect_ratio must look like "16:9"');
    }
    for (const field of ['output_format', 'output_quality'] as const) {
      if (given(field) && typeof body[field] !== 'string') return errors.badRequest(`${field} must be a string`);
    }
    if (given('model') && !FLUX_MODELS.includes(String(body.model))) {
      return errors.badRequest(`model must be one of: ${FLUX_MODELS.join(', ')}`);
    }
    const word = state.banned(prompt);
    if (word) return errors.contentPolicy(word);
    return submit(ctx, body, 6 * n, {
      route: '/api/v1/flux/imagine',
      operation: 'flux',
      shape: 'grid',
      timing: 'grid',
      prompt,
      ...(aspect ? { aspect } : {}),
      data: { fluxImages: n },
    });
  }

  function fetchMessage(ctx: RequestContext): Reply {
    if (!UUID.test(ctx.params.id ?? '')) return errors.badRequest(`Invalid messageId: ${ctx.params.id}`);
    const job = find(ctx.params.id);
    if (!job) return errors.notFound(`Message ${ctx.params.id} not found`);
    return json(200, view(job));
  }

  function button(route: string) {
    return (ctx: RequestContext): Reply => {
      const body = record(ctx.body);
      const messageId = text(body.messageId);
      const label = text(body.button);
      if (!messageId) return errors.badRequest('messageId is required.');
      if (!label) return errors.badRequest('button is required.');
      const bad = checkBase(body);
      if (bad) return bad;
      const target = find(messageId);
      if (!target) return errors.notFound(`Message ${messageId} not found`);
      const phase = phaseOf(target, now()).phase;
      if (label === 'Cancel Job') {
        if (phase !== 'queued' && phase !== 'running') {
          return errors.badRequest('Cancel Job is only available while the job is still running.');
        }
        const job = state.createJob(
          {
            vendor: 'imaginepro',
            route,
            operation: 'Cancel Job',
            shape: 'none',
            timing: 'instant',
            prompt: target.prompt,
            parent: target,
            ref: ref(body),
            body: ctx.body,
          },
          ctx,
        );
        state.cancel(target, { code: 'cancelled', message: 'Job cancelled by user.' });
        return accepted(job, body);
      }
      if (phase !== 'succeeded') {
        return errors.badRequest(`Message ${messageId} is not finished yet; buttons are available once it is DONE.`);
      }
      const available = buttonsOf(target);
      if (!available.includes(label)) {
        return errors.badRequest(
          `Button "${label}" is not available on message ${messageId}. Available buttons: ${available.join(', ')}`,
        );
      }
      const mask = text(body.mask);
      if (label === 'Vary (Region)' && !mask) return errors.badRequest('mask is required for Vary (Region).');
      if (mask && !BASE64.test(mask)) {
        return errors.badRequest('mask must be a base64-encoded image, without a data: prefix.');
      }
      const remix = text(body.prompt);
      const word = state.banned(remix);
      if (word) return errors.contentPolicy(word);
      const upscale = /^U[1-4]$/.test(label);
      const reUpscale = label.startsWith('Upscale (') || label.startsWith('Redo Upscale (');
      const factor = label.includes('4x') ? 4 : label.includes('2x') ? 2 : 1;
      return submit(ctx, body, 5, {
        route,
        operation: label,
        shape: upscale || reUpscale ? 'single' : 'grid',
        timing: upscale ? 'upscale' : reUpscale ? 'upscaleSlow' : 'grid',
        prompt: remix ?? target.prompt,
        parent: target,
        index: upscale ? Number(label[1]) : target.index,
        ...(upscale || reUpscale ? { imageKey: target.imageKey } : {}),
        data: { scale: reUpscale ? ((target.data.scale as number | undefined) ?? 2) * factor : 2 },
      });
    };
  }

  function describe(route: string) {
    return (ctx: RequestContext): Reply => {
      const body = record(ctx.body);
      const url = text(body.url);
      if (!url) return errors.badRequest('url is required.');
      const bad = checkBase(body);
      if (bad) return bad;
      return submit(ctx, body, 5, {
        route,
        operation: 'describe',
        shape: 'text',
        timing: 'text',
        prompt: url,
        texts: state.texts(url, 4),
      });
    };
  }

  function blend(route: string) {
    return (ctx: RequestContext): Reply => {
      const body = record(ctx.body);
      const urls = body.urls;
      if (!Array.isArray(urls) || urls.length < 2 || urls.length > 5 || !urls.every((u) => text(u))) {
        return errors.badRequest('urls must be an array of 2 to 5 image URLs.');
      }
      const bad = checkBase(body);
      if (bad) return bad;
      return submit(ctx, body, 10, {
        route,
        operation: 'blend',
        shape: 'grid',
        timing: 'grid',
        prompt: (urls as string[]).join(' '),
      });
    };
  }

  function faceswap(route: string) {
    return (ctx: RequestContext): Reply => {
      const body = record(ctx.body);
      const source = text(body.source);
      const target = text(body.target);
      if (!source || !target) return errors.badRequest('source and target image URLs are required.');
      const bad = checkBase(body);
      if (bad) return bad;
      return submit(ctx, body, 5, {
        route,
        operation: 'faceswap',
        shape: 'single',
        timing: 'faceswap',
        prompt: `${source} ${target}`,
        index: 1,
        data: { scale: 2 },
      });
    };
  }

  function videoGenerate(ctx: RequestContext): Reply {
    const body = record(ctx.body);
    const start = text(body.startFrameUrl);
    if (!start) return errors.badRequest('startFrameUrl is required.');
    const bad = checkBase(body);
    if (bad) return bad;
    const prompt = text(body.prompt) ?? 'smooth motion transition';
    const word = state.banned(prompt);
    if (word) return errors.contentPolicy(word);
    return submit(ctx, body, 10, {
      route: '/api/v1/video/mj/generate',
      operation: 'video',
      shape: 'video',
      timing: 'video',
      prompt,
    });
  }

  function videoExtend(ctx: RequestContext): Reply {
    const body = record(ctx.body);
    const messageId = text(body.messageId);
    if (!messageId) return errors.badRequest('messageId is required.');
    const index = Number(body.index);
    if (body.index === undefined || !Number.isInteger(index) || index < 0 || index > 3) {
      return errors.badRequest('index is required and must be 0, 1, 2 or 3.');
    }
    const bad = checkBase(body);
    if (bad) return bad;
    const parent = find(messageId);
    if (!parent) return errors.notFound(`Message ${messageId} not found`);
    if (parent.shape !== 'video' || phaseOf(parent, now()).phase !== 'succeeded') {
      return errors.badRequest(`Message ${messageId} is not a finished video job.`);
    }
    return submit(ctx, body, 10, {
      route: '/api/v1/video/mj/extend',
      operation: 'video-extend',
      shape: 'video',
      timing: 'video',
      prompt: parent.prompt,
      parent,
      index,
    });
  }

  function promptCheck(ctx: RequestContext): Reply {
    const prompt = text(record(ctx.body).prompt);
    if (!prompt) return errors.badRequest('Prompt is required.');
    const word = state.banned(prompt);
    return json(200, word ? { status: 'FAIL', message: `Banned word detected: ${word}` } : { status: 'SUCCESS' });
  }

  function accountInfo(): Reply {
    return json(200, {
      type: 'PROFESSIONAL',
      creditsQuota: state.options.credits,
      credits: state.credits.get('imaginepro') ?? 0,
      creditsExtra: 0,
      expiredAt: new Date(state.clock.epoch() + 30 * 86_400_000).toISOString(),
      email: 'simulator@mjgate.local',
    });
  }

  function history(ctx: RequestContext): Reply {
    const page = Math.max(1, Number(ctx.query.get('page') ?? 1) || 1);
    const size = Math.max(1, Math.min(100, Number(ctx.query.get('size') ?? 10) || 10));
    const since = state.clock.epoch() - 86_400_000;
    const done = [...state.jobs.values()]
      .filter((j) => j.vendor === 'imaginepro' && j.createdAt >= since && (j.shape === 'grid' || j.shape === 'single'))
      .filter((j) => phaseOf(j, now()).phase === 'succeeded')
      .reverse()
      .slice((page - 1) * size, page * size);
    return json(200, {
      images: done.map((j) => ({
        id: j.id,
        type: j.operation === 'imagine' || j.operation === 'blend' || j.operation === 'flux' ? j.operation : 'button',
        button: j.operation,
        prompt: j.prompt,
        uri: isFlux(j) ? fluxImages(state, j)[0] : j.shape === 'grid' ? state.gridUrl(j) : state.imageUrl(j),
        createdAt: iso(j.createdAt),
      })),
    });
  }

  const routes: RouteDef[] = [];
  const post = (pattern: string, category: RouteDef['category'], handle: RouteDef['handle']) =>
    routes.push({ method: 'POST', pattern, category, handle });
  const get = (pattern: string, category: RouteDef['category'], handle: RouteDef['handle']) =>
    routes.push({ method: 'GET', pattern, category, handle });

  for (const p of ['/api/v1/nova/imagine', '/api/v1/midjourney/imagine', '/api/v1/nova/boost/imagine'])
    post(p, 'submit', imagine(p));
  for (const p of ['/api/v1/nova/button', '/api/v1/midjourney/button', '/api/v1/nova/boost/button'])
    post(p, 'submit', button(p));
  for (const p of ['/api/v1/nova/describe', '/api/v1/midjourney/describe']) post(p, 'submit', describe(p));
  for (const p of ['/api/v1/nova/blend', '/api/v1/midjourney/blend']) post(p, 'submit', blend(p));
  for (const p of ['/api/v1/nova/faceswap', '/api/v1/midjourney/faceswap']) post(p, 'submit', faceswap(p));
  post('/api/v1/flux/imagine', 'submit', fluxImagine);
  post('/api/v1/video/mj/generate', 'submit', videoGenerate);
  post('/api/v1/video/mj/extend', 'submit', videoExtend);
  get('/api/v1/message/fetch/:id', 'status', fetchMessage);
  get('/api/v1/midjourney/message/:id', 'status', fetchMessage);
  get('/api/v1/video/mj/fetch/:id', 'status', fetchMessage);
  post('/api/v1/nova/prompt-check', 'other', promptCheck);
  get('/api/v1/subscription/account-info', 'account', accountInfo);
  get('/api/v1/nova/images', 'other', history);
  get('/api/v1/midjourney/images', 'other', history);

  return {
    vendor: 'imaginepro',
    routes,
    errors,
    authenticate(headers) {
      const header = headers.authorization;
      const m = typeof header === 'string' ? header.match(/^Bearer\s+(.+)$/i) : null;
      if (!m || !state.keyAccepted(m[1]?.trim())) return json(401, { message: 'Unauthorized', statusCode: 401 });
      return undefined;
    },
  };
}
