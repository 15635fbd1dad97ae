import type { Selectable } from 'kysely';
import type { OutboxTable } from '../db/types.js';
import { newId } from './ids.js';
import { type OutboxPayload, outboxPayloadSchema } from './outbox-payload.js';

/** An outbox row as the processor sees it: the stored payload parsed once, by its schema. */
export type OutboxItem = Omit<Selectable<OutboxTable>, 'payload'> & { payload: OutboxPayload };

/**
 * A new `pending` outbox row for a side effect, due now. `kind` is the payload's `type`,
 * so the table can be counted by kind without reading payloads.
 *
 * @example
 * await trx.insertInto('outbox').values(outboxRow('acme', { type: 'workflow_callback', … }, now)).execute();
 */
export function outboxRow(workspaceId: string, payload: OutboxPayload, now: number): OutboxTable {
  return {
    id: newId('obx'),
    kind: payload.type,
    workspace_id: workspaceId,
    payload: JSON.stringify(outboxPayloadSchema.parse(payload)),
    status: 'pending',
    attempts: 0,
    next_attempt_at: now,
    lease_owner: null,
    lease_until: 0,
    last_error: null,
    created_at: now,
    updated_at: now,
  };
}

/** Reads a stored row; throws (a ZodError or SyntaxError) when the payload is not a valid union member. */
export function readOutboxRow(row: Selectable<OutboxTable>): OutboxItem {
  return { ...row, payload: outboxPayloadSchema.parse(JSON.parse(row.payload)) };
}
