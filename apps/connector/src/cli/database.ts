import { existsSync } from 'node:fs';
import {
  type DatabaseHandle,
  DEFAULT_DATABASE_URL,
  openDatabase,
  redactUrl,
  sqliteFileOf,
} from '../db/connect.js';
import { migrateToLatest } from '../db/migrations.js';
import { CliError } from './action.js';

/** `DATABASE_URL` or the default SQLite file, as `hookpost start` resolves it. */
export const databaseUrlFrom = (env: NodeJS.ProcessEnv = process.env) =>
  env.DATABASE_URL || DEFAULT_DATABASE_URL;

/** Every command says which database it works on, on stderr so `--json` output stays clean. */
function announce(label: string, mode: string): void {
  process.stderr.write(`database: ${label}${mode ? ` (${mode})` : ''}\n`);
}

/**
 * Opens the database a command works on and brings its schema up to date, creating it if
 * needed: for `migrate` and `start` only.
 */
export async function openMigrated(
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ handle: DatabaseHandle; applied: string[]; label: string }> {
  const url = databaseUrlFrom(env);
  const label = redactUrl(url);
  announce(label, '');
  const handle = openDatabase(url);
  try {
    const applied = await migrateToLatest(handle.db as never);
    return { handle, applied, label };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/**
 * Opens a database that must already exist (every command but `migrate` and `start`): a
 * missing SQLite file is an error naming the path, never a new empty database that
 * answers "nothing found". `readOnly` commands (`dry-run`, `suppress list`) cannot write.
 * Commands that write bring the schema up to date first.
 */
export async function openExisting(
  { readOnly }: { readOnly: boolean },
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ handle: DatabaseHandle; label: string }> {
  const url = databaseUrlFrom(env);
  const label = redactUrl(url);
  announce(label, readOnly ? 'read-only' : '');
  const file = sqliteFileOf(url);
  if (file !== null && !existsSync(file))
    throw new CliError(
      `no database at ${file} (DATABASE_URL=${label}${env.DATABASE_URL ? '' : ', the default'}): ` +
        'point DATABASE_URL at the connector’s database, or create one with `hookpost migrate`',
    );
  const handle = openDatabase(url, process.cwd(), { readOnly });
  try {
    if (!(await handle.ping())) throw new CliError(`cannot connect to the database ${label}`);
    if (!readOnly) await migrateToLatest(handle.db as never);
    return { handle, label };
  } catch (error) {
    await handle.close();
    throw error;
  }
}
