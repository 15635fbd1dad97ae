import { createHash } from 'node:crypto';

/**
 * One item of a delivery that could not be read as an event. The envelope parsed, so the
 * rest of the delivery is kept and acknowledged; this item is stored for the operator to
 * see (status `failed`, reason `malformed`) instead of failing the whole delivery, which
 * HubSpot would never retry after a 4xx.
 * https://developers.hubspot.com/docs/api/webhooks#retries
 *
 * - `raw`: the item exactly as received (JSON text).
 * - `error`: what is wrong and where (`[3].objectId: expected a number`).
 * - `externalId`: `malformed:` + SHA-256 hex of `raw`, so a retry of the same delivery
 *   de-duplicates to the same stored event.
 * - `accountId`, `objectType`, `objectId`: whatever of them could be read, for filtering.
 */
export interface MalformedItem {
  raw: string;
  error: string;
  externalId: string;
  accountId?: string;
  objectType?: string;
  objectId?: string;
}

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
