import { randomBytes } from 'node:crypto';
import type { CrmEvent } from '@hookpost/core';
import { changeEventToCrmEvents } from '../cdc/map.js';
import { HookpostSalesforceError } from '../errors.js';
import { toOrgId18 } from '../org-id.js';
import { buildOutboundMessage } from '../outbound/build.js';
import { toCrmEvents } from '../outbound/normalise.js';
import { parseOutboundMessage } from '../outbound/parse.js';

/** A request exactly as Salesforce would send it, plus the ids the receiver stores its events under. */
export interface SimulatedOutboundRequest {
  /** `/webhooks/salesforce/<endpoint token>`. */
  path: string;
  headers: Record<string, string>;
  body: string;
  /** `CrmEvent.id` of each notification, in order. */
  eventIds: string[];
  summary: string;
}

/** The objects the simulator fills with a plausible record; any other sObject name works with `fields`. */
export const SALESFORCE_SAMPLE_OBJECTS = ['Contact', 'Lead', 'Opportunity', 'Account'] as const;

/** Key prefixes of record ids (`003` Contact, `00Q` Lead, `006` Opportunity, `001` Account). */
const KEY_PREFIX: Readonly<Record<string, string>> = {
  Contact: '003',
  Lead: '00Q',
  Opportunity: '006',
  Account: '001',
};

const ID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** A random 18-character-looking Salesforce id with the given key prefix. */
export function sampleSalesforceId(prefix: string): string {
  return prefix + Array.from(randomBytes(15), (b) => ID_CHARS[b % ID_CHARS.length]).join('');
}

/** A German address for person objects, so address checks pass out of the box. */
function sampleFields(objectType: string): Record<string, string> {
  switch (objectType) {
    case 'Contact':
      return {
        FirstName: 'Erika',
        LastName: 'Mustermann',
        Email: 'erika@example.de',
        MailingStreet: 'Heidestraße 17',
        MailingPostalCode: '51147',
        MailingCity: 'Köln',
        MailingCountry: 'DE',
      };
    case 'Lead':
      return {
        FirstName: 'Max',
        LastName: 'Mustermann',
        Company: 'Muster GmbH',
        Email: 'max@example.de',
        Status: 'Open - Not Contacted',
        Street: 'Heidestraße 17',
        PostalCode: '51147',
        City: 'Köln',
        Country: 'DE',
      };
    case 'Opportunity':
      return { Name: 'Muster GmbH – Rollout', StageName: 'Prospecting', Amount: '12000' };
    case 'Account':
      return {
        Name: 'Muster GmbH',
        BillingStreet: 'Heidestraße 17',
        BillingPostalCode: '51147',
        BillingCity: 'Köln',
        BillingCountry: 'DE',
      };
    default:
      return {};
  }
}

export interface OutboundMessageSample {
  organizationId: string;
  /** The secret part of the receiver's URL for this org. */
  endpointToken: string;
  objectType: string;
  /** Defaults to a random id with the object's key prefix. */
  objectId?: string;
  /** Fields set on (or overriding) the sample record, e.g. `{ StageName: 'Closed Won' }`. */
  fields?: Record<string, string>;
  now?: number;
}

/**
 * A one-notification outbound message (SOAP 1.1) as Salesforce's workflow or flow sends it,
 * with a plausible record of the object plus `fields`. Parsed back with the package's own
 * parser, so a sample the receiver would reject fails here.
 * https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_om_outboundmessaging_wsdl.htm
 *
 * @example
 * const request = simulateOutboundMessage({ organizationId, endpointToken, objectType: 'Lead', fields: { Status: 'Qualified' } });
 * await fetch(`${base}${request.path}`, { method: 'POST', headers: request.headers, body: request.body });
 */
export function simulateOutboundMessage(sample: OutboundMessageSample): SimulatedOutboundRequest {
  const { objectType } = sample;
  const objectId = sample.objectId ?? sampleSalesforceId(KEY_PREFIX[objectType] ?? 'a00');
  const xml = buildOutboundMessage({
    organizationId: sample.organizationId,
    actionId: sampleSalesforceId('04k'),
    notifications: [
      {
        id: sampleSalesforceId('04l'),
        objectType,
        fields: {
          Id: objectId,
          ...sampleFields(objectType),
          LastModifiedDate: new Date(sample.now ?? Date.now()).toISOString(),
          ...sample.fields,
        },
      },
    ],
  });
  const request = signedOutboundFile(xml, sample.endpointToken);
  const set = Object.entries(sample.fields ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  return {
    ...request,
    summary: `${objectType} ${objectId} outbound message from org ${sample.organizationId}${set ? ` (${set})` : ''}`,
  };
}

/** An existing outbound-message XML (e.g. a sample file) addressed to the org's endpoint. */
export function signedOutboundFile(xml: string, endpointToken: string): SimulatedOutboundRequest {
  const events = toCrmEvents(parseOutboundMessage(xml));
  return {
    path: `/webhooks/salesforce/${encodeURIComponent(endpointToken)}`,
    // Salesforce sends SOAP 1.1 with an empty SOAPAction.
    headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '""' },
    body: xml,
    eventIds: events.map((e) => e.id),
    summary: events.map((e) => `${e.objectType} ${e.objectId} ${e.kind}`).join(', '),
  };
}

/** A Change Data Capture event as a sample file holds it: the org, the replay id and the payload. */
export interface ChangeEventFile {
  organizationId: string;
  replayId: string | number;
  payload: Record<string, unknown>;
}

export interface ChangeEventSample {
  organizationId: string;
  /** `Contact`, `Lead`, `Opportunity`, `Account`, … */
  entityName: string;
  changeType?: 'CREATE' | 'UPDATE' | 'DELETE' | 'UNDELETE';
  recordId?: string;
  /** Changed fields (UPDATE) or the record (CREATE); defaults to the sample record on CREATE. */
  fields?: Record<string, string>;
  now?: number;
}

/**
 * A Change Data Capture event (`/data/<Entity>ChangeEvent` payload with its
 * `ChangeEventHeader`), as the Pub/Sub API delivers it after Avro decoding.
 * https://developer.salesforce.com/docs/platform/change-data-capture/guide/cdc-event-fields-header.html
 */
export function sampleChangeEvent(sample: ChangeEventSample): ChangeEventFile {
  const now = sample.now ?? Date.now();
  const changeType = sample.changeType ?? 'UPDATE';
  const recordId = sample.recordId ?? sampleSalesforceId(KEY_PREFIX[sample.entityName] ?? 'a00');
  const fields =
    changeType === 'CREATE'
      ? { ...sampleFields(sample.entityName), ...sample.fields }
      : (sample.fields ?? {});
  return {
    organizationId: sample.organizationId,
    replayId: String(now),
    payload: {
      ChangeEventHeader: {
        entityName: sample.entityName,
        recordIds: [recordId],
        changeType,
        changeOrigin: 'com/salesforce/api/rest/62.0',
        transactionKey: randomBytes(16).toString('hex'),
        sequenceNumber: 1,
        commitTimestamp: now,
        commitNumber: String(now),
        commitUser: '0055e000000AbCdAAK',
        nulledFields: [],
        diffFields: [],
        changedFields: changeType === 'UPDATE' ? Object.keys(fields) : [],
      },
      ...fields,
    },
  };
}

/** The normalised events a change-event file stands for (throws `invalid_change_event`). */
export function changeEventFileToCrmEvents(file: unknown): CrmEvent[] {
  const f = file as Partial<ChangeEventFile> | null;
  if (!f || typeof f !== 'object' || typeof f.organizationId !== 'string' || f.payload === undefined)
    throw new HookpostSalesforceError(
      'invalid_change_event',
      'a change-event file is { organizationId, replayId, payload: { ChangeEventHeader, …fields } }',
    );
  return changeEventToCrmEvents(f.payload, {
    organizationId: toOrgId18(f.organizationId),
    replayId: f.replayId ?? '0',
  });
}
