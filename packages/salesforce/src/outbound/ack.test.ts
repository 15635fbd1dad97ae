import { XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { buildAck, buildSoapFault } from './ack.js';

describe('buildAck', () => {
  it('is exactly the notificationsResponse envelope Salesforce expects', () => {
    expect(buildAck(true)).toBe(
      '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound"><Ack>true</Ack></notificationsResponse></soapenv:Body></soapenv:Envelope>',
    );
    expect(buildAck(false)).toContain('<Ack>false</Ack>');
  });
});

describe('buildSoapFault', () => {
  it('builds a well-formed SOAP 1.1 client fault with escaped text', () => {
    const fault = buildSoapFault('bad <xml> & "quotes"');
    expect(XMLValidator.validate(fault)).toBe(true);
    expect(fault).toContain('<faultcode>soapenv:Client</faultcode>');
    expect(fault).toContain('<faultstring>bad &lt;xml&gt; &amp; &quot;quotes&quot;</faultstring>');
  });

  it('takes another fault code', () => {
    expect(buildSoapFault('down', 'soapenv:Server')).toContain('<faultcode>soapenv:Server</faultcode>');
  });
});
