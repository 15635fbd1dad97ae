import path from 'node:path';
import { type DatabaseHandle, DEFAULT_DATABASE_URL, openDatabase, redactUrl } from '../db/connect.js';
import { migrateToLatest } from '../db/migrations.js';

/** `DATABASE_URL` or the default SQLite file, as `hookpost start` resolves it. */
export const databaseUrlFrom = (env: NodeJS.ProcessEnv = process.env) =>
  env.DATABASE_URL || DEFAULT_DATABASE_URL;

/**
 * Opens the database a command works on and brings its schema up to date, so a command
 * run before the first `start` still finds its tables.
 */
export async function openMigrated(
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ handle: DatabaseHandle; applied: string[]; label: string }> {
  const url = databaseUrlFrom(env);
  const handle = openDatabase(url);
  try {
    const applied = await migrateToLatest(handle.db as never);
    return { handle, applied, label: redactUrl(url) };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/**
 * The directory `openDatabase` keeps files beside the database in (the admin token),
 * worked out without opening it: a client command must not create a database file.
 * Mirrors `openDatabase` in db/connect.ts.
 */
export function dataDirFor(url: string, cwd = process.cwd()): string {
  if (url.startsWith('sqlite:')) {
    const target = url.slice('sqlite:'.length);
    if (target !== '' && target !== ':memory:') return path.dirname(path.resolve(cwd, target));
  }
  return path.resolve(cwd, 'data');
}
