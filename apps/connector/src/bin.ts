#!/usr/bin/env node
import { Command } from 'commander';
import { runStart } from './cli/start.js';
import { formatIssues, loadConfig, resolveConfigPath } from './config/load.js';

const program = new Command()
  .name('hookpost')
  .description('Hookpost connector: CRM events in, signed direct-mail campaign triggers out')
  .showHelpAfterError();

program
  .command('start')
  .description('serve HTTP and run the worker and dispatcher')
  .option('-p, --port <port>', 'port to listen on (default PORT or 3000)')
  .action((options: { port?: string }) => runStart({ http: true, worker: true, ...options }));

program
  .command('worker')
  .description('run the worker and dispatcher only (no HTTP)')
  .action(() => runStart({ http: false, worker: true }));

const configCommand = program.command('config').description('configuration tools');
configCommand
  .command('check [file]')
  .description('validate a configuration file and list every problem with its path')
  .action((file?: string) => {
    const result = loadConfig(file ?? resolveConfigPath());
    if (!result.ok) {
      process.stderr.write(`${formatIssues(result)}\n`);
      process.exitCode = 1;
      return;
    }
    const campaigns = result.value.workspaces.reduce((n, w) => n + w.campaigns.length, 0);
    process.stdout.write(
      `${result.file}: ok (${result.value.workspaces.length} workspace(s), ${campaigns} campaign(s))\n`,
    );
  });

await program.parseAsync();
