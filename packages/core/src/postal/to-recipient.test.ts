import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HookpostCoreError } from '../errors.js';
import { toRecipient } from './to-recipient.js';
import { validateRecipient } from './validate-recipient.js';

describe('toRecipient', () => {
  it('maps a HubSpot contact (numbers as text, country normalised)', () => {
    const recipient = toRecipient({
      platform: 'hubspot',
      objectType: 'contact',
      objectId: '1246965',
      record: {
        firstname: 'Erika',
        lastname: 'Mustermann',
        company: '',
        email: 'erika@example.com',
        address: 'Heidestraße 17\nHinterhaus',
        zip: '51147',
        city: 'Köln',
        state: null,
        country: 'Deutschland',
      },
      company: { name: 'ACME GmbH' },
    });
    expect(recipient).toEqual({
      crm: { platform: 'hubspot', objectType: 'contact', objectId: '1246965' },
      firstName: 'Erika',
      lastName: 'Mustermann',
      company: 'ACME GmbH',
      email: 'erika@example.com',
      address: {
        line1: 'Heidestraße 17',
        line2: 'Hinterhaus',
        postalCode: '51147',
        city: 'Köln',
        region: null,
        country: 'DE',
      },
    });
    expect(validateRecipient(recipient).ok).toBe(true);
  });

  it('maps a HubSpot company with address2', () => {
    const recipient = toRecipient({
      platform: 'hubspot',
      objectType: 'company',
      objectId: '9',
      record: {
        name: 'ACME GmbH',
        address: 'Stephansplatz 3',
        address2: '4. Stock',
        zip: '1010',
        city: 'Wien',
        country: 'Austria',
      },
    });
    expect(recipient.company).toBe('ACME GmbH');
    expect(recipient.firstName).toBeNull();
    expect(recipient.address).toEqual({
      line1: 'Stephansplatz 3',
      line2: '4. Stock',
      postalCode: '1010',
      city: 'Wien',
      region: null,
      country: 'AT',
    });
  });

  it('maps a Salesforce Contact: multi-line MailingStreet, CountryCode preferred, Account.Name', () => {
    const recipient = toRecipient({
      platform: 'salesforce',
      objectType: 'Contact',
      objectId: '003o000000xxxxxxxxx',
      record: {
        FirstName: 'some',
        LastName: 'dude',
        'Account.Name': 'Dude Industries Ltd',
        MailingStreet: '221B Baker Street\r\nFlat 2\r\nRear entrance',
        MailingPostalCode: 'nw16xe',
        MailingCity: 'London',
        MailingCountry: 'Germany',
        MailingCountryCode: 'GB',
        Email: 'dude@example.com',
      },
    });
    expect(recipient).toMatchObject({
      crm: { platform: 'salesforce', objectType: 'contact', objectId: '003o000000xxxxxxxxx' },
      firstName: 'some',
      lastName: 'dude',
      company: 'Dude Industries Ltd',
      address: {
        line1: '221B Baker Street',
        line2: 'Flat 2, Rear entrance',
        postalCode: 'nw16xe',
        country: 'GB',
      },
    });
    const checked = validateRecipient(recipient);
    expect(checked.ok && checked.value.address.postalCode).toBe('NW1 6XE');
  });

  it('takes a Contact company from a nested Account or a passed-in account record', () => {
    const base = { platform: 'salesforce', objectType: 'contact', objectId: '003' } as const;
    expect(toRecipient({ ...base, record: { Account: { Name: 'Nested AG' } } }).company).toBe('Nested AG');
    expect(toRecipient({ ...base, record: {}, company: { Name: 'Passed AG' } }).company).toBe('Passed AG');
  });

  it('falls back to MailingCountry text without a country code', () => {
    const recipient = toRecipient({
      platform: 'salesforce',
      objectType: 'contact',
      objectId: '003',
      record: { MailingCountry: 'Schweiz' },
    });
    expect(recipient.address.country).toBe('CH');
  });

  it('maps a Salesforce Lead', () => {
    const recipient = toRecipient({
      platform: 'salesforce',
      objectType: 'Lead',
      objectId: '00Q',
      record: {
        FirstName: 'Max',
        LastName: 'Muster',
        Company: 'Muster KG',
        Street: 'Bahnhofstrasse 45',
        PostalCode: '8001',
        City: 'Zürich',
        Country: 'Schweiz',
        CountryCode: null,
      },
    });
    expect(recipient).toMatchObject({
      company: 'Muster KG',
      address: { line1: 'Bahnhofstrasse 45', line2: null, postalCode: '8001', city: 'Zürich', country: 'CH' },
    });
  });

  it('maps a Salesforce Account from its billing address', () => {
    const recipient = toRecipient({
      platform: 'salesforce',
      objectType: 'Account',
      objectId: '001',
      record: {
        Name: 'United Oil & Gas, UK',
        BillingStreet: 'Kings Park\n10 Downing Street',
        BillingPostalCode: 'SW1A 2AA',
        BillingCity: 'London',
        BillingState: null,
        BillingCountry: 'UK',
      },
    });
    expect(recipient).toMatchObject({
      firstName: null,
      company: 'United Oil & Gas, UK',
      address: { line1: 'Kings Park', line2: '10 Downing Street', country: 'GB' },
    });
  });

  it('leaves an unknown country null so validation reports it', () => {
    const recipient = toRecipient({
      platform: 'hubspot',
      objectType: 'contact',
      objectId: '1',
      record: { firstname: 'A', address: 'Dam 1', city: 'Atlantis City', country: 'Atlantis' },
    });
    expect(recipient.address.country).toBeNull();
    expect(validateRecipient(recipient)).toEqual({
      ok: false,
      issues: [{ path: 'address.country', message: 'required' }],
    });
  });

  it('throws a typed error for an object that cannot receive mail', () => {
    expect(() =>
      toRecipient({ platform: 'hubspot', objectType: 'deal', objectId: '1', record: {} }),
    ).toThrowError(expect.objectContaining({ code: 'unsupported_object', status: 422 }));
    expect(() =>
      toRecipient({ platform: 'salesforce', objectType: 'Opportunity', objectId: '1', record: {} }),
    ).toThrowError(HookpostCoreError);
  });
});

describe('validateRecipient', () => {
  const address = {
    line1: 'Heidestraße 17',
    line2: null,
    postalCode: '51147',
    city: 'Köln',
    region: null,
    country: 'DE',
  };
  const crm = { platform: 'hubspot', objectType: 'contact', objectId: '1' };

  it('requires a name or a company', () => {
    expect(validateRecipient({ crm, firstName: ' ', lastName: null, company: null, address })).toEqual({
      ok: false,
      issues: [{ path: 'name', message: 'name or company required' }],
    });
    expect(
      validateRecipient({ crm, firstName: null, lastName: null, company: 'ACME GmbH', address }).ok,
    ).toBe(true);
  });

  it('flags names and companies over Lob’s 40 characters', () => {
    const result = validateRecipient({
      crm,
      firstName: 'Maximilian Alexander',
      lastName: 'von und zu Mustermann-Musterfrau',
      company: 'Allgemeine Musterverwaltungsgesellschaft mbH',
      address,
    });
    expect(result).toEqual({
      ok: false,
      issues: [
        { path: 'name', message: 'longer than 40 characters' },
        { path: 'company', message: 'longer than 40 characters' },
      ],
    });
  });

  it('prefixes address issues and checks the CRM reference', () => {
    expect(validateRecipient({ firstName: 'A', address: { ...address, postalCode: '5114' } })).toEqual({
      ok: false,
      issues: [
        { path: 'crm', message: 'expected { platform, objectType, objectId }' },
        { path: 'address.postalCode', message: 'expected 5 digits for DE, got "5114"' },
      ],
    });
  });

  it('never throws', () => {
    for (const input of [null, 1, 'x', [], { address: 'x' }, { crm: 1, firstName: 5 }]) {
      expect(validateRecipient(input).ok).toBe(false);
    }
  });
});

describe('toRecipient and validateRecipient — properties', () => {
  const supported = fc.constantFrom(
    ['hubspot', 'contact'] as const,
    ['hubspot', 'company'] as const,
    ['salesforce', 'Contact'] as const,
    ['salesforce', 'Lead'] as const,
    ['salesforce', 'Account'] as const,
  );
  const fieldNames = fc.constantFrom(
    'firstname',
    'lastname',
    'company',
    'address',
    'address2',
    'zip',
    'city',
    'state',
    'country',
    'name',
    'FirstName',
    'LastName',
    'Company',
    'MailingStreet',
    'MailingPostalCode',
    'MailingCity',
    'MailingCountry',
    'MailingCountryCode',
    'Street',
    'Country',
    'CountryCode',
    'BillingStreet',
    'BillingCountry',
    'Account',
    'Account.Name',
    '__proto__',
    'constructor',
  );
  const record = fc.dictionary(fc.oneof(fieldNames, fc.string()), fc.oneof(fc.string(), fc.anything()));

  it('maps any record of a supported object without throwing; validation never throws either', () => {
    fc.assert(
      fc.property(
        supported,
        record,
        fc.oneof(fc.constant(undefined), record),
        ([platform, objectType], r, company) => {
          const recipient = toRecipient({ platform, objectType, objectId: '1', record: r, company });
          expect(recipient.crm.objectType).toBe(objectType.toLowerCase());
          const result = validateRecipient(recipient);
          expect(typeof result.ok).toBe('boolean');
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('validateRecipient never throws on arbitrary input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.object()), (input) => {
        expect(typeof validateRecipient(input).ok).toBe('boolean');
      }),
      { numRuns: 2_000 },
    );
  });

  it('rejects a missing record with a typed error', () => {
    expect(() =>
      toRecipient({ platform: 'hubspot', objectType: 'contact', objectId: '1', record: null as never }),
    ).toThrowError(expect.objectContaining({ code: 'invalid_record' }));
  });
});
