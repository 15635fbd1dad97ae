import { describe, expect, it } from 'vitest';
import { fixture } from '../../test/fixtures.js';
import { HookpostSalesforceError, type HookpostSalesforceErrorCode } from '../errors.js';
import { buildOutboundMessage } from './build.js';
import { parseOutboundMessage } from './parse.js';

function codeOf(run: () => unknown): HookpostSalesforceErrorCode | 'no error' {
  try {
    run();
    return 'no error';
  } catch (error) {
    if (error instanceof HookpostSalesforceError) return error.code;
    throw error;
  }
}

describe('parseOutboundMessage on real payloads', () => {
  it('parses the Contact message', () => {
    expect(parseOutboundMessage(fixture('contact.xml'))).toEqual({
      failedNotifications: [],
      organizationId: '00Do0000000xxxxxxx',
      actionId: '04ko0000000xxxxxxx',
      sessionId: '00Do0000xxxxxxx!etc',
      enterpriseUrl: 'https://nax.salesforce.com/services/Soap/c/30.0/00Do0000xxxxxxx',
      partnerUrl: 'https://nax.salesforce.com/services/Soap/u/30.0/00Do0000xxxxxxx',
      notifications: [
        {
          id: '04lo0000000xxxxxxx',
          objectType: 'Contact',
          fields: {
            Id: '003o000000xxxxxxxxx',
            CreatedDate: '2014-06-26T00:05:38.000Z',
            FirstName: 'some',
            LastModifiedDate: '2014-06-26T00:05:38.000Z',
            LastName: 'dude',
          },
        },
      ],
    });
  });

  it('parses the Account message with a session id (attribute order differs)', () => {
    const message = parseOutboundMessage(Buffer.from(fixture('account-with-session.xml')));
    expect(message.organizationId).toBe('ABC90000000gNcmEAE');
    expect(message.actionId).toBe('00190000000PGrlAAG');
    expect(message.sessionId).toBe(
      'ABC90000000gNcm!ARcAQJ.8aOC5VjE5D1VicpNZqe2PZe9Z7Fq0W4wEvF_xbmqyOs3V4QwJtUsPZ84vaw2dpHcHR5aooybd9C3sbet94cJujlCY',
    );
    expect(message.notifications).toEqual([
      {
        id: '04l9000001olR84AAE',
        objectType: 'Account',
        fields: {
          Id: '0019000001KwyWtAAJ',
          BillingCity: 'San Francisco',
          BillingCountry: 'United States',
          BillingPostalCode: 'CA 94105',
          BillingStreet: 'The Landmark @ One Market, Suite 300',
          Name: 'Salesforce.com Inc.',
        },
      },
    ]);
  });

  it('parses two notifications, a nil session id and a nil field', () => {
    const message = parseOutboundMessage(fixture('two-accounts-nil.xml'));
    expect(message.sessionId).toBeNull();
    expect(message.organizationId).toBe('00Dxx0000001gPFEAY');
    expect(message.partnerUrl).toBe(
      'https://yourInstance.salesforce.com/services/Soap/u/60.0/00Dxx0000001gPF',
    );
    expect(message.notifications.map((n) => n.id)).toEqual(['04lxx000000CaSdAAK', '04lxx000000CaSeAAK']);
    expect(message.notifications[0]?.fields.Name).toBe('Acme');
    expect(message.notifications[1]?.fields).toEqual({
      Id: '001xx000003DGb3AAG',
      CreatedDate: '2026-08-20T08:30:00.000Z',
      LastModifiedDate: '2026-09-01T11:15:00.000Z',
      Name: null,
    });
  });
});

describe('parseOutboundMessage values', () => {
  const message = (fields: Record<string, string | null>) =>
    buildOutboundMessage({
      organizationId: '00Dxx0000001gPFEAY',
      actionId: '04kxx00000000blAAA',
      notifications: [{ id: '04lxx000000CaSdAAK', objectType: 'Contact', fields }],
    });

  it('keeps values as strings: leading zeros, numbers, booleans', () => {
    const { fields } = parseOutboundMessage(
      message({ MailingPostalCode: '01067', Amount: '1e3', IsWon: 'true' }),
    ).notifications[0]!;
    expect(fields).toMatchObject({ MailingPostalCode: '01067', Amount: '1e3', IsWon: 'true' });
  });

  it('decodes escaped text and keeps multi-line streets', () => {
    const { fields } = parseOutboundMessage(
      message({ Name: 'Müller & Söhne <GmbH> "Köln"', MailingStreet: 'Heidestraße 17\nHinterhaus' }),
    ).notifications[0]!;
    expect(fields.Name).toBe('Müller & Söhne <GmbH> "Köln"');
    expect(fields.MailingStreet).toBe('Heidestraße 17\nHinterhaus');
  });

  it('does not depend on prefixes', () => {
    const xml = fixture('contact.xml')
      .replaceAll('soapenv:', 'S:')
      .replaceAll('xmlns:soapenv', 'xmlns:S')
      .replaceAll('sf:', 'ns1:')
      .replaceAll('xmlns:sf', 'xmlns:ns1');
    const parsed = parseOutboundMessage(xml);
    expect(parsed.notifications[0]?.objectType).toBe('Contact');
    expect(parsed.notifications[0]?.fields.LastName).toBe('dude');
  });

  it('reads a notification without data', () => {
    const xml = fixture('contact.xml').replace(/<sObject[\s\S]*<\/sObject>/, '');
    expect(parseOutboundMessage(xml).notifications).toEqual([
      { id: '04lo0000000xxxxxxx', objectType: '', fields: {} },
    ]);
  });
});

describe('parseOutboundMessage rejects', () => {
  const contact = fixture('contact.xml');

  it.each<[string, string | Buffer, HookpostSalesforceErrorCode]>([
    ['an empty body', '', 'empty_body'],
    ['a whitespace body', Buffer.from('  \n '), 'empty_body'],
    ['a JSON body', '{"OrganizationId":"00Dxx0000001gPFEAY"}', 'not_outbound_message'],
    [
      'a DOCTYPE',
      `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>${contact.slice(39)}`,
      'doctype_forbidden',
    ],
    ['a lower-case doctype', '<!doctype html><html/>', 'doctype_forbidden'],
    ['an ENTITY alone', '<a><!ENTITY x "y"></a>', 'doctype_forbidden'],
    ['truncated XML', contact.slice(0, contact.length / 2), 'malformed_xml'],
    [
      'non-SOAP XML',
      '<notifications><OrganizationId>x</OrganizationId></notifications>',
      'not_outbound_message',
    ],
    [
      'a missing OrganizationId',
      contact.replace(/<OrganizationId>.*<\/OrganizationId>/, ''),
      'missing_field',
    ],
    ['a missing ActionId', contact.replace(/<ActionId>.*<\/ActionId>/, ''), 'missing_field'],
    ['no Notification', contact.replace(/<Notification>[\s\S]*<\/Notification>/, ''), 'missing_field'],
    [
      'a prototype-polluting field name',
      contact.replace('<sf:FirstName>some</sf:FirstName>', '<sf:__proto__>x</sf:__proto__>'),
      'malformed_xml',
    ],
  ])('%s', (_name, body, code) => {
    expect(codeOf(() => parseOutboundMessage(body))).toBe(code);
  });

  it('a Notification without Id fails alone: the message parses, the item carries its fragment and error', () => {
    const message = parseOutboundMessage(contact.replace('<Id>04lo0000000xxxxxxx</Id>', ''));
    expect(message.notifications).toEqual([]);
    expect(message.failedNotifications).toEqual([
      {
        index: 0,
        reason: 'malformed',
        rawXml: expect.stringMatching(
          /^<Notification>[\s\S]*<sf:FirstName>some<\/sf:FirstName>[\s\S]*<\/Notification>$/,
        ),
        error: 'Notification 1 has no Id',
      },
    ]);
  });

  it('refuses 100 000 elements or 40 levels before parsing, with the limit named', () => {
    const deep = contact.replace(
      '<sf:FirstName>some</sf:FirstName>',
      `${'<a>'.repeat(40)}${'</a>'.repeat(40)}`,
    );
    expect(() => parseOutboundMessage(deep)).toThrow(/nesting deeper than 32/);
    const wide = contact.replace('<sf:FirstName>some</sf:FirstName>', '<b/>'.repeat(100_000));
    expect(() => parseOutboundMessage(wide, { limits: { maxElements: 50_000 } })).toThrow(
      /more than 50000 elements/,
    );
  });

  it('more than 100 notifications, and accepts exactly 100', () => {
    const build = (count: number) =>
      buildOutboundMessage({
        organizationId: '00Dxx0000001gPFEAY',
        actionId: '04kxx00000000blAAA',
        notifications: Array.from({ length: count }, (_, i) => ({
          id: `04lxx00000${String(i).padStart(4, '0')}AAK`,
          objectType: 'Contact',
          fields: { Id: '003xx000004TmiQAAS' },
        })),
      });
    expect(codeOf(() => parseOutboundMessage(build(101)))).toBe('too_many_notifications');
    expect(parseOutboundMessage(build(100)).notifications).toHaveLength(100);
  });

  it('names what is wrong in the message', () => {
    expect(() => parseOutboundMessage(contact.replace(/<OrganizationId>.*<\/OrganizationId>/, ''))).toThrow(
      '[@hookpost/salesforce] outbound message has no OrganizationId',
    );
    expect(() => parseOutboundMessage(contact.slice(0, 300))).toThrow(
      /XML is not well-formed \(line \d+, column \d+\)/,
    );
  });
});
