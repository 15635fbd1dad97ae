/**
 * Listing with 1,000,000 stored events (the console's events page and the admin API), and
 * what the `0006_console_listing_indexes` indexes cost ingest. SQLite file (WAL), one
 * process; prints Markdown rows for BENCHMARKS.md.
 *
 *   npm run bench:console -w apps/connector     # BENCH_LISTING_EVENTS=200000 for a quicker run
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { createAdminApi } from '../src/api/router.js';
import { parseConfigText } from '../src/config/load.js';
import { openDatabase } from '../src/db/connect.js';
import { migrateToLatest } from '../src/db/migrations.js';
import type { Database } from '../src/db/types.js';
import { createLogger } from '../src/log.js';
import { startConnector } from '../src/runtime.js';

const EVENTS = Number(process.env.BENCH_LISTING_EVENTS ?? 1_000_000);
const INGEST_SAMPLE = Math.min(EVENTS, Number(process.env.BENCH_INGEST_EVENTS ?? 100_000));
const REQUESTS = Number(process.env.BENCH_LISTING_REQUESTS ?? 200);
const BATCH = 500;
const ROUNDS = Number(process.env.BENCH_INGEST_ROUNDS ?? 3);
const TOKEN = 'bench-admin-token-0123456789';
const STATUSES = ['triggered', 'no_match', 'no_match', 'no_match', 'skipped', 'failed'] as const;
const INDEXES = ['events_received', 'triggers_created', 'raw_deliveries_received'];
const NOW = Date.now();
const SPAN_MS = 30 * 86_400_000;

function eventRow(i: number, salt: string) {
  return {
    id: `evt_${salt}_${i.toString(36).padStart(8, '0')}`,
    platform: i % 3 === 0 ? 'salesforce' : 'hubspot',
    account_id: '62515',
    external_id: `${salt}:${i}`,
    workspace_id: i % 4 === 0 ? 'beta' : 'acme',
    channel: 'webhook',
    object_type: 'contact',
    object_id: String(1 + (i % 200_000)),
    kind: 'updated',
    occurred_at: NOW - SPAN_MS + Math.floor((i / EVENTS) * SPAN_MS),
    received_at: NOW - SPAN_MS + Math.floor((i / EVENTS) * SPAN_MS),
    raw_delivery_id: `raw_${Math.floor(i / 100)}`,
    payload: JSON.stringify({ changes: { lifecyclestage: { value: 'customer' } }, objectId: String(i) }),
    status: STATUSES[i % STATUSES.length] as (typeof STATUSES)[number],
    reason: null,
    attempts: 1,
    lease_owner: null,
    lease_until: 0,
    processed_at: NOW,
  };
}

/**
 * The decisions and pieces a decided history holds beside its events, so a recipient search
 * meets them (`recipient=CRM id` reads both): a triggered event made a piece (~800-byte
 * payload) for its own record; every triggered or skipped event has a decision row, one in
 * ten about another record (an opportunity's contact: `recipient_id`, the id a search seeks).
 */
function historyRows(i: number, salt: string) {
  const event = eventRow(i, salt);
  const status = event.status;
  if (status !== 'triggered' && status !== 'skipped') return null;
  const other = i % 10 === 0 ? String(200_001 + (i % 50_000)) : null;
  const recipientRef = `${event.platform}:contact:${other ?? event.object_id}`;
  const triggerId = status === 'triggered' ? `trg_${salt}_${i.toString(36).padStart(8, '0')}` : null;
  const decision = {
    event_id: event.id,
    run: 1,
    campaign_id: 'welcome',
    workspace_id: event.workspace_id,
    outcome: status,
    reason: status === 'skipped' ? 'incomplete_address' : null,
    detail: null,
    trigger_id: triggerId,
    recipient_ref: recipientRef,
    recipient_id: other,
    created_at: event.processed_at,
  };
  const trigger = triggerId && {
    id: triggerId,
    dedupe_key: triggerId,
    workspace_id: event.workspace_id,
    campaign_id: 'welcome',
    destination: 'lob',
    event_id: event.id,
    recipient_key: recipientRef,
    recipient_ref: recipientRef,
    source_ref: `${event.platform}:contact:${event.object_id}`,
    recipient_hashes: '{}',
    status: 'delivered' as const,
    reason: null,
    payload: JSON.stringify({ recipient: { name: 'Erika Mustermann' }, padding: 'x'.repeat(700) }),
    send_at: null,
    next_attempt_at: event.received_at,
    attempts: 1,
    retry_window_start: event.received_at,
    created_at: event.received_at,
    updated_at: event.received_at,
    delivered_at: event.received_at,
    lease_owner: null,
    lease_until: 0,
    callback_id: null,
    last_error: null,
  };
  return { decision, trigger };
}

/** Adds `historyRows` for the first `count` events, in transactions of BATCH events. */
async function insertHistory(db: Kysely<Database>, count: number, salt: string): Promise<void> {
  for (let from = 0; from < count; from += BATCH) {
    const rows = Array.from({ length: Math.min(BATCH, count - from) }, (_, k) =>
      historyRows(from + k, salt),
    ).filter((r) => r !== null);
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('decision_rows')
        .values(rows.map((r) => r.decision))
        .execute();
      const triggers = rows.flatMap((r) => (r.trigger ? [r.trigger] : []));
      if (triggers.length > 0) await trx.insertInto('triggers').values(triggers).execute();
    });
  }
}

/** Inserts `count` events in transactions of BATCH rows; returns events per second. */
async function insertEvents(db: Kysely<Database>, count: number, salt: string): Promise<number> {
  const started = performance.now();
  for (let from = 0; from < count; from += BATCH) {
    const rows = Array.from({ length: Math.min(BATCH, count - from) }, (_, k) => eventRow(from + k, salt));
    await db.insertInto('events').values(rows).execute();
  }
  return count / ((performance.now() - started) / 1000);
}

interface IngestCost {
  without: number;
  with: number;
  bytesWithout: number;
  bytesWith: number;
}

/**
 * Events/s inserting INGEST_SAMPLE events into a fresh database with and without the listing
 * indexes: a warm-up, then ROUNDS alternating rounds, median of each (a shared machine is
 * noisy); and the database size either way, which does not depend on the machine.
 */
async function ingestCost(dir: string): Promise<IngestCost> {
  const rates: Record<'without' | 'with', number[]> = { without: [], with: [] };
  const bytes = { without: 0, with: 0 };
  const plan = [
    'warmup',
    ...Array.from({ length: ROUNDS }, () => ['without', 'with'] as const).flat(),
  ] as const;
  for (const [round, variant] of plan.entries()) {
    const file = path.join(dir, `ingest-${round}.db`);
    const handle = openDatabase(`sqlite:${file}`);
    await migrateToLatest(handle.db as never);
    if (variant === 'without') for (const name of INDEXES) await handle.db.schema.dropIndex(name).execute();
    const rate = await insertEvents(handle.db, INGEST_SAMPLE, `${variant}${round}`);
    await handle.close();
    if (variant === 'warmup') continue;
    rates[variant].push(rate);
    bytes[variant] = statSync(file).size;
    rmSync(file, { force: true });
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
  return {
    without: median(rates.without),
    with: median(rates.with),
    bytesWithout: bytes.without,
    bytesWith: bytes.with,
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function main() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hookpost-bench-listing-'));
  try {
    const cost = await ingestCost(dir);
    const url = `sqlite:${path.join(dir, 'listing.db')}`;
    const seed = openDatabase(url);
    await migrateToLatest(seed.db as never);
    process.stderr.write(`seeding ${EVENTS} events…\n`);
    await insertEvents(seed.db, EVENTS, 'l');
    await insertHistory(seed.db, EVENTS, 'l');
    await seed.close();

    const parsed = parseConfigText(
      'server: { publicUrl: https://hooks.example.com }\nworkspaces: []\n',
      'bench.yaml',
      {},
    );
    if (!parsed.ok) throw new Error('bench config');
    const connector = await startConnector({
      config: parsed.value,
      configDir: dir,
      logger: createLogger({ level: 'warn', pretty: false }),
      databaseUrl: url,
      port: 0,
      host: '127.0.0.1',
      worker: false,
      env: {},
      api: (ctx) => createAdminApi(ctx, { token: TOKEN }),
    });
    const base = `http://127.0.0.1:${connector.port}/api`;
    const get = async (query: string) => {
      const response = await fetch(`${base}/events${query}`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      if (!response.ok) throw new Error(`${query}: HTTP ${response.status}`);
      return (await response.json()) as { nextCursor: string | null };
    };
    const deepCursor = await (async () => {
      let cursor: string | null = null;
      for (let page = 0; page < 20; page++)
        cursor = (await get(`?limit=200${cursor ? `&cursor=${cursor}` : ''}`)).nextCursor;
      return cursor;
    })();
    const dayAgo = new Date(NOW - 86_400_000).toISOString();
    const weekAgo = new Date(NOW - 7 * 86_400_000).toISOString();
    const cases: [string, string][] = [
      ['newest 50', '?limit=50'],
      ['page 21 (cursor)', `?limit=50&cursor=${deepCursor}`],
      ['status=skipped', '?status=skipped&limit=50'],
      ['workspace=beta', '?workspace=beta&limit=50'],
      ['last 24 h', `?from=${encodeURIComponent(dayAgo)}&limit=50`],
      [
        'a week, ending a day ago',
        `?from=${encodeURIComponent(weekAgo)}&to=${encodeURIComponent(dayAgo)}&limit=50`,
      ],
      ['recipient=CRM id', '?recipient=4242&limit=50'],
      // A record only other records' decisions name (an opportunity's contact, no piece).
      ['recipient=CRM id, another record’s decision', '?recipient=200011&limit=50'],
    ];
    const lines = [
      `## Console listing: ${EVENTS.toLocaleString('en-US')} stored events (SQLite)`,
      '',
      `${REQUESTS} sequential requests per row through \`GET /api/events\`, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, Node ${process.version}.`,
      '',
      '| query | p50 ms | p95 ms |',
      '|---|---|---|',
    ];
    for (const [name, query] of cases) {
      const times: number[] = [];
      for (let i = 0; i < REQUESTS; i++) {
        const started = performance.now();
        await get(query);
        times.push(performance.now() - started);
      }
      times.sort((a, b) => a - b);
      lines.push(`| ${name} | ${percentile(times, 50).toFixed(1)} | ${percentile(times, 95).toFixed(1)} |`);
    }
    await connector.stop();
    lines.push(
      '',
      `Ingest cost of the listing indexes (${INGEST_SAMPLE.toLocaleString('en-US')} events inserted in transactions of ${BATCH}, median of ${ROUNDS} alternating rounds): ` +
        `${Math.round(cost.without).toLocaleString('en-US')} events/s without, ${Math.round(cost.with).toLocaleString('en-US')} with; ` +
        `database ${(cost.bytesWithout / 2 ** 20).toFixed(1)} MB without, ${(cost.bytesWith / 2 ** 20).toFixed(1)} MB with ` +
        `(${((cost.bytesWith - cost.bytesWithout) / INGEST_SAMPLE) | 0} bytes per event).`,
    );
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
