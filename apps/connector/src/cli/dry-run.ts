import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { createRegistry } from '../adapters/compose.js';
import { type DryRunResult, dryRunEvents } from '../api/dry-run.js';
import { eventsFromFileText } from '../api/dry-run-input.js';
import { createWorkspaceIndex } from '../workspaces.js';
import { CliError, handled } from './action.js';
import { openMigrated } from './database.js';
import { loadConfigOrExit } from './load.js';
import { formatTable } from './table.js';

interface DryRunOptions {
  json?: boolean;
  workspace?: string;
  config?: string;
}

function why(decision: DryRunResult['decisions'][number]): string {
  if (decision.trigger) {
    const when = decision.trigger.sendAt ? `, send at ${decision.trigger.sendAt}` : '';
    return `would send ${decision.trigger.id} to "${decision.trigger.destination}"${when}`;
  }
  return [decision.reason, decision.detail].filter(Boolean).join(': ') || '-';
}

/** Human-readable: one block per event, one row per campaign with the reason for its outcome. */
export function formatDryRun(results: readonly DryRunResult[]): string {
  return results
    .map((r) => {
      const e = r.event;
      const head = `event ${e.id}  ${e.platform} ${e.objectType} ${e.objectId} ${e.kind}  workspace ${r.workspace ?? '(none)'}`;
      const status = `  => ${r.status}: ${r.reason}`;
      const rows = r.decisions.map((d) => [d.campaignId, d.outcome, why(d)]);
      const cancels = r.cancels.map((c) => `  would cancel ${c.triggerId}: ${c.reason}`);
      const table = rows.length > 0 ? [formatTable(['CAMPAIGN', 'OUTCOME', 'WHY'], rows)] : [];
      return [head, status, ...table, ...cancels].join('\n');
    })
    .join('\n\n');
}

/**
 * `hookpost dry-run <event-file>`: what each campaign would decide for the events in a
 * file (a CrmEvent JSON, or a payload a CRM adapter recognises: a HubSpot webhook batch,
 * Salesforce outbound-message XML),
 * with the real CRM lookups and mailing history, storing nothing.
 *
 * @example
 * // npx hookpost dry-run examples/events/lifecycle-customer.json --json
 */
export function dryRunCommand(): Command {
  return new Command('dry-run')
    .description("show each campaign's decision for the events in a file, and why (writes nothing)")
    .argument('<event-file>', 'CrmEvent JSON, or a CRM payload (webhook batch JSON, outbound-message XML)')
    .option('-w, --workspace <id>', 'decide in this workspace instead of routing by account')
    .option(
      '-c, --config <file>',
      'configuration file (default HOOKPOST_CONFIG, ./hookpost.config.yaml or the demo)',
    )
    .option('--json', 'print JSON instead of a table')
    .action(
      handled('dry-run', async function dryRun(file: string, options: DryRunOptions) {
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
        const { handle } = await openMigrated();
        try {
          // The same adapters, derived field lists and reads as the worker.
          const registry = createRegistry({ config, configDir: dir, db: handle.db });
          const events = eventsFromFileText(text, registry);
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
      }),
    );
}
