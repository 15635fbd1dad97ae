import { createHash } from 'node:crypto';
import { boundedCache } from '@hookpost/core';
import type { Kysely } from 'kysely';
import type { Dialect } from '../db/connect.js';
import type { Database, DecisionRowTable, DecisionSetTable } from '../db/types.js';
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

/**
 * A decision that only says the campaign is not about this event (`no_match`, no recipient,
 * no piece): the worker hands these to `writeDecisions` as an event's quiet list, not as rows.
 */
export interface QuietDecision {
  readonly campaignId: string;
  readonly reason: string | null;
  readonly detail: string | null;
}

/** One event run's quiet decisions, in campaign order. */
export interface QuietRun {
  eventId: string;
  run: number;
  decisions: readonly QuietDecision[];
}

// Set ids by entries text: a pure function of the text, so the cache never goes stale.
const setIds = boundedCache<string>({ maxEntries: 5_000 });

/** The `decision_sets` id of an entries text: 128 bits of its SHA-256, base64url. */
export function decisionSetId(entries: string): string {
  return setIds(entries, () => createHash('sha256').update(entries).digest('base64url').slice(0, 22));
}

/** A stored quiet set: its id and its entries text (JSON `[[campaign_id, reason, detail], …]`). */
export interface QuietSet {
  id: string;
  entries: string;
}

// The sets named last, newest first: a batch's events name a handful of sets over and over.
const RECENT_SETS = 32;
const recentSets: { decisions: readonly QuietDecision[]; set: QuietSet }[] = [];

const sameDecision = (a: QuietDecision, b: QuietDecision) =>
  a === b || (a.campaignId === b.campaignId && a.reason === b.reason && a.detail === b.detail);

const sameDecisions = (a: readonly QuietDecision[], b: readonly QuietDecision[]) => {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++)
    if (!sameDecision(a[i] as QuietDecision, b[i] as QuietDecision)) return false;
  return true;
};

/**
 * The set storing these quiet decisions, exactly `decisionSetId(JSON.stringify(entries))` of
 * their `[campaign_id, reason, detail]` entries. Lists equal to one of the last sets named
 * are recognised field by field (the worker's shared quiet decisions by reference first):
 * with 50 campaigns serialising and hashing a ~3 KB text per event was a tenth of the
 * drain (cpu-prof). The kept lists are frozen copies, so a caller's later change cannot alter them.
 */
export function quietSetOf(decisions: readonly QuietDecision[]): QuietSet {
  for (let i = 0; i < recentSets.length; i++) {
    const known = recentSets[i] as (typeof recentSets)[number];
    if (!sameDecisions(decisions, known.decisions)) continue;
    if (i > 0) {
      recentSets.splice(i, 1);
      recentSets.unshift(known);
    }
    return known.set;
  }
  const entries = JSON.stringify(decisions.map((d): QuietEntry => [d.campaignId, d.reason, d.detail]));
  const set = { id: decisionSetId(entries), entries };
  const kept = decisions.map((d) =>
    Object.isFrozen(d) ? d : Object.freeze({ campaignId: d.campaignId, reason: d.reason, detail: d.detail }),
  );
  recentSets.unshift({ decisions: Object.freeze(kept), set });
  if (recentSets.length > RECENT_SETS) recentSets.pop();
  return set;
}

/** An event's quiet decisions as its row names them (`events.decision_set`, `decision_run`). */
export interface QuietDecisions {
  set: string;
  run: number;
}

/**
 * Writes decisions as the `decisions` view reads them back: each event run's quiet ones
 * (`quiet`: `no_match`, no recipient, no piece) as one `decision_sets` entry (JSON
 * `[[campaign_id, reason, detail], …]`, written once and shared by every run that decided
 * alike), every other one (`rows`) as a `decision_rows` row. Returns, per event id with
 * quiet decisions, the set the caller must name on the event row (it rewrites the row for
 * its status anyway): an event that 50 campaigns do not concern costs no decision row at
 * all. The quiet decisions' time is the event's `processed_at`, so the caller writes it
 * with the same `created_at`. Conflicts are ignored (what is written stays). Runs inside
 * the caller's transaction.
 */
export async function writeDecisions(
  trx: Kysely<Database>,
  dialect: Dialect,
  rows: readonly DecisionRowTable[],
  quiet: readonly QuietRun[],
): Promise<Map<string, QuietDecisions>> {
  const sets = new Map<string, DecisionSetTable>();
  const named = new Map<string, QuietDecisions>();
  for (const { eventId, run, decisions } of quiet) {
    if (decisions.length === 0) continue;
    const set = quietSetOf(decisions);
    if (!sets.has(set.id)) sets.set(set.id, { id: set.id, entries: set.entries });
    named.set(eventId, { set: set.id, run });
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
