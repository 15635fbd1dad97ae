import { eventIdFor, type MalformedItem, type Platform } from '@hookpost/core';
import type { EventTable } from '../db/types.js';
import type { WorkspaceIndex } from '../workspaces.js';

export type { MalformedItem } from '@hookpost/core';

/** The reason a malformed item's event carries (`GET /api/events?status=failed`). */
export const MALFORMED_REASON = 'malformed';

/**
 * The event row a malformed item is stored as: visible, decided (`failed`, never claimed
 * by the worker), its raw item and parse error in the payload's `source`.
 */
export function malformedRow(
  item: MalformedItem,
  delivery: { platform: Platform; channel: string; accountId: string | null },
  rawDeliveryId: string,
  receivedAt: number,
  workspaces: WorkspaceIndex,
): EventTable {
  const accountId = item.accountId ?? delivery.accountId ?? '';
  const workspace = accountId ? workspaces.forAccount(delivery.platform, accountId) : undefined;
  return {
    id: eventIdFor(delivery.platform, accountId, item.externalId),
    platform: delivery.platform,
    account_id: accountId,
    external_id: item.externalId,
    workspace_id: workspace?.id ?? null,
    channel: delivery.channel,
    object_type: item.objectType ?? 'unknown',
    object_id: item.objectId ?? '',
    kind: 'unknown',
    occurred_at: receivedAt,
    received_at: receivedAt,
    raw_delivery_id: rawDeliveryId,
    payload: JSON.stringify({
      source: { channel: delivery.channel, malformed: true, raw: item.raw, parseError: item.error },
    }),
    status: 'failed',
    reason: MALFORMED_REASON,
    attempts: 0,
    lease_owner: null,
    lease_until: 0,
    processed_at: receivedAt,
  };
}
