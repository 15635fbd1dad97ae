import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CrmRef } from '../address.js';
import { dedupeKey } from './dedupe.js';
import {
  computeAddressHash,
  computeEmailHash,
  hashAddress,
  hashCrmRef,
  hashEmail,
  identityKey,
  recipientKey,
  sha256Hex,
} from './hash.js';

const cologne = {
  line1: 'Heidestraße 17',
  line2: null,
  postalCode: '51147',
  city: 'Köln',
  region: null,
  country: 'DE',
};

describe('hashEmail', () => {
  it('hashes the trimmed lower-case address', () => {
    expect(hashEmail(' Erika@Example.COM ')).toBe(hashEmail('erika@example.com'));
    expect(hashEmail('erika@example.com')).toBe(sha256Hex('email:erika@example.com'));
    expect(hashEmail('erika@example.com')).not.toBe(hashEmail('erika@example.de'));
  });

  it('is null for anything that is not an address', () => {
    for (const value of ['', 'erika', 'a b@c', null, undefined]) expect(hashEmail(value)).toBeNull();
  });
});

describe('hashAddress', () => {
  it('hashes spelling variants of one address alike', () => {
    const variants = [
      { ...cologne, line1: 'Heidestr. 17', city: 'Koeln' },
      { ...cologne, line1: 'HEIDESTRASSE 17', country: 'Deutschland' },
      { ...cologne, line1: 'Heidestr 17', postalCode: ' 51147 ' },
    ];
    for (const variant of variants) expect(hashAddress(variant)).toBe(hashAddress(cologne));
  });

  it('tells different addresses apart', () => {
    expect(hashAddress({ ...cologne, line1: 'Heidestraße 19' })).not.toBe(hashAddress(cologne));
    expect(hashAddress({ ...cologne, postalCode: '51149' })).not.toBe(hashAddress(cologne));
    expect(hashAddress({ ...cologne, line2: 'Hinterhaus' })).not.toBe(hashAddress(cologne));
  });

  it('is null when too thin to identify a place', () => {
    expect(hashAddress({ ...cologne, line1: null })).toBeNull();
    expect(hashAddress({ ...cologne, country: null })).toBeNull();
    expect(hashAddress({ ...cologne, postalCode: null, city: null })).toBeNull();
  });
});

describe('recipientKey and hashCrmRef', () => {
  it('is readable and case-insensitive in the object type', () => {
    const crm: CrmRef = { platform: 'salesforce', objectType: 'Contact', objectId: '003o000000xxxxxxxxx' };
    expect(recipientKey({ crm })).toBe('salesforce:contact:003o000000xxxxxxxxx');
    expect(hashCrmRef(crm)).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('dedupeKey', () => {
  const identity = fc.record({
    workspaceId: fc.string(),
    campaignId: fc.string(),
    platform: fc.constantFrom('hubspot' as const, 'salesforce' as const),
    objectType: fc.string(),
    objectId: fc.string(),
  });
  type Identity = typeof identity extends fc.Arbitrary<infer T> ? T : never;
  const key = (i: Identity, eventId?: string) =>
    dedupeKey({
      workspaceId: i.workspaceId,
      campaignId: i.campaignId,
      recipient: { crm: { platform: i.platform, objectType: i.objectType, objectId: i.objectId } },
      eventId,
    });

  it('is stable: 64 hex chars, the same on every call', () => {
    fc.assert(
      fc.property(identity, (i) => {
        expect(key(i)).toMatch(/^[0-9a-f]{64}$/);
        expect(key({ ...i })).toBe(key(i));
      }),
    );
  });

  it('differs when any identity part differs', () => {
    const part = fc.constantFrom('workspaceId', 'campaignId', 'platform', 'objectType', 'objectId');
    fc.assert(
      fc.property(identity, part, fc.string(), (i, name, other) => {
        const changed = { ...i };
        if (name === 'platform') changed.platform = i.platform === 'hubspot' ? 'salesforce' : 'hubspot';
        else changed[name] = other;
        fc.pre(
          name === 'platform' ||
            (name === 'objectType' ? other.toLowerCase() !== i.objectType.toLowerCase() : other !== i[name]),
        );
        expect(key(changed)).not.toBe(key(i));
      }),
      { numRuns: 1_000 },
    );
  });

  it('cannot be confused by separators inside the parts', () => {
    const a = {
      workspaceId: 'a:b',
      campaignId: 'c',
      platform: 'hubspot' as const,
      objectType: 'contact',
      objectId: '1',
    };
    expect(key(a)).not.toBe(key({ ...a, workspaceId: 'a', campaignId: 'b:c' }));
  });

  it('includes the event id when given (campaigns that are not once-per-recipient)', () => {
    fc.assert(
      fc.property(identity, fc.string(), fc.string(), (i, e1, e2) => {
        fc.pre(e1 !== e2);
        expect(key(i, e1)).not.toBe(key(i, e2));
        expect(key(i, e1)).not.toBe(key(i));
        expect(key(i, e1)).toBe(key(i, e1));
      }),
    );
  });

  it('matches a known vector', () => {
    const recipient = { crm: { platform: 'hubspot' as const, objectType: 'contact', objectId: '123' } };
    expect(dedupeKey({ workspaceId: 'acme', campaignId: 'welcome-pack', recipient })).toBe(
      sha256Hex('["hookpost.dedupe.v1","acme","welcome-pack","hubspot","contact","123"]'),
    );
  });
});

describe('identityKey', () => {
  const crm = { platform: 'salesforce', objectType: 'Lead', objectId: '00Q1' };
  const address = {
    line1: 'Heidestraße 17',
    line2: null,
    postalCode: '51147',
    city: 'Köln',
    region: null,
    country: 'DE',
  };
  it('record: the CRM record; person: the normalised e-mail, else the postal address, else the record', () => {
    expect(identityKey({ crm, email: 'a@b.de' }, 'record')).toBe('salesforce:lead:00Q1');
    expect(identityKey({ crm, email: 'a@b.de' }, undefined)).toBe('salesforce:lead:00Q1');
    const other = { platform: 'hubspot', objectType: 'contact', objectId: '7' };
    expect(identityKey({ crm, email: ' Erika@Example.DE ' }, 'person')).toBe(
      identityKey({ crm: other, email: 'erika@example.de' }, 'person'),
    );
    expect(identityKey({ crm, email: 'erika@example.de' }, 'person')).toMatch(/^person:email:[0-9a-f]{64}$/);
    expect(identityKey({ crm, email: null, address }, 'person')).toMatch(/^person:address:[0-9a-f]{64}$/);
    expect(identityKey({ crm, email: null }, 'person')).toBe('salesforce:lead:00Q1');
  });
});

describe('the hash caches', () => {
  // Few distinct characters, so generated addresses differ in one field only, or in spelling.
  const part = fc.option(
    fc.constantFrom(
      'Heidestraße 17',
      'Heidestr. 17',
      'HEIDESTRASSE 17',
      '17',
      'Köln',
      'Koeln',
      '51147',
      '5114 7',
      '',
    ),
    { nil: null },
  );
  const address = fc.record({
    line1: fc.constantFrom('Heidestraße 17', 'Heidestr. 17', 'Hauptstr. 1', ''),
    line2: part,
    postalCode: part,
    city: part,
    region: part,
    country: fc.option(fc.constantFrom('DE', 'Deutschland', 'de', 'AT', 'Atlantis'), { nil: null }),
  });

  it('property: a cached address hash equals the one computed afresh, in any order and repetition', () => {
    fc.assert(
      fc.property(fc.array(address, { maxLength: 30 }), (addresses) => {
        for (const a of [...addresses, ...addresses.reverse()])
          expect(hashAddress(a)).toBe(computeAddressHash(a));
      }),
    );
  });

  it('property: a cached e-mail hash equals the one computed afresh', () => {
    const email = fc.oneof(
      fc.emailAddress(),
      fc.string({ maxLength: 8 }),
      fc.constantFrom(' Erika@Example.COM ', 'erika@example.com'),
    );
    fc.assert(
      fc.property(fc.array(email, { maxLength: 30 }), (emails) => {
        for (const e of [...emails, ...emails.reverse()]) expect(hashEmail(e)).toBe(computeEmailHash(e));
      }),
    );
  });

  it('property: a cached CRM hash equals the formula', () => {
    const ref = fc.record({
      platform: fc.constantFrom('hubspot', 'salesforce'),
      objectType: fc.constantFrom('contact', 'Contact', 'company'),
      objectId: fc.string({ maxLength: 4 }),
    });
    fc.assert(
      fc.property(fc.array(ref, { maxLength: 30 }), (refs) => {
        for (const crm of [...refs, ...refs.reverse()])
          expect(hashCrmRef(crm)).toBe(sha256Hex(`crm:${recipientKey({ crm })}`));
      }),
    );
  });
});
