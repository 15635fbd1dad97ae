import { randomBytes, randomInt } from 'node:crypto';
import { parseWebhookBatch, signRequestV3 } from '@hookpost/hubspot';
import { buildOutboundMessage, parseOutboundMessage, toCrmEvents } from '@hookpost/salesforce';
import type { HookpostConfig, WorkspaceConfig } from '../config/schema.js';
import { CliError } from './action.js';

/** A request as a CRM would send it, and the id the connector will store its event under. */
export interface SampleRequest {
  path: string;
  headers: Record<string, string>;
  body: string;
  eventId: string;
  summary: string;
}

const SALESFORCE_ID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** A random 18-character-looking Salesforce id with the given key prefix (`04l` notification, `04k` action). */
function salesforceId(prefix: string): string {
  const bytes = randomBytes(15);
  return prefix + Array.from(bytes, (b) => SALESFORCE_ID_CHARS[b % SALESFORCE_ID_CHARS.length]).join('');
}

export interface HubSpotSampleOptions {
  objectId: string;
  property: string;
  value: string;
  now?: number;
}

/**
 * A `contact.propertyChange` delivery for the workspace's portal, v3-signed with the
 * configured client secret over `server.publicUrl + /webhooks/hubspot`, exactly as the
 * connector verifies it. The eventId is unique per call, so each run is a new event.
 */
export function hubspotSample(
  config: HookpostConfig,
  workspace: WorkspaceConfig,
  { objectId, property, value, now = Date.now() }: HubSpotSampleOptions,
): SampleRequest {
  if (!config.hubspot) throw new CliError('the configuration has no hubspot block (clientSecret)');
  if (!workspace.hubspot) throw new CliError(`workspace ${workspace.id} has no hubspot block`);
  const portalId = Number(workspace.hubspot.portalId);
  if (!/^\d+$/.test(objectId))
    throw new CliError(`--object-id must be a HubSpot record id (digits), got "${objectId}"`);
  const path = '/webhooks/hubspot';
  const body = JSON.stringify([
    {
      // Milliseconds × 1000 plus a random part: unique across runs, still a safe integer.
      eventId: now * 1000 + randomInt(1000),
      subscriptionId: 1,
      portalId,
      appId: Number(config.hubspot.appId ?? 1),
      occurredAt: now,
      subscriptionType: 'contact.propertyChange',
      attemptNumber: 0,
      objectId: Number(objectId),
      propertyName: property,
      propertyValue: value,
      changeSource: 'CRM_UI',
    },
  ]);
  const [event] = parseWebhookBatch(body);
  if (!event) throw new CliError('the sample batch produced no event');
  const signature = signRequestV3({
    clientSecret: config.hubspot.clientSecret,
    method: 'POST',
    url: `${config.server.publicUrl}${path}`,
    body,
    timestamp: now,
  });
  return {
    path,
    headers: { 'content-type': 'application/json', ...signature },
    body,
    eventId: event.id,
    summary: `contact.propertyChange ${property}=${value} for contact ${objectId} in portal ${portalId}`,
  };
}

export interface SalesforceSampleOptions {
  objectId: string;
  fields: Record<string, string>;
  now?: number;
}

/** A one-notification Contact outbound message from the workspace's org, to its secret endpoint. */
export function salesforceSample(
  workspace: WorkspaceConfig,
  { objectId, fields, now = Date.now() }: SalesforceSampleOptions,
): SampleRequest {
  const salesforce = workspace.salesforce;
  if (!salesforce) throw new CliError(`workspace ${workspace.id} has no salesforce block`);
  const xml = buildOutboundMessage({
    organizationId: salesforce.organizationId,
    actionId: salesforceId('04k'),
    notifications: [
      {
        id: salesforceId('04l'),
        objectType: 'Contact',
        fields: {
          Id: objectId,
          FirstName: 'Erika',
          LastName: 'Mustermann',
          Email: 'erika@example.de',
          MailingStreet: 'Heidestraße 17',
          MailingPostalCode: '51147',
          MailingCity: 'Köln',
          MailingCountry: 'DE',
          Description: 'Closed Won',
          LastModifiedDate: new Date(now).toISOString(),
          ...fields,
        },
      },
    ],
  });
  const [event] = toCrmEvents(parseOutboundMessage(xml));
  if (!event) throw new CliError('the sample message produced no event');
  return {
    path: `/webhooks/salesforce/${encodeURIComponent(salesforce.endpointToken)}`,
    // Salesforce sends SOAP 1.1 with an empty SOAPAction.
    headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '""' },
    body: xml,
    eventId: event.id,
    summary: `Contact outbound message for ${objectId} from org ${salesforce.organizationId}`,
  };
}
