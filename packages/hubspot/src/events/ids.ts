export { eventIdFor } from '@hookpost/core';

/** What tells one association change apart from another of the same event id. */
export interface AssociationLink {
  toObjectId: string;
  /** `associationTypeId` when given, else the legacy `associationType` (`CONTACT_TO_COMPANY`). */
  associationType: string;
  associationRemoved: boolean;
}

/**
 * HubSpot's `eventId` is not unique and retries bump `attemptNumber`, so de-duplicate on
 * this composite key (never the attempt number). An association change also names the
 * link: one event id may carry several links (one per associated record and direction),
 * each a change of its own, so target, association type and `associationRemoved` are part
 * of the key.
 * https://developers.hubspot.com/docs/api/webhooks#webhook-payloads
 */
export function webhookExternalId(parts: {
  portalId: number;
  subscriptionId: number;
  objectId: string;
  eventId: number;
  occurredAt: number;
  propertyName: string | undefined;
  association?: AssociationLink | undefined;
}): string {
  const key = `${parts.portalId}:${parts.subscriptionId}:${parts.objectId}:${parts.eventId}:${parts.occurredAt}:${parts.propertyName ?? ''}`;
  const link = parts.association;
  if (!link) return key;
  return `${key}:${link.toObjectId}:${link.associationType}:${link.associationRemoved ? 'removed' : 'added'}`;
}
