import type { CrmEvent } from '@hookpost/core';
import { eventIdFor, webhookExternalId } from './ids.js';
import { kindFromAction, splitSubscriptionType } from './kind.js';
import { objectTypeFromId } from './object-types.js';
import type { HubSpotWebhookEvent } from './schema.js';

/** Subscription prefixes whose object type is carried in `objectTypeId` (new developer platform). */
const GENERIC_PREFIX = 'object';

/**
 * Turns one HubSpot webhook event into a core `CrmEvent`. Unknown subscription types are
 * kept with kind `unknown`.
 *
 * @example
 * toCrmEvent({ eventId: 1, subscriptionId: 25, portalId: 33, occurredAt: 1462216307945,
 *   subscriptionType: 'contact.creation', objectId: 1246978 }).kind; // 'created'
 */
export function toCrmEvent(event: HubSpotWebhookEvent): CrmEvent {
  const type = (event.subscriptionType ?? event.eventType) as string;
  const { prefix, action } = splitSubscriptionType(type);
  const objectType =
    prefix === GENERIC_PREFIX ? objectTypeFromId(event.objectTypeId ?? GENERIC_PREFIX) : prefix;
  const objectId = String(event.objectId ?? event.primaryObjectId ?? event.fromObjectId);
  const accountId = String(event.portalId);
  const externalId = webhookExternalId({ ...event, objectId, propertyName: event.propertyName });
  const kind = kindFromAction(action);
  return {
    id: eventIdFor('hubspot', accountId, externalId),
    platform: 'hubspot',
    accountId,
    externalId,
    objectType,
    objectId,
    kind,
    ...(kind === 'updated' && event.propertyName !== undefined
      ? { changes: { [event.propertyName]: { value: event.propertyValue ?? null } } }
      : {}),
    occurredAt: new Date(event.occurredAt).toISOString(),
    source: sourceOf(event, type),
  };
}

/** Fields of the HubSpot event kept verbatim in `source`, when present. */
const SOURCE_FIELDS = [
  'subscriptionId',
  'eventId',
  'appId',
  'attemptNumber',
  'changeSource',
  'sourceId',
  'changeFlag',
  'objectTypeId',
  'propertyName',
  'isSensitive',
  'numberOfPropertiesMoved',
  'associationType',
  'associationTypeId',
  'associationCategory',
  'fromObjectTypeId',
  'toObjectTypeId',
  'associationRemoved',
  'isPrimaryAssociation',
  'messageId',
  'messageType',
] as const;
/** Id fields kept as strings (they arrive as JSON numbers). */
const SOURCE_ID_FIELDS = ['primaryObjectId', 'newObjectId', 'fromObjectId', 'toObjectId'] as const;

// A plain loop over fixed keys: this runs for every event on the ingest path.
function sourceOf(event: HubSpotWebhookEvent, subscriptionType: string): Record<string, unknown> {
  const detail: Record<string, unknown> = { channel: 'webhook', subscriptionType };
  for (const key of SOURCE_FIELDS) {
    const value = event[key];
    if (value !== undefined) detail[key] = value;
  }
  for (const key of SOURCE_ID_FIELDS) {
    const value = event[key];
    if (value !== undefined) detail[key] = String(value);
  }
  if (event.mergedObjectIds !== undefined) detail.mergedObjectIds = event.mergedObjectIds.map(String);
  return detail;
}
