import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signing: `x-careloop-signature` is the hex HMAC-SHA256, keyed with the webhook's secret, of
 * `${timestamp}.${body}` where timestamp is the `x-careloop-timestamp` header (Unix seconds). Binding the
 * timestamp lets receivers reject replays of an old delivery.
 */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/** For receivers (and tests): constant-time check, optionally refusing timestamps older than `toleranceSeconds`. */
export function verifyWebhook(
  secret: string,
  timestamp: number,
  body: string,
  signature: string,
  opts: { now?: number; toleranceSeconds?: number } = {},
): boolean {
  if (opts.toleranceSeconds !== undefined) {
    const now = Math.floor((opts.now ?? Date.now()) / 1000);
    if (Math.abs(now - timestamp) > opts.toleranceSeconds) return false;
  }
  const expected = Buffer.from(signWebhook(secret, timestamp, body), 'hex');
  const given = Buffer.from(signature, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Exponential backoff used for deliveries (BullMQ's `exponential`): delay × 2^(attempt-1). */
export function backoffDelayMs(attempt: number, baseMs: number): number {
  return baseMs * 2 ** Math.max(0, attempt - 1);
}
