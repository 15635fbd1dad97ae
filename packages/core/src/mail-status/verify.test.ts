import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { signWebhook } from './sign.js';
import { verifyMailStatus } from './verify.js';

const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const other = 'whsec_dGhpcyBpcyBhbm90aGVyIHNlY3JldCBrZXkh';
const report = {
  type: 'mail.status',
  id: 'mst_1',
  triggerId: 'trg_abc',
  status: 'mailed',
  occurredAt: '2026-12-01T08:00:00Z',
  trackingId: 'DE123',
  carrier: 'deutsche_post',
  expectedDeliveryAt: '2026-12-03',
  reason: null,
  address: { line1: 'Heidestraße 17', postalCode: '51147', city: 'Köln', country: 'DE' },
};

describe('verifyMailStatus', () => {
  it('accepts a signed report and returns it validated', () => {
    const signed = signWebhook('mst_1', report, secret);
    const result = verifyMailStatus(signed.body, signed.headers, [secret]);
    expect(result).toMatchObject({
      ok: true,
      webhookId: 'mst_1',
      report: { status: 'mailed', trackingId: 'DE123' },
    });
  });

  it('tries each secret (rotation)', () => {
    const signed = signWebhook('mst_1', report, secret);
    expect(verifyMailStatus(signed.body, signed.headers, [other, secret]).ok).toBe(true);
  });

  it('rejects a wrong secret, a changed body and a stale timestamp as invalid_signature', () => {
    const signed = signWebhook('mst_1', report, secret);
    expect(verifyMailStatus(signed.body, signed.headers, [other])).toMatchObject({
      problem: 'invalid_signature',
    });
    const tampered = signed.body.replace('mailed', 'printed');
    expect(verifyMailStatus(tampered, signed.headers, [secret])).toMatchObject({
      problem: 'invalid_signature',
    });
    const stale = signWebhook('mst_1', report, secret, { timestamp: new Date(Date.now() - 6 * 60_000) });
    expect(verifyMailStatus(stale.body, stale.headers, [secret])).toMatchObject({
      problem: 'invalid_signature',
    });
    expect(verifyMailStatus(signed.body, {}, [secret])).toMatchObject({ problem: 'invalid_signature' });
  });

  it('reports a signed but malformed body by path', () => {
    const signed = signWebhook('mst_1', { ...report, status: 'lost_in_space' }, secret);
    const result = verifyMailStatus(signed.body, signed.headers, [secret]);
    expect(result).toMatchObject({ ok: false, problem: 'malformed' });
    if (!result.ok) expect(result.issues[0]?.path).toBe('status');
    const text = '{not json';
    const timestamp = new Date();
    const headers = {
      'webhook-id': 'mst_2',
      'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
      'webhook-signature': new Webhook(secret).sign('mst_2', timestamp, text),
    };
    const notJson = verifyMailStatus(text, headers, [secret]);
    expect(notJson).toMatchObject({ ok: false, problem: 'malformed' });
    if (!notJson.ok) expect(notJson.message).toMatch(/not JSON/);
  });
});
