import { crmEventSchema } from '@hookpost/core';
import { describe, expect, it } from 'vitest';
import { cdcFixture } from '../../test/cdc-fixtures.js';
import { HookpostSalesforceError } from '../errors.js';
import { changeEventToCrmEvents, flatFieldName } from './map.js';

const ORG = '00D5e000000KQ2e';
const map = (name: string) => {
  const event = cdcFixture(name);
  const events = changeEventToCrmEvents(event.payload, { organizationId: ORG, replayId: event.replayId });
  for (const e of events) expect(crmEventSchema.parse(e)).toEqual(e);
  return events;
};

describe('changeEventToCrmEvents', () => {
  it('CREATE → created with the flattened snapshot', () => {
    const [event, ...rest] = map('contact-create');
    expect(rest).toHaveLength(0);
    expect(event).toMatchObject({
      platform: 'salesforce',
      accountId: '00D5e000000KQ2eEAG',
      externalId: '0002b7a2-27d5-ab5a-0ee8-3eb16b8c2d0b:1:003RM000006DdnRYAS',
      objectType: 'contact',
      objectId: '003RM000006DdnRYAS',
      kind: 'created',
      occurredAt: '2023-10-04T18:33:20.000Z',
      source: {
        channel: 'cdc',
        changeType: 'CREATE',
        changeOrigin: 'com/salesforce/api/soap/58.0;client=SfdcInternalAPI/',
        commitUser: '00558000000yFyDAAU',
        replayId: '18098160',
        entityName: 'Contact',
        commitNumber: '11657372702401',
      },
    });
    expect(event?.properties).toMatchObject({
      FirstName: 'Erika',
      LastName: 'Mustermann',
      MailingStreet: 'Heidestraße 17',
      MailingCity: 'Köln',
      MailingPostalCode: '51147',
      MailingCountryCode: 'DE',
      AccountId: '001RM000003yMUCYA2',
    });
    expect(event?.properties).not.toHaveProperty('MailingState');
    // `evt_` + commitTimestamp in base 36 (10 characters) + 16 of the key's SHA-256.
    expect(event?.id).toMatch(/^evt_00lnc370jk[\w-]{16}$/);
  });

  it('UPDATE → updated with changes for changedFields, compound values and nulled fields', () => {
    const [event] = map('account-update');
    expect(event?.kind).toBe('updated');
    expect(event?.changes).toEqual({
      LastModifiedDate: { value: 1696444513000 },
      BillingCity: { value: 'San Francisco' },
      BillingState: { value: 'CA' },
      Phone: { value: null },
    });
    expect(event?.properties).toBeUndefined();
  });

  it('one event per record id, with distinct stable ids, and a BigInt commitNumber as a string', () => {
    const events = map('contact-update-several');
    expect(events.map((e) => e.objectId)).toEqual([
      '003RM000006DdnRYAS',
      '003RM000006DdnSYAS',
      '003RM000006DdnTYAS',
    ]);
    expect(events.map((e) => e.externalId)).toEqual([
      '00051cbd-4b5e-dd2c-b1e7-ee3f3a7a6e5a:2:003RM000006DdnRYAS',
      '00051cbd-4b5e-dd2c-b1e7-ee3f3a7a6e5a:2:003RM000006DdnSYAS',
      '00051cbd-4b5e-dd2c-b1e7-ee3f3a7a6e5a:2:003RM000006DdnTYAS',
    ]);
    expect(new Set(events.map((e) => e.id)).size).toBe(3);
    expect(events[2]?.changes).toEqual({
      LastModifiedDate: { value: 1696444600000 },
      Title: { value: 'Head of Marketing' },
    });
    expect(events[0]?.source?.commitNumber).toBe('9007199254740993');
    expect(map('contact-update-several').map((e) => e.id)).toEqual(events.map((e) => e.id));
  });

  it('DELETE → deleted, UNDELETE → restored', () => {
    expect(map('lead-delete')).toMatchObject([
      { kind: 'deleted', objectType: 'lead', objectId: '00QRM000003ANzw2AG' },
    ]);
    const [restored] = map('lead-undelete');
    expect(restored).toMatchObject({
      kind: 'restored',
      properties: { FirstName: 'Max', LastName: 'Muster', Company: 'Muster AG' },
    });
  });

  it('GAP_* → the normal kind with source.gap and a whole-record re-read, no values, one per record id', () => {
    const events = map('event-gap-update');
    expect(events).toHaveLength(2);
    expect(events[1]).toMatchObject({
      kind: 'updated',
      objectType: 'event',
      objectId: '00UR0000000hzCqMAI',
      source: {
        gap: true,
        changeType: 'GAP_UPDATE',
        reread: { recordIds: ['00UR0000000hzCqMAI'], all: true },
      },
    });
    expect(events[1]).not.toHaveProperty('changes');
  });

  it('GAP_OVERFLOW: no event for 000000000000000AAA; one re-read event per changed record the caller found', () => {
    const event = cdcFixture('account-gap-overflow');
    expect(changeEventToCrmEvents(event.payload, { organizationId: ORG, replayId: event.replayId })).toEqual(
      [],
    );
    const header = (event.payload as { ChangeEventHeader: Record<string, unknown> }).ChangeEventHeader;
    const withMarker = {
      ...(event.payload as object),
      ChangeEventHeader: { ...header, recordIds: ['000000000000000AAA'] },
    };
    expect(changeEventToCrmEvents(withMarker, { organizationId: ORG, replayId: 1 })).toEqual([]);
    const events = changeEventToCrmEvents(event.payload, {
      organizationId: ORG,
      replayId: event.replayId,
      overflowRecordIds: ['001RM000003yMUCYA2', '000000000000000AAA'],
    });
    expect(events).toMatchObject([
      {
        kind: 'updated',
        objectType: 'account',
        objectId: '001RM000003yMUCYA2',
        source: { gap: true, reread: { all: true } },
      },
    ]);
  });

  it('UPDATE: a diffed field is never taken as a value; it is named for the re-read', () => {
    const event = cdcFixture('account-update');
    const payload = event.payload as { ChangeEventHeader: Record<string, unknown> } & Record<string, unknown>;
    const diffed = {
      ...payload,
      Description: '@@ -1 +1 @@\n-old\n+new',
      ChangeEventHeader: {
        ...payload.ChangeEventHeader,
        changedFields: [...(payload.ChangeEventHeader.changedFields as string[]), 'Description'],
        diffFields: ['Description'],
      },
    };
    const [updated] = changeEventToCrmEvents(diffed, { organizationId: ORG, replayId: 1 });
    expect(updated?.changes).not.toHaveProperty('Description');
    expect(updated?.source?.reread).toMatchObject({ diffFields: ['Description'], all: false });
  });

  it('rejects a payload without a ChangeEventHeader with a typed error', () => {
    expect(() => changeEventToCrmEvents({ Name: 'x' }, { organizationId: ORG, replayId: 1 })).toThrow(
      HookpostSalesforceError,
    );
    expect(() => changeEventToCrmEvents(null, { organizationId: ORG, replayId: 1 })).toThrow(
      /ChangeEventHeader/,
    );
  });
});

describe('flatFieldName', () => {
  it.each([
    ['MailingAddress.City', 'MailingCity'],
    ['BillingAddress.PostalCode', 'BillingPostalCode'],
    ['Address.Street', 'Street'],
    ['Name.FirstName', 'FirstName'],
    ['Custom__c.Part', 'Custom__c.Part'],
    ['Email', 'Email'],
  ])('%s → %s', (cdc, flat) => expect(flatFieldName(cdc)).toBe(flat));
});
