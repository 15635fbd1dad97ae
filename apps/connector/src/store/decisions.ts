import type { Kysely } from 'kysely';
import type { Dialect } from '../db/connect.js';
import type { Database, DecisionQuietTable, DecisionTable } from '../db/types.js';
import { insertManyIgnoringConflicts } from './insert-many.js';

// Well under SQLite's 32,766 bound parameters per statement (10 columns per decision row).
const ROWS_PER_INSERT = 500;
// Keeps IN lists well under SQLite's bound-parameter limit.
const IN_CHUNK = 500;

const ROW_COLUMNS = [
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
const QUIET_COLUMNS = ['event_id', 'run', 'workspace_id', 'created_at', 'entries'] as const;

/** A decision that only says the campaign is not about this event: no recipient, no piece. */
const isQuiet = (d: DecisionTable) =>
  d.outcome === 'no_match' && d.recipient_ref === '' && d.trigger_id === null;

/**
 * Writes decisions as the `decisions` view reads them back: the quiet ones (`no_match`, no
 * recipient, no piece) as one `decision_quiet` row per event run, JSON
 * `[[campaign_id, reason, detail], …]`; every other one as a `decision_rows` row. An event
 * with 50 campaigns that concern it not writes one row, not 50. Conflicts are ignored (a
 * decision already written stays). Runs inside the caller's transaction.
 */
export async function writeDecisions(
  trx: Kysely<Database>,
  dialect: Dialect,
  decisions: readonly DecisionTable[],
): Promise<void> {
  const rows: DecisionTable[] = [];
  const quiet = new Map<string, { row: DecisionQuietTable; entries: (string | null)[][] }>();
  for (const d of decisions) {
    if (!isQuiet(d)) {
      rows.push(d);
      continue;
    }
    const key = `${d.event_id}\u0000${d.run}`;
    let run = quiet.get(key);
    if (!run) {
      run = {
        row: {
          event_id: d.event_id,
          run: d.run,
          workspace_id: d.workspace_id,
          created_at: d.created_at,
          entries: '',
        },
        entries: [],
      };
      quiet.set(key, run);
    }
    run.entries.push([d.campaign_id, d.reason, d.detail]);
  }
  const quietRows = [...quiet.values()].map(({ row, entries }) => ({
    ...row,
    entries: JSON.stringify(entries),
  }));
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT)
    await insertManyIgnoringConflicts(
      trx,
      dialect,
      'decision_rows',
      ROW_COLUMNS,
      rows.slice(i, i + ROWS_PER_INSERT),
    );
  for (let i = 0; i < quietRows.length; i += ROWS_PER_INSERT)
    await insertManyIgnoringConflicts(
      trx,
      dialect,
      'decision_quiet',
      QUIET_COLUMNS,
      quietRows.slice(i, i + ROWS_PER_INSERT),
    );
}

/**
 * Deletes the current decisions of these events (both tables behind the `decisions` view);
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
    await trx.deleteFrom('decision_quiet').where('event_id', 'in', ids).execute();
  }
  return count;
}
