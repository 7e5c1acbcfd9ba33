import { createGateway, type Job } from 'mjgate';

/**
 * One gateway per server process, configured from the environment: `IMAGINEPRO_API_KEY` (or another
 * vendor's key), `<VENDOR>_BASE_URL` to point it at `mjgate sim`, `MJGATE_WEBHOOK_SECRET` to sign the
 * callback URLs. See docs/configuration.md.
 */
export const mj = createGateway();

/**
 * Where finished jobs land. A Map is enough for one dev server; in production use your database or
 * a KV store, since serverless instances do not share memory.
 */
export const jobs = new Map<string, Job>();

/** The public origin vendors call back, e.g. `https://app.example` (the simulator reaches 127.0.0.1 only). */
export function publicOrigin(request: Request): string {
  return process.env.PUBLIC_URL ?? new URL(request.url).origin;
}
