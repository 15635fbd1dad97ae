import { openMigrated } from './database.js';

/**
 * `hookpost migrate`: applies pending migrations to DATABASE_URL (creating the SQLite file
 * if needed) and lists them.
 *
 * @example
 * // DATABASE_URL=postgres://… npx hookpost migrate
 */
export async function runMigrate(): Promise<void> {
  const { handle, applied, label } = await openMigrated();
  try {
    if (applied.length === 0) process.stdout.write(`${label}: up to date, nothing to apply\n`);
    else
      process.stdout.write(
        `${label}: applied ${applied.length} migration(s)\n${applied.map((m) => `  ${m}\n`).join('')}`,
      );
  } finally {
    await handle.close();
  }
}
