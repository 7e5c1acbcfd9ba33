import type { ProviderName, WebhookRequest } from '@mjgate/core';
import { headerValue } from '@mjgate/core/provider';

/**
 * Guesses which vendor sent a callback whose URL carries no `mjgate_provider` tag (one configured
 * in a vendor dashboard rather than one an mjgate client signed and sent), from each vendor's documented shape.
 */
export function detectWebhookProvider(request: WebhookRequest): ProviderName | undefined {
  if (headerValue(request.headers, 'x-webhook-secret') !== undefined) return 'apiframe';
  let body: unknown;
  try {
    body = JSON.parse(typeof request.body === 'string' ? request.body : new TextDecoder().decode(request.body));
  } catch {
    return undefined;
  }
  if (!body || typeof body !== 'object') return undefined;
  const fields = body as Record<string, unknown>;
  if (typeof fields.messageId === 'string') return 'imaginepro';
  if (typeof fields.task_id === 'string' && ('task_type' in fields || 'percentage' in fields)) return 'apiframe';
  if (typeof fields.task_id === 'string' && 'success' in fields) return 'acedata';
  return undefined;
}
