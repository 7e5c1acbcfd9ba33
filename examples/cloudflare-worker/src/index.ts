// A Cloudflare Worker: submit with POST /imagine, results by webhook into KV, read with GET /jobs/:id.
// Workers have no process.env, so the gateway is configured from the Worker's bindings (wrangler.toml
// [vars] and secrets): the same variable names as everywhere else.
import { createGateway, createWebhookHandler, MjGateError } from 'mjgate';

export interface Env {
  IMAGINEPRO_API_KEY: string;
  /** Another base URL, e.g. `http://127.0.0.1:8787/imaginepro` for `mjgate sim`. */
  IMAGINEPRO_BASE_URL?: string;
  MJGATE_WEBHOOK_SECRET: string;
  /** Where finished jobs land, by id. */
  JOBS: KVNamespace;
}

function gateway(env: Env) {
  return createGateway({
    providers: { imaginepro: { apiKey: env.IMAGINEPRO_API_KEY, baseURL: env.IMAGINEPRO_BASE_URL } },
    webhookSecret: env.MJGATE_WEBHOOK_SECRET,
  });
}

export default {
  async fetch(request, env, ctx): Promise<Response> {
    const url = new URL(request.url);
    const mj = gateway(env);

    if (request.method === 'POST' && url.pathname === '/hooks/mj') {
      const handler = createWebhookHandler(mj, {
        onJob(job) {
          // Answer the vendor at once; the write finishes after the response.
          ctx.waitUntil(env.JOBS.put(job.id, JSON.stringify(job), { expirationTtl: 7 * 24 * 3600 }));
        },
      });
      return handler(request);
    }

    if (request.method === 'POST' && url.pathname === '/imagine') {
      const body = (await request.json().catch(() => ({}))) as { prompt?: unknown };
      if (typeof body.prompt !== 'string' || body.prompt.trim() === '') {
        return Response.json({ error: 'Send a JSON body with a "prompt" string.' }, { status: 400 });
      }
      try {
        const job = await mj.imagine({ prompt: body.prompt, webhookUrl: `${url.origin}/hooks/mj` });
        return Response.json({ id: job.id, status: job.status }, { status: 202 });
      } catch (error) {
        if (!MjGateError.isInstance(error)) throw error;
        return Response.json({ error: error.message, code: error.code }, { status: error.retryable ? 503 : 400 });
      }
    }

    const match = /^\/jobs\/(.+)$/.exec(url.pathname);
    if (request.method === 'GET' && match?.[1]) {
      const stored = await env.JOBS.get(decodeURIComponent(match[1]));
      return stored
        ? new Response(stored, { headers: { 'content-type': 'application/json' } })
        : Response.json({ error: 'No callback for this job yet.' }, { status: 404 });
    }

    return Response.json({ error: 'POST /imagine, POST /hooks/mj or GET /jobs/:id' }, { status: 404 });
  },
} satisfies ExportedHandler<Env>;
