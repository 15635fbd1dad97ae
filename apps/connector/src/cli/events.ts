import { setTimeout as sleep } from 'node:timers/promises';
import { type ConnectorOptions, connectorClient } from './connector-client.js';
import { formatTable } from './table.js';

interface EventItem {
  id: string;
  platform: string;
  workspace: string | null;
  objectType: string;
  objectId: string;
  kind: string;
  status: string;
  reason: string | null;
  receivedAt: string;
}

interface TriggerItem {
  id: string;
  workspace: string;
  campaign: string;
  eventId: string;
  status: string;
  reason: string | null;
  attemptCount: number;
  sendAt: string | null;
  updatedAt: string;
}

interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export interface ListOptions extends ConnectorOptions {
  json?: boolean;
  status?: string;
  workspace?: string;
  platform?: string;
  campaign?: string;
  limit: string;
}

const query = (params: Record<string, string | undefined>) => {
  const search = new URLSearchParams(
    Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== undefined),
  ).toString();
  return search ? `?${search}` : '';
};

const time = (iso: string | null) => (iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '-');

function eventRows(events: EventItem[]): string[][] {
  return events.map((e) => [
    e.id,
    time(e.receivedAt),
    `${e.platform} ${e.objectType} ${e.objectId}`,
    e.kind,
    e.workspace ?? '-',
    e.status,
    e.reason ?? '',
  ]);
}
const EVENT_HEADER = ['EVENT', 'RECEIVED', 'RECORD', 'KIND', 'WORKSPACE', 'STATUS', 'REASON'];

/** `hookpost events`: the latest events through the admin API, newest first. */
export async function runEvents(options: ListOptions): Promise<void> {
  const client = connectorClient(options);
  const page = await client.get<Page<EventItem>>(
    `/api/events${query({ status: options.status, workspace: options.workspace, platform: options.platform, limit: options.limit })}`,
  );
  if (options.json) {
    process.stdout.write(`${JSON.stringify(page, null, 2)}\n`);
    return;
  }
  process.stdout.write(
    page.data.length === 0 ? 'no events\n' : `${formatTable(EVENT_HEADER, eventRows(page.data), '')}\n`,
  );
}

/** `hookpost triggers`: the latest campaign triggers and where each one stands. */
export async function runTriggers(options: ListOptions): Promise<void> {
  const client = connectorClient(options);
  const page = await client.get<Page<TriggerItem>>(
    `/api/triggers${query({ status: options.status, workspace: options.workspace, campaign: options.campaign, limit: options.limit })}`,
  );
  if (options.json) {
    process.stdout.write(`${JSON.stringify(page, null, 2)}\n`);
    return;
  }
  const rows = page.data.map((t) => [
    t.id,
    time(t.updatedAt),
    t.workspace,
    t.campaign,
    t.status,
    String(t.attemptCount),
    t.status === 'pending' && t.sendAt ? `send at ${time(t.sendAt)}` : (t.reason ?? ''),
  ]);
  process.stdout.write(
    rows.length === 0
      ? 'no triggers\n'
      : `${formatTable(['TRIGGER', 'UPDATED', 'WORKSPACE', 'CAMPAIGN', 'STATUS', 'ATTEMPTS', 'REASON'], rows, '')}\n`,
  );
}

export interface TailOptions extends ConnectorOptions {
  json?: boolean;
  interval: string;
}

/**
 * `hookpost tail`: prints events as the connector receives them and again when their
 * status changes (pending → triggered / skipped / …), until interrupted. `--json` prints
 * one JSON object per line.
 */
export async function runTail(options: TailOptions): Promise<void> {
  const client = connectorClient(options);
  const intervalMs = Math.max(200, Number(options.interval) * 1000 || 1000);
  const seen = new Map<string, string>();
  let first = true;
  let stop = false;
  process.once('SIGINT', () => {
    stop = true;
  });
  if (!options.json) process.stdout.write(`${formatTable(EVENT_HEADER, [], '')}\n`);
  while (!stop) {
    const page = await client.get<Page<EventItem>>('/api/events?limit=100');
    // The first page is the past: remembered, not printed.
    const changed = first ? [] : page.data.filter((e) => seen.get(e.id) !== e.status).reverse();
    for (const e of page.data) seen.set(e.id, e.status);
    if (first) process.stderr.write('watching for new events (Ctrl-C to stop)\n');
    first = false;
    for (const e of changed) {
      process.stdout.write(
        options.json
          ? `${JSON.stringify(e)}\n`
          : `${formatTable(EVENT_HEADER, eventRows([e]), '').split('\n')[1]}\n`,
      );
    }
    await sleep(intervalMs);
  }
}
