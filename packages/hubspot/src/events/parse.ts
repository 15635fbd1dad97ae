import type { CrmEvent } from '@hookpost/core';
import { HookpostHubSpotError } from '../errors.js';
import { jsonDepth, MAX_JSON_DEPTH } from './depth.js';
import { formatIssue } from './issues.js';
import { toCrmEvent } from './normalise.js';
import { hubSpotWebhookBatchSchema, MAX_EVENTS_PER_BATCH } from './schema.js';

/** How many problems to spell out in one error message before summarising. */
const MAX_LISTED_ISSUES = 5;

/**
 * Parses a raw webhook delivery (a JSON array of ≤ 100 events) into core events.
 * Throws `HookpostHubSpotError` (`malformed_payload`, status 400) naming what is wrong and where.
 *
 * @example
 * const events = parseWebhookBatch(rawBody); // CrmEvent[]
 */
export function parseWebhookBatch(rawBody: string | Uint8Array): CrmEvent[] {
  const text = typeof rawBody === 'string' ? rawBody : Buffer.from(rawBody).toString('utf8');
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
  const parsed = hubSpotWebhookBatchSchema.safeParse(json);
  if (!parsed.success) {
    const lines = parsed.error.issues.map(formatIssue);
    const more = lines.length > MAX_LISTED_ISSUES ? `; and ${lines.length - MAX_LISTED_ISSUES} more` : '';
    throw malformed(`${lines.slice(0, MAX_LISTED_ISSUES).join('; ')}${more}`, parsed.error);
  }
  return parsed.data.map(toCrmEvent);
}

function malformed(detail: string, cause?: unknown): HookpostHubSpotError {
  return new HookpostHubSpotError('malformed_payload', `malformed webhook delivery: ${detail}`, { cause });
}
