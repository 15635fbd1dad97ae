import { Command } from 'commander';
import { handled } from './action.js';
import { openMigrated } from './database.js';

/**
 * `hookpost migrate`: applies pending migrations to DATABASE_URL and lists them.
 *
 * @example
 * // DATABASE_URL=postgres://… npx hookpost migrate
 */
export function migrateCommand(): Command {
  return new Command('migrate')
    .description('apply pending database migrations to DATABASE_URL (start does this too)')
    .action(
      handled('migrate', async function migrate() {
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
      }),
    );
}
