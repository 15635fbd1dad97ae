import type { CrmEvent } from '@hookpost/core';
import { HookpostSalesforceError } from '../errors.js';
import { changeEventToCrmEvents } from './map.js';
import type { CdcEvent } from './types.js';

/** Without a known previous event, an overflow re-reads the hour before it. */
const OVERFLOW_FALLBACK_MS = 60 * 60 * 1000;

interface ReadContext {
  organizationId: string;
  skip: readonly (string | RegExp)[];
  /** ISO time of the previous stored event, the start of an overflow's range. */
  since: string | null;
  changedRecordIds: ((entity: string, since: Date, until: Date) => Promise<readonly string[]>) | undefined;
  report: (error: HookpostSalesforceError) => void;
  /** For `DELETE`: the `MasterRecordId` of deleted ids that lost a merge (e.g. `client.mastersOfDeleted`). */
  mastersOfDeleted?: ((entity: string, ids: readonly string[]) => Promise<Map<string, string>>) | undefined;
}

/**
 * Adds `MasterRecordId` to the `deleted` events of merge losers: a CDC `DELETE` carries no
 * field values (unless enriched), so a merge is told apart from a plain delete only by reading
 * the deleted record. Throws when the read fails, so the event is retried rather than taken
 * for an erasure.
 */
async function withMasters(
  events: CrmEvent[],
  entity: unknown,
  mastersOfDeleted: ReadContext['mastersOfDeleted'],
): Promise<CrmEvent[]> {
  const deleted = events.filter((e) => e.kind === 'deleted' && !e.properties?.MasterRecordId);
  if (!mastersOfDeleted || deleted.length === 0 || typeof entity !== 'string') return events;
  const masters = await mastersOfDeleted(
    entity,
    deleted.map((e) => e.objectId),
  );
  return events.map((e) => {
    const master = e.kind === 'deleted' ? masters.get(e.objectId) : undefined;
    return master ? { ...e, properties: { ...e.properties, MasterRecordId: master } } : e;
  });
}

function originSkipped(origin: unknown, patterns: readonly (string | RegExp)[]): boolean {
  if (typeof origin !== 'string' || origin === '') return false;
  return patterns.some((p) => (typeof p === 'string' ? origin.includes(p) : p.test(origin)));
}

function headerOf(payload: unknown): {
  changeType?: unknown;
  entityName?: unknown;
  commitTimestamp?: unknown;
} {
  const header = (payload as { ChangeEventHeader?: unknown } | null)?.ChangeEventHeader;
  return typeof header === 'object' && header !== null ? header : {};
}

/**
 * The {@link CrmEvent}s of one change event: unreadable events are reported and yield none
 * (their replay id still advances), `changeOrigin` matches are skipped, and a `GAP_OVERFLOW`
 * asks `changedRecordIds` for the entity's records changed since the previous event.
 * A `DELETE` asks `mastersOfDeleted` which ids lost a merge (`properties.MasterRecordId`).
 * Failures of `changedRecordIds` and `mastersOfDeleted` throw, so the event is retried rather than lost.
 */
export async function readEvents(event: CdcEvent, context: ReadContext): Promise<CrmEvent[]> {
  const header = headerOf(event.payload);
  let overflowRecordIds: readonly string[] | undefined;
  if (header.changeType === 'GAP_OVERFLOW' && typeof header.entityName === 'string') {
    if (!context.changedRecordIds) {
      context.report(
        new HookpostSalesforceError(
          'invalid_change_event',
          `GAP_OVERFLOW for ${header.entityName}: no record reader configured, changes not re-read`,
        ),
      );
      return [];
    }
    const until = new Date(Number(header.commitTimestamp ?? Date.now()));
    const since = context.since ? new Date(context.since) : new Date(until.getTime() - OVERFLOW_FALLBACK_MS);
    overflowRecordIds = await context.changedRecordIds(header.entityName, since, until);
  }
  let events: CrmEvent[];
  try {
    events = changeEventToCrmEvents(event.payload, {
      organizationId: context.organizationId,
      replayId: event.replayId,
      ...(overflowRecordIds ? { overflowRecordIds } : {}),
    });
  } catch (error) {
    context.report(
      error instanceof HookpostSalesforceError
        ? error
        : new HookpostSalesforceError('invalid_change_event', 'change event could not be read', {
            cause: error,
          }),
    );
    return [];
  }
  const kept = events.filter((e) => !originSkipped(e.source?.changeOrigin, context.skip));
  // Outside the try: a failed read is retried with the event, never reported as unreadable.
  return withMasters(kept, header.entityName, context.mastersOfDeleted);
}
