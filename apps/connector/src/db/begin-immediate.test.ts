import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type DatabaseHandle, openDatabase } from './connect.js';

let dir: string;
let handle: DatabaseHandle | undefined;
let child: ChildProcess | undefined;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'hookpost-immediate-'));
});
afterEach(async () => {
  child?.kill('SIGKILL');
  await handle?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Another process that holds the write lock for a while (a CLI command, the checkpoint thread restarting the WAL). */
async function holdWriteLock(file: string, ms: number): Promise<ChildProcess> {
  const script = `
    const Database = require('better-sqlite3');
    const db = new Database(${JSON.stringify(file)});
    db.exec('begin immediate');
    db.exec("insert into notes (text) values ('other process')");
    process.stdout.write('locked\\n');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ${ms});
    db.exec('commit');
    db.close();`;
  const started = spawn(process.execPath, ['-e', script], {
    cwd: import.meta.dirname,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await once(started.stdout, 'data');
  return started;
}

describe('SQLite transactions begin immediate', () => {
  it('a transaction that reads before it writes waits for another writer instead of failing busy', async () => {
    const file = path.join(dir, 'hookpost.db');
    handle = openDatabase(`sqlite:${file}`, dir, { checkpoint: false });
    const { db } = handle;
    await sql`create table notes (id integer primary key, text text not null)`.execute(db);
    child = await holdWriteLock(file, 500);
    const exited = once(child, 'exit');
    // Read first, then write: begun deferred, the write would find the lock held and fail at
    // once with SQLITE_BUSY (the busy timeout does not cover that upgrade).
    await db.transaction().execute(async (trx) => {
      await sql`select count(*) from notes`.execute(trx);
      await sql`insert into notes (text) values ('this process')`.execute(trx);
    });
    await exited;
    const { rows } = await sql<{ text: string }>`select text from notes order by text`.execute(db);
    expect(rows.map((r) => r.text)).toEqual(['other process', 'this process']);
  });

  it('read-only handles still run transactions', async () => {
    const file = path.join(dir, 'hookpost.db');
    const writer = openDatabase(`sqlite:${file}`, dir, { checkpoint: false });
    await sql`create table notes (id integer primary key, text text not null)`.execute(writer.db);
    await writer.close();
    handle = openDatabase(`sqlite:${file}`, dir, { readOnly: true });
    const count = await handle.db
      .transaction()
      .execute((trx) => sql<{ n: number }>`select count(*) as n from notes`.execute(trx));
    expect(count.rows).toEqual([{ n: 0 }]);
  });
});
