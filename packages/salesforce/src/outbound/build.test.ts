import { describe, expect, it } from 'vitest';
import { fixture } from '../../test/fixtures.js';
import { buildOutboundMessage } from './build.js';
import { parseOutboundMessage } from './parse.js';

describe('buildOutboundMessage', () => {
  it('writes a message byte-for-byte like the real Contact payload', () => {
    const xml = buildOutboundMessage({
      organizationId: '00Do0000000xxxxxxx',
      actionId: '04ko0000000xxxxxxx',
      sessionId: '00Do0000xxxxxxx!etc',
      instanceUrl: 'https://nax.salesforce.com',
      apiVersion: '30.0',
      // given out of order: Salesforce writes Id first, then alphabetical
      notifications: [
        {
          id: '04lo0000000xxxxxxx',
          objectType: 'Contact',
          fields: {
            LastName: 'dude',
            FirstName: 'some',
            LastModifiedDate: '2014-06-26T00:05:38.000Z',
            Id: '003o000000xxxxxxxxx',
            CreatedDate: '2014-06-26T00:05:38.000Z',
          },
        },
      ],
    });
    // The shared fixture's URLs end in a differently redacted org id than its OrganizationId.
    const expected = fixture('contact.xml').replaceAll('/00Do0000xxxxxxx<', '/00Do0000000xxxx<').trimEnd();
    expect(xml).toBe(expected);
  });

  it('round-trips through the parser, with nil fields, a nil session and escaping', () => {
    const input = {
      organizationId: '00D5e000000KQ2e',
      actionId: '04k5e000000AbCdAAK',
      notifications: [
        {
          id: '04l5e000001XyZaAAK',
          objectType: 'Lead',
          fields: { Id: '00Q5e00000AbCdEAAV', Company: 'A & B <Ltd>', PostalCode: '01067', State: null },
        },
        { id: '04l5e000001XyZbAAK', objectType: '', fields: {} },
      ],
    };
    const xml = buildOutboundMessage(input);
    expect(xml).toContain('<SessionId xsi:nil="true"/>');
    expect(xml).toContain('<sf:Company>A &amp; B &lt;Ltd&gt;</sf:Company>');
    expect(xml).toContain('/services/Soap/u/62.0/00D5e000000KQ2e</PartnerUrl>');
    expect(parseOutboundMessage(xml)).toEqual({
      ...input,
      failedNotifications: [],
      sessionId: null,
      enterpriseUrl: 'https://login.salesforce.com/services/Soap/c/62.0/00D5e000000KQ2e',
      partnerUrl: 'https://login.salesforce.com/services/Soap/u/62.0/00D5e000000KQ2e',
    });
  });
});
