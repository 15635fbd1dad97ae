import type { CrmEvent, Platform } from '@hookpost/core';
import type { Insertable, Kysely } from 'kysely';
import type { Database, EventTable } from '../db/types.js';
import type { WorkspaceIndex } from '../workspaces.js';
import { newId } from './ids.js';

/** One inbound request: its raw body and the events parsed from it. */
export interface InboundDelivery {
  platform: Platform;
  channel: 'webhook' | 'workflow_action' | 'outbound_message' | 'cdc';
  accountId: string | null;
  signatureVersion: string | null;
  body: string;
  events: CrmEvent[];
}

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
  workspaces: WorkspaceIndex;
  now?: () => number;
  /** Most requests committed together in one transaction. */
  maxBatch?: number;
}

// SQLite allows 32,766 bound parameters per statement; 19 columns × 500 rows stays well below.
const ROWS_PER_INSERT = 500;

interface Pending {
  delivery: InboundDelivery;
  resolve: (result: IngestResult) => void;
  reject: (error: unknown) => void;
}

/**
 * The durable inbox in front of every ACK (DESIGN §2 rule 1). Requests arriving in the
 * same turn of the event loop are committed together (group commit): one fsync for many
 * requests, each still answered only after its own rows are on disk.
 */
export function createInbox({ db, workspaces, now = Date.now, maxBatch = 64 }: InboxOptions): Inbox {
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
    const rows: Insertable<EventTable>[] = [];
    const raw = deliveries.map((delivery) => {
      const deliveryId = newId('raw');
      results.push({ deliveryId, accepted: 0, duplicates: 0 });
      for (const event of delivery.events) rows.push(toRow(event, delivery, deliveryId, receivedAt));
      return {
        id: deliveryId,
        platform: delivery.platform,
        channel: delivery.channel,
        account_id: delivery.accountId,
        received_at: receivedAt,
        signature_version: delivery.signatureVersion,
        event_count: delivery.events.length,
        body: delivery.body,
      };
    });
    await trx.insertInto('raw_deliveries').values(raw).execute();
    const inserted = new Set<string>();
    for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
      const chunk = rows.slice(i, i + ROWS_PER_INSERT);
      const done = await trx
        .insertInto('events')
        .values(chunk)
        .onConflict((oc) => oc.doNothing())
        .returning('id')
        .execute();
      for (const row of done) inserted.add(row.id);
    }
    let index = 0;
    for (const [d, delivery] of deliveries.entries()) {
      const result = results[d] as IngestResult;
      for (let e = 0; e < delivery.events.length; e++) {
        const row = rows[index++] as Insertable<EventTable>;
        // A second copy inside the same batch is a duplicate too: count it once.
        if (inserted.delete(row.id)) result.accepted++;
        else result.duplicates++;
      }
    }
    return results;
  }

  function toRow(
    event: CrmEvent,
    delivery: InboundDelivery,
    deliveryId: string,
    receivedAt: number,
  ): Insertable<EventTable> {
    const workspace = workspaces.forEvent(event);
    return {
      id: event.id,
      platform: event.platform,
      account_id: event.accountId,
      external_id: event.externalId,
      workspace_id: workspace?.id ?? null,
      channel: delivery.channel,
      object_type: event.objectType,
      object_id: event.objectId,
      kind: event.kind,
      occurred_at: Date.parse(event.occurredAt),
      received_at: receivedAt,
      raw_delivery_id: deliveryId,
      payload: JSON.stringify(event),
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
