import { type CrmEvent, crmEventSchema } from '@hookpost/core';
import { z } from 'zod';
import type { AdapterRegistry } from '../adapters/registry.js';
import { AdminApiError, parseOrThrow } from './errors.js';

type Samples = Pick<AdapterRegistry, 'platforms' | 'parseSample' | 'recogniseSample'>;

/**
 * `POST /api/dry-run` body: one normalised event (`{ event }`), or a CRM payload as its
 * adapter receives it under the platform's name (`{ hubspot: [...] }` webhook batch,
 * `{ salesforce: "<xml>" }` outbound message). `workspace` overrides routing by account.
 */
export type DryRunBody = { workspace?: string | undefined } & (
  | { event: CrmEvent }
  | { platform: string; sample: unknown }
);

const workspace = z.string().min(1).optional();

function eventSchema(platforms: readonly string[]) {
  return crmEventSchema.extend({
    platform: z.string().refine((p) => platforms.includes(p), {
      message: `expected one of ${platforms.join(', ')}`,
    }),
  });
}

/**
 * Validates a dry-run body against the one shape its key names, so a bad event gets
 * precise paths (`body.event.occurredAt: …`) instead of a vague union failure.
 */
export function parseDryRunBody(raw: unknown, registry: Samples): DryRunBody {
  const keys = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? Object.keys(raw) : [];
  if (keys.includes('event')) {
    const schema = z.object({ workspace, event: eventSchema(registry.platforms) }).strict();
    const parsed = parseOrThrow(schema, raw, 'body');
    return { workspace: parsed.workspace, event: parsed.event as CrmEvent };
  }
  const platform = registry.platforms.find((p) => keys.includes(p));
  if (!platform) {
    const shapes = registry.platforms.map((p) => `{ ${p}: … }`).join(', ');
    throw new AdminApiError(
      'bad_request',
      `invalid body: expected a JSON object with event or one of ${registry.platforms.join(', ')}`,
      { issues: [{ path: 'body', message: `expected one of { event }, ${shapes}` }] },
    );
  }
  const schema = z.object({ workspace, [platform]: z.unknown() }).strict();
  const parsed = parseOrThrow(schema, raw, 'body') as { workspace?: string } & Record<string, unknown>;
  return { workspace: parsed.workspace, platform, sample: parsed[platform] };
}

/** The events a dry-run body stands for, parsed by the same adapter code as the inbound routes. */
export function eventsFromBody(body: DryRunBody, registry: Samples): CrmEvent[] {
  if ('event' in body) return [body.event];
  const { platform, sample } = body;
  try {
    return registry.parseSample(platform, sample);
  } catch (error) {
    // The CRM packages throw typed errors with a 4xx status for malformed payloads; keep their message.
    const message = error instanceof Error ? error.message : String(error);
    throw new AdminApiError('bad_request', `body.${platform}: ${message}`, { cause: error });
  }
}

/**
 * A file for `hookpost dry-run`: a payload one of the adapters recognises (Salesforce
 * outbound-message XML, a HubSpot webhook batch as a JSON array) or a normalised `CrmEvent`
 * (JSON object).
 *
 * @example
 * const events = eventsFromFileText(readFileSync('batch.json', 'utf8'), registry);
 */
export function eventsFromFileText(text: string, registry: Samples): CrmEvent[] {
  const platform = registry.recogniseSample(text);
  if (platform) return eventsFromBody({ platform, sample: text }, registry);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new AdminApiError(
      'bad_request',
      `not a CrmEvent or a CRM payload (${(cause as Error).message}): expected a CrmEvent JSON object or a payload of ${registry.platforms.join(', ')}`,
      { cause },
    );
  }
  return [parseOrThrow(eventSchema(registry.platforms), json, 'event') as CrmEvent];
}
