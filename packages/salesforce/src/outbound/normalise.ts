import type { CrmEvent } from '@hookpost/core';
import { salesforceEventId, toIsoInstant } from '../event-id.js';
import { toOrgId18 } from '../org-id.js';
import type { OutboundMessage, OutboundNotification } from './types.js';

/** Options of {@link toCrmEvents}. */
export interface ToCrmEventsOptions {
  /** Clock for notifications without `LastModifiedDate`. */
  now?: () => Date;
}

/**
 * One `updated` {@link CrmEvent} per notification, carrying the field snapshot in
 * `properties`. A notification without data (record deleted before delivery) still yields
 * an event, marked `source.noData`, so nothing is silently dropped.
 *
 * @example
 * const events = toCrmEvents(parseOutboundMessage(rawBody));
 * events[0]?.objectType; // 'contact'
 */
export function toCrmEvents(message: OutboundMessage, options: ToCrmEventsOptions = {}): CrmEvent[] {
  const now = options.now ?? (() => new Date());
  const accountId = toOrgId18(message.organizationId);
  return message.notifications.map((notification: OutboundNotification): CrmEvent => {
    const hasData = Object.keys(notification.fields).length > 0;
    return {
      // A plain hash id: a retry carries the record's fields as they are then, so no time in it is fixed.
      id: salesforceEventId(accountId, notification.id),
      platform: 'salesforce',
      accountId,
      externalId: notification.id,
      objectType: notification.objectType.toLowerCase() || 'unknown',
      objectId: notification.fields.Id ?? '',
      kind: 'updated',
      properties: { ...notification.fields },
      occurredAt: toIsoInstant(notification.fields.LastModifiedDate) ?? now().toISOString(),
      source: {
        channel: 'outbound_message',
        actionId: message.actionId,
        notificationId: notification.id,
        ...(hasData ? {} : { noData: true }),
      },
    };
  });
}
