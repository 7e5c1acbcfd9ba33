// AceData Cloud (vendors/acedata.md): everything is a POST; `/midjourney/imagine` runs blocking by default,
// returns `{task_id}` with `async`/`callback_url`, or streams ndjson snapshots; task records have no status field.
import type { ServerResponse } from 'node:http';
import {
  DEFAULT_FAILURE,
  json,
  type Reply,
  type RequestContext,
  type RouteDef,
  record,
  type SimState,
  text,
  type VendorModule,
} from './context';
import { aspectOf, type JobFailure, phaseOf, type SimJob } from './jobs';

const GRID_ACTIONS = [
  'upscale1',
  'upscale2',
  'upscale3',
  'upscale4',
  'reroll',
  'variation1',
  'variation2',
  'variation3',
  'variation4',
];
const EDIT_ACTIONS = [
  'variation_subtle',
  'variation_strong',
  'variation_region',
  'zoom_out_2x',
  'zoom_out_1_5x',
  'pan_left',
  'pan_right',
  'pan_up',
  'pan_down',
];
const RE_UPSCALES = ['upscale_2x', 'upscale_4x', 'upscale_subtle', 'upscale_creative'];

/** Early and alternative spellings, accepted on input and answered with the current name. */
const ALIASES: Record<string, string> = {
  upsample1: 'upscale1',
  upsample2: 'upscale2',
  upsample3: 'upscale3',
  upsample4: 'upscale4',
  high_variation: 'variation_strong',
  low_variation: 'variation_subtle',
  upsample_2x: 'upscale_2x',
  upsample_4x: 'upscale_4x',
  redo_upsample_2x: 'redo_upscale_2x',
  redo_upsample_4x: 'redo_upscale_4x',
};

const STATUS_OF_CODE: Record<string, number> = {
  bad_request: 400,
  invalid_token: 401,
  forbidden: 403,
  used_up: 403,
  too_many_requests: 429,
  api_error: 500,
  timeout: 504,
};

function actionsOf(job: SimJob): string[] {
  if (job.operation === 'edits') return [];
  if (job.shape === 'grid') return GRID_ACTIONS;
  if (job.shape !== 'single') return [];
  const square = job.tile.w === job.tile.h ? [] : ['square'];
  const base = job.operation.replace(/^redo_/, '');
  if (RE_UPSCALES.includes(base)) return [`redo_${base}`, ...EDIT_ACTIONS, ...square];
  return [...RE_UPSCALES, ...EDIT_ACTIONS, ...square];
}

/** AceData's routes, as its API reference describes them. */
export function aceDataRoutes(state: SimState): VendorModule {
  const now = () => state.now();
  const imageIds = new Map<string, SimJob>();
  const videoIds = new Map<string, SimJob>();
  const traceIds = new Map<string, SimJob>();

  const envelope = (status: number, code: string, message: string, headers?: Record<string, string>): Reply =>
    json(status, { error: { code, message }, trace_id: state.ids.uuid() }, headers);

  const errors = {
    badRequest: (m: string) => envelope(400, 'bad_request', m),
    notFound: (m: string) => envelope(404, 'not_found', m),
    rateLimited: (s: number) =>
      envelope(429, 'too_many_requests', 'You have exceeded the rate limit.', { 'retry-after': String(s) }),
    server: (s: number) =>
      s === 504
        ? envelope(504, 'timeout', 'Timeout to generate the image.')
        : envelope(s, 'api_error', 'Internal server error.'),
    contentPolicy: () =>
      envelope(403, 'forbidden', 'Sorry! Our Al moderators feel your prompt might be against our community standards.'),
    noCredits: () =>
      envelope(
        403,
        'used_up',
        'Your balance is not sufficient for current request, please buy more in Ace Data Cloud https://platform.acedata.cloud',
      ),
    unknownRoute: () => envelope(404, 'no_api', 'The API is not found.'),
  };

  const trace = (job: SimJob) => job.data.traceId as string;

  function find(id: string | undefined): SimJob | undefined {
    const job = id ? state.jobs.get(id) : undefined;
    return job?.vendor === 'acedata' ? job : undefined;
  }

  function failureBody(job: SimJob): Record<string, unknown> {
    const f: JobFailure = job.failure ?? DEFAULT_FAILURE;
    return { success: false, task_id: job.id, trace_id: trace(job), error: { code: f.code, message: f.message } };
  }

  function size(job: SimJob): { w: number; h: number } {
    const scale = (job.data.scale as number | undefined) ?? 2;
    return { w: job.tile.w * scale, h: job.tile.h * scale };
  }

  /** The final result object (sync body, last ndjson line, callback, task `response`). */
  function finalResult(job: SimJob): Record<string, unknown> {
    if (job.shape === 'video') {
      return {
        success: true,
        task_id: job.id,
        video_id: job.data.videoId,
        video_urls: state.videoUrls(job),
        image_url: state.fileUrl(job, 'cover.png'),
        image_width: job.tile.w * 2,
        image_height: job.tile.h * 2,
        progress: 100,
      };
    }
    const { w, h } = size(job);
    const url = job.shape === 'grid' ? state.gridUrl(job) : state.imageUrl(job);
    const out: Record<string, unknown> = {
      success: true,
      task_id: job.id,
      image_id: job.data.imageId,
      progress: 100,
      image_url: url,
      image_width: w,
      image_height: h,
      raw_image_url: url,
      raw_image_width: w,
      raw_image_height: h,
    };
    if (job.operation !== 'edits') out.actions = actionsOf(job);
    if (job.shape === 'grid' && (job.data.split === true || job.operation === 'edits')) {
      out.sub_image_urls = state.tileUrls(job);
    }
    return out;
  }

  /**
   * An in-progress snapshot: preview image, a throwaway image_id, no actions. `streamed` is for ndjson
   * lines (and their per-snapshot callbacks), which say `success: true` from the first line on (§2.2).
   * Everywhere else `success` means "done": AceData's own clients end a wait on it (§10.3), so a task
   * record's `response` carries none while the task runs.
   */
  function snapshot(job: SimJob, progress: number, streamed: boolean): Record<string, unknown> {
    const done = streamed ? { success: true } : {};
    if (job.shape === 'video') return { ...done, task_id: job.id, progress, video_urls: [] };
    const preview = `${job.shape === 'grid' ? state.gridUrl(job) : state.imageUrl(job)}?preview=${progress}`;
    return {
      ...done,
      task_id: job.id,
      image_id: state.ids.digits(19),
      progress,
      actions: [],
      image_url: preview,
      image_width: job.tile.w,
      image_height: job.tile.h,
      raw_image_url: preview,
      raw_image_width: job.tile.w * 2,
      raw_image_height: job.tile.h * 2,
    };
  }

  /** A task record's `response`: none while queued, a snapshot without `success` while running (§14). */
  function current(job: SimJob): Record<string, unknown> | undefined {
    const p = phaseOf(job, now());
    if (p.phase === 'queued') return undefined;
    if (p.phase === 'running') return snapshot(job, p.progress, false);
    return p.phase === 'succeeded' ? finalResult(job) : failureBody(job);
  }

  /** The task record `/midjourney/tasks` returns. */
  function taskRecord(job: SimJob): Record<string, unknown> {
    const p = phaseOf(job, now());
    const out: Record<string, unknown> = {
      _id: job.data.mongoId,
      id: job.id,
      type: job.data.type,
      trace_id: trace(job),
      application_id: '9dec7b2a-0c8b-4a42-8a36-6d1f5ee0a7a1',
      credential_id: '68253cc8-3c7e-4f1e-9d0b-3f4b7a9a1c55',
      request: job.body,
      created_at: job.createdAt / 1000,
    };
    const response = current(job);
    if (response) out.response = response;
    if (p.startedAt !== undefined) out.started_at = p.startedAt / 1000;
    if (p.finishedAt !== undefined) {
      out.finished_at = p.finishedAt / 1000;
      out.duration = Math.round(p.finishedAt - job.createdAt) / 1000;
    }
    if (p.phase === 'succeeded' && job.data.imageId) out.image_id = job.data.imageId;
    return out;
  }

  function newJob(
    ctx: RequestContext,
    spec: Omit<Parameters<SimState['createJob']>[0], 'vendor'>,
    type: string,
  ): SimJob {
    const job = state.createJob({ ...spec, vendor: 'acedata' }, ctx);
    job.data.type = type;
    job.data.traceId = state.ids.uuid();
    job.data.mongoId = state.ids.hex(24);
    traceIds.set(trace(job), job);
    if (job.shape === 'grid' || job.shape === 'single') {
      job.data.imageId = state.ids.digits(19);
      imageIds.set(job.data.imageId as string, job);
    }
    if (job.shape === 'video') {
      job.data.videoId = state.ids.digits(16);
      videoIds.set(job.data.videoId as string, job);
    }
    return job;
  }

  const SNAPSHOTS = [0.35, 0.75];

  /** Blocking, async/callback or ndjson: the three ways AceData answers a long-running submission. */
  async function respond(ctx: RequestContext, job: SimJob): Promise<Reply> {
    const body = record(ctx.body);
    const callback = text(body.callback_url);
    const accept = String(ctx.headers.accept ?? '');
    const ndjson = accept.includes('application/x-ndjson');
    if (callback) {
      // With ndjson, one POST per snapshot, shaped like the stream's lines (§2.2, §10.4); without it,
      // the final result alone, which is the only callback that says `success`.
      if (ndjson) {
        for (const f of SNAPSHOTS)
          state.at(job, f, () => state.webhook('acedata', job, callback, snapshot(job, Math.round(f * 100), true)));
      }
      state.onFinal(job, () => state.webhook('acedata', job, callback, { ...current(job), trace_id: trace(job) }));
    }
    if (callback || body.async === true || body.async === 'true') return json(200, { task_id: job.id });
    if (ndjson) return { status: 200, headers: { 'content-type': 'application/x-ndjson' }, stream: streamJob(job) };
    const timeoutS = Number(body.timeout ?? 480);
    const limit = state.clock.scale((Number.isFinite(timeoutS) && timeoutS > 0 ? timeoutS : 480) * 1000);
    const finished = await state.waitFor(job, limit, ctx.signal);
    if (!finished) return errors.server(504);
    const p = phaseOf(job, now());
    if (p.phase === 'succeeded') return json(200, finalResult(job));
    const code = job.failure?.code ?? DEFAULT_FAILURE.code;
    return json(STATUS_OF_CODE[code] ?? 500, failureBody(job));
  }

  function streamJob(job: SimJob) {
    return async (res: ServerResponse, signal: AbortSignal) => {
      for (const f of SNAPSHOTS) {
        const t = job.start + job.queuedMs + job.runMs * f;
        // A snapshot the job reaches is always written, even when this process wakes up after the job
        // ended: the lines depend on the job, not on the machine's load.
        if (t >= job.start + job.queuedMs + job.runMs || phaseOf(job, t).phase !== 'running') break;
        const wait = t - now();
        if (wait > 0) await state.clock.sleep(wait, signal);
        res.write(`${JSON.stringify(snapshot(job, Math.round(f * 100), true))}\n`);
      }
      await state.waitFor(job, Number.POSITIVE_INFINITY, signal);
      const done = phaseOf(job, now()).phase === 'succeeded';
      res.write(`${JSON.stringify(done ? finalResult(job) : failureBody(job))}\n`);
    };
  }

  function checkMode(body: Record<string, unknown>, allowed: string[]): Reply | undefined {
    if (body.mode === undefined) return undefined;
    if (typeof body.mode !== 'string' || !allowed.includes(body.mode)) {
      return errors.badRequest(`mode must be one of ${allowed.join(', ')}`);
    }
    return undefined;
  }

  async function imagine(ctx: RequestContext): Promise<Reply> {
    const body = record(ctx.body);
    const raw = text(body.action) ?? 'generate';
    const action = ALIASES[raw] ?? raw;
    const bad = checkMode(body, ['fast', 'relax', 'turbo']);
    if (bad) return bad;
    const prompt = text(body.prompt);
    if (action === 'generate') {
      if (!prompt) return errors.badRequest('prompt is required');
      const word = state.banned(prompt);
      if (word) return errors.contentPolicy();
      if (!state.charge('acedata', 1)) return errors.noCredits();
      const job = newJob(
        ctx,
        {
          route: '/midjourney/imagine',
          operation: 'generate',
          shape: 'grid',
          timing: 'grid',
          prompt,
          aspect: aspectOf(prompt),
          body: ctx.body,
        },
        'imagine',
      );
      job.data.split = body.split_images === true;
      return respond(ctx, job);
    }
    const imageId = text(body.image_id);
    if (!imageId) return errors.badRequest(`image_id is required for action ${action}`);
    const parent = imageIds.get(imageId);
    if (!parent || phaseOf(parent, now()).phase !== 'succeeded') {
      return errors.badRequest(`The image_id ${imageId} does not exist or is not finished.`);
    }
    const available = actionsOf(parent);
    if (!available.includes(action)) {
      return errors.badRequest(
        `The action ${action} is not available for image_id ${imageId}; available: ${available.join(', ') || 'none'}`,
      );
    }
    if (action === 'variation_region' && !text(body.mask))
      return errors.badRequest('mask is required for variation_region');
    const word = state.banned(prompt);
    if (word) return errors.contentPolicy();
    if (!state.charge('acedata', 1)) return errors.noCredits();
    const upscale = /^upscale[1-4]$/.test(action);
    const reUpscale = action.replace(/^redo_/, '').startsWith('upscale_');
    const factor = action.includes('4x') ? 4 : action.includes('2x') ? 2 : 1;
    const job = newJob(
      ctx,
      {
        route: '/midjourney/imagine',
        operation: action,
        shape: upscale || reUpscale ? 'single' : 'grid',
        timing: upscale ? 'upscale' : reUpscale ? 'upscaleSlow' : 'grid',
        prompt: prompt ?? parent.prompt,
        parent,
        index: upscale ? Number(action.slice(-1)) : parent.index,
        ...(upscale || reUpscale ? { imageKey: parent.imageKey } : {}),
        body: ctx.body,
        data: { scale: reUpscale ? ((parent.data.scale as number | undefined) ?? 2) * factor : 2 },
      },
      'imagine',
    );
    job.data.split = body.split_images === true;
    return respond(ctx, job);
  }

  async function edits(ctx: RequestContext): Promise<Reply> {
    const body = record(ctx.body);
    const imageUrl = text(body.image_url);
    const prompt = text(body.prompt);
    if (!imageUrl) return errors.badRequest('image_url is required');
    if (!prompt) return errors.badRequest('prompt is required');
    const bad = checkMode(body, ['fast', 'relax', 'turbo']);
    if (bad) return bad;
    if (state.banned(prompt)) return errors.contentPolicy();
    if (!state.charge('acedata', 1)) return errors.noCredits();
    const job = newJob(
      ctx,
      { route: '/midjourney/edits', operation: 'edits', shape: 'grid', timing: 'grid', prompt, body: ctx.body },
      'edits',
    );
    return respond(ctx, job);
  }

  async function videos(ctx: RequestContext): Promise<Reply> {
    const body = record(ctx.body);
    const action = text(body.action) ?? 'generate';
    const bad = checkMode(body, ['fast', 'turbo']);
    if (bad) return bad;
    if (body.resolution !== undefined && body.resolution !== '480p' && body.resolution !== '720p') {
      return errors.badRequest('resolution must be 480p or 720p');
    }
    const prompt = text(body.prompt);
    if (state.banned(prompt)) return errors.contentPolicy();
    let parent: SimJob | undefined;
    if (action === 'generate') {
      if (!text(body.image_url)) return errors.badRequest('image_url is required for generate');
    } else if (action === 'extend') {
      const videoId = text(body.video_id);
      if (!videoId) return errors.badRequest('video_id is required for extend');
      parent = videoIds.get(videoId);
      if (!parent || phaseOf(parent, now()).phase !== 'succeeded') {
        return errors.badRequest(`The video_id ${videoId} does not exist or is not finished.`);
      }
      const index = Number(body.video_index ?? 0);
      if (!Number.isInteger(index) || index < 0 || index > 3) return errors.badRequest('video_index must be 0 to 3');
    } else {
      return errors.badRequest('action must be generate or extend');
    }
    if (!state.charge('acedata', 1)) return errors.noCredits();
    const job = newJob(
      ctx,
      {
        route: '/midjourney/videos',
        operation: action,
        shape: 'video',
        timing: 'video',
        prompt: prompt ?? parent?.prompt ?? '',
        ...(parent ? { parent } : {}),
        body: ctx.body,
      },
      'videos',
    );
    return respond(ctx, job);
  }

  /** Short synchronous jobs (describe, shorten, seed, translate): create, wait, answer. */
  async function quick(
    ctx: RequestContext,
    operation: string,
    texts: string[],
    answer: (job: SimJob) => Record<string, unknown>,
  ): Promise<Reply> {
    if (!state.charge('acedata', 1)) return errors.noCredits();
    const job = newJob(
      ctx,
      { route: `/midjourney/${operation}`, operation, shape: 'text', timing: 'text', texts, body: ctx.body },
      operation,
    );
    await state.waitFor(job, Number.POSITIVE_INFINITY, ctx.signal);
    if (phaseOf(job, now()).phase === 'succeeded') return json(200, answer(job));
    const f = job.failure ?? DEFAULT_FAILURE;
    return envelope(STATUS_OF_CODE[f.code] ?? 500, f.code, f.message);
  }

  function describe(ctx: RequestContext): Promise<Reply> | Reply {
    const url = text(record(ctx.body).image_url);
    if (!url) return errors.badRequest('image_url is required');
    return quick(ctx, 'describe', state.texts(url, 4), (j) => ({ descriptions: j.texts }));
  }

  function shorten(ctx: RequestContext): Promise<Reply> | Reply {
    const prompt = text(record(ctx.body).prompt);
    if (!prompt) return errors.badRequest('prompt is required');
    if (state.banned(prompt)) return errors.contentPolicy();
    const words = prompt
      .replace(/--\S+(\s+\S+)?/g, '')
      .split(/[\s,]+/)
      .filter(Boolean);
    const prompts = [5, 4, 3, 2, 1].map((n) =>
      words.slice(0, Math.max(1, Math.ceil((words.length * n) / 6))).join(' '),
    );
    return quick(ctx, 'shorten', prompts, (j) => ({ prompts: j.texts }));
  }

  function seed(ctx: RequestContext): Promise<Reply> | Reply {
    const imageId = text(record(ctx.body).image_id);
    if (!imageId) return errors.badRequest('image_id is required');
    const parent = imageIds.get(imageId);
    if (!parent) return errors.badRequest(`The image_id ${imageId} does not exist.`);
    return quick(ctx, 'seed', [], () => ({ seed: parent.seed }));
  }

  function translate(ctx: RequestContext): Promise<Reply> | Reply {
    const content = text(record(ctx.body).content);
    if (!content) return errors.badRequest('content is required');
    // no real translation offline: ASCII text is taken as English already
    const english = /^[\x20-\x7e]*$/.test(content) ? content : `An English rendering of: ${content}`;
    return quick(ctx, 'translate', [english], (j) => ({ content: j.texts[0] }));
  }

  function tasks(ctx: RequestContext): Reply {
    const body = record(ctx.body);
    const ids = body.ids ?? body.task_ids;
    const traces = body.trace_ids;
    const action = text(body.action) ?? (ids !== undefined || traces !== undefined ? 'retrieve_batch' : 'retrieve');
    if (action === 'retrieve') {
      const id = text(body.id) ?? text(body.task_id);
      const traceId = text(body.trace_id);
      if (!id && !traceId) return errors.badRequest('id is required for retrieve');
      const job = id ? find(id) : traceIds.get(traceId as string);
      if (!job) return errors.notFound(`The task ${id ?? traceId} was not found.`);
      return json(200, taskRecord(job));
    }
    if (action !== 'retrieve_batch') return errors.badRequest('action must be retrieve or retrieve_batch');
    for (const [name, list] of [
      ['ids', ids],
      ['trace_ids', traces],
    ] as const) {
      if (list === undefined) continue;
      if (!Array.isArray(list) || !list.every((x) => typeof x === 'string')) {
        return errors.badRequest(`${name} must be an array of strings`);
      }
      if (list.length > 50) return errors.badRequest(`${name} must contain at most 50 entries`);
    }
    // `offset`/`limit` (default 0/12) page every retrieve_batch, a lookup by ids included: a client
    // that asks for more than 12 ids without a `limit` gets the first 12 back.
    const offset = Math.max(0, Number(body.offset ?? 0) || 0);
    const limit = Math.max(1, Math.min(100, Number(body.limit ?? 12) || 12));
    const page = (found: SimJob[]) =>
      json(200, { items: found.slice(offset, offset + limit).map(taskRecord), count: found.length });
    if (Array.isArray(ids) || Array.isArray(traces)) {
      return page(
        [
          ...((ids as string[] | undefined) ?? []).map((id) => find(id)),
          ...((traces as string[] | undefined) ?? []).map((t) => traceIds.get(t)),
        ].filter((j): j is SimJob => j !== undefined),
      );
    }
    // No ids: recent tasks, newest first, within `created_at_min`/`created_at_max` (epoch seconds) when given (§10.1).
    const min = Number(body.created_at_min ?? Number.NEGATIVE_INFINITY);
    const max = Number(body.created_at_max ?? Number.POSITIVE_INFINITY);
    const inWindow = (j: SimJob) => !(j.createdAt / 1000 < min) && !(j.createdAt / 1000 > max);
    return page([...state.jobs.values()].filter((j) => j.vendor === 'acedata' && inWindow(j)).reverse());
  }

  const post = (pattern: string, category: RouteDef['category'], handle: RouteDef['handle']): RouteDef => ({
    method: 'POST',
    pattern,
    category,
    handle,
  });
  const routes: RouteDef[] = [
    post('/midjourney/imagine', 'submit', imagine),
    post('/midjourney/edits', 'submit', edits),
    post('/midjourney/videos', 'submit', videos),
    post('/midjourney/describe', 'submit', describe),
    post('/midjourney/shorten', 'submit', shorten),
    post('/midjourney/seed', 'submit', seed),
    post('/midjourney/translate', 'submit', translate),
    post('/midjourney/tasks', 'status', tasks),
  ];

  return {
    vendor: 'acedata',
    routes,
    errors,
    authenticate(headers) {
      const header = headers.authorization;
      if (typeof header !== 'string' || header.trim() === '') {
        return envelope(400, 'no_token', 'The token is not specified, please add it to the authorization header.');
      }
      const m = header.match(/^Bearer\s+(.+)$/i);
      if (!m || !state.keyAccepted(m[1]?.trim())) {
        return envelope(401, 'invalid_token', 'The specified token is invalid or wrong.');
      }
      return undefined;
    },
  };
}
