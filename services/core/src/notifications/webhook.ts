import { createHmac } from 'node:crypto';

/** Standard Webhooks header names, as the spec's `commandStatus` callback documents them. */
export const WEBHOOK_HEADERS = {
  id: 'webhook-id',
  timestamp: 'webhook-timestamp',
  signature: 'webhook-signature',
} as const;

/**
 * `v1,<base64(HMAC-SHA256(key = token UTF-8 bytes, message = "<id>.<timestamp>.<raw body>"))>`. The id and
 * timestamp are signed with the body so a captured push cannot be replayed under another id or time.
 */
export function webhookSignature(token: string, eventId: string, timestamp: number, body: string): string {
  const mac = createHmac('sha256', Buffer.from(token, 'utf8'))
    .update(`${eventId}.${timestamp}.${body}`, 'utf8')
    .digest('base64');
  return `v1,${mac}`;
}

/** The headers of one push attempt; the timestamp is the attempt's own (Unix seconds). */
export function webhookHeaders(eventId: string, body: string, token: string | undefined, nowMs: number) {
  const timestamp = Math.floor(nowMs / 1000);
  const headers: Record<string, string> = {
    [WEBHOOK_HEADERS.id]: eventId,
    [WEBHOOK_HEADERS.timestamp]: String(timestamp),
  };
  if (token) headers[WEBHOOK_HEADERS.signature] = webhookSignature(token, eventId, timestamp, body);
  return headers;
}
