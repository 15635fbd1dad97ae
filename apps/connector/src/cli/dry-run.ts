import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createRegistry } from '../adapters/compose.js';
import { dryRunEvents } from '../api/dry-run.js';
import { eventsFromFileText } from '../api/dry-run-input.js';
import { createWorkspaceIndex } from '../workspaces.js';
import { CliError } from './action.js';
import { openExisting } from './database.js';
import { formatDryRun } from './dry-run-format.js';
import { loadConfigOrExit } from './load.js';
import { changeEventsInFile } from './simulators.js';

export interface DryRunOptions {
  json?: boolean;
  workspace?: string;
  config?: string;
}

/** The formats `hookpost dry-run --help` lists (the files under examples/events/ are one of each). */

/**
 * `hookpost dry-run <event-file>`: what each campaign would decide for the events in a
 * file, with the real CRM lookups and mailing history, opening the database read-only
 * (it must exist; nothing is written).
 *
 * @example
 * // npx hookpost dry-run examples/events/hubspot/contact-lifecycle-customer.json --json
 */
export async function runDryRun(file: string, options: DryRunOptions): Promise<void> {
  let text: string;
  try {
    text = readFileSync(path.resolve(file), 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
  const { config, dir } = loadConfigOrExit(options.config);
  if (options.workspace && !config.workspaces.some((w) => w.id === options.workspace))
    throw new CliError(
      `unknown workspace "${options.workspace}" (known: ${config.workspaces.map((w) => w.id).join(', ')})`,
    );
  const { handle } = await openExisting({ readOnly: true });
  try {
    // The same adapters, derived field lists and reads as the worker.
    const registry = createRegistry({ config, configDir: dir, db: handle.db, dialect: handle.dialect });
    const events = changeEventsInFile(text) ?? eventsFromFileText(text, registry);
    const workspaces = createWorkspaceIndex(config, registry);
    const results = await dryRunEvents(
      { db: handle.db, workspaces, registry },
      events,
      options.workspace ? { workspace: options.workspace } : {},
    );
    process.stdout.write(
      options.json ? `${JSON.stringify({ events: results }, null, 2)}\n` : `${formatDryRun(results)}\n`,
    );
  } finally {
    await handle.close();
  }
}
