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

function sourceOf(event: HubSpotWebhookEvent, subscriptionType: string): Record<string, unknown> {
  const detail: Record<string, unknown> = {
    channel: 'webhook',
    subscriptionType,
    subscriptionId: event.subscriptionId,
    eventId: event.eventId,
    appId: event.appId,
    attemptNumber: event.attemptNumber,
    changeSource: event.changeSource,
    sourceId: event.sourceId,
    changeFlag: event.changeFlag,
    objectTypeId: event.objectTypeId,
    propertyName: event.propertyName,
    isSensitive: event.isSensitive,
    primaryObjectId: idString(event.primaryObjectId),
    mergedObjectIds: event.mergedObjectIds?.map(String),
    newObjectId: idString(event.newObjectId),
    numberOfPropertiesMoved: event.numberOfPropertiesMoved,
    associationType: event.associationType,
    associationTypeId: event.associationTypeId,
    associationCategory: event.associationCategory,
    fromObjectId: idString(event.fromObjectId),
    fromObjectTypeId: event.fromObjectTypeId,
    toObjectId: idString(event.toObjectId),
    toObjectTypeId: event.toObjectTypeId,
    associationRemoved: event.associationRemoved,
    isPrimaryAssociation: event.isPrimaryAssociation,
    messageId: event.messageId,
    messageType: event.messageType,
  };
  return Object.fromEntries(Object.entries(detail).filter(([, value]) => value !== undefined));
}

const idString = (value: number | undefined) => (value === undefined ? undefined : String(value));
