import { readFileSync } from 'node:fs';
import { bundledDemoConfigPath, formatIssues, loadConfig, resolveConfigPath } from '../config/load.js';
import type { HookpostConfig, WorkspaceConfig } from '../config/schema.js';
import { CliError } from './action.js';
import { type ConnectorClient, connectorClient } from './connector-client.js';
import { type DryRunResultView, formatDryRun } from './dry-run-format.js';
import { followEvent, formatEventView } from './follow.js';
import { SIMULATORS, type SimulateOptions, type Simulator } from './simulators.js';

export interface SimulateCommandOptions extends SimulateOptions {
  url?: string;
  workspace?: string;
  demo?: boolean;
  config?: string;
  file?: string;
  wait: string;
}

function loadFor(options: SimulateCommandOptions): HookpostConfig {
  const file = options.demo ? bundledDemoConfigPath() : (options.config ?? resolveConfigPath());
  const result = loadConfig(file);
  if (!result.ok) throw new CliError(formatIssues(result));
  process.stderr.write(`config: ${result.file}\n`);
  return result.value;
}

function pickWorkspace(
  config: HookpostConfig,
  simulator: Simulator,
  options: SimulateCommandOptions,
): WorkspaceConfig {
  const wanted = options.workspace ?? (options.demo ? 'demo' : undefined);
  const workspace = wanted
    ? config.workspaces.find((w) => w.id === wanted)
    : config.workspaces.find((w) => w[simulator.block] !== undefined);
  if (!workspace)
    throw new CliError(
      wanted
        ? `no workspace "${wanted}" in the configuration`
        : `no workspace has a ${simulator.block} block`,
    );
  if (!workspace[simulator.block])
    throw new CliError(`workspace ${workspace.id} has no ${simulator.block} block`);
  return workspace;
}

/**
 * `hookpost simulate <platform>`: sends what the CRM would send (correctly signed) to a
 * running connector, then follows each event through the admin API and prints its
 * decisions and the trigger's fate. Change Data Capture is pulled by the connector from
 * Salesforce, so `cdc` samples are decided by the connector's `/api/dry-run` instead.
 */
export async function runSimulate(platform: string, options: SimulateCommandOptions): Promise<void> {
  const simulator = SIMULATORS[platform];
  if (!simulator)
    throw new CliError(
      `unknown platform "${platform}": use ${[...Object.keys(SIMULATORS), 'mail'].join(', ')}`,
    );
  const config = loadFor(options);
  const workspace = pickWorkspace(config, simulator, options);
  const simulated = options.file
    ? simulator.fromFile(config, workspace, readSample(options.file))
    : simulator.build(config, workspace, options);
  const client = connectorClient(options);
  if ('dryRun' in simulated) {
    process.stdout.write(`-> POST ${client.baseUrl}/api/dry-run\n   ${simulated.dryRun.summary}\n`);
    const results: DryRunResultView[] = [];
    for (const event of simulated.dryRun.events) {
      const answer = await client.post<{ events: DryRunResultView[] }>('/api/dry-run', {
        workspace: workspace.id,
        event,
      });
      results.push(...answer.events);
    }
    process.stdout.write(`${formatDryRun(results)}\n`);
    return;
  }
  const { send } = simulated;
  // The Salesforce path holds the endpoint token, a secret: never print it.
  // A secret in the path (an endpoint token) is not printed: the simulator says what to show.
  const shown = send.shownPath ?? send.path;
  process.stdout.write(`-> POST ${client.baseUrl}${shown}\n   ${send.summary}\n`);
  const answer = await client.send(send.path, send);
  if (answer.status >= 300) throw new CliError(`the connector answered ${answer.status}: ${answer.text}`);
  process.stdout.write(
    `<- ${answer.status} accepted: ${send.eventIds.map((id) => `event ${id}`).join(', ')}\n`,
  );
  for (const id of send.eventIds) await follow(client, id, Number(options.wait));
}

function readSample(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
}

async function follow(client: ConnectorClient, eventId: string, waitSeconds: number): Promise<void> {
  if (!(waitSeconds > 0)) return;
  const { view, settled, error } = await followEvent(client, eventId, waitSeconds * 1000);
  if (view) process.stdout.write(`${formatEventView(view)}\n`);
  if (!settled)
    process.stdout.write(`still in progress after ${waitSeconds} s${error ? ` (${error})` : ''}\n`);
}
