// POST /api/imagine  {"prompt": "a red fox in snow"}  →  202 {"id": "imaginepro:…", "status": "queued"}
// Submits and answers at once: the result arrives at /api/webhooks/mj, so no serverless function
// stays alive for the minute a grid takes.
import { MjGateError } from 'mjgate';
import { mj, publicOrigin } from '../../../lib/mjgate';

export async function POST(request: Request): Promise<Response> {
  const body = (await request.json().catch(() => ({}))) as { prompt?: unknown };
  if (typeof body.prompt !== 'string' || body.prompt.trim() === '') {
    return Response.json({ error: 'Send a JSON body with a "prompt" string.' }, { status: 400 });
  }
  try {
    const job = await mj.imagine({ prompt: body.prompt, webhookUrl: `${publicOrigin(request)}/api/webhooks/mj` });
    return Response.json({ id: job.id, status: job.status }, { status: 202 });
  } catch (error) {
    if (MjGateError.isInstance(error)) {
      // The message says what to do; a retryable error (rate limit, outage) is worth a later retry.
      return Response.json({ error: error.message, code: error.code }, { status: error.retryable ? 503 : 400 });
    }
    throw error;
  }
}
