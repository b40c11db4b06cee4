import { createHmac } from 'node:crypto';
import { backoffDelayMs, signWebhook, verifyWebhook } from './webhook-signature.js';

describe('webhook signature', () => {
  const body = JSON.stringify({ id: '1', type: 'learner.reminder', occurredAt: '2026-11-25T00:00:00.000Z', data: { a: 1 } });

  it('is the hex HMAC-SHA256 of "timestamp.body" with the secret', () => {
    const expected = createHmac('sha256', 'shh-secret-0123456789').update(`1764000000.${body}`).digest('hex');
    expect(signWebhook('shh-secret-0123456789', 1764000000, body)).toBe(expected);
    expect(expected).toMatch(/^[0-9a-f]{64}$/);
  });

  it('verifies only the same secret, timestamp and body', () => {
    const sig = signWebhook('secret-a-0123456789', 1764000000, body);
    expect(verifyWebhook('secret-a-0123456789', 1764000000, body, sig)).toBe(true);
    expect(verifyWebhook('secret-b-0123456789', 1764000000, body, sig)).toBe(false);
    expect(verifyWebhook('secret-a-0123456789', 1764000001, body, sig)).toBe(false);
    expect(verifyWebhook('secret-a-0123456789', 1764000000, `${body} `, sig)).toBe(false);
    expect(verifyWebhook('secret-a-0123456789', 1764000000, body, 'not-hex')).toBe(false);
  });

  it('refuses stale timestamps when a tolerance is given', () => {
    const sig = signWebhook('secret-a-0123456789', 1764000000, body);
    expect(verifyWebhook('secret-a-0123456789', 1764000000, body, sig, { now: 1764000100_000, toleranceSeconds: 300 })).toBe(true);
    expect(verifyWebhook('secret-a-0123456789', 1764000000, body, sig, { now: 1764001000_000, toleranceSeconds: 300 })).toBe(false);
  });

  it('backs off exponentially', () => {
    expect([1, 2, 3, 4].map((a) => backoffDelayMs(a, 1000))).toEqual([1000, 2000, 4000, 8000]);
  });
});
