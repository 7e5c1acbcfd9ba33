// POST /api/webhooks/mj: every vendor's callback. The handler verifies it (signature, expiry,
// vendor shape), confirms the job with the vendor and answers; `onJob` gets the normalised `Job`.
import { createWebhookHandler } from 'mjgate';
import { jobs, mj } from '../../../../lib/mjgate';

export const POST = createWebhookHandler(mj, {
  onJob(job) {
    jobs.set(job.id, job);
  },
  onError(error) {
    console.warn(`rejected a callback: ${error.message}`);
  },
});
