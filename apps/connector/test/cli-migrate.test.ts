import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';

describe('hookpost migrate', { timeout: 90_000 }, () => {
  it('creates the schema in a new SQLite file, then reports it up to date', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'hookpost-migrate-'));
    const file = path.join(dir, 'nested', 'hookpost.db');
    const first = runCli(['migrate'], { DATABASE_URL: `sqlite:${file}` }, dir);
    expect(first.stderr).toBe(`database: sqlite:${file}\n`);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/applied \d+ migration\(s\)/);
    expect(first.stdout).toContain('0001_initial');

    const sqlite = new SQLite(file, { readonly: true });
    const tables = sqlite
      .prepare("select name from sqlite_master where type in ('table', 'view') and name not like 'kysely_%'")
      .all()
      .map((r) => (r as { name: string }).name);
    sqlite.close();
    // Every table of the pipeline (later migrations may add more).
    expect(tables).toEqual(
      expect.arrayContaining([
        'decisions',
        'delivery_attempts',
        'events',
        'installations',
        'mail_statuses',
        'outbox',
        'raw_deliveries',
        'replay_ids',
        'seen_signatures',
        'suppressions',
        'triggers',
        'used_oauth_states',
        'stream_leases',
      ]),
    );

    const second = runCli(['migrate'], { DATABASE_URL: `sqlite:${file}` }, dir);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('up to date, nothing to apply');
  });

  it('fails with one readable line for an unsupported DATABASE_URL, hiding its password', () => {
    const result = runCli(['migrate'], { DATABASE_URL: 'mysql://admin:hunter2@db/hookpost' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^hookpost migrate: DATABASE_URL must start with sqlite: or postgres:\/\//m,
    );
    expect(result.stderr).not.toContain('hunter2');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
