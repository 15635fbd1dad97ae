/**
 * Which B-tree's pages a workload writes on SQLite: the WAL's frames by page number, mapped
 * to their table or index through `dbstat`. A reader holds its snapshot meanwhile, so no
 * checkpoint resets the WAL and every frame written stays to be counted (a page rewritten by
 * several commits counts once per commit, as it is written).
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { benchWorker, fillInbox, makeEvents, setupWorkspace } from './pipeline.js';

/** WAL frame header: page number (4 bytes), commit size, salt-1, salt-2, checksums. */
const FRAME_HEADER_BYTES = 24;
const WAL_HEADER_BYTES = 32;

function walPageNumbers(walFile: string): number[] {
  const size = statSync(walFile, { throwIfNoEntry: false })?.size ?? 0;
  if (size < WAL_HEADER_BYTES) return [];
  const fd = openSync(walFile, 'r');
  try {
    const header = Buffer.alloc(WAL_HEADER_BYTES);
    readSync(fd, header, 0, WAL_HEADER_BYTES, 0);
    const pageSize = header.readUInt32BE(8);
    const salts = header.readBigUInt64BE(16);
    const frame = Buffer.alloc(FRAME_HEADER_BYTES);
    const pages: number[] = [];
    for (
      let at = WAL_HEADER_BYTES;
      at + FRAME_HEADER_BYTES + pageSize <= size;
      at += FRAME_HEADER_BYTES + pageSize
    ) {
      readSync(fd, frame, 0, FRAME_HEADER_BYTES, at);
      // Frames of an earlier WAL generation carry other salts: the valid log ends there.
      if (frame.readBigUInt64BE(8) !== salts) break;
      pages.push(frame.readUInt32BE(0));
    }
    return pages;
  } finally {
    closeSync(fd);
  }
}

/** KiB `run` writes to the SQLite `file`, per table or index name (`sqlite_autoindex_events_1`: events' primary key). */
export async function kibWrittenByTree(file: string, run: () => Promise<void>): Promise<Map<string, number>> {
  const reader = new Database(file);
  try {
    reader.pragma('wal_checkpoint(TRUNCATE)');
    reader.exec('BEGIN');
    reader.prepare('SELECT count(*) FROM sqlite_schema').get();
    await run();
    const pages = walPageNumbers(`${file}-wal`);
    reader.exec('COMMIT');
    const owner = new Map<number, string>();
    for (const row of reader.prepare('SELECT name, pageno FROM dbstat').iterate() as Iterable<{
      name: string;
      pageno: number;
    }>)
      owner.set(row.pageno, row.name);
    const pageKib = Number(reader.pragma('page_size', { simple: true })) / 1024;
    const kib = new Map<string, number>();
    for (const page of pages) {
      const name = owner.get(page) ?? '(free pages)';
      kib.set(name, (kib.get(name) ?? 0) + pageKib);
    }
    return kib;
  } finally {
    reader.close();
  }
}

/** KiB written per B-tree, per event. */
export interface WritesByTree {
  events: number;
  ingest: Map<string, number>;
  pipeline: Map<string, number>;
}

const perEvent = (kib: Map<string, number>, events: number) =>
  new Map([...kib].map(([name, total]) => [name, total / events]));

/**
 * `count` HubSpot events into the inbox of `file` (100 per commit), then decided by the
 * worker (5 campaigns), with the KiB per event each phase wrote per B-tree. The file must hold no
 * pending event (the worker decides every one).
 */
export async function writesByTree(file: string, count = 6_400): Promise<WritesByTree> {
  const { dir, config } = setupWorkspace(5);
  const url = `sqlite:${file}`;
  await (await fillInbox(url, config, [])).close();
  let handle: Awaited<ReturnType<typeof fillInbox>> | undefined;
  try {
    const ingest = await kibWrittenByTree(file, async () => {
      handle = await fillInbox(url, config, makeEvents(count));
    });
    const worker = benchWorker(config, dir, handle as NonNullable<typeof handle>);
    const pipeline = await kibWrittenByTree(file, async () => {
      while ((await worker.runOnce()) > 0) {}
    });
    return { events: count, ingest: perEvent(ingest, count), pipeline: perEvent(pipeline, count) };
  } finally {
    await handle?.close();
  }
}
