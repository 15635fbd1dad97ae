import path from 'node:path';
import { eventIdFor, eventIdTime } from '@hookpost/core';
import Database from 'better-sqlite3';

/** Tables that hold configuration or process state, not history: never cloned. */
const NOT_HISTORY = new Set([
  'kysely_migration',
  'kysely_migration_lock',
  'seen_signatures',
  'stream_leases',
  'event_id_formats',
  // Quiet decisions are shared by every event run that decided alike (events.decision_set
  // names one): copies point at the same sets, which stay.
  'decision_sets',
]);
/** Id-like columns that stay: they name configuration, not a row. */
const SHARED_IDS = new Set(['workspace_id', 'campaign_id', 'account_id']);
const isRowId = (column: string) =>
  column === 'id' || (/_(id|key|ref|hash)$/.test(column) && !SHARED_IDS.has(column));

export interface ClonedHistory {
  events: number;
  rowsByTable: Record<string, number>;
  seconds: number;
}

/**
 * Grows a database's history to `targetEvents` events by cloning the rows a real run left
 * (events, raw deliveries, decisions, triggers, and whatever else the worker wrote), in big
 * transactions of direct SQL. Each copy gets its own ids (every id, key and reference column
 * suffixed, or for a time-prefixed event id a new one of the same shape, its time shifted
 * with the copy — the same function of the old value in every table, so references between
 * tables stay consistent and copies are other people's history) and is shifted a minute
 * further into the past; the original rows are removed,
 * so the people of later runs have no history of their own. Table and column lists are read
 * from the schema, so migrations that add tables or columns are cloned too.
 */
export function cloneHistory(databaseUrl: string, targetEvents: number): ClonedHistory {
  const started = performance.now();
  const file = path.resolve(databaseUrl.replace(/^sqlite:/, ''));
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = OFF');
    db.pragma('cache_size = -262144');
    // A copy's ids: a time-prefixed event id keeps its shape, its time shifted with the copy
    // (else the history would measure random primary-key leaves again); other ids get a suffix.
    db.function('clone_id', { deterministic: true }, (value: unknown, copy: unknown) => {
      if (typeof value !== 'string') return value as null;
      const time = eventIdTime(value);
      if (time === null) return `${value}_h${copy}`;
      return eventIdFor('history', value, String(copy), time - Number(copy) * 60_000);
    });
    // A real history is delivered, not waiting for the dispatcher.
    db.prepare(
      "UPDATE triggers SET status = 'delivered', delivered_at = created_at WHERE status = 'pending'",
    ).run();
    const tables = (
      db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        .all() as {
        name: string;
      }[]
    )
      .map((t) => t.name)
      .filter((name) => !NOT_HISTORY.has(name))
      .map((name) => ({
        name,
        seedRows: Number(
          (db.prepare(`SELECT max(rowid) AS n FROM "${name}"`).get() as { n: number | null }).n ?? 0,
        ),
        columns: db.pragma(`table_info("${name}")`) as { name: string; type: string }[],
      }))
      .filter((t) => t.seedRows > 0);
    const seedEvents = Number((db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n);
    if (seedEvents === 0) throw new Error('the seed run stored no events');
    const copies = Math.ceil(targetEvents / seedEvents);
    const statements = tables.map((t) => {
      const names = t.columns.map((c) => `"${c.name}"`).join(', ');
      const values = t.columns
        .map((c) => {
          const q = `"${c.name}"`;
          if (isRowId(c.name) && /TEXT/i.test(c.type)) return `clone_id(${q}, @copy)`;
          // A delivery's raw body as HubSpot sends it is ~300 bytes per event; seed runs store none.
          if (t.name === 'raw_deliveries' && c.name === 'body')
            return `printf('%-*s', event_count * 300, ${q})`;
          if (/_at$/.test(c.name) && /INT/i.test(c.type)) return `${q} - @copy * 60000`;
          return q;
        })
        .join(', ');
      return db.prepare(
        `INSERT INTO "${t.name}" (${names}) SELECT ${values} FROM "${t.name}" WHERE rowid <= @seed`,
      );
    });
    const cloneOne = db.transaction((copy: bigint) => {
      for (const [i, t] of tables.entries()) statements[i]?.run({ copy, seed: t.seedRows });
    });
    for (let copy = 1; copy <= copies; copy++) cloneOne(BigInt(copy));
    db.transaction(() => {
      for (const t of tables) db.prepare(`DELETE FROM "${t.name}" WHERE rowid <= ?`).run(t.seedRows);
    })();
    db.pragma('wal_checkpoint(TRUNCATE)');
    const rowsByTable = Object.fromEntries(
      tables.map((t) => [
        t.name,
        Number((db.prepare(`SELECT count(*) AS n FROM "${t.name}"`).get() as { n: number }).n),
      ]),
    );
    return { events: rowsByTable.events ?? 0, rowsByTable, seconds: (performance.now() - started) / 1000 };
  } finally {
    db.close();
  }
}
