import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { handled } from './action.js';

// Command modules are imported when their command runs, so `--help` and `--version` load
// only commander (the server, database drivers and CRM packages take most of a second).
const collect = (value: string, previous: string[]) => [...previous, value];
const version = (): string =>
  (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string })
    .version;

const urlOption = [
  '--url <url>',
  'the running connector (default HOOKPOST_URL or http://localhost:${PORT:-3000})',
] as const;

/** The `hookpost` command line (command names as documented: start, worker, migrate, config check, dry-run, simulate, replay, events, triggers, tail, suppress, prune). */
export function buildProgram(): Command {
  const program = new Command()
    .name('hookpost')
    .description('Hookpost connector: CRM events in, signed direct-mail campaign triggers out')
    .version(version(), '-v, --version')
    .showHelpAfterError();

  program
    .command('start')
    .description('serve HTTP and run the worker and dispatcher (HOST, PORT, DATABASE_URL)')
    .option('-p, --port <port>', 'port to listen on (default PORT or 3000)')
    .option('--no-worker', 'serve HTTP only; run `hookpost worker` processes elsewhere')
    .action(async (options: { port?: string; worker: boolean }) =>
      (await import('./start.js')).runStart({ http: true, ...options }),
    );
  program
    .command('worker')
    .description('run the worker and dispatcher only (no HTTP)')
    .action(async () => (await import('./start.js')).runStart({ http: false, worker: true }));
  program
    .command('migrate')
    .description(
      'apply pending database migrations to DATABASE_URL (creates the database; start does this too)',
    )
    .action(handled('migrate', async () => (await import('./migrate.js')).runMigrate()));
  program
    .command('config')
    .description('configuration tools')
    .command('check [file]')
    .description('validate a configuration: every problem with its path, and campaigns that cannot work')
    .option('--online', "also check property names and option values against the CRMs' APIs")
    .action(
      handled('config check', async (file: string | undefined, options: { online?: boolean }) =>
        (await import('./config-check.js')).runConfigCheck(file, options),
      ),
    );

  program
    .command('dry-run')
    .description("show each campaign's decision for the events in a file, and why (read-only)")
    .argument('<event-file>', 'HubSpot batch, Salesforce outbound message or change event, or a CrmEvent')
    .option('-w, --workspace <id>', 'decide in this workspace instead of routing by account')
    .option(
      '-c, --config <file>',
      'configuration file (default HOOKPOST_CONFIG, ./hookpost.config.yaml or the demo)',
    )
    .option('--json', 'print JSON instead of a table')
    .addHelpText('after', DRY_RUN_HELP)
    .action(
      handled('dry-run', async (file: string, options) =>
        (await import('./dry-run.js')).runDryRun(file, options),
      ),
    );

  program
    .command('simulate')
    .description('send a signed sample CRM event to a running connector and show what became of it')
    .argument(
      '<platform>',
      'hubspot, salesforce (outbound message), cdc (Salesforce change event) or mail (a mail platform status report)',
    )
    .option(...urlOption)
    .option('--demo', "use the bundled demo configuration's workspace and records")
    .option('-c, --config <file>', 'configuration file (default as for start)')
    .option('-w, --workspace <id>', 'workspace to send as (default: the first with this platform)')
    .option('--file <file>', 'send this sample file (examples/events/) instead of building one')
    .option(
      '--type <type>',
      'hubspot: subscription type, e.g. deal.propertyChange, object.creation, contact.merge, contact.privacyDeletion, workflow-action',
    )
    .option(
      '--object <type>',
      'hubspot object.*: contact|company|deal|ticket|<id>; salesforce/cdc: Contact|Lead|Opportunity|Account',
    )
    .option('--object-id <id>', 'the record id (default: demo contact 101 / a new Salesforce id)')
    .option('--property <name>', 'hubspot property change: the property (default lifecyclestage)')
    .option('--value <value>', 'hubspot property change: its new value (default customer)')
    .option('--campaign <id>', 'hubspot workflow-action: the campaign input field')
    .option('--change <type>', 'cdc: CREATE, UPDATE, DELETE or UNDELETE (default UPDATE)')
    .option(
      '--field <Name=value>',
      'salesforce/cdc: a field of the record; hubspot workflow-action: a property (repeatable)',
      collect,
      [],
    )
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
    .option('--tracking-id <id>', 'mail: the carrier tracking id (default: a sample for tracked statuses)')
    .option('--reason <text>', 'mail: the reason of a rejected or returned piece')
    .addHelpText(
      'after',
      `
Examples:
  hookpost simulate hubspot --demo --type contact.propertyChange --property lifecyclestage --value customer
  hookpost simulate hubspot --demo --type deal.propertyChange --object-id 301 --property dealstage --value closedwon
  hookpost simulate hubspot --demo --type object.creation --object company --object-id 201
  hookpost simulate hubspot --demo --type workflow-action --campaign welcome-pack
  hookpost simulate salesforce --demo --object Lead --field Status=Qualified
  hookpost simulate cdc --demo --object Opportunity --field StageName="Closed Won"
  hookpost simulate hubspot --demo --file examples/events/hubspot/contact-lifecycle-customer.json
  hookpost simulate mail --trigger trg_… --status mailed`,
    )
    .action(
      handled('simulate', async (platform: string, options) =>
        // A mail platform is no CRM: its reports are built here, not by a CRM simulator.
        platform === 'mail'
          ? (await import('./simulate-mail.js')).runSimulateMail(options)
          : (await import('./simulate.js')).runSimulate(platform, options),
      ),
    );

  program
    .command('replay')
    .description('send a dead or cancelled trigger again, or all dead ones with --dead (database must exist)')
    .argument('[trigger-id]', 'the trigger to replay (trg_…)')
    .option('--dead', 'replay every dead trigger')
    .option('-w, --workspace <id>', 'with --dead: only this workspace')
    .action(
      handled('replay', async (id: string | undefined, options) =>
        (await import('./replay.js')).runReplay(id, options),
      ),
    );

  const list = (name: string, description: string, run: 'runEvents' | 'runTriggers') =>
    program
      .command(name)
      .description(description)
      .option(...urlOption)
      .option('--status <status>', 'only this status')
      .option('-w, --workspace <id>', 'only this workspace')
      .option('--limit <n>', 'how many (newest first)', '20')
      .option('--json', 'print the API page as JSON')
      .action(handled(name, async (options) => (await import('./events.js'))[run](options)));
  list('events', 'list recent events and their status, through the connector admin API', 'runEvents').option(
    '--platform <platform>',
    'only hubspot or salesforce',
  );
  list(
    'triggers',
    'list recent campaign triggers and their delivery status, through the admin API',
    'runTriggers',
  ).option('--campaign <id>', 'only this campaign');
  program
    .command('tail')
    .description('print events as the connector receives and decides them (Ctrl-C to stop)')
    .option(...urlOption)
    .option('--interval <seconds>', 'poll interval', '1')
    .option('--json', 'one JSON object per line')
    .action(handled('tail', async (options) => (await import('./events.js')).runTail(options)));

  const suppress = program.command('suppress').description('the suppression list: people never to be mailed');
  const who = (c: Command) =>
    c
      .requiredOption('-w, --workspace <id>', 'the workspace')
      .option('--email <address>', 'an e-mail address (stored as a hash)')
      .option('--record <ref>', 'a CRM record: platform:objectType:id, e.g. hubspot:contact:123');
  who(suppress.command('add').description('suppress a person (by e-mail or CRM record)'))
    .option('--reason <text>', 'why (default operator)')
    .action(
      handled('suppress add', async (options) => (await import('./suppress.js')).runSuppressAdd(options)),
    );
  who(suppress.command('remove').description('lift an operator suppression')).action(
    handled('suppress remove', async (options) => (await import('./suppress.js')).runSuppressRemove(options)),
  );
  suppress
    .command('list')
    .description('list the suppressions of a workspace (hashes; read-only)')
    .requiredOption('-w, --workspace <id>', 'the workspace')
    .option('--json', 'print JSON')
    .action(
      handled('suppress list', async (options) => (await import('./suppress.js')).runSuppressList(options)),
    );
  suppress
    .command('import')
    .description('suppress every address or record of a CSV file (header with an email or record column)')
    .argument('<csv>', 'the file')
    .requiredOption('-w, --workspace <id>', 'the workspace')
    .option('--reason <text>', 'why (default operator)')
    .action(
      handled('suppress import', async (file: string, options) =>
        (await import('./suppress.js')).runSuppressImport(file, options),
      ),
    );

  program
    .command('prune')
    .description(
      'retention: delete finished events, decisions and undelivered triggers older than a duration',
    )
    .requiredOption('--older-than <duration>', 'ISO-8601 duration, e.g. P90D')
    .option('--json', 'print the counts as JSON')
    .action(handled('prune', async (options) => (await import('./prune.js')).runPrune(options)));
  return program;
}

const DRY_RUN_HELP = `
File formats (detected from the content; examples/events/ has one of each):
  HubSpot webhook batch     JSON array, as HubSpot POSTs it:
                            [{"eventId":1,"subscriptionId":1,"portalId":62515,"occurredAt":1700000000000,
                              "subscriptionType":"contact.propertyChange","objectId":101,
                              "propertyName":"lifecyclestage","propertyValue":"customer"}]
  Salesforce outbound msg   SOAP XML: <soapenv:Envelope>…<notifications>…<Notification>…
  Salesforce change event   JSON {"organizationId":"00D…","replayId":"1",
                                  "payload":{"ChangeEventHeader":{"entityName":"Contact",…},…fields}}
  Normalised event          JSON object: a CrmEvent {"id":"evt_…","platform":"hubspot",…}
The database (DATABASE_URL) is opened read-only and must exist.`;
