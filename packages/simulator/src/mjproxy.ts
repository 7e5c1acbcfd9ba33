// The midjourney-proxy protocol (vendors/mjproxy.md): `/mj/submit/*` answering `SubmitResultVO`
// `{code, description, result, properties}`, `/mj/task/{id}/fetch`, `list-by-condition`, button
// `customId`s, MODAL tasks confirmed through `/mj/submit/modal`, and `notifyHook` callbacks carrying the
// whole Task. One protocol, several servers: the dialect option picks which server's differences (§0, §8)
// the simulator shows — its auth header, whether tasks carry buttons, how an unknown task is answered,
// which fields a Task has, which endpoints exist and which error envelope it uses.
import type { IncomingHttpHeaders } from 'node:http';
import {
  json,
  type NewJob,
  type Reply,
  type RequestContext,
  type RouteDef,
  record,
  type SimState,
  text,
  type VendorErrors,
  type VendorModule,
} from './context';
import { endOf, phaseOf, type ResultShape, type SimJob, TIMINGS, type Timing } from './jobs';
import type { RouteCategory } from './types';

/**
 * Which midjourney-proxy server the simulator imitates (§0):
 * - `novicezk`: the open-source Java original — `mj-api-secret` only, no `buttons`, follow-ups only
 *   through `/submit/change`, an unknown task fetched is `200` with an empty body, banned prompts and a
 *   full queue refused at submission (codes 24, 23).
 * - `trueai`: trueai-org's C# superset — raw `Authorization` or `Mj-Api-Secret`, buttons, `/submit/action`
 *   and `/submit/modal`, shorten, seed, video, face swap, cancel, `/mj-fast|turbo|relax` path prefixes,
 *   an unknown task fetched is `204`, banned prompts fail the task later.
 * - `new-api`: the Go gateway relays use — `Authorization: Bearer` or `mj-api-secret`, Tasks trimmed to
 *   its `MidjourneyDto`, codes 21/22 rewritten to 1 (except Vary Region and Custom Zoom), its own errors as
 *   HTTP 400 `{description, type: "upstream_error", code}`, no cancel, `notifyHook` dropped by default.
 */
export type MjProxyDialect = 'novicezk' | 'trueai' | 'new-api';

export const MJPROXY_DIALECTS: readonly MjProxyDialect[] = ['novicezk', 'trueai', 'new-api'];

/** Options of the `/mjproxy` vendor (`startSimulator({ mjproxy: { … } })`). */
export interface MjProxyOptions {
  /** The server imitated (default `trueai`, the superset: every operation the adapter offers exists). */
  dialect?: MjProxyDialect;
  /**
   * Tasks running at once per account before new ones queue (answer code 22 with `numberOfQueues`, §7;
   * new-api rewrites 22 to 1). Default 3, novicezk's `core-size`.
   */
  coreSize?: number;
  /**
   * Tasks waiting beyond `coreSize` before a submission is refused as a full queue (code 23 on novicezk and
   * through new-api, code 9 on trueai; no task is kept). Default: unlimited (novicezk's own default is 10).
   */
  queueSize?: number;
  /**
   * new-api only: whether the relay's tasks carry the upstream's buttons. `false` imitates an upstream that
   * sent none: Tasks have `"buttons": null` and follow-ups go through `/submit/change` (§4.2). Default true.
   */
  buttons?: boolean;
  /**
   * new-api only: forward `notifyHook` (the operator's `MjNotifyEnabled`, §5). Default false: new-api deletes
   * it, so no callback arrives through a relay.
   */
  notify?: boolean;
}

/** The Button object (§2.2). */
interface Button {
  customId: string;
  emoji: string;
  label: string;
  type: number;
  style: number;
}

/** What pressing a button (or a `/submit/change`) creates (§3.2, §4.1). */
interface Plan {
  /** The Task `action` novicezk and trueai write. */
  action: string;
  /** The name new-api gives the tasks it creates (§2.1 `action`, NA column). */
  newApiAction: string;
  shape: ResultShape;
  timing: Timing;
  index?: number;
  /** Grid pixels drawn from the parent's (upscales keep the parent's image). */
  sameImage?: boolean;
  scale?: number;
  /** Always answers 21 and waits in MODAL for `/submit/modal` (§3.2). */
  modal?: 'inpaint' | 'custom-zoom' | 'prompt';
  /** Answers 21 when remix is on (`enableRemix: true`, §3.2). */
  remixable?: boolean;
  /** The prompt the new task runs (PicReader / PromptAnalyzer pick one of the parent's texts). */
  prompt?: string;
  bookmark?: boolean;
  /** An upscale of an upscale: Midjourney labels its buttons "Redo Upscale (…)" (§4.1, §12.5). */
  upscaled?: boolean;
}

const TERMINAL = new Set(['SUCCESS', 'FAILURE', 'CANCEL']);
/** Grids on which novicezk's `/submit/change` works (§3.4). */
const CHANGEABLE = new Set(['IMAGINE', 'VARIATION', 'REROLL', 'BLEND']);
const DATA_URL = /^data:image\/[a-z0-9.+-]+;base64,[a-z0-9+/=\s]+$/i;
const HTTP_URL = /^https?:\/\/\S+$/i;
/** trueai's limit on `state` (§3). */
const STATE_MAX = 255;
const CANCEL_REASON = '取消任务';
const BANNED_REASON = '可能包含敏感词';
const INSTANCE_ID = '1118138338562560102';
const CHANNEL_ID = '1118138338562560103';

/** Speed prefixes: trueai routes every controller under them too (§1.1). */
const SPEED_PREFIXES: Record<string, string> = { 'mj-fast': 'FAST', 'mj-turbo': 'TURBO', 'mj-relax': 'RELAX' };

/** The midjourney-proxy vendor, speaking the dialect chosen in `options`. */
export function mjProxyRoutes(state: SimState, options: MjProxyOptions = {}): VendorModule {
  const dialect: MjProxyDialect = options.dialect ?? 'trueai';
  const coreSize = options.coreSize ?? 3;
  const queueSize = options.queueSize ?? Number.POSITIVE_INFINITY;
  const newApi = dialect === 'new-api';
  const novicezk = dialect === 'novicezk';
  const withButtons = !novicezk && !(newApi && options.buttons === false);
  const notify = !newApi || options.notify === true;
  const now = () => state.now();
  let lastId = 0;

  // ---- answers -------------------------------------------------------------------------------------

  /** A `SubmitResultVO` (§1.3). */
  const vo = (code: number, description: string, extra: Record<string, unknown> = {}, status = 200) =>
    json(status, { code, description, ...extra });
  /** new-api's own errors (§1.4): HTTP 400 (429 for code 30), the description followed by a space. */
  const relayError = (description: string, code = 4, status = 400) =>
    json(status, { description: `${description} `, type: 'upstream_error', code });
  /** A refusal of the request's input: code 4 (§1.3), or new-api's envelope for the checks it makes itself. */
  const invalid = (description: string, relayDescription?: string) =>
    newApi && relayDescription ? relayError(relayDescription) : vo(4, description);
  /** The parent task of an action is unknown: trueai 404 + code 3, novicezk 200 + code 3, new-api its own 400. */
  const parentMissing = (status404: boolean) =>
    newApi ? relayError('task_not_found') : vo(3, '关联任务不存在或已失效', {}, status404 && !novicezk ? 404 : 200);
  const empty = (status: number, type?: string): Reply =>
    type ? { status, raw: '', headers: { 'content-type': type } } : { status, raw: '' };

  const errors: VendorErrors = {
    badRequest: (m) => (newApi ? relayError('bind_request_body_failed') : vo(4, m)),
    notFound: () => parentMissing(true),
    // trueai's IP limiter answers 429 with no body (§1.4); new-api's saturated group is code 30 as 429.
    rateLimited: (s) =>
      newApi
        ? json(
            429,
            { description: '当前分组上游负载已饱和，请稍后再试 ', type: 'upstream_error', code: 30 },
            {
              'retry-after': String(s),
            },
          )
        : { status: 429, raw: '', headers: { 'retry-after': String(s) } },
    server: (s) =>
      dialect === 'trueai'
        ? json(s, {
            success: false,
            code: -1,
            message: '操作失败',
            timestamp: new Date(state.clock.epoch()).toISOString(),
          })
        : newApi
          ? relayError('do_request_failed', 5, s)
          : json(s, {
              timestamp: new Date(state.clock.epoch()).toISOString(),
              status: s,
              error: 'Internal Server Error',
            }),
    contentPolicy: (word) => vo(24, BANNED_REASON, { properties: { promptEn: word, bannedWord: word } }),
    // The protocol has no billing: novicezk has no usable account left, trueai's daily per-user limit,
    // new-api's quota (§1.3 codes 3 and 4).
    noCredits: () =>
      newApi
        ? relayError('quota_not_enough')
        : novicezk
          ? vo(3, '无可用的账号实例')
          : vo(4, '用户今日绘图次数已达上限'),
    unknownRoute: (_method, path) =>
      newApi
        ? { status: 404, raw: '404 page not found', headers: { 'content-type': 'text/plain' } }
        : novicezk
          ? json(404, {
              timestamp: new Date(state.clock.epoch()).toISOString(),
              status: 404,
              error: 'Not Found',
              path: `/mj${path}`,
            })
          : empty(404),
  };

  // ---- tasks ---------------------------------------------------------------------------------------

  function find(id: string | undefined): SimJob | undefined {
    const job = id ? state.jobs.get(id) : undefined;
    return job?.vendor === 'mjproxy' ? job : undefined;
  }

  /** Task ids are numeric strings, epoch milliseconds then 3 digits (§1.1), always increasing. */
  function newId(): string {
    const candidate = state.clock.epoch() * 1000 + state.ids.int(1000);
    lastId = Math.max(candidate, lastId + 1);
    return String(lastId);
  }

  const actionOf = (job: SimJob) => String((newApi ? job.data.newApiAction : undefined) ?? job.data.action);
  const waitingModal = (job: SimJob) => job.data.modalPending === true;

  /** The status word at clock time `at` (§2.4), with the moment each phase began. */
  function statusOf(job: SimJob, at: number): { status: string; progress: string | null } {
    if (waitingModal(job)) return { status: 'MODAL', progress: newApi ? '0%' : null };
    const p = phaseOf(job, at);
    if (p.phase === 'queued') {
      // The first half of the wait is the proxy's own queue (NOT_START), the second Midjourney's (SUBMITTED).
      // (a confirmed modal waits from its confirmation, not from the action that created it)
      const from = typeof job.data.queuedFrom === 'number' ? job.data.queuedFrom : job.start;
      // The epsilon absorbs floating-point error, as in phaseOf: with a start time like 1000.003,
      // `start + 15` came out below `start + (start + 30 - start) / 2`, so a clock stepped exactly
      // half-way still read NOT_START.
      const submitted = at - from + 1e-6 >= (job.start + job.queuedMs - from) / 2;
      if (submitted) return { status: 'SUBMITTED', progress: '0%' };
      // new-api's own row before its first upstream sync (§2.4); trueai has no progress before start (§2.5).
      if (newApi) return { status: '', progress: '0%' };
      return { status: 'NOT_START', progress: novicezk ? '0%' : null };
    }
    if (p.phase === 'running') return { status: 'IN_PROGRESS', progress: `${p.progress}%` };
    if (p.phase === 'failed') return { status: 'FAILURE', progress: newApi ? '100%' : '' };
    return { status: 'SUCCESS', progress: '100%' };
  }

  function finalPrompt(job: SimJob): string {
    if (job.shape === 'text') return String(job.data.analysis ?? job.texts.join('\n\n'));
    return /--(?:v|version|niji)\b/.test(job.prompt) ? job.prompt : `${job.prompt} --v 6.1`;
  }

  /** The image (or mp4) `imageUrl` names: served by the simulator, a preview of the grid while running. */
  function imageUrlOf(job: SimJob): string | null {
    switch (job.shape) {
      case 'grid':
        return state.gridUrl(job);
      case 'single':
        return state.imageUrl(job);
      case 'video':
        // trueai puts the mp4 in imageUrl too (§12.10)
        return state.videoUrls(job)[0] ?? null;
      default:
        return typeof job.data.imageUrl === 'string' ? job.data.imageUrl : null;
    }
  }

  /** The Task (§2) as this dialect serves it at clock time `at`; `as` lets new-api's callbacks come from upstream. */
  function view(job: SimJob, at = now(), as: MjProxyDialect = dialect): Record<string, unknown> {
    const { status, progress } = statusOf(job, at);
    const p = phaseOf(job, at);
    const done = status === 'SUCCESS';
    const failed = status === 'FAILURE';
    const started = status === 'IN_PROGRESS' || TERMINAL.has(status);
    const image = done || status === 'IN_PROGRESS' ? imageUrlOf(job) : null;
    const failReason = failed ? (job.failure?.message ?? 'Internal error') : null;
    const startTime = p.startedAt ?? (status === 'SUBMITTED' ? job.createdAt : undefined);
    const task: Record<string, unknown> = {
      id: job.id,
      action: as === 'new-api' ? actionOf(job) : String(job.data.action),
    };
    if (as !== 'new-api') task.status = status;
    task.prompt = job.prompt;
    task.promptEn = job.shape === 'text' && done && as === 'trueai' ? finalPrompt(job) : job.prompt;
    task.description = as === 'new-api' ? 'Submit success' : String(job.data.description ?? '');
    task.state = job.ref ?? (as === 'new-api' ? '' : null);
    task.submitTime = job.createdAt;
    task.startTime = started || status === 'SUBMITTED' ? (startTime ?? job.createdAt) : as === 'new-api' ? 0 : null;
    task.finishTime = TERMINAL.has(status) ? p.finishedAt : as === 'new-api' ? 0 : null;
    task.imageUrl = image ?? (as === 'new-api' ? '' : null);
    task.progress = progress;
    task.failReason = failReason ?? (as === 'new-api' ? '' : null);
    const properties: Record<string, unknown> = {};
    if (done && job.shape !== 'seed') properties.finalPrompt = finalPrompt(job);
    if (as === 'new-api') {
      // MidjourneyDto (§2.1, §12.9): no imageUrls, parentId, seed or mode; a few empty extras.
      task.status = status;
      task.customId = '';
      task.botType = '';
      task.maskBase64 = '';
      if (job.shape === 'video' && done) {
        task.videoUrl = state.videoUrls(job)[0];
        task.videoUrls = state.videoUrls(job).map((url) => ({ url }));
      }
      task.buttons = withButtons ? (done ? buttonsOf(job) : []) : null;
      task.properties = properties;
      return task;
    }
    properties.discordInstanceId = INSTANCE_ID;
    if (as === 'trueai') properties.discordChannelId = CHANNEL_ID;
    const hook = text(record(job.body).notifyHook);
    if (hook) properties.notifyHook = hook;
    task.properties = properties;
    if (as === 'novicezk') return task;
    // trueai's TaskInfo extras (§2.1)
    task.buttons = done ? buttonsOf(job) : [];
    if (job.parentId) task.parentId = job.parentId;
    task.botType = job.data.botType ?? 'MID_JOURNEY';
    task.mode = job.data.mode ?? 'FAST';
    if (done && job.shape === 'grid') {
      task.imageUrls = state.tileUrls(job).map((url) => ({ url, thumbnail: url }));
      task.width = job.tile.w * 2;
      task.height = job.tile.h * 2;
    }
    if (done && job.shape === 'video') {
      const cover = state.fileUrl(job, 'cover.png');
      task.videoUrls = state.videoUrls(job).map((url) => ({ url, thumbnail: cover }));
      task.videoUrl = state.videoUrls(job)[0];
    }
    if (job.data.seedRead === true) task.seed = job.seed;
    return task;
  }

  // ---- buttons (§4.1) ------------------------------------------------------------------------------

  /** Midjourney's model version in a prompt → the tag of its upscale customIds (§4.1 `upscale-subtle`). */
  function versionTag(prompt: string): string {
    const niji = prompt.match(/--niji\s*(\d+(?:\.\d+)?)?/);
    const v = prompt.match(/--(?:v|version)\s+(\d+(?:\.\d+)?)/)?.[1] ?? (niji ? (niji[1] ?? '6') : '6.1');
    if (v.startsWith('5')) return 'v5';
    if (v === '6.1') return 'v6r1';
    return `v${v.split('.')[0]}`;
  }

  const button = (customId: string, label: string, emoji = '', style = 2): Button => ({
    customId,
    emoji,
    label,
    type: 2,
    style,
  });

  function buttonsOf(job: SimJob): Button[] {
    const h = String(job.data.hash);
    const action = String(job.data.action);
    if (job.shape === 'grid') {
      return [
        ...[1, 2, 3, 4].map((n) => button(`MJ::JOB::upsample::${n}::${h}`, `U${n}`)),
        button(`MJ::JOB::reroll::0::${h}::SOLO`, '', '🔄'),
        ...[1, 2, 3, 4].map((n) => button(`MJ::JOB::variation::${n}::${h}`, `V${n}`)),
      ];
    }
    if (job.shape === 'single' && action === 'UPSCALE') {
      const tag = versionTag(job.prompt);
      const redo = job.data.upscaled === true ? 'Redo ' : '';
      const upscales =
        tag === 'v5'
          ? [
              button(`MJ::JOB::upsample_v5_2x::1::${h}::SOLO`, `${redo}Upscale (2x)`, 'upscale_1'),
              button(`MJ::JOB::upsample_v5_4x::1::${h}::SOLO`, `${redo}Upscale (4x)`, 'upscale_1'),
            ]
          : [
              button(`MJ::JOB::upsample_${tag}_2x_subtle::1::${h}::SOLO`, `${redo}Upscale (Subtle)`, 'upscale_1'),
              button(`MJ::JOB::upsample_${tag}_2x_creative::1::${h}::SOLO`, `${redo}Upscale (Creative)`, 'upscale_1'),
            ];
      const list = [
        ...upscales,
        button(`MJ::JOB::low_variation::1::${h}::SOLO`, 'Vary (Subtle)', '🪄'),
        button(`MJ::JOB::high_variation::1::${h}::SOLO`, 'Vary (Strong)', '🪄'),
        button(`MJ::Inpaint::1::${h}::SOLO`, 'Vary (Region)', '🖌️'),
        button(`MJ::Outpaint::50::1::${h}::SOLO`, 'Zoom Out 2x', '🔍'),
        button(`MJ::Outpaint::75::1::${h}::SOLO`, 'Zoom Out 1.5x', '🔍'),
        button(`MJ::CustomZoom::${h}`, 'Custom Zoom', '🔍'),
        button(`MJ::JOB::pan_left::1::${h}::SOLO`, '', '⬅️'),
        button(`MJ::JOB::pan_right::1::${h}::SOLO`, '', '➡️'),
        button(`MJ::JOB::pan_up::1::${h}::SOLO`, '', '⬆️'),
        button(`MJ::JOB::pan_down::1::${h}::SOLO`, '', '⬇️'),
      ];
      // Make Square only on a non-square image (§4.1)
      if (job.tile.w !== job.tile.h) list.push(button(`MJ::Outpaint::100::1::${h}::SOLO`, 'Make Square', '↔️'));
      if (dialect === 'trueai') {
        list.push(
          button(`MJ::JOB::animate_high::1::${h}::SOLO`, 'Animate (High motion)', '🎞️'),
          button(`MJ::JOB::animate_low::1::${h}::SOLO`, 'Animate (Low motion)', '🎞️'),
        );
      }
      list.push(button(`MJ::BOOKMARK::${h}`, '', '❤️'));
      return list;
    }
    if (job.shape === 'video' && dialect === 'trueai') {
      return [
        ...[1, 2, 3, 4].map((n) => button(`MJ::JOB::video_virtual_upscale::${n}::${job.id}`, `U${n}`)),
        button(`MJ::JOB::animate_high_extend::1::${job.id}`, 'Extend (High motion)', '🎞️'),
        button(`MJ::JOB::animate_low_extend::1::${job.id}`, 'Extend (Low motion)', '🎞️'),
        button(`MJ::JOB::reroll::0::${h}::SOLO`, '', '🔄'),
      ];
    }
    if (job.shape === 'text' && dialect === 'trueai') {
      // describe → PicReader 1–4, shorten → PromptAnalyzer 1–5: each imagines one of the texts, through a modal (§3.5, §3.7)
      const kind = action === 'DESCRIBE' ? 'PicReader' : 'PromptAnalyzer';
      return job.texts.map((_, i) => button(`MJ::Job::${kind}::${i + 1}`, String(i + 1)));
    }
    return [];
  }

  /** What a customId does (§4.1); undefined for one the simulator does not know. */
  function plan(customId: string, parent: SimJob): Plan | undefined {
    const grid = (action: string, newApiAction = action, remixable = true): Plan => ({
      action,
      newApiAction,
      shape: 'grid',
      timing: 'grid',
      remixable,
    });
    const m1 = customId.match(/^MJ::JOB::upsample::([1-4])::/);
    if (m1) {
      const index = Number(m1[1]);
      return { action: 'UPSCALE', newApiAction: 'UPSCALE', shape: 'single', timing: 'upscale', index, sameImage: true };
    }
    const m2 = customId.match(/^MJ::JOB::upsample_\w+?_(2x|4x)(?:_(subtle|creative))?::1::/);
    if (m2) {
      return {
        action: 'UPSCALE',
        newApiAction: 'UPSCALE',
        shape: 'single',
        timing: 'upscaleSlow',
        index: parent.index,
        sameImage: true,
        scale: m2[1] === '4x' ? 4 : 2,
        upscaled: true,
      };
    }
    if (/^MJ::JOB::variation::[1-4]::/.test(customId)) return grid('VARIATION');
    if (/^MJ::JOB::reroll::0::/.test(customId)) {
      return parent.shape === 'video' ? { ...grid('VIDEO'), shape: 'video', timing: 'video' } : grid('REROLL');
    }
    const m3 = customId.match(/^MJ::JOB::(low|high)_variation::1::/);
    if (m3) {
      return grid('VARIATION', m3[1] === 'low' ? 'LOW_VARIATION' : 'HIGH_VARIATION');
    }
    if (/^MJ::Inpaint::/.test(customId)) return { ...grid('INPAINT'), modal: 'inpaint' };
    if (/^MJ::Outpaint::(50|75|100)::/.test(customId)) return grid('ZOOM', 'ZOOM', false);
    if (/^MJ::CustomZoom::/.test(customId)) return { ...grid('ZOOM', 'CUSTOM_ZOOM'), modal: 'custom-zoom' };
    if (/^MJ::JOB::pan_(left|right|up|down)::/.test(customId)) return grid('PAN');
    if (/^MJ::BOOKMARK::/.test(customId)) return { ...grid('ACTION'), bookmark: true };
    if (/^MJ::JOB::animate_(high|low)(_extend)?::1::/.test(customId)) {
      const extend = customId.includes('_extend::');
      return {
        action: extend ? 'VIDEO_EXTEND' : 'VIDEO',
        newApiAction: 'VIDEO',
        shape: 'video',
        timing: 'video',
        remixable: true,
      };
    }
    const m4 = customId.match(/^MJ::JOB::video_virtual_upscale::([1-4])::/);
    if (m4) {
      return { action: 'VIDEO', newApiAction: 'VIDEO', shape: 'video', timing: 'upscaleSlow', index: Number(m4[1]) };
    }
    const m5 = customId.match(/^MJ::Job::(?:PicReader|PromptAnalyzer)::([1-5])$/);
    if (m5) {
      const picked = parent.texts[Number(m5[1]) - 1]?.replace(/^\S+\s/, '') ?? parent.prompt;
      return { ...grid('IMAGINE'), modal: 'prompt', prompt: picked };
    }
    return undefined;
  }

  // ---- submissions ---------------------------------------------------------------------------------

  /** Sends the Task to `notifyHook` on each change (§5): when it starts, halfway, and at the end. */
  function track(job: SimJob): void {
    const hook = text(record(job.body).notifyHook);
    if (!hook || !notify) return;
    // Through new-api the callbacks come from the upstream server, in its shape (§5).
    const as: MjProxyDialect = newApi ? 'trueai' : dialect;
    const send = (t: number) => state.webhook('mjproxy', job, hook, view(job, t, as));
    state.at(job, 0, send);
    state.at(job, 0.5, send);
    state.onFinal(job, () => send(now()));
  }

  /** Tasks that take a place in the account's queue: not finished, not waiting for a modal (§2.4). */
  function activeTasks(): number {
    const t = state.clock.now();
    let n = 0;
    for (const j of state.jobs.values()) if (j.vendor === 'mjproxy' && !waitingModal(j) && endOf(j) > t) n++;
    return n;
  }

  /** Queue checks, then the task, then `{code: 1|22, result}` (§1.3, §7). */
  function submit(
    ctx: RequestContext,
    spec: Omit<NewJob, 'vendor' | 'body' | 'route' | 'operation'> & { action: string; description: string },
    extra: { newApiAction?: string; modal?: Plan['modal']; data?: Record<string, unknown> } = {},
  ): Reply {
    const body = record(ctx.body);
    const ahead = extra.modal ? 0 : activeTasks() - coreSize + 1;
    if (!extra.modal && ahead > queueSize) {
      // The task is not kept (novicezk deletes it, trueai too): a submission that is safe to retry (§1.3).
      return dialect === 'trueai' ? vo(9, '提交失败，队列已满，请稍后重试') : vo(23, '队列已满，请稍后尝试');
    }
    const ref = typeof body.state === 'string' ? body.state : undefined;
    const mode = (ctx.params.mode && SPEED_PREFIXES[ctx.params.mode]) || modeOf(spec.prompt ?? '');
    const job = state.createJob(
      {
        ...spec,
        id: newId(),
        vendor: 'mjproxy',
        route: routeOf(ctx),
        operation: spec.action,
        body: ctx.body,
        ...(ref !== undefined ? { ref } : {}),
        data: {
          action: spec.action,
          newApiAction: extra.newApiAction ?? spec.action,
          description: spec.description,
          hash: state.ids.uuid(),
          ...(text(body.botType) ? { botType: botTypeOf(body.botType) } : {}),
          ...(mode ? { mode } : {}),
          ...spec.data,
          ...extra.data,
        },
      },
      ctx,
    );
    // trueai's banned-word check is off: the task is accepted and fails later (§1.3 code 24)
    if (dialect === 'trueai' && state.banned(job.prompt) && !job.failure) {
      job.failure = { code: 'content_policy', message: BANNED_REASON };
    }
    if (extra.modal) {
      job.data.modalPending = true;
      job.queuedMs = Number.POSITIVE_INFINITY;
      return modalWait(job);
    }
    track(job);
    return accepted(job.id, ahead);
  }

  function accepted(id: string, ahead: number): Reply {
    const properties: Record<string, unknown> = newApi ? {} : { discordInstanceId: INSTANCE_ID };
    if (dialect === 'trueai') properties.discordChannelId = CHANNEL_ID;
    // new-api rewrites 22 to 1 (§1.3)
    if (ahead > 0 && !newApi) {
      return vo(22, `排队中，前面还有${ahead}个任务`, {
        result: id,
        properties: { ...properties, numberOfQueues: ahead },
      });
    }
    return vo(1, dialect === 'novicezk' ? '成功' : '提交成功', { result: id, properties });
  }

  /** The 21 answer for a task now in MODAL (§1.3 modal variant, §4.3). */
  function modalWait(job: SimJob): Reply {
    const always = job.data.modal === 'inpaint' || job.data.modal === 'custom-zoom';
    // new-api passes 21 only for INPAINT and CUSTOM_ZOOM; any other 21 becomes 1 — the task still waits (§4.3.4)
    if (newApi && !always) return vo(1, 'Waiting for window confirm', { result: job.id, properties: {} });
    const parent = find(job.parentId);
    return vo(21, 'Waiting for window confirm', {
      result: job.id,
      properties: { finalPrompt: parent ? finalPrompt(parent) : job.prompt, remix: true },
    });
  }

  function routeOf(ctx: RequestContext): string {
    return ctx.path.replace(/^\/[^/]+(?=\/mj\/)/, '');
  }

  function modeOf(prompt: string): string | undefined {
    const m = prompt.match(/--(fast|relax|turbo)\b/);
    return m?.[1]?.toUpperCase();
  }

  function botTypeOf(value: unknown): string {
    const v = String(value).toLowerCase();
    return v === 'niji' || v === 'niji_journey' ? 'NIJI_JOURNEY' : 'MID_JOURNEY';
  }

  /** Input checks every submit shares: `state` length (trueai, §3), data-URL-only images (novicezk, §3.1). */
  function images(value: unknown, field: string): string[] | Reply {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value) || !value.every((x) => typeof x === 'string')) return invalid(`${field}参数错误`);
    for (const item of value as string[]) {
      const ok = DATA_URL.test(item) || (!novicezk && HTTP_URL.test(item));
      if (!ok) return invalid('base64格式错误');
    }
    return value as string[];
  }

  const isReply = (x: unknown): x is Reply =>
    typeof x === 'object' && x !== null && 'status' in x && !Array.isArray(x) && !('id' in x);

  function stateCheck(body: Record<string, unknown>): Reply | undefined {
    if (dialect === 'trueai' && typeof body.state === 'string' && body.state.length > STATE_MAX) {
      return vo(4, 'state参数错误，最大长度255');
    }
    return undefined;
  }

  /** Banned prompts are refused at submission by novicezk and (passed through) by new-api (§1.3 code 24). */
  function bannedCheck(prompt: string): Reply | undefined {
    if (dialect === 'trueai') return undefined;
    const word = state.banned(prompt);
    return word ? errors.contentPolicy(word) : undefined;
  }

  function imagine(ctx: RequestContext): Reply {
    const body = record(ctx.body);
    const prompt = text(body.prompt);
    if (!prompt) return invalid('prompt不能为空', 'prompt_is_required');
    const stateError = stateCheck(body);
    if (stateError) return stateError;
    const refs = images(body.base64Array, 'base64Array');
    if (isReply(refs)) return refs;
    const banned = bannedCheck(prompt);
    if (banned) return banned;
    // trueai turns a prompt with --video into a video task (§3.1)
    const video = dialect === 'trueai' && /--video\b/.test(prompt);
    return submit(ctx, {
      action: video ? 'VIDEO' : 'IMAGINE',
      description: `/imagine ${prompt}`,
      shape: video ? 'video' : 'grid',
      timing: video ? 'video' : 'grid',
      prompt,
      aspect: prompt.match(/--(?:ar|aspect)\s+(\S+)/)?.[1],
    });
  }

  /** Resolves the parent of an action: known, finished (§3.2 rules). */
  function parentOf(id: string | undefined, status404: boolean): SimJob | Reply {
    const parent = find(id);
    if (!parent) return parentMissing(status404);
    if (statusOf(parent, now()).status !== 'SUCCESS') {
      return invalid('关联任务状态错误', 'task_status_not_success');
    }
    return parent;
  }

  function followUp(ctx: RequestContext, parent: SimJob, customId: string, p: Plan, remix: boolean): Reply {
    if (p.bookmark) return vo(1, '提交成功', { result: parent.id }); // trueai: no new task (§3.2)
    const prompt = p.prompt ?? parent.prompt;
    const waits = p.modal ?? (remix && p.remixable ? 'prompt' : undefined);
    return submit(
      ctx,
      {
        action: p.action,
        description: `/${p.action.toLowerCase()} ${parent.id} ${customId}`,
        shape: p.shape,
        timing: p.timing,
        prompt,
        parent,
        ...(p.index !== undefined ? { index: p.index } : {}),
        ...(p.sameImage ? { imageKey: parent.imageKey } : {}),
        ...(p.prompt
          ? { imageKey: `imagine|${p.prompt}`, aspect: p.prompt.match(/--(?:ar|aspect)\s+(\S+)/)?.[1] }
          : {}),
      },
      {
        newApiAction: p.newApiAction,
        ...(waits ? { modal: waits } : {}),
        data: {
          customId,
          ...(p.scale ? { scale: p.scale } : { scale: 2 }),
          ...(p.upscaled ? { upscaled: true } : {}),
          ...(waits ? { modal: waits } : {}),
        },
      },
    );
  }

  /** `POST /mj/submit/action` (§3.2): a button of the parent, by its customId. */
  function action(ctx: RequestContext): Reply {
    const body = record(ctx.body);
    const taskId = text(body.taskId);
    const customId = text(body.customId);
    if (newApi && !customId) return relayError('custom_id_is_required');
    if (!taskId || !customId) return vo(4, '参数错误');
    const stateError = stateCheck(body);
    if (stateError) return stateError;
    const parent = parentOf(taskId, true);
    if (isReply(parent)) return parent;
    const p = plan(customId, parent);
    const own = buttonsOf(parent).some((b) => b.customId === customId);
    if (!p || !own) return newApi && !p ? relayError(`unknown_action:${customId}`) : vo(4, '未知的 Action 类型');
    return followUp(ctx, parent, customId, p, body.enableRemix === true);
  }

  /** `POST /mj/submit/modal` (§3.3): confirms a MODAL task; it then queues like any other. */
  function modal(ctx: RequestContext): Reply {
    const body = record(ctx.body);
    const taskId = text(body.taskId);
    if (!taskId) return vo(4, '参数错误');
    const job = find(taskId);
    if (!job) return parentMissing(true);
    if (!waitingModal(job)) return invalid('关联任务状态错误', 'task_status_not_success');
    const parent = find(job.parentId);
    const kind = job.data.modal;
    let prompt = text(body.prompt) ?? (kind === 'prompt' ? job.prompt : undefined) ?? parent?.prompt ?? job.prompt;
    if (!prompt) return vo(4, 'prompt不能为空');
    if (kind === 'inpaint') {
      const mask = text(body.maskBase64);
      if (!mask) return vo(4, 'maskBase64不能为空');
      const bare = mask.replace(/^data:image\/[a-z0-9.+-]+;base64,/i, '');
      if (!/^[a-z0-9+/=\s]+$/i.test(bare)) return vo(4, 'maskBase64格式错误');
    }
    if (kind === 'custom-zoom') {
      const zoom = Number(prompt.match(/--zoom\s+(\S+)/)?.[1]);
      if (!(zoom > 1 && zoom <= 2)) return vo(4, '--zoom 参数错误，取值范围 (1, 2]');
    }
    const banned = bannedCheck(prompt);
    if (banned) return banned;
    if (dialect === 'trueai' && state.banned(prompt) && !job.failure) {
      job.failure = { code: 'content_policy', message: BANNED_REASON };
    }
    // a fail-job fault on the modal fails the task it starts
    if (ctx.failJob && !job.failure) job.failure = ctx.failJob;
    prompt = prompt.trim();
    job.prompt = prompt;
    // The ledger already holds this task from the action that created it: one task, one entry, so a
    // duplicate shows as a second MODAL task (a second modal on the same task is refused, code 4).
    job.data.modalPending = false;
    job.data.queuedFrom = state.clock.now();
    job.queuedMs = state.clock.now() - job.start + state.clock.scale(TIMINGS[timingOf(job)][0]);
    const ahead = activeTasks() - coreSize;
    track(job);
    return accepted(job.id, ahead);
  }

  const timingOf = (job: SimJob): Timing => (job.shape === 'video' ? 'video' : 'grid');

  /** `POST /mj/submit/change` (§3.4): U/V/R by index, the only follow-up novicezk has (§4.2). */
  function change(ctx: RequestContext, fields?: { taskId?: string; action?: string; index?: number }): Reply {
    const body = record(ctx.body);
    const taskId = fields ? fields.taskId : text(body.taskId);
    const kind = fields ? fields.action : body.action;
    const index = fields ? fields.index : body.index;
    if (!taskId) return invalid('taskId不能为空', 'task_id_is_required');
    if (kind !== 'UPSCALE' && kind !== 'VARIATION' && kind !== 'REROLL') return vo(4, 'action参数错误');
    // new-api wants an index even for REROLL (§3.4)
    if (newApi && (typeof index !== 'number' || index === 0)) return relayError('index_is_required');
    const n = kind === 'REROLL' ? 0 : typeof index === 'number' && index >= 1 && index <= 4 ? index : undefined;
    if (n === undefined) return vo(4, 'index参数错误');
    const stateError = stateCheck(body);
    if (stateError) return stateError;
    const parent = parentOf(taskId, false);
    if (isReply(parent)) return parent;
    if (!CHANGEABLE.has(String(parent.data.action))) return vo(4, '关联任务不允许执行变化');
    const h = String(parent.data.hash);
    const customId =
      kind === 'UPSCALE'
        ? `MJ::JOB::upsample::${n}::${h}`
        : kind === 'VARIATION'
          ? `MJ::JOB::variation::${n}::${h}`
          : `MJ::JOB::reroll::0::${h}::SOLO`;
    const p = plan(customId, parent) as Plan;
    const label = kind === 'REROLL' ? 'R' : `${kind[0]}${n}`;
    return submit(
      ctx,
      {
        action: kind,
        description: `/${kind === 'UPSCALE' ? 'up' : kind.toLowerCase()} ${parent.id} ${label}`,
        shape: p.shape,
        timing: p.timing,
        prompt: parent.prompt,
        parent,
        ...(p.index !== undefined ? { index: p.index } : {}),
        ...(p.sameImage ? { imageKey: parent.imageKey } : {}),
      },
      { data: { scale: 2 } },
    );
  }

  /** `POST /mj/submit/simple-change` (§3.4): `{content: "<id> U2"}`. */
  function simpleChange(ctx: RequestContext): Reply {
    const content = text(record(ctx.body).content);
    const m = content?.trim().match(/^(\S+)\s+([UV])([1-4])$|^(\S+)\s+R$/);
    if (!m) return vo(4, 'content参数错误');
    if (m[4]) return change(ctx, { taskId: m[4], action: 'REROLL', index: 1 });
    return change(ctx, { taskId: m[1], action: m[2] === 'U' ? 'UPSCALE' : 'VARIATION', index: Number(m[3]) });
  }

  function describe(ctx: RequestContext): Reply {
    const body = record(ctx.body);
    const base64 = text(body.base64);
    const link = text(body.link);
    if (novicezk || !link) {
      if (!base64) return vo(4, 'base64不能为空');
      if (!DATA_URL.test(base64)) return vo(4, 'base64格式错误');
    } else if (!HTTP_URL.test(link)) return vo(4, '链接格式错误');
    const stateError = stateCheck(body);
    if (stateError) return stateError;
    const source = base64 ?? link ?? '';
    const texts = state.texts(source, 4, true);
    return submit(
      ctx,
      {
        action: 'DESCRIBE',
        description: `/describe ${link ? link.split('/').pop() : 'image.png'}`,
        shape: 'text',
        timing: 'text',
        prompt: '',
        texts,
      },
      { data: link ? { imageUrl: link } : {} },
    );
  }

  function blend(ctx: RequestContext): Reply {
    const body = record(ctx.body);
    const list = images(body.base64Array, 'base64Array');
    if (isReply(list)) return list;
    if (list.length < 2 || list.length > 5) {
      return vo(4, dialect === 'trueai' ? '图片参数错误，2~5张图片' : 'base64List参数错误');
    }
    const dims = 'dimensions' in body ? body.dimensions : 'SQUARE';
    if (dims !== 'PORTRAIT' && dims !== 'SQUARE' && dims !== 'LANDSCAPE') return vo(4, 'dimensions参数错误');
    const stateError = stateCheck(body);
    if (stateError) return stateError;
    return submit(ctx, {
      action: 'BLEND',
      description: `/blend ${list.length}`,
      shape: 'grid',
      timing: 'grid',
      prompt: '',
      imageKey: `blend|${list.join('|')}`,
      aspect: dims === 'PORTRAIT' ? '2:3' : dims === 'LANDSCAPE' ? '3:2' : '1:1',
    });
  }

  function shorten(ctx: RequestContext): Reply {
    const body = record(ctx.body);
    const prompt = text(body.prompt);
    if (!prompt) return invalid('prompt不能为空', 'prompt_is_required');
    const banned = bannedCheck(prompt);
    if (banned) return banned;
    const words = prompt
      .replace(/--\S+(\s+\S+)?/g, '')
      .split(/[\s,]+/)
      .filter(Boolean);
    const marks = ['1️⃣', '2️⃣', '3️⃣', '4️⃣', '5️⃣'];
    const texts = [5, 4, 3, 2, 1].map(
      (n, i) => `${marks[i]} ${words.slice(0, Math.max(1, Math.ceil((words.length * n) / 6))).join(' ')}`,
    );
    const analysis = `## Important tokens\n${words.map((w) => `**${w}**`).join(', ')}\n## Shortened prompts\n${texts.join('\n\n')}`;
    return submit(ctx, {
      action: 'SHORTEN',
      description: dialect === 'trueai' ? analysis : `/shorten ${prompt}`,
      shape: 'text',
      timing: 'text',
      prompt,
      texts,
      data: { analysis },
    });
  }

  /** `POST /mj/submit/video` (§3.9): a new video from a start frame, or `action: "extend"` of an earlier one. */
  function video(ctx: RequestContext): Reply {
    const body = record(ctx.body);
    const prompt = text(body.prompt);
    if (!prompt) return vo(4, 'Prompt 不能为空');
    if (body.motion !== undefined && body.motion !== 'low' && body.motion !== 'high') return vo(4, 'motion参数错误');
    const taskId = text(body.taskId);
    let parent: SimJob | undefined;
    if (taskId) {
      if (body.action !== 'extend') return vo(4, '任务类型错误');
      const found = parentOf(taskId, true);
      if (isReply(found)) return found;
      if (found.shape !== 'video') return vo(4, '任务类型错误');
      if (typeof body.index !== 'number' || body.index < 0 || body.index > 3) return vo(4, 'index参数错误');
      parent = found;
    } else {
      const image = text(body.image);
      if (!image || !(DATA_URL.test(image) || HTTP_URL.test(image))) return vo(4, 'image不能为空');
    }
    const banned = bannedCheck(prompt);
    if (banned) return banned;
    return submit(ctx, {
      action: parent ? 'VIDEO_EXTEND' : 'VIDEO',
      description: `/video ${prompt}`,
      shape: 'video',
      timing: 'video',
      prompt,
      ...(parent ? { parent, index: Number(body.index) + 1 } : {}),
    });
  }

  /** `POST /mj/insight-face/swap` (§3.11): source = the face, target = the picture whose face is replaced. */
  function faceSwap(ctx: RequestContext): Reply {
    const body = record(ctx.body);
    const source = text(body.sourceBase64) ?? (newApi ? undefined : text(body.sourceUrl));
    const target = text(body.targetBase64) ?? (newApi ? undefined : text(body.targetUrl));
    if (!source || !target) {
      return newApi ? relayError('sour_base64_and_target_base64_is_required') : vo(4, '参数错误');
    }
    for (const item of [source, target])
      if (!DATA_URL.test(item) && !HTTP_URL.test(item)) return vo(4, 'base64格式错误');
    return submit(
      ctx,
      {
        action: 'SWAP_FACE',
        description: '/swap face',
        shape: 'single',
        timing: 'faceswap',
        prompt: '',
        index: 1,
        imageKey: `swap|${source}|${target}`,
      },
      { data: { botType: 'INSIGHT_FACE', scale: 2 } },
    );
  }

  // ---- reads ---------------------------------------------------------------------------------------

  /** `GET /mj/task/{id}/fetch` (§3.12); an unknown id: novicezk 200 empty, trueai 204, new-api 400 (§12.8). */
  function fetchTask(ctx: RequestContext): Reply {
    const job = find(ctx.params.id);
    if (job) return json(200, view(job));
    if (newApi) return relayError('task_no_found');
    return empty(novicezk ? 200 : 204);
  }

  /** `POST /mj/task/list-by-condition` (§3.13): unknown ids omitted, never in the order asked. */
  function listByCondition(ctx: RequestContext): Reply {
    const ids = record(ctx.body).ids;
    if (!Array.isArray(ids)) return json(200, []);
    const at = now();
    const jobs = [...new Set(ids.filter((x): x is string => typeof x === 'string'))]
      .map((id) => find(id))
      .filter((j): j is SimJob => j !== undefined);
    // novicezk: tasks still queued first, then the store; trueai and new-api: their database's order,
    // served here newest first
    const order = novicezk
      ? (a: SimJob, b: SimJob) =>
          Number(TERMINAL.has(statusOf(a, at).status)) - Number(TERMINAL.has(statusOf(b, at).status)) ||
          a.createdAt - b.createdAt
      : (a: SimJob, b: SimJob) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
    return json(
      200,
      jobs.sort(order).map((j) => view(j, at)),
    );
  }

  /** `GET /mj/task/{id}/image-seed` (§3.14): synchronous, `result` is the seed. */
  function imageSeed(ctx: RequestContext): Reply {
    const job = find(ctx.params.id);
    if (!job) return newApi ? relayError('task_no_found') : vo(3, '任务不存在', {}, 404);
    if (statusOf(job, now()).status !== 'SUCCESS' || (job.shape !== 'grid' && job.shape !== 'single')) {
      return newApi ? relayError('task_status_not_success') : vo(4, '任务状态错误', {}, 400);
    }
    job.data.seedRead = true;
    return vo(1, '成功', { result: job.seed });
  }

  /** `POST /mj/task/{id}/cancel` (§3.15, trueai): 200 and an empty body, even for nothing; FAILURE "取消任务". */
  function cancel(ctx: RequestContext): Reply {
    const job = find(ctx.params.id);
    if (job && !TERMINAL.has(statusOf(job, now()).status)) {
      if (waitingModal(job)) {
        job.data.modalPending = false;
        job.queuedMs = state.clock.now() - job.start;
      }
      state.cancel(job, { code: 'cancelled', message: CANCEL_REASON });
    }
    return empty(200);
  }

  /** `GET /mj/task/list` (§3.16): every task, newest first (trueai: the newest 100). */
  function listAll(): Reply {
    const at = now();
    const all = [...state.jobs.values()].filter((j) => j.vendor === 'mjproxy').reverse();
    return json(
      200,
      (dialect === 'trueai' ? all.slice(0, 100) : all).map((j) => view(j, at)),
    );
  }

  /** `GET /mj/task/queue` (novicezk): the tasks not finished yet. */
  function queue(): Reply {
    const at = now();
    const waiting = [...state.jobs.values()].filter(
      (j) => j.vendor === 'mjproxy' && !TERMINAL.has(statusOf(j, at).status),
    );
    return json(
      200,
      waiting.map((j) => view(j, at)),
    );
  }

  // ---- routes per dialect (§0, §8) -----------------------------------------------------------------

  type Handler = (ctx: RequestContext) => Reply;
  const table: Array<[method: 'GET' | 'POST', path: string, category: RouteCategory, handle: Handler, has: boolean]> = [
    ['POST', '/mj/submit/imagine', 'submit', imagine, true],
    ['POST', '/mj/submit/change', 'submit', (ctx) => change(ctx), true],
    ['POST', '/mj/submit/simple-change', 'submit', simpleChange, true],
    ['POST', '/mj/submit/describe', 'submit', describe, true],
    ['POST', '/mj/submit/blend', 'submit', blend, true],
    ['POST', '/mj/submit/action', 'submit', action, !novicezk],
    ['POST', '/mj/submit/modal', 'submit', modal, !novicezk],
    ['POST', '/mj/submit/shorten', 'submit', shorten, !novicezk],
    ['POST', '/mj/submit/video', 'submit', video, !novicezk],
    ['POST', '/mj/insight-face/swap', 'submit', faceSwap, !novicezk],
    ['GET', '/mj/task/:id/fetch', 'status', fetchTask, true],
    ['POST', '/mj/task/list-by-condition', 'status', listByCondition, true],
    ['POST', '/mj/task/list-by-ids', 'status', listByCondition, dialect === 'trueai'],
    ['GET', '/mj/task/:id/image-seed', 'status', imageSeed, !novicezk],
    ['POST', '/mj/task/:id/cancel', 'other', cancel, dialect === 'trueai'],
    ['GET', '/mj/task/list', 'status', listAll, !newApi],
    ['GET', '/mj/task/queue', 'status', queue, novicezk],
  ];
  const routes: RouteDef[] = [];
  for (const [method, pattern, category, handle, has] of table) {
    if (!has) continue;
    routes.push({ method, pattern, category, handle });
    // trueai: the same controllers under /mj-fast, /mj-turbo, /mj-relax; new-api: under any /:mode (§1.1)
    if (dialect === 'trueai') {
      for (const prefix of Object.keys(SPEED_PREFIXES)) {
        routes.push({
          method,
          pattern: `/${prefix}${pattern}`,
          category,
          handle: (ctx) => handle({ ...ctx, params: { ...ctx.params, mode: prefix } }),
        });
      }
    }
    if (newApi) routes.push({ method, pattern: `/:mode${pattern}`, category, handle });
  }

  return {
    vendor: 'mjproxy',
    routes,
    errors,
    authenticate: (headers) => authenticate(headers),
  };

  /** The header each dialect reads (§1.2). */
  function authenticate(headers: IncomingHttpHeaders): Reply | undefined {
    const secret = single(headers['mj-api-secret']);
    const authorization = single(headers.authorization);
    if (novicezk) {
      // only mj-api-secret; a mismatch is 401 with an empty body
      return state.keyAccepted(secret) ? undefined : empty(401);
    }
    if (dialect === 'trueai') {
      // Authorization verbatim when present (so "Bearer <key>" is looked up as it is, and fails), else Mj-Api-Secret
      const token = authorization ?? secret;
      if (token !== undefined && !/^bearer\s/i.test(token) && state.keyAccepted(token)) return undefined;
      return { status: 401, raw: 'Authorization header missing.', headers: { 'content-type': 'text/plain' } };
    }
    // new-api: Authorization without its Bearer, unless empty or "midjourney-proxy"; then mj-api-secret
    const strip = (v: string | undefined) => v?.replace(/^bearer\s+/i, '').trim();
    let token = strip(authorization);
    if (!token || token === 'midjourney-proxy') token = strip(secret);
    const key = state.options.apiKey;
    const bare = (v: string) => v.replace(/^sk-/, '');
    const ok = token !== undefined && token !== '' && (key === undefined || bare(token) === bare(key));
    return ok ? undefined : json(401, { error: { message: '无效的令牌', type: 'new_api_error' } });
  }
}

function single(value: string | string[] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return v === undefined || v.trim() === '' ? undefined : v;
}
