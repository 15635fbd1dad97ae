import { Command } from 'commander';
import { bundledDemoConfigPath, formatIssues, loadConfig, resolveConfigPath } from '../config/load.js';
import type { HookpostConfig, WorkspaceConfig } from '../config/schema.js';
import { dataDirFor } from '../db/connect.js';
import { CliError, handled } from './action.js';
import { readAdminToken } from './admin-token.js';
import { databaseUrlFrom } from './database.js';
import { followEvent, formatEventView } from './follow.js';
import { hubspotSample, type SampleRequest, salesforceSample } from './samples.js';
import { type SimulateMailOptions, simulateMail } from './simulate-mail.js';

type Platform = 'hubspot' | 'salesforce';

type SimulateOptions = {
  url?: string;
  workspace?: string;
  objectId?: string;
  demo?: boolean;
  config?: string;
  property: string;
  value: string;
  field: string[];
  wait: string;
} & SimulateMailOptions;

/** Contact 101 of examples/demo-dataset.json: a German address, so the welcome pack fires. */
const DEMO_HUBSPOT_CONTACT = '101';
const SAMPLE_SALESFORCE_CONTACT = '0035e00000AbCdEAAV';

function loadFor(options: SimulateOptions): HookpostConfig {
  const file = options.demo ? bundledDemoConfigPath() : (options.config ?? resolveConfigPath());
  const result = loadConfig(file);
  if (!result.ok) throw new CliError(formatIssues(result));
  return result.value;
}

function pickWorkspace(
  config: HookpostConfig,
  platform: Platform,
  options: SimulateOptions,
): WorkspaceConfig {
  const wanted = options.workspace ?? (options.demo ? 'demo' : undefined);
  const workspace = wanted
    ? config.workspaces.find((w) => w.id === wanted)
    : config.workspaces.find((w) => w[platform] !== undefined);
  if (!workspace)
    throw new CliError(
      wanted ? `no workspace "${wanted}" in the configuration` : `no workspace has a ${platform} block`,
    );
  return workspace;
}

function sampleFor(platform: Platform, config: HookpostConfig, options: SimulateOptions): SampleRequest {
  const workspace = pickWorkspace(config, platform, options);
  if (platform === 'hubspot') {
    const objectId = options.objectId ?? (options.demo ? DEMO_HUBSPOT_CONTACT : undefined);
    if (!objectId) throw new CliError('pass --object-id <contact id> (or --demo for the demo contact)');
    return hubspotSample(config, workspace, { objectId, property: options.property, value: options.value });
  }
  const fields = Object.fromEntries(
    options.field.map((pair) => {
      const at = pair.indexOf('=');
      if (at < 1) throw new CliError(`--field expects Name=value, got "${pair}"`);
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
  return salesforceSample(workspace, { objectId: options.objectId ?? SAMPLE_SALESFORCE_CONTACT, fields });
}

/**
 * `hookpost simulate hubspot|salesforce`: sends a correctly signed sample event to a
 * running connector (like `stripe trigger`), then follows it through the admin API and
 * prints the decisions and the trigger's fate.
 *
 * @example
 * // npm start  (in another terminal)
 * // npx hookpost simulate hubspot --demo
 */
export function simulateCommand(): Command {
  return new Command('simulate')
    .description('send a signed sample CRM event to a running connector and follow it')
    .argument('<platform>', 'hubspot, salesforce or mail')
    .option('--url <url>', 'the connector (default http://localhost:${PORT:-3000})')
    .option('--demo', "use the bundled demo configuration's workspace and records")
    .option('-c, --config <file>', 'configuration file (default as for start)')
    .option('-w, --workspace <id>', 'workspace to send as (default: the first with this platform)')
    .option('--object-id <id>', 'the record id (HubSpot contact; Salesforce Contact)')
    .option('--property <name>', 'HubSpot: the property that changed', 'lifecyclestage')
    .option('--value <value>', 'HubSpot: its new value', 'customer')
    .option('--field <Name=value>', 'Salesforce: set a field of the Contact (repeatable)', collect, [])
    .option('--wait <seconds>', 'how long to follow the event (0: do not)', '15')
    .option('--trigger <id>', 'mail: the piece (trigger id) the status is about')
    .option(
      '--status <status>',
      'mail: accepted, printed, mailed, in_transit, delivered, returned_to_sender, …',
    )
    .option(
      '--destination <name>',
      'mail: the destination reporting (default: the first webhook destination)',
    )
    .option('--address <address>', 'mail: corrected address "line1, postalCode city, CC"')
    .action(
      handled('simulate', async function simulate(platform: string, options: SimulateOptions) {
        if (platform === 'mail')
          return simulateMail(
            loadFor(options),
            (options.url ?? `http://localhost:${process.env.PORT || 3000}`).replace(/\/+$/, ''),
            options,
          );
        if (platform !== 'hubspot' && platform !== 'salesforce')
          throw new CliError(`unknown platform "${platform}": use hubspot or salesforce`);
        const config = loadFor(options);
        const sample = sampleFor(platform, config, options);
        const baseUrl = (options.url ?? `http://localhost:${process.env.PORT || 3000}`).replace(/\/+$/, '');
        process.stdout.write(
          `-> POST ${baseUrl}${platform === 'hubspot' ? sample.path : '/webhooks/salesforce/…'}\n   ${sample.summary}\n`,
        );
        let response: Response;
        try {
          response = await fetch(`${baseUrl}${sample.path}`, {
            method: 'POST',
            headers: sample.headers,
            body: sample.body,
          });
        } catch (error) {
          throw new CliError(
            `cannot reach the connector at ${baseUrl}: ${(error as Error).message} (is it running?)`,
            {
              cause: error,
            },
          );
        }
        const answer = (await response.text()).slice(0, 500);
        if (!response.ok) throw new CliError(`the connector answered ${response.status}: ${answer}`);
        process.stdout.write(`<- ${response.status} accepted: event ${sample.eventId}\n`);
        await follow(baseUrl, sample.eventId, Number(options.wait));
      }),
    );
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

async function follow(baseUrl: string, eventId: string, waitSeconds: number): Promise<void> {
  if (!(waitSeconds > 0)) return;
  const token = readAdminToken(dataDirFor(databaseUrlFrom()));
  if (!token) {
    process.stdout.write(
      'cannot follow the event: set HOOKPOST_ADMIN_TOKEN (or run where the connector keeps data/admin-token)\n',
    );
    return;
  }
  const { view, settled, error } = await followEvent(baseUrl, eventId, token, waitSeconds * 1000);
  if (view) process.stdout.write(`${formatEventView(view)}\n`);
  if (!settled)
    process.stdout.write(`still in progress after ${waitSeconds} s${error ? ` (${error})` : ''}\n`);
}
