import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CHECKPOINT_DEFAULTS } from '../src/db/checkpoint.js';
import { openDatabase } from '../src/db/connect.js';
import { migrateToLatest } from '../src/db/migrations.js';
import type { RunningConnector } from '../src/runtime.js';
import { eventually, startTestConnector } from './support/connector.js';

const CONFIG = `
server: { publicUrl: https://hooks.example.com }
workspaces: []
`;

let dir: string;
let connector: RunningConnector | undefined;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'hookpost-server-checkpoint-'));
});
afterEach(async () => {
  await connector?.stop();
  connector = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const bytes = (file: string) => statSync(file, { throwIfNoEntry: false })?.size ?? 0;

// The migrations are far below the 1 MB of WAL at which a CLI command's thread would start:
// the database file receives their pages only from a checkpoint thread that runs already.
describe('a server on a SQLite file', () => {
  it('checkpoints from the start, before its WAL reaches the size that starts the thread elsewhere', async () => {
    const file = path.join(dir, 'hookpost.db');
    connector = await startTestConnector(CONFIG, { databaseUrl: `sqlite:${file}` });
    expect(bytes(`${file}-wal`)).toBeLessThan(CHECKPOINT_DEFAULTS.startAfterBytes);
    await eventually(async () => (bytes(file) > 4096 ? true : undefined));
    expect(bytes(`${file}-wal`)).toBeLessThan(CHECKPOINT_DEFAULTS.startAfterBytes);
  });

  it('a command that opens the file the same way leaves a small WAL to SQLite (no thread yet)', async () => {
    const file = path.join(dir, 'cli.db');
    const handle = openDatabase(`sqlite:${file}`);
    try {
      await migrateToLatest(handle.db as never);
      // Longer than a checkpoint pass interval: a running thread would have copied the pages.
      await new Promise((resolve) => setTimeout(resolve, 3 * CHECKPOINT_DEFAULTS.intervalMs));
      expect(bytes(file)).toBeLessThanOrEqual(4096);
      expect(bytes(`${file}-wal`)).toBeGreaterThan(0);
    } finally {
      await handle.close();
    }
  });
});
