import { headerValue, type ProviderName, type WebhookRequest } from '@mjgate/core';

/**
 * Guesses which vendor sent a callback whose URL carries no `mjgate_provider` tag (one configured
 * in a vendor dashboard rather than handed out by the gateway), from each vendor's documented shape.
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
  const b = body as Record<string, unknown>;
  if (typeof b.messageId === 'string') return 'imaginepro';
  if (typeof b.task_id === 'string' && ('task_type' in b || 'percentage' in b)) return 'apiframe';
  if (typeof b.task_id === 'string' && 'success' in b) return 'acedata';
  return undefined;
}
