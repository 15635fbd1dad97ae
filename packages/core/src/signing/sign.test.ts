import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { erika, hubspotChange } from '../../test/support/factories.js';
import { HookpostCoreError } from '../errors.js';
import { dedupeKey } from '../policies/dedupe.js';
import { triggerSchema } from '../trigger.js';
import { buildTrigger } from './build-trigger.js';
import { signTrigger } from './sign.js';
import { triggerId } from './trigger-id.js';
import { verifyTrigger } from './verify.js';

// The destination secret of the example configuration.
const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const key = dedupeKey({ workspaceId: 'acme', campaignId: 'welcome-pack', recipient: erika() });

function trigger() {
  return buildTrigger({
    dedupeKey: key,
    workspaceId: 'acme',
    campaign: { id: 'welcome-pack', name: 'Welcome pack for new customers' },
    recipient: erika(),
    variables: { firstName: 'Erika' },
    sendAt: null,
    events: hubspotChange(),
    createdAt: new Date('2026-11-27T10:00:00Z'),
  });
}

describe('triggerId', () => {
  it('is trg_ + 26 URL-safe characters, stable per key', () => {
    expect(triggerId(key)).toMatch(/^trg_[A-Za-z0-9_-]{26}$/);
    expect(triggerId(key)).toBe(triggerId(key));
    expect(triggerId(`${key}x`)).not.toBe(triggerId(key));
  });
});

describe('buildTrigger', () => {
  it('assembles the campaign trigger payload, leaving the e-mail address out', () => {
    expect(trigger()).toEqual({
      type: 'campaign.trigger',
      id: triggerId(key),
      createdAt: '2026-11-27T10:00:00.000Z',
      workspace: 'acme',
      campaign: { id: 'welcome-pack', name: 'Welcome pack for new customers' },
      recipient: {
        crm: { platform: 'hubspot', objectType: 'contact', objectId: '1246965' },
        firstName: 'Erika',
        lastName: 'Mustermann',
        company: 'ACME GmbH',
        address: {
          line1: 'Heidestraße 17',
          line2: null,
          postalCode: '51147',
          city: 'Köln',
          region: null,
          country: 'DE',
        },
      },
      variables: { firstName: 'Erika' },
      sendAt: null,
      source: {
        platform: 'hubspot',
        accountId: '33',
        eventIds: ['evt_hs_3816279340'],
        occurredAt: '2016-05-02T19:11:47.945Z',
      },
    });
  });

  it('throws a typed error listing every issue', () => {
    const bad = () =>
      buildTrigger({
        dedupeKey: key,
        workspaceId: 'acme',
        campaign: { id: 'x', name: 'x' },
        recipient: erika({ address: { ...erika().address, country: 'Germany' } }),
        variables: {},
        sendAt: 'tomorrow',
        events: [],
        createdAt: new Date(),
      });
    expect(bad).toThrowError(expect.objectContaining({ code: 'invalid_trigger' }));
    const withEvent = () =>
      buildTrigger({
        dedupeKey: key,
        workspaceId: 'acme',
        campaign: { id: 'x', name: 'x' },
        recipient: erika({ address: { ...erika().address, country: 'Germany' } }),
        variables: {},
        sendAt: 'tomorrow',
        events: hubspotChange(),
        createdAt: new Date(),
      });
    try {
      withEvent();
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(HookpostCoreError);
      expect((error as HookpostCoreError).issues.map((issue) => issue.path)).toEqual([
        'recipient.address.country',
        'sendAt',
      ]);
    }
  });
});

describe('signTrigger', () => {
  it('signs per Standard Webhooks; a fresh Webhook verifies it', () => {
    const payload = trigger();
    const signed = signTrigger(payload, secret);
    expect(signed.id).toBe(payload.id);
    expect(signed.headers['webhook-id']).toBe(payload.id);
    expect(signed.headers['webhook-timestamp']).toBe(String(signed.timestamp));
    expect(signed.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(new Webhook(secret).verify(signed.body, signed.headers)).toEqual(payload);
  });

  it('computes the spec HMAC: base64(HMAC-SHA256(key, id.timestamp.body))', () => {
    const signed = signTrigger(trigger(), secret, { id: 'msg_1', timestamp: 1_795_000_000 });
    const keyBytes = Buffer.from(secret.slice('whsec_'.length), 'base64');
    const expected = createHmac('sha256', keyBytes)
      .update(`msg_1.1795000000.${signed.body}`)
      .digest('base64');
    expect(signed).toMatchObject({
      id: 'msg_1',
      timestamp: 1_795_000_000,
      headers: {
        'webhook-id': 'msg_1',
        'webhook-timestamp': '1795000000',
        'webhook-signature': `v1,${expected}`,
      },
    });
  });

  it('refuses a payload without an id', () => {
    expect(() => signTrigger({ ...trigger(), id: '' }, secret)).toThrowError(
      expect.objectContaining({ code: 'invalid_trigger' }),
    );
  });

  it('takes a Date timestamp as Unix seconds', () => {
    const signed = signTrigger(trigger(), secret, { timestamp: new Date('2026-11-27T10:00:00.999Z') });
    expect(signed.timestamp).toBe(Date.parse('2026-11-27T10:00:00Z') / 1000);
  });

  it('rejects a bad secret without echoing it', () => {
    for (const bad of ['', 'whsec_', 'whsec_not base64!!']) {
      try {
        signTrigger(trigger(), bad);
        expect.unreachable();
      } catch (error) {
        expect(error).toMatchObject({ code: 'invalid_secret', status: 500 });
        if (bad.length > 6) expect((error as Error).message).not.toContain(bad);
      }
    }
  });
});

describe('verifyTrigger', () => {
  it('returns the validated payload for a good signature (array headers too)', () => {
    const payload = trigger();
    const signed = signTrigger(payload, secret);
    const headers = { ...signed.headers, 'Webhook-Signature': [signed.headers['webhook-signature']] };
    expect(verifyTrigger(signed.body, headers, secret)).toEqual(triggerSchema.parse(payload));
  });

  it('rejects a tampered body, a wrong secret and a stale timestamp with 401', () => {
    const signed = signTrigger(trigger(), secret);
    const otherSecret = `whsec_${Buffer.from('another secret of 24 bytes').toString('base64')}`;
    const stale = signTrigger(trigger(), secret, { timestamp: Math.floor(Date.now() / 1000) - 600 });
    const attempts = [
      () => verifyTrigger(signed.body.replace('Erika', 'Erica'), signed.headers, secret),
      () => verifyTrigger(signed.body, signed.headers, otherSecret),
      () => verifyTrigger(stale.body, stale.headers, secret),
      () => verifyTrigger(signed.body, {}, secret),
    ];
    for (const attempt of attempts) {
      expect(attempt).toThrowError(expect.objectContaining({ code: 'invalid_signature', status: 401 }));
    }
  });

  it('rejects a correctly signed body that is not a trigger', () => {
    const body = JSON.stringify({ hello: 'world' });
    const timestamp = new Date();
    const headers = {
      'webhook-id': 'msg_1',
      'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
      'webhook-signature': new Webhook(secret).sign('msg_1', timestamp, body),
    };
    expect(() => verifyTrigger(body, headers, secret)).toThrowError(
      expect.objectContaining({ code: 'invalid_trigger' }),
    );
  });
});
