import { replayDeadTriggers, replayTrigger } from '../store/replay.js';
import { CliError } from './action.js';
import { openExisting } from './database.js';

export interface ReplayOptions {
  dead?: boolean;
  workspace?: string;
}

/**
 * `hookpost replay <trigger-id>` / `hookpost replay --dead [--workspace x]`: puts dead or
 * cancelled triggers back in the queue, directly in the database (the same code as
 * `POST /api/triggers/:id/replay`); a running dispatcher sends them within its next poll.
 * The database must exist: replaying against a new empty one would silently find nothing.
 *
 * @example
 * // npx hookpost replay --dead --workspace acme
 */
export async function runReplay(triggerId: string | undefined, options: ReplayOptions): Promise<void> {
  if (Boolean(triggerId) === Boolean(options.dead)) throw new CliError('pass either a trigger id or --dead');
  if (options.workspace && !options.dead) throw new CliError('--workspace goes with --dead');
  const { handle } = await openExisting({ readOnly: false });
  try {
    if (options.dead) {
      const { ids } = await replayDeadTriggers(
        handle.db,
        options.workspace ? { workspace: options.workspace } : {},
      );
      const scope = options.workspace ? ` in workspace ${options.workspace}` : '';
      process.stdout.write(
        `replayed ${ids.length} dead trigger(s)${scope}\n${ids.map((id) => `  ${id}\n`).join('')}`,
      );
      return;
    }
    const result = await replayTrigger(handle.db, String(triggerId));
    if (!result.ok) throw new CliError(result.message);
    process.stdout.write(`replayed ${result.value.id} (was ${result.value.previousStatus}); now pending\n`);
  } finally {
    await handle.close();
  }
}
