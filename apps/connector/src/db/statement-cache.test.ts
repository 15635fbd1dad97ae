import SQLite from 'better-sqlite3';
import fc from 'fast-check';
import { Kysely, SqliteDialect } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { cachingStatements, preparedOn, rememberSqlite, sqliteOf } from './statement-cache.js';

describe('cachingStatements', () => {
  let sqlite: SQLite.Database;
  afterEach(() => sqlite?.open && sqlite.close());

  it('hands out one prepared statement per SQL text, and a fresh one while it is being iterated', () => {
    sqlite = new SQLite(':memory:');
    sqlite.exec('create table t (n integer)');
    const db = cachingStatements(sqlite);
    const insert = db.prepare('insert into t values (?)');
    expect(db.prepare('insert into t values (?)')).toBe(insert);
    for (let n = 0; n < 3; n++) insert.run([n]);
    const select = db.prepare('select n from t order by n');
    const rows = select.iterate([]);
    rows.next();
    // The cached statement is busy mid-iteration: a second use gets its own statement.
    const again = db.prepare('select n from t order by n');
    expect(again).not.toBe(select);
    expect(again.all([])).toEqual([{ n: 0 }, { n: 1 }, { n: 2 }]);
    rows.return?.();
    expect(db.prepare('select n from t order by n')).toBe(select);
  });

  it('keeps at most maxStatements, whatever SQL texts come', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 200 }), (ns) => {
        const memory = new SQLite(':memory:');
        const db = cachingStatements(memory, 8);
        const seen = new Map<number, unknown>();
        for (const n of ns) {
          const statement = db.prepare(`select ${n} as n`);
          expect((statement.all([])[0] as { n: number }).n).toBe(n);
          seen.set(n, statement);
        }
        // Of the last 8 distinct texts prepared, each is still the cached statement.
        const recent = [...new Set([...ns].reverse())].slice(0, 8);
        const distinct = new Set(ns).size;
        if (distinct <= 8) for (const n of recent) expect(db.prepare(`select ${n} as n`)).toBe(seen.get(n));
        memory.close();
      }),
    );
  });

  it('finds the better-sqlite3 database remembered under a Kysely instance and what it derives, nothing for others', async () => {
    sqlite = new SQLite(':memory:');
    const owner = new Kysely<Record<string, never>>({ dialect: new SqliteDialect({ database: sqlite }) });
    const other = new Kysely<Record<string, never>>({
      dialect: new SqliteDialect({ database: new SQLite(':memory:') }),
    });
    try {
      rememberSqlite(owner, sqlite);
      expect(sqliteOf(owner)).toBe(sqlite);
      await owner.transaction().execute(async (trx) => expect(sqliteOf(trx)).toBe(sqlite));
      await owner.connection().execute(async (connection) => expect(sqliteOf(connection)).toBe(sqlite));
      expect(sqliteOf({})).toBeUndefined();
      expect(sqliteOf(other)).toBeUndefined();
    } finally {
      await other.destroy();
    }
  });

  it('prepares a text once per database', () => {
    sqlite = new SQLite(':memory:');
    const second = new SQLite(':memory:');
    try {
      expect(preparedOn(sqlite, 'select 1')).toBe(preparedOn(sqlite, 'select 1'));
      expect(preparedOn(second, 'select 1')).not.toBe(preparedOn(sqlite, 'select 1'));
    } finally {
      second.close();
    }
  });
});
