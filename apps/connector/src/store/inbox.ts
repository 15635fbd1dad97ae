import type { CrmEvent, InboundDeliveryInput } from '@hookpost/core';
import type SQLite from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { Dialect } from '../db/connect.js';
import { sqliteOf } from '../db/statement-cache.js';
import type { Database, EventTable, RawDeliveryTable } from '../db/types.js';
import type { WorkspaceIndex } from '../workspaces.js';
import { eventPayload } from './event-row.js';
import { newId } from './ids.js';
import { insertManyIgnoringConflicts, sqliteInserter } from './insert-many.js';
import { createLegacyIdProbe } from './legacy-ids.js';
import { type MalformedItem, malformedRow } from './malformed.js';
import { redactErased, TOMBSTONE_KIND } from './tombstones.js';

/** One inbound request (or stream batch): its raw body and the events an adapter parsed from it. */
export type InboundDelivery = InboundDeliveryInput;

export interface IngestResult {
  deliveryId: string;
  accepted: number;
  duplicates: number;
}

export interface Inbox {
  /** Resolves once the delivery and its events are committed: only then may the caller ACK. */
  ingest(delivery: InboundDelivery): Promise<IngestResult>;
  /** Waits for queued writes (shutdown). */
  drain(): Promise<void>;
}

export interface InboxOptions {
  db: Kysely<Database>;
  dialect: Dialect;
  workspaces: WorkspaceIndex;
  now?: () => number;
  /** Most requests committed together in one transaction. */
  maxBatch?: number;
}

// SQLite allows 32,766 bound parameters per statement; 19 columns × 500 rows stays well below.
const ROWS_PER_INSERT = 500;
const RAW_COLUMNS = [
  'id',
  'platform',
  'channel',
  'account_id',
  'received_at',
  'signature_version',
  'event_count',
  'body',
] as const;
const EVENT_COLUMNS = [
  'id',
  'platform',
  'account_id',
  'external_id',
  'workspace_id',
  'channel',
  'object_type',
  'object_id',
  'kind',
  'occurred_at',
  'received_at',
  'raw_delivery_id',
  'payload',
  'status',
  'reason',
  'attempts',
  'lease_owner',
  'lease_until',
  'processed_at',
] as const;

interface Pending {
  delivery: InboundDelivery;
  resolve: (result: IngestResult) => void;
  reject: (error: unknown) => void;
}

/**
 * The durable inbox in front of every ACK: nothing is acknowledged before it is stored. Requests arriving in the
 * same turn of the event loop are committed together (group commit): one fsync for many
 * requests, each still answered only after its own rows are on disk.
 */
export function createInbox({ db, dialect, workspaces, now = Date.now, maxBatch = 64 }: InboxOptions): Inbox {
  // On SQLite from `openDatabase`, rows go through prepared single-row statements.
  const sqlite = dialect === 'sqlite' ? sqliteOf(db) : undefined;
  const insertRaw = sqlite && sqliteInserter(sqlite, 'raw_deliveries', RAW_COLUMNS);
  const insertEvents = sqlite && sqliteInserter(sqlite, 'events', EVENT_COLUMNS);
  let tombstoneIn: SQLite.Statement | undefined;
  // One indexed lookup per workspace: with no tombstone there, no event needs its CRM hash.
  const mayHaveTombstones = (rows: readonly EventTable[]) => {
    if (!sqlite) return true;
    tombstoneIn ??= sqlite.prepare(
      `select 1 from suppressions where workspace_id = ? and kind = '${TOMBSTONE_KIND}' limit 1`,
    );
    const checked = new Set<string>();
    for (const row of rows) {
      const workspace = row.workspace_id;
      if (workspace === null || checked.has(workspace)) continue;
      if (tombstoneIn.get(workspace) !== undefined) return true;
      checked.add(workspace);
    }
    return false;
  };
  const legacyIds = createLegacyIdProbe();
  let queue: Pending[] = [];
  let flushing: Promise<void> | null = null;
  let scheduled = false;

  function schedule() {
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      flushing = (flushing ?? Promise.resolve()).then(flush);
    });
  }

  async function flush(): Promise<void> {
    while (queue.length > 0) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(batch.length);
      try {
        const results = await db.transaction().execute((trx) =>
          writeAll(
            trx,
            batch.map((p) => p.delivery),
          ),
        );
        for (const [i, p] of batch.entries()) p.resolve(results[i] as IngestResult);
      } catch (error) {
        if (batch.length === 1) {
          batch[0]?.reject(error);
          continue;
        }
        // Isolate the failing request: commit the others one by one.
        for (const p of batch) {
          try {
            const [result] = await db.transaction().execute((trx) => writeAll(trx, [p.delivery]));
            p.resolve(result as IngestResult);
          } catch (single) {
            p.reject(single);
          }
        }
      }
    }
  }

  async function writeAll(trx: Kysely<Database>, deliveries: InboundDelivery[]): Promise<IngestResult[]> {
    const receivedAt = now();
    const results: IngestResult[] = [];
    const raw: RawDeliveryTable[] = [];
    const perDelivery: EventTable[][] = [];
    // Re-sends of events stored under their plain id, before time-prefixed ids: duplicates.
    const storedBefore: number[] = [];
    for (const delivery of deliveries) {
      const deliveryId = newId('raw');
      raw.push({
        id: deliveryId,
        platform: delivery.platform,
        channel: delivery.channel,
        account_id: delivery.accountId === null ? null : withoutNul(delivery.accountId),
        received_at: receivedAt,
        signature_version: delivery.signatureVersion,
        event_count: delivery.events.length + (delivery.malformed?.length ?? 0),
        body: withoutNul(delivery.body),
      });
      const stored = await legacyIds.storedUnderPlainId(trx, delivery.events);
      const events = stored.size === 0 ? delivery.events : delivery.events.filter((_, i) => !stored.has(i));
      const rows = events.map((event) => toRow(event, delivery, deliveryId, receivedAt));
      storedBefore.push(stored.size);
      for (const item of delivery.malformed ?? [])
        rows.push(malformedRow(withoutNulItem(item), delivery, deliveryId, receivedAt, workspaces));
      perDelivery.push(rows);
    }
    const rows = perDelivery.flat();
    if (mayHaveTombstones(rows)) await redactErased(trx, raw, rows);
    if (insertRaw && insertEvents) {
      insertRaw(raw);
      for (const [i, rows] of perDelivery.entries()) {
        const accepted = insertEvents(rows);
        const duplicates = rows.length - accepted + (storedBefore[i] ?? 0);
        results.push({ deliveryId: raw[i]?.id ?? '', accepted, duplicates });
      }
      return results;
    }
    await insertManyIgnoringConflicts(trx, dialect, 'raw_deliveries', RAW_COLUMNS, raw);
    for (const [i, rows] of perDelivery.entries()) {
      let accepted = 0;
      for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
        const chunk = rows.slice(start, start + ROWS_PER_INSERT);
        accepted += await insertManyIgnoringConflicts(trx, dialect, 'events', EVENT_COLUMNS, chunk);
      }
      // Conflicts are CRM retries (or a second copy inside the same delivery): stored once.
      const duplicates = rows.length - accepted + (storedBefore[i] ?? 0);
      results.push({ deliveryId: raw[i]?.id ?? '', accepted, duplicates });
    }
    return results;
  }

  function toRow(
    event: CrmEvent,
    delivery: InboundDelivery,
    deliveryId: string,
    receivedAt: number,
  ): EventTable {
    const workspace = workspaces.forEvent(event);
    return {
      id: event.id,
      platform: event.platform,
      account_id: withoutNul(event.accountId),
      external_id: withoutNul(event.externalId),
      workspace_id: workspace?.id ?? null,
      channel: delivery.channel,
      object_type: withoutNul(event.objectType),
      object_id: withoutNul(event.objectId),
      kind: event.kind,
      occurred_at: Date.parse(event.occurredAt),
      received_at: receivedAt,
      raw_delivery_id: deliveryId,
      payload: withoutEscapedNul(eventPayload(event)),
      status: workspace ? 'pending' : 'unrouted',
      reason: workspace ? null : `no workspace for ${event.platform} account ${event.accountId}`,
      attempts: 0,
      lease_owner: null,
      lease_until: 0,
      processed_at: workspace ? null : receivedAt,
    };
  }

  return {
    ingest(delivery) {
      return new Promise<IngestResult>((resolve, reject) => {
        queue.push({ delivery, resolve, reject });
        schedule();
      });
    },
    async drain() {
      while (queue.length > 0 || scheduled || flushing) {
        const current = flushing;
        await current;
        if (current === flushing && queue.length === 0 && !scheduled) break;
        await new Promise((r) => setImmediate(r));
      }
    },
  };
}

/**
 * PostgreSQL text cannot hold U+0000 (SQLite can): a CRM value carrying one would fail the
 * whole write. Removed on both dialects alike, so what is accepted is stored, and stored the
 * same everywhere. In JSON text (payload) NULs are escaped as `\u0000` and stay.
 */
/** A malformed item's text fields without NUL characters (PostgreSQL text cannot hold them). */
function withoutNulItem(item: MalformedItem): MalformedItem {
  return {
    ...item,
    raw: withoutNul(item.raw),
    error: withoutNul(item.error),
    externalId: withoutNul(item.externalId),
    ...(item.objectId !== undefined ? { objectId: withoutNul(item.objectId) } : {}),
    ...(item.objectType !== undefined ? { objectType: withoutNul(item.objectType) } : {}),
    ...(item.accountId !== undefined ? { accountId: withoutNul(item.accountId) } : {}),
  };
}

function withoutNul(text: string): string {
  return text.includes('\0') ? text.replaceAll('\0', '') : text;
}

// `\u0000` escapes in JSON text: a backslash preceded by an even number of backslashes.
const ESCAPED_NUL = /(?<!\\)((?:\\\\)*)\\u0000/g;

/** The same for JSON text, where a NUL is the escape `\u0000`: the value read back has none. */
function withoutEscapedNul(json: string): string {
  return json.includes('\\u0000') ? json.replace(ESCAPED_NUL, '$1') : json;
}
