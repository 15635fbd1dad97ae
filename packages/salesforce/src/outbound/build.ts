import { toOrgId18 } from '../org-id.js';
import { escapeXml } from './xml-text.js';

/** Input of {@link buildOutboundMessage}. */
export interface BuildOutboundMessageInput {
  organizationId: string;
  actionId: string;
  notifications: { id: string; objectType: string; fields: Record<string, string | null> }[];
  /** Defaults to `null` (sent as `xsi:nil`), as Salesforce does since session ids were removed. */
  sessionId?: string | null;
  instanceUrl?: string;
  apiVersion?: string;
}

function field(name: string, value: string | null): string {
  return value === null ? `<sf:${name} xsi:nil="true"/>` : `<sf:${name}>${escapeXml(value)}</sf:${name}>`;
}

// Salesforce writes `Id` first, then the selected fields in alphabetical order.
function orderedFields(fields: Record<string, string | null>): [string, string | null][] {
  return Object.entries(fields).sort(([a], [b]) =>
    a === 'Id' ? -1 : b === 'Id' ? 1 : a < b ? -1 : a > b ? 1 : 0,
  );
}

function notification(n: BuildOutboundMessageInput['notifications'][number]): string {
  const sObject = n.objectType
    ? [
        `    <sObject xsi:type="sf:${escapeXml(n.objectType)}" xmlns:sf="urn:sobject.enterprise.soap.sforce.com">`,
        ...orderedFields(n.fields).map(([name, value]) => `     ${field(name, value)}`),
        '    </sObject>',
      ]
    : [];
  return ['   <Notification>', `    <Id>${escapeXml(n.id)}</Id>`, ...sObject, '   </Notification>'].join(
    '\n',
  );
}

/**
 * Serialises an outbound message the way Salesforce sends it (SOAP 1.1, `sf:` fields,
 * `xsi:nil` for empty values). Used by tests and by `hookpost simulate salesforce`.
 *
 * @example
 * const xml = buildOutboundMessage({
 *   organizationId: '00D5e000000KQ2eEAG', actionId: '04k5e000000AbCdAAK',
 *   notifications: [{ id: '04l5e000001XyZaAAK', objectType: 'Contact', fields: { Id: '0035e00000AbCdEAAV', LastName: 'Mustermann' } }],
 * });
 */
export function buildOutboundMessage(input: BuildOutboundMessageInput): string {
  const instanceUrl = (input.instanceUrl ?? 'https://login.salesforce.com').replace(/\/+$/, '');
  const apiVersion = input.apiVersion ?? '62.0';
  // EnterpriseUrl/PartnerUrl end in the 15-character org id.
  const org15 = toOrgId18(input.organizationId).slice(0, 15);
  const sessionId = input.sessionId ?? null;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">',
    ' <soapenv:Body>',
    '  <notifications xmlns="http://soap.sforce.com/2005/09/outbound">',
    `   <OrganizationId>${escapeXml(input.organizationId)}</OrganizationId>`,
    `   <ActionId>${escapeXml(input.actionId)}</ActionId>`,
    sessionId === null
      ? '   <SessionId xsi:nil="true"/>'
      : `   <SessionId>${escapeXml(sessionId)}</SessionId>`,
    `   <EnterpriseUrl>${escapeXml(instanceUrl)}/services/Soap/c/${apiVersion}/${org15}</EnterpriseUrl>`,
    `   <PartnerUrl>${escapeXml(instanceUrl)}/services/Soap/u/${apiVersion}/${org15}</PartnerUrl>`,
    ...input.notifications.map(notification),
    '  </notifications>',
    ' </soapenv:Body>',
    '</soapenv:Envelope>',
  ].join('\n');
}
