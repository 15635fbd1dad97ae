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
