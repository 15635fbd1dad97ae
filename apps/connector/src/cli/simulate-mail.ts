import { randomBytes } from 'node:crypto';
import { MAIL_STATUSES, type MailStatus, type MailStatusReport, signWebhook } from '@hookpost/core';
import { bundledDemoConfigPath, formatIssues, loadConfig, resolveConfigPath } from '../config/load.js';
import type { HookpostConfig } from '../config/schema.js';
import { CliError } from './action.js';
import { connectorUrlFrom } from './connector-client.js';

export interface SimulateMailOptions {
  trigger?: string;
  status?: string;
  destination?: string;
  workspace?: string;
  trackingId?: string;
  reason?: string;
  /** `address_corrected`: the corrected address as `line1, postalCode city, CC`. */
  address?: string;
}

export interface MailStatusRequest {
  path: string;
  headers: Record<string, string>;
  body: string;
  report: MailStatusReport;
}

const TRACKED: ReadonlySet<MailStatus> = new Set(['mailed', 'in_transit', 'delivered', 'returned_to_sender']);
const SAMPLE_REASONS: Partial<Record<MailStatus, string>> = {
  rejected: 'address_undeliverable',
  returned_to_sender: 'recipient_unknown',
};

function parseAddress(text: string): NonNullable<MailStatusReport['address']> {
  const match = /^\s*(.+?),\s*(\S+)\s+(.+?),\s*([A-Za-z]{2})\s*$/.exec(text);
  if (!match) throw new CliError(`--address expects "line1, postalCode city, CC", got "${text}"`);
  return { line1: match[1], postalCode: match[2], city: match[3], country: match[4]?.toUpperCase() };
}

/**
 * Builds a correctly signed `mail.status` webhook as a mail platform would send it to
 * `POST /webhooks/mail/:destination`: Standard Webhooks headers with the destination's
 * `statusSecret` (else `secret`), a fresh report id, and sample tracking for statuses a
 * carrier tracks. Throws `CliError` for unknown statuses, workspaces or destinations.
 *
 * @example
 * const request = buildMailStatusRequest(config, { trigger: 'trg_…', status: 'mailed' });
 * await fetch(`${baseUrl}${request.path}`, { method: 'POST', headers: request.headers, body: request.body });
 */
export function buildMailStatusRequest(
  config: HookpostConfig,
  options: SimulateMailOptions,
  now: Date = new Date(),
): MailStatusRequest {
  if (!options.trigger) throw new CliError('pass --trigger <trigger id> (see GET /api/triggers)');
  const status = options.status as MailStatus;
  if (!MAIL_STATUSES.includes(status))
    throw new CliError(`--status must be one of ${MAIL_STATUSES.join(', ')} (got "${options.status ?? ''}")`);
  const workspace = options.workspace
    ? config.workspaces.find((w) => w.id === options.workspace)
    : config.workspaces.find((w) => Object.values(w.destinations).some((d) => d.type === 'webhook'));
  if (!workspace)
    throw new CliError(
      options.workspace ? `no workspace "${options.workspace}"` : 'no workspace has a webhook destination',
    );
  const entries = Object.entries(workspace.destinations).filter(([, d]) => d.type === 'webhook');
  const found = options.destination ? entries.find(([name]) => name === options.destination) : entries[0];
  const destination = found?.[1];
  if (!found || destination?.type !== 'webhook')
    throw new CliError(
      `no webhook destination "${options.destination ?? ''}" in workspace ${workspace.id} (has: ${entries.map(([n]) => n).join(', ') || 'none'})`,
    );
  const name = found[0];
  const tracked = TRACKED.has(status);
  const report: MailStatusReport = {
    type: 'mail.status',
    id: `mst_sim_${randomBytes(8).toString('hex')}`,
    triggerId: options.trigger,
    status,
    occurredAt: now.toISOString(),
    trackingId: options.trackingId ?? (tracked ? `SIM${randomBytes(5).toString('hex').toUpperCase()}` : null),
    carrier: tracked ? 'deutsche_post' : null,
    expectedDeliveryAt:
      status === 'mailed' || status === 'in_transit'
        ? new Date(now.getTime() + 2 * 86_400_000).toISOString().slice(0, 10)
        : null,
    reason: options.reason ?? SAMPLE_REASONS[status] ?? null,
    address: options.address ? parseAddress(options.address) : null,
  };
  if (status === 'address_corrected' && !report.address)
    throw new CliError('address_corrected needs --address "line1, postalCode city, CC"');
  const signed = signWebhook(report.id, report, destination.statusSecret ?? destination.secret, {
    timestamp: now,
  });
  return {
    path: `/webhooks/mail/${encodeURIComponent(name)}`,
    headers: { 'content-type': 'application/json', ...signed.headers },
    body: signed.body,
    report,
  };
}

/** Sends the request to a running connector and prints what it answered. */
export async function simulateMail(
  config: HookpostConfig,
  baseUrl: string,
  options: SimulateMailOptions,
): Promise<void> {
  const request = buildMailStatusRequest(config, options);
  process.stdout.write(
    `-> POST ${baseUrl}${request.path}\n   ${request.report.status} for ${request.report.triggerId}\n`,
  );
  let response: Response;
  try {
    response = await fetch(`${baseUrl}${request.path}`, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
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
  process.stdout.write(`<- ${response.status} recorded: report ${request.report.id}\n`);
}

/**
 * `hookpost simulate mail --trigger <id> --status <status>`: loads the configuration (`-c`,
 * `--demo`, else as for start) for the destination's secret and sends one signed report.
 */
export async function runSimulateMail(
  options: SimulateMailOptions & { url?: string; demo?: boolean; config?: string },
): Promise<void> {
  const file = options.demo ? bundledDemoConfigPath() : (options.config ?? resolveConfigPath());
  const loaded = loadConfig(file);
  if (!loaded.ok) throw new CliError(formatIssues(loaded));
  await simulateMail(loaded.value, connectorUrlFrom(options), options);
}
