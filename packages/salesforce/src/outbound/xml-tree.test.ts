import fc from 'fast-check';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { fixture } from '../../test/fixtures.js';
import { HookpostSalesforceError } from '../errors.js';
import { parseOutboundMessage } from './parse.js';
import { escapeXml } from './xml-text.js';

// The oracle: what this package read with fast-xml-parser's XMLParser (its options and the
// way it walked the object), before the validated text was read by `readXmlTree`.
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: false,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  isArray: (tagName) => tagName === 'Notification',
});
// How this package decoded XMLParser's text (it ran with `processEntities: false`).
const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const REFERENCE = /&(?:#x([0-9a-fA-F]{1,6})|#([0-9]{1,7})|(amp|lt|gt|quot|apos));/g;
const decodeXmlText = (text: string) =>
  text.replace(REFERENCE, (whole, hex: string | undefined, dec: string | undefined, name?: string) => {
    if (name) return PREDEFINED[name] ?? whole;
    const codePoint = Number.parseInt(hex ?? dec ?? '', hex ? 16 : 10);
    return codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : whole;
  });
type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);
function textOf(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return decodeXmlText(value);
  if (Array.isArray(value)) return textOf(value[0]);
  if (isNode(value)) {
    if (value['@_nil'] === 'true') return null;
    return typeof value['#text'] === 'string' ? decodeXmlText(value['#text']) : '';
  }
  return String(value);
}
function fieldsOf(node: Node, prefix = ''): Record<string, string | null> {
  const fields: Record<string, string | null> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('@_') || key === '#text') continue;
    const nested = isNode(value) && Object.keys(value).some((k) => !k.startsWith('@_') && k !== '#text');
    if (nested) Object.assign(fields, fieldsOf(value, `${prefix}${key}.`));
    else fields[`${prefix}${key}`] = textOf(value);
  }
  return fields;
}
/** Notifications as the XMLParser walk read them: `null` for one it could not read. */
function viaXmlParser(xml: string) {
  const root = parser.parse(xml) as Node;
  const n = ((root.Envelope as Node).Body as Node).notifications as Node;
  return {
    organizationId: textOf(n.OrganizationId),
    sessionId: textOf(n.SessionId),
    notifications: (n.Notification as unknown[]).map((note) => {
      const id = isNode(note) ? textOf(note.Id) : null;
      if (!isNode(note) || !id) return null;
      const sObject = note.sObject;
      if (!isNode(sObject)) return { id, objectType: '', fields: {} };
      const type = typeof sObject['@_type'] === 'string' ? sObject['@_type'] : '';
      return { id, objectType: type.slice(type.indexOf(':') + 1), fields: fieldsOf(sObject) };
    }),
  };
}
function viaTree(xml: string) {
  const message = parseOutboundMessage(xml);
  const notifications: unknown[] = [...message.notifications];
  for (const failed of message.failedNotifications) notifications.splice(failed.index, 0, null);
  return { organizationId: message.organizationId, sessionId: message.sessionId, notifications };
}

// Text as Salesforce may send it: escaped, sometimes padded, in CDATA, or around a comment.
const value = fc.oneof(
  fc.string().map((s) => escapeXml(s)),
  fc.constantFrom('', '  ', '\n  Wien \n', 'a&amp;b', '&#x41;&#66;', 'x > y'),
  fc.string().map((s) => `<![CDATA[${s.replaceAll(']]>', '')}]]>`),
  fc.tuple(fc.string(), fc.string()).map(([a, b]) => `${escapeXml(a)}<!-- c -->${escapeXml(b)}`),
);
const name = fc.constantFrom('Id', 'LastName', 'MailingCity', 'Owner', 'Name', 'Email', 'Owner.Name');
const field: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(name, value).map(([n, v]) => `<sf:${n}>${v}</sf:${n}>`) },
  { weight: 1, arbitrary: name.map((n) => `<sf:${n} xsi:nil="true"/>`) },
  { weight: 1, arbitrary: name.map((n) => `<sf:${n}/>`) },
  { weight: 1, arbitrary: fc.tuple(name, value).map(([n, v]) => `<sf:${n} xsi:nil="false">${v}</sf:${n}>`) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(name, fc.array(fc.tuple(name, value), { maxLength: 3 }))
      .map(([n, kids]) => `<sf:${n}>${kids.map(([k, v]) => `<sf:${k}>${v}</sf:${k}>`).join('')}</sf:${n}>`),
  },
);
const notification = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .tuple(
        fc.option(value, { nil: undefined }),
        fc.array(field, { maxLength: 6 }),
        fc.constantFrom(
          '',
          ' xsi:type="sf:Contact"',
          ` xsi:type='sf:Lead' data-x="a>b"`,
          ' xsi:type = "Account"',
        ),
      )
      .map(
        ([id, fields, type]) =>
          `<Notification>${id === undefined ? '' : `<Id>${id}</Id>`}<sObject${type} xmlns:sf="urn:sobject.enterprise.soap.sforce.com">\n ${fields.join('\n ')}</sObject></Notification>`,
      ),
  },
  { weight: 1, arbitrary: fc.constantFrom('<Notification/>', '<Notification>text</Notification>') },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '<Notification><Id>04l1</Id></Notification>',
      '<Notification><Id>04l2</Id><sObject/></Notification>',
      '<Notification><Id>04l3</Id><Id>04l4</Id><sObject xsi:type="sf:Lead"/></Notification>',
    ),
  },
);
const envelope = (prefix: string, session: string, notes: string[]) =>
  `<?xml version="1.0" encoding="UTF-8"?>
<${prefix}Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
 <${prefix}Body>
  <notifications xmlns="http://soap.sforce.com/2005/09/outbound">
   <OrganizationId>00Dxx0000001gPFEAY</OrganizationId>
   <ActionId>04kxx00000000blAAA</ActionId>
   ${session}
   ${notes.join('\n   ')}
  </notifications>
 </${prefix}Body>
</${prefix}Envelope>`;

describe('the saxes tree reads an outbound message as XMLParser did', () => {
  it('on generated messages: ids, types, fields, nil and escaped values, prefixes, comments, CDATA', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('soapenv:', 'S:', ''),
        fc.constantFrom('<SessionId xsi:nil="true"/>', '<SessionId>00Dx!AQ&amp;x</SessionId>', ''),
        fc.array(notification, { minLength: 1, maxLength: 4 }),
        (prefix, session, notes) => {
          const xml = envelope(prefix, session, notes);
          expect(viaTree(xml)).toEqual(viaXmlParser(xml));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('on the real payloads', () => {
    for (const name of ['contact.xml', 'account-with-session.xml', 'two-accounts-nil.xml']) {
      expect(viaTree(fixture(name))).toEqual(viaXmlParser(fixture(name)));
    }
  });

  it('reads 100 000 fields of one sObject in linear time (repeats counted once, not compared pairwise)', () => {
    const fields = Array.from({ length: 100_000 }, (_, i) => `<sf:F${i % 50_000}>${i}</sf:F${i % 50_000}>`);
    const xml = envelope('soapenv:', '', [
      `<Notification><Id>04l1</Id><sObject>${fields.join('')}</sObject></Notification>`,
    ]);
    const read = parseOutboundMessage(xml).notifications[0]?.fields ?? {};
    expect(Object.keys(read)).toHaveLength(50_000);
    expect(read.F49999).toBe('49999');
  });

  it('refuses the element names XMLParser refused as prototype pollution, with a 400', () => {
    const xml = envelope('soapenv:', '', [
      '<Notification><Id>04l1</Id><sObject><sf:__proto__>x</sf:__proto__></sObject></Notification>',
    ]);
    expect(() => parseOutboundMessage(xml)).toThrow(HookpostSalesforceError);
    try {
      parseOutboundMessage(xml);
    } catch (error) {
      expect((error as HookpostSalesforceError).status).toBe(400);
    }
  });

  it('keeps a field named like an Object method as sent (XMLParser renamed it __toString)', () => {
    const xml = envelope('soapenv:', '', [
      '<Notification><Id>04l1</Id><sObject><sf:toString>x</sf:toString></sObject></Notification>',
    ]);
    expect(parseOutboundMessage(xml).notifications[0]?.fields).toEqual({ toString: 'x' });
  });

  it('reads entities as XML defines them: references decoded, CDATA kept as written', () => {
    const xml = envelope('soapenv:', '', [
      '<Notification><Id>04l1</Id><sObject><sf:A>&#x41;&amp;&lt;</sf:A><sf:B><![CDATA[&amp;]]></sf:B></sObject></Notification>',
    ]);
    expect(parseOutboundMessage(xml).notifications[0]?.fields).toEqual({ A: 'A&<', B: '&amp;' });
  });
});

describe('the saxes tree refuses XML that is not well-formed, saying what and where', () => {
  const body = (value: string) =>
    envelope('soapenv:', '', [
      `<Notification><Id>04l1</Id><sObject>\n<sf:A>${value}</sf:A></sObject></Notification>`,
    ]);
  it.each([
    ['a bare ampersand, at the ampersand', 'a & b', /\(line 9, column 9\): '&' starts no entity reference/],
    ['an entity no DTD defines', '&nbsp;', /\(line 9, column \d+\): undefined entity/],
    [
      'a close tag that does not match',
      '<sf:B>x</sf:A>',
      /\(line 9, column \d+\): a close tag does not match <sf:B>/,
    ],
    ['a control character', '\u0001', /\(line 9, column \d+\): disallowed character/],
    [
      'a mismatched close tag after a bare & in CDATA (allowed there)',
      '<![CDATA[a & b]]><sf:B></sf:A>',
      /\(line 9, column \d+\): a close tag does not match <sf:B>/,
    ],
  ])('%s', (_name, value, message) => {
    const refused = (() => {
      try {
        parseOutboundMessage(body(value));
      } catch (error) {
        return error as HookpostSalesforceError;
      }
    })();
    expect(refused?.code).toBe('malformed_xml');
    expect(refused?.status).toBe(400);
    expect(refused?.message).toMatch(message);
  });
});
