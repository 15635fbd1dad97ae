import { execFile, execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { findPostgresBin } from '../support/postgres.js';
import { freePort } from './fleet.js';

const execFileAsync = promisify(execFile);

/** A PostgreSQL cluster of its own that a test can crash and bring back on the same port. */
export interface CrashablePostgres {
  /** URL of a fresh database created at start. */
  url: string;
  /** `pg_ctl stop -m immediate`: every backend killed at once, no checkpoint (a server crash). */
  crash(): Promise<void>;
  /** Starts again: crash recovery replays the WAL. */
  start(): Promise<void>;
  destroy(): void;
}

/**
 * Unlike the suite's shared cluster (test/support/postgres.ts, `synchronous_commit=off`),
 * commits here wait for their WAL write: an immediate stop must not lose a commit the
 * connector acknowledged. `fsync` stays off — the kernel keeps the written WAL, since only
 * PostgreSQL crashes, not the machine.
 */
export async function startCrashablePostgres(): Promise<CrashablePostgres> {
  const bin = findPostgresBin();
  if (!bin) throw new Error('PostgreSQL binaries not found (apt-get install postgresql)');
  const dir = mkdtempSync(path.join(tmpdir(), 'hookpost-crash-pg-'));
  const dataDir = path.join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  // PostgreSQL refuses to run as root: as root (CI) run its tools as the postgres user.
  // Asynchronously, so the load and the destination in this process keep running meanwhile.
  const run = async (cmd: string, args: string[]) => {
    const full = path.join(bin, cmd);
    await (asRoot
      ? execFileAsync('runuser', ['-u', 'postgres', '--', full, ...args])
      : execFileAsync(full, args));
  };
  if (asRoot) {
    const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres']).toString().trim());
    chownSync(dir, id('-u'), id('-g'));
  }
  await run('initdb', ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync']);
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off -c synchronous_commit=on`;
  const start = () =>
    run('pg_ctl', [
      '-D',
      dataDir,
      '-o',
      options,
      '-l',
      path.join(dir, 'server.log'),
      '-w',
      '-t',
      '60',
      'start',
    ]);
  const crash = () => run('pg_ctl', ['-D', dataDir, '-m', 'immediate', 'stop']);
  await start();
  const client = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres` });
  await client.connect();
  await client.query('CREATE DATABASE hookpost');
  await client.end();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/hookpost`,
    crash,
    start,
    destroy() {
      try {
        const stop = [path.join(bin, 'pg_ctl'), '-D', dataDir, '-m', 'immediate', 'stop'];
        if (asRoot) execFileSync('runuser', ['-u', 'postgres', '--', ...stop], { stdio: 'pipe' });
        else execFileSync(stop[0] as string, stop.slice(1), { stdio: 'pipe' });
      } catch {
        // already stopped
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
