import { escapeXml } from './xml-text.js';

const SOAP_ENV = 'http://schemas.xmlsoap.org/soap/envelope/';
const OUTBOUND_NS = 'http://soap.sforce.com/2005/09/outbound';

/** `Content-Type` of every answer to Salesforce. */
export const SOAP_CONTENT_TYPE = 'text/xml; charset=utf-8';

/**
 * The `notificationsResponse` Salesforce waits for. One Ack covers the whole message;
 * `false` makes Salesforce resend all of it (for up to 24 h).
 * https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_om_outboundmessaging_wsdl.htm
 *
 * @example
 * res.writeHead(200, { 'content-type': SOAP_CONTENT_TYPE }).end(buildAck(true));
 */
export function buildAck(ack: boolean): string {
  return `<soapenv:Envelope xmlns:soapenv="${SOAP_ENV}"><soapenv:Body><notificationsResponse xmlns="${OUTBOUND_NS}"><Ack>${ack}</Ack></notificationsResponse></soapenv:Body></soapenv:Envelope>`;
}

/**
 * A SOAP 1.1 fault for a request Hookpost refuses; `faultString` is escaped.
 *
 * @example
 * buildSoapFault('body is not XML'); // <soapenv:Envelope …><soapenv:Fault><faultcode>soapenv:Client</faultcode>…
 */
export function buildSoapFault(faultString: string, faultCode = 'soapenv:Client'): string {
  return `<soapenv:Envelope xmlns:soapenv="${SOAP_ENV}"><soapenv:Body><soapenv:Fault><faultcode>${escapeXml(faultCode)}</faultcode><faultstring>${escapeXml(faultString)}</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>`;
}
