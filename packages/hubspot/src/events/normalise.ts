import type { CrmEvent } from '@hookpost/core';
import { type AssociationLink, eventIdFor, webhookExternalId } from './ids.js';
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
  const kind = kindFromAction(action);
  const objectType = prefix === GENERIC_PREFIX ? genericObjectType(event) : prefix;
  const objectId = String(event.objectId ?? event.primaryObjectId ?? event.fromObjectId);
  const accountId = String(event.portalId);
  // Fields named one by one (no spread of the event): this runs for every event received.
  const externalId = webhookExternalId({
    portalId: event.portalId,
    subscriptionId: event.subscriptionId,
    objectId,
    eventId: event.eventId,
    occurredAt: event.occurredAt,
    propertyName: event.propertyName,
    association: kind === 'association_changed' ? associationLink(event) : undefined,
  });
  // occurredAt is part of the de-dup key, so a retry gets the same time-prefixed id.
  const id = eventIdFor('hubspot', accountId, externalId, event.occurredAt);
  const occurredAt = new Date(event.occurredAt).toISOString();
  const source = sourceOf(event, type);
  if (kind === 'updated' && event.propertyName !== undefined) {
    const changes = { [event.propertyName]: { value: event.propertyValue ?? null } };
    return {
      id,
      platform: 'hubspot',
      accountId,
      externalId,
      objectType,
      objectId,
      kind,
      changes,
      occurredAt,
      source,
    };
  }
  return { id, platform: 'hubspot', accountId, externalId, objectType, objectId, kind, occurredAt, source };
}

/**
 * The object type of a generic `object.*` event: `objectTypeId`, or for association
 * changes `fromObjectTypeId` (the side the event is about); `0-1` → `contact`, custom
 * objects (`2-…`) as given. https://developers.hubspot.com/docs/api/webhooks#association-change-events
 */
function genericObjectType(event: HubSpotWebhookEvent): string {
  const typeId = event.objectTypeId ?? event.fromObjectTypeId;
  return typeId === undefined ? GENERIC_PREFIX : objectTypeFromId(typeId);
}

function associationLink(event: HubSpotWebhookEvent): AssociationLink {
  return {
    toObjectId: event.toObjectId === undefined ? '' : String(event.toObjectId),
    associationType:
      event.associationTypeId !== undefined ? String(event.associationTypeId) : (event.associationType ?? ''),
    associationRemoved: event.associationRemoved === true,
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
