import { createHash } from 'node:crypto';
import type { MalformedItem } from '@hookpost/core';

/**
 * An unreadable item of a webhook delivery (the envelope parsed, so the rest is kept and
 * acknowledged; HubSpot would never retry a 4xx). `externalId` is `malformed:` + SHA-256
 * hex of the item's JSON, so a retry of the same delivery de-duplicates.
 * https://developers.hubspot.com/docs/api/webhooks#retries
 */
export type { MalformedItem } from '@hookpost/core';

/**
 * @example
 * malformedItem({ objectId: 'x' }, '[0].objectId: expected a number').externalId; // 'malformed:3b…'
 */
export function malformedItem(item: unknown, error: string): MalformedItem {
  const raw = JSON.stringify(item) ?? 'undefined';
  const out: MalformedItem = {
    raw,
    error,
    externalId: `malformed:${createHash('sha256').update(raw).digest('hex')}`,
  };
  if (item === null || typeof item !== 'object' || Array.isArray(item)) return out;
  const fields = item as Record<string, unknown>;
  const readable = (value: unknown) =>
    (typeof value === 'number' && Number.isFinite(value)) || (typeof value === 'string' && value !== '')
      ? String(value)
      : undefined;
  const accountId = readable(fields.portalId);
  const objectId =
    readable(fields.objectId) ?? readable(fields.primaryObjectId) ?? readable(fields.fromObjectId);
  const type = readable(fields.subscriptionType) ?? readable(fields.eventType);
  if (accountId !== undefined) out.accountId = accountId;
  if (objectId !== undefined) out.objectId = objectId;
  if (type !== undefined) out.objectType = type.split('.')[0] ?? type;
  return out;
}
