import type { CrmEvent } from '@hookpost/core';
import type { Selectable } from 'kysely';
import type { EventTable } from '../db/types.js';

/**
 * What of a `CrmEvent` is stored in `events.payload`: only the parts without a column of
 * their own (changes, snapshot, source). The rest is in columns already, and the inbox
 * write is bound by bytes written (see BENCHMARKS.md).
 */
export function eventPayload(event: CrmEvent): string {
  const { changes, properties, source } = event;
  return JSON.stringify({ changes, properties, source });
}

/** The stored event, whole again: its columns plus its payload. */
export function eventFromRow(
  row: Pick<
    Selectable<EventTable>,
    | 'id'
    | 'platform'
    | 'account_id'
    | 'external_id'
    | 'object_type'
    | 'object_id'
    | 'kind'
    | 'occurred_at'
    | 'payload'
  >,
): CrmEvent {
  const rest = JSON.parse(row.payload) as Pick<CrmEvent, 'changes' | 'properties' | 'source'>;
  const event: CrmEvent = {
    id: row.id,
    platform: row.platform as CrmEvent['platform'],
    accountId: row.account_id,
    externalId: row.external_id,
    objectType: row.object_type,
    objectId: row.object_id,
    kind: row.kind as CrmEvent['kind'],
    occurredAt: isoTime(row.occurred_at),
  };
  // Assigned, not spread: three throwaway objects per event showed in cpu-prof of the drain.
  if (rest.changes) event.changes = rest.changes;
  if (rest.properties) event.properties = rest.properties;
  if (rest.source) event.source = rest.source;
  return event;
}

// Events of one batch often share their millisecond (a webhook delivers up to 100 at once).
let lastMs = Number.NaN;
let lastIso = '';

function isoTime(ms: number): string {
  if (ms !== lastMs) {
    lastIso = new Date(ms).toISOString();
    lastMs = ms;
  }
  return lastIso;
}
