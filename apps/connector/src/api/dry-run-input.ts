import { type CrmEvent, crmEventSchema } from '@hookpost/core';
import { parseWebhookBatch } from '@hookpost/hubspot';
import { parseOutboundMessage, toCrmEvents } from '@hookpost/salesforce';
import { z } from 'zod';
import { AdminApiError, parseOrThrow } from './errors.js';

const workspace = z.string().min(1).optional();

const eventBody = z.object({ workspace, event: crmEventSchema }).strict();
const hubspotBody = z.object({ workspace, hubspot: z.array(z.unknown()).min(1) }).strict();
const salesforceBody = z.object({ workspace, salesforce: z.string().min(1) }).strict();

/** `POST /api/dry-run` body: one normalised event, a HubSpot webhook batch, or a Salesforce outbound message. */
export type DryRunBody =
  | z.infer<typeof eventBody>
  | z.infer<typeof hubspotBody>
  | z.infer<typeof salesforceBody>;

/**
 * Validates a dry-run body against the one shape its key names, so a bad event gets
 * precise paths (`body.event.occurredAt: …`) instead of a vague union failure.
 */
export function parseDryRunBody(raw: unknown): DryRunBody {
  const keys = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? Object.keys(raw) : [];
  const schema = keys.includes('event')
    ? eventBody
    : keys.includes('hubspot')
      ? hubspotBody
      : keys.includes('salesforce')
        ? salesforceBody
        : null;
  if (!schema) {
    throw new AdminApiError(
      'bad_request',
      'invalid body: expected a JSON object with event, hubspot or salesforce',
      {
        issues: [
          { path: 'body', message: 'expected one of { event }, { hubspot: [...] }, { salesforce: "<xml>" }' },
        ],
      },
    );
  }
  return parseOrThrow(schema, raw, 'body');
}

/** The CRM packages throw typed errors with a 400 status for malformed payloads; keep their message. */
function fromPackage<T>(label: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new AdminApiError('bad_request', `${label}: ${message}`, { cause: error });
  }
}

/** The events a dry-run body stands for, parsed by the same code as the webhook routes. */
export function eventsFromBody(body: DryRunBody): CrmEvent[] {
  if ('event' in body) return [body.event as CrmEvent];
  if ('hubspot' in body)
    return fromPackage('body.hubspot', () => parseWebhookBatch(JSON.stringify(body.hubspot)));
  return fromPackage('body.salesforce', () => toCrmEvents(parseOutboundMessage(body.salesforce)));
}

/**
 * A file for `hookpost dry-run`: Salesforce outbound-message XML, a HubSpot webhook batch
 * (JSON array) or a normalised `CrmEvent` (JSON object).
 *
 * @example
 * const events = eventsFromFileText(readFileSync('batch.json', 'utf8'));
 */
export function eventsFromFileText(text: string): CrmEvent[] {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('<')) return eventsFromBody({ salesforce: text });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new AdminApiError(
      'bad_request',
      `not JSON or XML (${(cause as Error).message}): expected a CrmEvent, a HubSpot batch or Salesforce XML`,
      { cause },
    );
  }
  if (Array.isArray(json)) return eventsFromBody({ hubspot: json });
  return [parseOrThrow(crmEventSchema, json, 'event') as CrmEvent];
}
