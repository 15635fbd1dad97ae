import { crmEventSchema } from '@hookpost/core';
import { describe, expect, it } from 'vitest';
import { fixture } from '../../test/fixtures.js';
import { toCrmEvents } from './normalise.js';
import { parseOutboundMessage } from './parse.js';

const now = () => new Date('2026-11-27T10:00:00.000Z');

describe('toCrmEvents', () => {
  it('turns each notification into a valid updated event with the snapshot', () => {
    const events = toCrmEvents(parseOutboundMessage(fixture('two-accounts-nil.xml')), { now });
    expect(events).toHaveLength(2);
    for (const event of events) expect(crmEventSchema.parse(event)).toEqual(event);
    expect(events[1]).toEqual({
      id: expect.stringMatching(/^evt_[A-Za-z0-9_-]{22}$/),
      platform: 'salesforce',
      accountId: '00Dxx0000001gPFEAY',
      externalId: '04lxx000000CaSeAAK',
      objectType: 'account',
      objectId: '001xx000003DGb3AAG',
      kind: 'updated',
      properties: {
        Id: '001xx000003DGb3AAG',
        CreatedDate: '2026-08-20T08:30:00.000Z',
        LastModifiedDate: '2026-09-01T11:15:00.000Z',
        Name: null,
      },
      occurredAt: '2026-09-01T11:15:00.000Z',
      source: {
        channel: 'outbound_message',
        actionId: '04kxx00000000blAAA',
        notificationId: '04lxx000000CaSeAAK',
      },
    });
    expect(events[0]?.id).not.toBe(events[1]?.id);
  });

  it('gives a re-sent notification the same id (idempotent inbox)', () => {
    const first = toCrmEvents(parseOutboundMessage(fixture('contact.xml')), { now });
    const again = toCrmEvents(parseOutboundMessage(fixture('contact.xml')), { now: () => new Date() });
    expect(again[0]?.id).toBe(first[0]?.id);
    expect(first[0]?.id).toHaveLength(26);
  });

  it('uses the 18-character org id and `now` when LastModifiedDate is missing', () => {
    const message = parseOutboundMessage(fixture('account-with-session.xml'));
    const [event] = toCrmEvents({ ...message, organizationId: '00Dxx0000001gPF' }, { now });
    expect(event?.accountId).toBe('00Dxx0000001gPFEAY');
    expect(event?.occurredAt).toBe('2026-11-27T10:00:00.000Z');
  });

  it('still yields an event for a notification without data', () => {
    const xml = fixture('contact.xml').replace(/<sObject[\s\S]*<\/sObject>/, '');
    const [event] = toCrmEvents(parseOutboundMessage(xml), { now });
    expect(crmEventSchema.parse(event)).toMatchObject({
      objectType: 'unknown',
      objectId: '',
      kind: 'updated',
      externalId: '04lo0000000xxxxxxx',
      occurredAt: '2026-11-27T10:00:00.000Z',
      source: { channel: 'outbound_message', noData: true },
    });
  });
});
