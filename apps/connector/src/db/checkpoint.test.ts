import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type CheckpointReport, startCheckpointer } from './checkpoint.js';
import { type DatabaseHandle, openDatabase } from './connect.js';

let dir: string;
const open: DatabaseHandle[] = [];
const children: ChildProcess[] = [];
const stops: (() => Promise<void>)[] = [];

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'hookpost-checkpoint-'));
});
afterEach(async () => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const stop of stops.splice(0)) await stop();
  for (const handle of open.splice(0)) await handle.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Reports as they come, and a wait for the next one that matches. */
function reports() {
  const seen: CheckpointReport[] = [];
  const waiting: { match: (r: CheckpointReport) => boolean; resolve: () => void }[] = [];
  return {
    seen,
    onCheckpoint(report: CheckpointReport) {
      seen.push(report);
      for (const w of waiting.splice(0)) {
        if (w.match(report)) w.resolve();
        else waiting.push(w);
      }
    },
    next: (match: (r: CheckpointReport) => boolean) =>
      new Promise<void>((resolve) => waiting.push({ match, resolve })),
  };
}

const CHUNK_ROWS = 64;
// A 3,000-byte row fills a 4 KiB page on its own (SQLite's default page size): a chunk is
// CHUNK_ROWS pages in the WAL and, once checkpointed, in the database file.
const ROW_BYTES = 3000;
const PAGE_BYTES = 4096;

async function writeChunk(handle: DatabaseHandle, tag: string): Promise<void> {
  await handle.db.transaction().execute(async (trx) => {
    for (let i = 0; i < CHUNK_ROWS; i++)
      await sql`insert into filler (tag, body) values (${tag}, ${'x'.repeat(ROW_BYTES)})`.execute(trx);
  });
}

const createFiller = (handle: DatabaseHandle) =>
  sql`create table if not exists filler (id integer primary key, tag text not null, body text not null)`.execute(
    handle.db,
  );

describe('WAL checkpoints on their own thread', () => {
  it('copies the WAL back and keeps it bounded while writes go on', async () => {
    const seen = reports();
    const file = path.join(dir, 'hookpost.db');
    const handle = openDatabase(`sqlite:${file}`, dir, {
      checkpoint: {
        intervalMs: 5,
        restartAfterBytes: 64 * 1024,
        startAfterBytes: 0,
        onCheckpoint: seen.onCheckpoint,
      },
    });
    open.push(handle);
    await createFiller(handle);
    const chunks = 40;
    let maxWal = 0;
    for (let i = 0; i < chunks; i++) {
      await writeChunk(handle, `chunk-${i}`);
      maxWal = Math.max(maxWal, statSync(`${file}-wal`).size);
      // Paced by the thread: the rows written so far reach the database file only through a
      // checkpoint (this connection never runs one: its automatic checkpoint is far off).
      const rowPages = (i + 1) * CHUNK_ROWS * PAGE_BYTES;
      await vi.waitFor(() => expect(statSync(file).size).toBeGreaterThan(rowPages), {
        timeout: 20_000,
        interval: 5,
      });
    }
    const written = chunks * CHUNK_ROWS * PAGE_BYTES;
    // The thread copied the WAL back and restarted it as writes went on: it never held more
    // than a few chunks, a small part of all that was written.
    expect(maxWal).toBeLessThan(written / 4);
    expect(seen.seen.some((r) => r.mode === 'passive' && r.checkpointed > 0)).toBe(true);
    const { count } = await sql<{ count: number }>`select count(*) as count from filler`
      .execute(handle.db)
      .then((r) => r.rows[0] ?? { count: 0 });
    expect(count).toBe(chunks * CHUNK_ROWS);
  });

  it('shares the file with another process that checkpoints too', async () => {
    const file = path.join(dir, 'hookpost.db');
    const checkpoint = { intervalMs: 5, restartAfterBytes: 64 * 1024, startAfterBytes: 0 };
    const handle = openDatabase(`sqlite:${file}`, dir, { checkpoint });
    open.push(handle);
    await createFiller(handle);
    const connect = pathToFileURL(path.join(import.meta.dirname, 'connect.ts')).href;
    const script = `
      import { sql } from 'kysely';
      import { openDatabase } from ${JSON.stringify(connect)};
      const handle = openDatabase(${JSON.stringify(`sqlite:${file}`)}, '/', { checkpoint: ${JSON.stringify(checkpoint)} });
      for (let i = 0; i < 20; i++) {
        await handle.db.transaction().execute(async (trx) => {
          for (let j = 0; j < ${CHUNK_ROWS}; j++)
            await sql\`insert into filler (tag, body) values ('child', \${'y'.repeat(${ROW_BYTES})})\`.execute(trx);
        });
        await new Promise((r) => setImmediate(r));
      }
      await handle.close();`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: import.meta.dirname,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    children.push(child);
    let stderr = '';
    child.stderr?.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    for (let i = 0; i < 20; i++) {
      await writeChunk(handle, 'parent');
      await new Promise((r) => setImmediate(r));
    }
    expect(await exited, stderr).toBe(0);
    await handle.close();
    open.splice(open.indexOf(handle), 1);

    const check = new SQLite(file, { readonly: true });
    try {
      const counts = check.prepare('select tag, count(*) as n from filler group by tag order by tag').all();
      expect(counts).toEqual([
        { tag: 'child', n: 20 * CHUNK_ROWS },
        { tag: 'parent', n: 20 * CHUNK_ROWS },
      ]);
      expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      check.close();
    }
  });

  it('starts once the WAL grows, restarts a WAL past its bound, and stops its thread on stop', async () => {
    const file = path.join(dir, 'hookpost.db');
    const sqlite = new SQLite(file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('wal_autocheckpoint = 0');
    sqlite.exec('create table filler (id integer primary key, tag text not null, body text not null)');
    try {
      const seen = reports();
      const checkpointer = startCheckpointer(file, {
        intervalMs: 5,
        startAfterBytes: 256 * 1024,
        restartAfterBytes: 256 * 1024,
        onCheckpoint: seen.onCheckpoint,
      });
      stops.push(() => checkpointer.stop());
      // The WAL holds one small transaction: no thread yet.
      expect(checkpointer.running).toBe(false);
      const insert = sqlite.prepare('insert into filler (tag, body) values (?, ?)');
      sqlite.transaction(() => {
        for (let i = 0; i < 4 * CHUNK_ROWS; i++) insert.run('grow', 'z'.repeat(ROW_BYTES));
      })();
      await vi.waitFor(() => expect(checkpointer.running).toBe(true), { timeout: 20_000 });
      // Past the bound with no writer left to start it anew, the WAL is restarted.
      await seen.next((r) => r.mode === 'restart' && r.busy === 0);
      expect(seen.seen.some((r) => r.mode === 'passive' && r.checkpointed > 0)).toBe(true);
      const walBytes = statSync(`${file}-wal`).size;
      sqlite.prepare('insert into filler (tag, body) values (?, ?)').run('after', 'z');
      // The next write went to the WAL's beginning: the file did not grow.
      expect(statSync(`${file}-wal`).size).toBe(walBytes);
      await checkpointer.stop();
      expect(checkpointer.running).toBe(false);
      // Checked once the thread is gone: a pass of its own at the same moment makes this one busy.
      expect(sqlite.pragma('wal_checkpoint(PASSIVE)')).toEqual([{ busy: 0, log: 1, checkpointed: 1 }]);
      // Stopping twice is harmless.
      await checkpointer.stop();
    } finally {
      sqlite.close();
    }
  });
});
