// An Express server that submits jobs and receives their results by webhook.
//   POST /imagine   {"prompt": "…"}  → 202 {"id", "status"}
//   POST /hooks/mj  the vendors' callbacks (mjgate's Node webhook handler)
//   GET  /jobs/:id  the job as its callback delivered it (404 until then)
// Run against the simulator: see ../README.md.
import express from 'express';
import { createGateway, createWebhookHandler, type Job, MjGateError } from 'mjgate';

const port = Number(process.env.PORT ?? 3000);
// Reads IMAGINEPRO_API_KEY (or another vendor's key), <VENDOR>_BASE_URL and MJGATE_WEBHOOK_SECRET.
const mj = createGateway();
const results = new Map<string, Job>();

const webhooks = createWebhookHandler(mj, {
  onJob(job) {
    results.set(job.id, job);
    console.log(`job ${job.id}: ${job.status}`);
  },
  onError(error) {
    console.warn(`rejected a callback: ${error.message}`);
  },
});

const app = express();
// Before any body parser: the handler reads the raw body itself (its size limit, its signature check).
app.post('/hooks/mj', webhooks.node);

app.post('/imagine', express.json(), async (request, response) => {
  const prompt: unknown = request.body?.prompt;
  if (typeof prompt !== 'string' || prompt.trim() === '') {
    response.status(400).json({ error: 'Send a JSON body with a "prompt" string.' });
    return;
  }
  try {
    const job = await mj.imagine({ prompt, webhookUrl: `${publicUrl()}/hooks/mj` });
    response.status(202).json({ id: job.id, status: job.status });
  } catch (error) {
    if (!MjGateError.isInstance(error)) throw error;
    response.status(error.retryable ? 503 : 400).json({ error: error.message, code: error.code });
  }
});

app.get('/jobs/:id', (request, response) => {
  const job = results.get(request.params.id);
  if (job) response.json(job);
  else response.status(404).json({ error: 'No callback for this job yet.' });
});

const server = app.listen(port, '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${listeningPort()}`);
});

function listeningPort(): number {
  const address = server.address();
  return typeof address === 'object' && address ? address.port : port;
}

/** The URL vendors call back: a tunnel or your domain in production (PUBLIC_URL), this server locally. */
function publicUrl(): string {
  return process.env.PUBLIC_URL ?? `http://127.0.0.1:${listeningPort()}`;
}

process.once('SIGTERM', () => server.close());
process.once('SIGINT', () => server.close());
