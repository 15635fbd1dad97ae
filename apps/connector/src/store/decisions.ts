import { createHash } from 'node:crypto';
import { boundedCache } from '@hookpost/core';
import type { Kysely } from 'kysely';
import type { Dialect } from '../db/connect.js';
import type { Database, DecisionRowTable, DecisionSetTable, DecisionTable } from '../db/types.js';
import { inValues } from '../db/value-list.js';
import { insertManyIgnoringConflicts } from './insert-many.js';

// Well under SQLite's 32,766 bound parameters per statement (10 columns per decision row).
const ROWS_PER_INSERT = 500;
// Keeps IN lists well under SQLite's bound-parameter limit.
const IN_CHUNK = 500;

/** The columns of a decision, in `decision_rows`, the `decisions` view and `decision_history`. */
export const DECISION_COLUMNS = [
  'event_id',
  'run',
  'campaign_id',
  'workspace_id',
  'outcome',
  'reason',
  'detail',
  'trigger_id',
  'recipient_ref',
  'created_at',
] as const;

/** `decision_rows` also holds the id a recipient search finds a decision about another record by (src/store/recipient-id.ts). */
const DECISION_ROW_COLUMNS = [...DECISION_COLUMNS, 'recipient_id'] as const;

/** A quiet decision as its set stores it: `[campaign_id, reason, detail]`. */
type QuietEntry = [string, string | null, string | null];

const sameEntries = (a: readonly QuietEntry[], b: readonly QuietEntry[]) =>
  a.length === b.length &&
  a.every((x, i) => {
    const y = b[i] as QuietEntry;
    return x[0] === y[0] && x[1] === y[1] && x[2] === y[2];
  });

/** A decision that only says the campaign is not about this event: no recipient, no piece. */
const isQuiet = (d: DecisionTable) =>
  d.outcome === 'no_match' && d.recipient_ref === '' && d.trigger_id === null;

// Set ids by entries text: a pure function of the text, so the cache never goes stale.
const setIds = boundedCache<string>({ maxEntries: 5_000 });

/** The `decision_sets` id of an entries text: 128 bits of its SHA-256, base64url. */
export function decisionSetId(entries: string): string {
  return setIds(entries, () => createHash('sha256').update(entries).digest('base64url').slice(0, 22));
}

/** An event's quiet decisions as its row names them (`events.decision_set`, `decision_run`). */
export interface QuietDecisions {
  set: string;
  run: number;
}

/**
 * Writes decisions as the `decisions` view reads them back: each event run's quiet ones
 * (`no_match`, no recipient, no piece) as one `decision_sets` entry (JSON
 * `[[campaign_id, reason, detail], …]`, written once and shared by every run that decided
 * alike), every other one as a `decision_rows` row. Returns, per event id, the set the
 * caller must name on the event row (it rewrites the row for its status anyway): an event
 * that 50 campaigns do not concern costs no decision row at all. The quiet decisions' time
 * is the event's `processed_at`, so the caller writes it with the same `created_at`.
 * Conflicts are ignored (what is written stays). Runs inside the caller's transaction.
 */
export async function writeDecisions(
  trx: Kysely<Database>,
  dialect: Dialect,
  decisions: readonly DecisionRowTable[],
): Promise<Map<string, QuietDecisions>> {
  const rows: DecisionRowTable[] = [];
  const quiet = new Map<string, { run: number; entries: QuietEntry[] }>();
  // An event's decisions come together: the current event's entry saves a lookup per decision.
  let current: { eventId: string; run: number; entries: QuietEntry[] } | undefined;
  for (const d of decisions) {
    if (!isQuiet(d)) {
      rows.push(d);
      continue;
    }
    if (current?.eventId !== d.event_id) {
      const known = quiet.get(d.event_id);
      current = { eventId: d.event_id, run: known?.run ?? d.run, entries: known?.entries ?? [] };
      if (!known) quiet.set(d.event_id, current);
    }
    current.entries.push([d.campaign_id, d.reason, d.detail]);
  }
  const sets = new Map<string, DecisionSetTable>();
  const named = new Map<string, QuietDecisions>();
  // Most events of a batch decide alike: compared with the event before, entry by entry,
  // the set is known without serialising and hashing its text again (50 campaigns: ~3 KB).
  let previous: { entries: QuietEntry[]; id: string } | undefined;
  for (const [eventId, { run, entries }] of quiet) {
    if (!previous || !sameEntries(entries, previous.entries)) {
      const text = JSON.stringify(entries);
      const id = decisionSetId(text);
      sets.set(id, { id, entries: text });
      previous = { entries, id };
    }
    named.set(eventId, { set: previous.id, run });
  }
  for (const [from, to] of insertChunks(rows.length, dialect))
    await insertManyIgnoringConflicts(
      trx,
      dialect,
      'decision_rows',
      DECISION_ROW_COLUMNS,
      rows.slice(from, to),
    );
  // In id order, so two PostgreSQL batches never wait on each other's new sets crosswise
  // (a deadlock). An existing set must stay locked until this batch commits, so pruning
  // cannot delete it under the events about to name it.
  const setRows = [...sets.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  if (dialect === 'postgres') {
    await writeSetsSharing(trx, setRows);
    return named;
  }
  // SQLite: one writer at a time, so touching the row costs no other batch a wait.
  for (let i = 0; i < setRows.length; i += ROWS_PER_INSERT)
    await trx
      .insertInto('decision_sets')
      .values(setRows.slice(i, i + ROWS_PER_INSERT))
      .onConflict((oc) => oc.column('id').doUpdateSet((eb) => ({ entries: eb.ref('excluded.entries') })))
      .execute();
  return named;
}

/**
 * `[from, to)` slices for multi-row inserts of `count` rows. On SQLite, power-of-two sizes
 * only (256, 128, …, 1 after full chunks of `ROWS_PER_INSERT`): the statement text depends on the
 * row count, and a handful of sizes stays prepared in the statement cache where every batch's
 * own count (1 to 500 rows) was a new statement to compile. PostgreSQL: one statement per
 * `ROWS_PER_INSERT` rows (each statement is a round trip there).
 */
export function insertChunks(count: number, dialect: Dialect): [number, number][] {
  const chunks: [number, number][] = [];
  let from = 0;
  for (; count - from >= ROWS_PER_INSERT; from += ROWS_PER_INSERT)
    chunks.push([from, from + ROWS_PER_INSERT]);
  if (dialect === 'postgres') {
    if (from < count) chunks.push([from, count]);
    return chunks;
  }
  for (let size = 256; size >= 1; size /= 2)
    if (count - from >= size) {
      chunks.push([from, from + size]);
      from += size;
    }
  return chunks;
}

/**
 * Deletes the current decisions of these events (`decision_rows`, the events' quiet sets);
 * returns how many decisions the view showed for them. `decision_history` is not touched.
 */
export async function deleteDecisions(trx: Kysely<Database>, eventIds: readonly string[]): Promise<number> {
  let count = 0;
  for (let i = 0; i < eventIds.length; i += IN_CHUNK) {
    const ids = eventIds.slice(i, i + IN_CHUNK);
    const shown = await trx
      .selectFrom('decisions')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('event_id', 'in', ids)
      .executeTakeFirst();
    count += Number(shown?.n ?? 0);
    await trx.deleteFrom('decision_rows').where('event_id', 'in', ids).execute();
    const named = await trx
      .selectFrom('events')
      .select('decision_set')
      .distinct()
      .where('id', 'in', ids)
      .where('decision_set', 'is not', null)
      .execute();
    await trx
      .updateTable('events')
      .set({ decision_set: null, decision_run: null })
      .where('id', 'in', ids)
      .execute();
    // A set no event names any more goes too: its reasons may quote the values events carried.
    const sets = named.map((r) => r.decision_set as string);
    if (sets.length > 0)
      await trx
        .deleteFrom('decision_sets')
        .where('id', 'in', sets)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('events')
                .select('events.id')
                .whereRef('events.decision_set', '=', 'decision_sets.id'),
            ),
          ),
        )
        .execute();
  }
  return count;
}

/**
 * PostgreSQL: the sets already stored are locked `FOR KEY SHARE` (a prune's DELETE waits
 * for this batch; other batches naming the same sets do not), the others inserted. An
 * upsert that touched every set took a row lock each: every worker's batch names the same
 * few shared sets, so concurrent workers waited on each other's commit
 * (`Lock:transactionid` on that upsert, sampled from pg_stat_activity in bench/postgres.ts).
 */
async function writeSetsSharing(trx: Kysely<Database>, setRows: readonly DecisionSetTable[]): Promise<void> {
  if (setRows.length === 0) return;
  const stored = await trx
    .selectFrom('decision_sets')
    .select('id')
    .where(
      inValues(
        trx,
        'id',
        setRows.map((r) => r.id),
      ),
    )
    .forKeyShare()
    .execute();
  const present = new Set(stored.map((r) => r.id));
  const missing = setRows.filter((r) => !present.has(r.id));
  for (let i = 0; i < missing.length; i += ROWS_PER_INSERT)
    await trx
      .insertInto('decision_sets')
      .values(missing.slice(i, i + ROWS_PER_INSERT))
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
}
