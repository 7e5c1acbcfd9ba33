/** Why a Redis call failed, in words safe to show: the secrets of the connection masked. */
export function describeFailure(error: unknown, secrets: readonly string[]): string {
  const code = (error as { code?: unknown })?.code;
  const message = error instanceof Error ? error.message : String(error);
  let text = typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message;
  for (const secret of secrets) if (secret.length > 0) text = text.split(secret).join('***');
  return text.slice(0, 300);
}
