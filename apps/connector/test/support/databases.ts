import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';

/**
 * The database URLs a store test runs against: SQLite always, PostgreSQL when the
 * global setup started a cluster. Each call gets a fresh database.
 */
export interface DialectCase {
  name: 'sqlite' | 'postgres';
  /** Fresh database URL; `null` with `skipReason` when the dialect is unavailable. */
  url: () => Promise<string>;
  skipReason: string | null;
}

let counter = 0;

export function dialectCases(): DialectCase[] {
  const postgresUrl = inject('postgresUrl');
  return [
    {
      name: 'sqlite',
      skipReason: null,
      // A real file (WAL, fsync), fresh per call, like `sqlite:./data/hookpost.db`.
      url: async () =>
        `sqlite:${path.join(mkdtempSync(path.join(tmpdir(), 'hookpost-test-')), 'hookpost.db')}`,
    },
    {
      name: 'postgres',
      skipReason: postgresUrl ? null : (inject('postgresSkipReason') ?? 'PostgreSQL unavailable'),
      url: async () => {
        if (!postgresUrl) throw new Error('PostgreSQL unavailable');
        const name = `t_${process.pid}_${Date.now()}_${counter++}`;
        const client = new pg.Client({ connectionString: postgresUrl });
        await client.connect();
        try {
          await client.query(`CREATE DATABASE "${name}"`);
        } finally {
          await client.end();
        }
        return postgresUrl.replace(/\/[^/]*$/, `/${name}`);
      },
    },
  ];
}
