import { hash } from 'node:crypto';

/** Characters of the time prefix: base 36 of epoch ms, zero-padded (sorts as text until the year 117829). */
const TIME_CHARS = 10;
/** Largest time the prefix holds: 36^10 − 1 ms. */
const MAX_TIME_MS = 36 ** TIME_CHARS - 1;
/** base64url characters of the SHA-256 after a time prefix (96 bits: unique among the events of one ms). */
const TIMED_HASH_CHARS = 16;
/** base64url characters of the SHA-256 in a plain id (132 bits). */
const PLAIN_HASH_CHARS = 22;
const TIMED_ID = /^evt_([0-9a-z]{10})[A-Za-z0-9_-]{16}$/;

/**
 * Our stable id of an event, derived only from what the CRM re-sends, so a re-send of the
 * same event (or of the same unreadable item) maps to the same stored row (`events.id`, the
 * primary key, is what de-duplicates).
 *
 * - With `timeMs` (epoch ms, a time that is part of the source's de-duplication identity, so
 *   every re-send carries the same value): `evt_` + 10 characters of the time in base 36
 *   (zero-padded, `[0-9a-z]`, so ids sort as text by that time) + 16 base64url characters of
 *   SHA-256 over the platform, account and key — 30 characters. Why the time first: the
 *   primary-key index is a B-tree, and a content hash alone puts every new row on a random
 *   leaf, so once the table outgrows the cache each commit rewrites a page per row; ids that
 *   grow with time are appended to the same few leaves. Times outside 0 … 36^10 − 1 ms (or not
 *   finite) are clamped into it, still the same for every re-send.
 * - Without it (sources with no such time: a time we would have to take from the clock, or
 *   one the CRM may change between retries): `evt_` + 22 base64url characters of SHA-256 over
 *   the same three — 26 characters, as every id was before time-prefixed ids.
 *
 * @example
 * eventIdFor('hubspot', '62515', '62515:25:101:1:1564113600000:', 1564113600000); // 'evt_00jyjkups0…' (30 characters)
 * eventIdFor('hubspot', '62515', 'callback-1'); // 'evt_…' (26 characters)
 */
export function eventIdFor(platform: string, accountId: string, externalId: string, timeMs?: number): string {
  // One-shot `hash` (Node ≥ 20.12): no Hash object per event on the ingest path.
  const digest = hash('sha256', `${platform}\n${accountId}\n${externalId}`, 'base64url');
  if (timeMs === undefined) return `evt_${digest.slice(0, PLAIN_HASH_CHARS)}`;
  return `evt_${timePrefix(timeMs)}${digest.slice(0, TIMED_HASH_CHARS)}`;
}

/**
 * The time (epoch ms) an id from `eventIdFor(…, timeMs)` starts with, or `null` for any other
 * id (a plain hash id, an id from another adapter).
 *
 * @example
 * eventIdTime(eventIdFor('hubspot', '1', 'k', 1564113600000)); // 1564113600000
 */
export function eventIdTime(id: string): number | null {
  const prefix = TIMED_ID.exec(id)?.[1];
  return prefix === undefined ? null : Number.parseInt(prefix, 36);
}

function timePrefix(timeMs: number): string {
  const clamped = Number.isFinite(timeMs) ? Math.min(MAX_TIME_MS, Math.max(0, Math.trunc(timeMs))) : 0;
  return clamped.toString(36).padStart(TIME_CHARS, '0');
}
