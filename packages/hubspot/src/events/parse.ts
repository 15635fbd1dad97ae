import type { CrmEvent } from '@hookpost/core';
import { jsonDepth, MAX_JSON_DEPTH } from '@hookpost/core';
import { HookpostHubSpotError } from '../errors.js';
import { formatIssue } from './issues.js';
import { type MalformedItem, malformedItem } from './malformed.js';
import { toCrmEvent } from './normalise.js';
import { isPlainWebhookEvent } from './plain-event.js';
import { hubSpotWebhookEventSchema, MAX_EVENTS_PER_BATCH } from './schema.js';

/** How many problems to spell out in one error message before summarising. */
const MAX_LISTED_ISSUES = 5;

/** A webhook delivery read item by item: the events that parsed and the items that did not. */
export interface ParsedWebhookDelivery {
  events: CrmEvent[];
  malformed: MalformedItem[];
}

/**
 * Parses a raw webhook delivery (a JSON array of ≤ 100 events) item by item. Only an
 * unreadable envelope throws `HookpostHubSpotError` (`malformed_payload`, status 400): not
 * JSON, not an array, more than 100 items. Each item that is not a readable event is
 * returned in `malformed` with its raw JSON and the problem, so one odd item never loses
 * the other 99 (HubSpot does not retry a 4xx).
 * https://developers.hubspot.com/docs/api/webhooks#webhook-payloads
 *
 * @example
 * const { events, malformed } = parseWebhookDelivery(rawBody);
 */
export function parseWebhookDelivery(rawBody: string | Uint8Array): ParsedWebhookDelivery {
  const text = typeof rawBody === 'string' ? rawBody : utf8Of(rawBody);
  if (jsonDepth(text) > MAX_JSON_DEPTH) throw malformed(`nested deeper than ${MAX_JSON_DEPTH} levels`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw malformed(`body is not valid JSON (${(cause as Error).message})`, cause);
  }
  if (!Array.isArray(json)) throw malformed('expected a JSON array of events');
  if (json.length > MAX_EVENTS_PER_BATCH) {
    throw malformed(`expected at most ${MAX_EVENTS_PER_BATCH} events, got ${json.length}`);
  }
  const events: CrmEvent[] = [];
  const bad: MalformedItem[] = [];
  for (let index = 0; index < json.length; index++) {
    const item: unknown = json[index];
    if (isPlainWebhookEvent(item)) {
      events.push(toCrmEvent(item));
      continue;
    }
    const parsed = hubSpotWebhookEventSchema.safeParse(item);
    if (parsed.success) {
      events.push(toCrmEvent(parsed.data));
      continue;
    }
    const lines = parsed.error.issues.map((issue) => formatIssue({ ...issue, path: [index, ...issue.path] }));
    bad.push(malformedItem(item, summariseIssues(lines)));
  }
  return { events, malformed: bad };
}

/**
 * Parses a raw webhook delivery into core events, strictly: any unreadable item throws
 * `HookpostHubSpotError` (`malformed_payload`, status 400) naming what is wrong and where.
 * Use `parseWebhookDelivery` to keep the readable items of a partly bad delivery.
 *
 * @example
 * const events = parseWebhookBatch(rawBody); // CrmEvent[]
 */
export function parseWebhookBatch(rawBody: string | Uint8Array): CrmEvent[] {
  const { events, malformed: bad } = parseWebhookDelivery(rawBody);
  if (bad.length > 0) throw malformed(summariseIssues(bad.map((b) => b.error)));
  return events;
}

/** Decodes without copying the bytes first (a Buffer is decoded in place). */
function utf8Of(bytes: Uint8Array): string {
  const buffer = Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return buffer.toString('utf8');
}

function summariseIssues(lines: readonly string[]): string {
  const more = lines.length > MAX_LISTED_ISSUES ? `; and ${lines.length - MAX_LISTED_ISSUES} more` : '';
  return `${lines.slice(0, MAX_LISTED_ISSUES).join('; ')}${more}`;
}

function malformed(detail: string, cause?: unknown): HookpostHubSpotError {
  return new HookpostHubSpotError('malformed_payload', `malformed webhook delivery: ${detail}`, { cause });
}
