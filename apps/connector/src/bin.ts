#!/usr/bin/env node
import { Command } from 'commander';
import { dryRunCommand } from './cli/dry-run.js';
import { migrateCommand } from './cli/migrate.js';
import { replayCommand } from './cli/replay.js';
import { simulateCommand } from './cli/simulate.js';
import { runStart } from './cli/start.js';
import { formatIssues, loadConfig, resolveConfigPath } from './config/load.js';
import { runOnlineCheck } from './config/online-check.js';

const program = new Command()
  .name('hookpost')
  .description('Hookpost connector: CRM events in, signed direct-mail campaign triggers out')
  .showHelpAfterError();

program
  .command('start')
  .description('serve HTTP and run the worker and dispatcher')
  .option('-p, --port <port>', 'port to listen on (default PORT or 3000)')
  .option('--no-worker', 'serve HTTP only; run `hookpost worker` processes elsewhere')
  .action((options: { port?: string; worker: boolean }) => runStart({ http: true, ...options }));

program
  .command('worker')
  .description('run the worker and dispatcher only (no HTTP)')
  .action(() => runStart({ http: false, worker: true }));

const configCommand = program.command('config').description('configuration tools');
configCommand
  .command('check [file]')
  .description('validate a configuration file and list every problem with its path')
  .option('--online', "also check property names and option values against the CRMs' APIs")
  .action(async (file: string | undefined, options: { online?: boolean }) => {
    const result = loadConfig(file ?? resolveConfigPath());
    if (!result.ok) {
      process.stderr.write(`${formatIssues(result)}\n`);
      process.exitCode = 1;
      return;
    }
    if (options.online) {
      const issues = await runOnlineCheck(result.value, result.dir);
      if (issues.length > 0) {
        process.stderr.write(`${formatIssues({ ok: false, file: result.file, issues })}\n`);
        process.exitCode = 1;
        return;
      }
    }
    const campaigns = result.value.workspaces.reduce((n, w) => n + w.campaigns.length, 0);
    process.stdout.write(
      `${result.file}: ok (${result.value.workspaces.length} workspace(s), ${campaigns} campaign(s)${options.online ? ', checked online' : ''})\n`,
    );
  });

program.addCommand(migrateCommand());
program.addCommand(dryRunCommand());
program.addCommand(simulateCommand());
program.addCommand(replayCommand());

await program.parseAsync();
