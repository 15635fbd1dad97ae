import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Campaign, type CrmEvent, evaluateCampaigns } from '@hookpost/core';
import { parseWebhookBatch } from '@hookpost/hubspot';
import { createRegistry } from '../src/adapters/compose.js';
import { parseConfigText } from '../src/config/load.js';
import { openDatabase } from '../src/db/connect.js';
import { migrateToLatest } from '../src/db/migrations.js';
import { createLogger } from '../src/log.js';
import { createMetrics } from '../src/metrics.js';
import { createInbox } from '../src/store/inbox.js';
import { createWorker } from '../src/worker/worker.js';
import { createWorkspaceIndex } from '../src/workspaces.js';
import { benchConfig, benchDataset, hubspotBatch } from './workload.js';

export interface PipelineFigures {
  campaigns: number;
  events: number;
  seconds: number;
  eventsPerSec: number;
  /** Process CPU (user + system) per event while draining, in microseconds. */
  cpuUsPerEvent: number;
  baselineEventsPerSec: number;
  triggers: number;
  /** Decisions the `decisions` view shows; `decision_rows` rows and `decision_sets` entries stored for them. */
  decisions: number;
  decisionRows: number;
  decisionSets: number;
}

/**
 * The bench configuration with `campaigns` campaigns in all: the 5 of `benchConfig`, then
 * HubSpot contact campaigns as a larger workspace has them — a few more on the lifecycle
 * stage (the property the events change, with a country condition), the rest on other
 * properties (`custom_<n>`) that these events never change.
 */
export function pipelineConfig(datasetFile: string, campaigns: number): string {
  let text = benchConfig(datasetFile);
  for (let i = 0; i < campaigns - 5; i++) {
    const on =
      i < 5
        ? `property: lifecyclestage, to: ${['customer', 'evangelist', 'subscriber', 'opportunity', 'lead'][i]} }
        conditions: { all: [ { field: address.country, in: [AT] } ] }`
        : `property: custom_${i}, to: 'yes' }`;
    text += `      - id: extra-${i}
        destination: log
        trigger: { platform: hubspot, object: contact, on: property_change, ${on}
`;
  }
  return text;
}

export function setupWorkspace(campaigns = 5) {
  const dir = mkdtempSync(path.join(tmpdir(), 'hookpost-bench-'));
  writeFileSync(path.join(dir, 'dataset.json'), benchDataset());
  const parsed = parseConfigText(
    pipelineConfig('./dataset.json', campaigns),
    path.join(dir, 'hookpost.config.yaml'),
    {},
  );
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return { dir, config: parsed.value };
}

export function makeEvents(count: number): CrmEvent[] {
  const events: CrmEvent[] = [];
  while (events.length < count) events.push(...parseWebhookBatch(hubspotBatch(100)));
  return events.slice(0, count);
}

/** Fills the inbox as the HTTP tier would, 100 events per delivery. */
export async function fillInbox(
  databaseUrl: string,
  config: ReturnType<typeof setupWorkspace>['config'],
  events: CrmEvent[],
) {
  const handle = openDatabase(databaseUrl);
  await migrateToLatest(handle.db as never);
  const registry = createRegistry({
    config,
    configDir: '.',
    db: handle.db,
    dialect: handle.dialect,
    env: {},
  });
  const inbox = createInbox({
    db: handle.db,
    dialect: handle.dialect,
    workspaces: createWorkspaceIndex(config, registry),
  });
  for (let i = 0; i < events.length; i += 100) {
    await inbox.ingest({
      platform: 'hubspot',
      channel: 'webhook',
      accountId: '62515',
      signatureVersion: 'v3',
      body: '[]',
      events: events.slice(i, i + 100),
    });
  }
  return handle;
}

/** An in-process worker over a filled inbox, as `hookpost worker` composes it (silent logs). */
export function benchWorker(
  config: ReturnType<typeof setupWorkspace>['config'],
  configDir: string,
  handle: Awaited<ReturnType<typeof fillInbox>>,
) {
  const registry = createRegistry({ config, configDir, db: handle.db, dialect: handle.dialect, env: {} });
  return createWorker({
    db: handle.db,
    dialect: handle.dialect,
    relaxed: handle.relaxed,
    workspaces: createWorkspaceIndex(config, registry),
    registry,
    logger: createLogger({ level: 'silent', pretty: false }),
    metrics: createMetrics(),
    owner: 'bench',
  });
}

/**
 * The decision pipeline in one process: claim, enrich (local dataset), evaluate the
 * campaigns, apply the policies, write decisions and triggers, on SQLite (WAL,
 * synchronous=FULL; claims and decision batches commit without the fsync, as in
 * production). The baseline is the rules alone (core's evaluateCampaigns over the same
 * events and campaigns, no store).
 */
export async function measurePipeline(
  count: number,
  campaignCount = 5,
  /**
   * `databaseUrl`: a database already holding a history (bench/scale.ts); default: a fresh file.
   * `profileDir`: write a CPU profile of the drain alone there (`pipeline-<campaigns>.cpuprofile`).
   */
  options: { databaseUrl?: string; profileDir?: string } = {},
): Promise<PipelineFigures> {
  const { dir, config } = setupWorkspace(campaignCount);
  try {
    return await drainPipeline(campaignCount, count, options, dir, config);
  } finally {
    // The run's database (a fresh file unless given) is hundreds of MB.
    rmSync(dir, { recursive: true, force: true });
  }
}

async function drainPipeline(
  campaignCount: number,
  count: number,
  options: { databaseUrl?: string; profileDir?: string },
  dir: string,
  config: ReturnType<typeof setupWorkspace>['config'],
): Promise<PipelineFigures> {
  const events = makeEvents(count);
  const databaseUrl = options.databaseUrl ?? `sqlite:${path.join(dir, 'pipeline.db')}`;
  const handle = await fillInbox(databaseUrl, config, events);
  const workspace = config.workspaces[0]!;
  // The dataset named in the bench configuration stands in for the CRM API.
  const worker = benchWorker(config, dir, handle);
  const profiling = await startDrainProfile(options.profileDir ?? process.env.BENCH_PIPELINE_PROFILE);
  const cpu = process.cpuUsage();
  const started = performance.now();
  while ((await worker.runOnce()) > 0) {}
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  await profiling?.stop(`pipeline-${campaignCount}`);
  const count1 = async (table: 'triggers' | 'decisions' | 'decision_rows' | 'decision_sets') =>
    Number(
      (
        await handle.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirst()
      )?.n ?? 0,
    );
  const pending = await handle.db
    .selectFrom('events')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('status', '=', 'pending')
    .executeTakeFirst();
  if (Number(pending?.n) !== 0) throw new Error(`${pending?.n} events left pending`);
  const triggers = await count1('triggers');
  const decisions = await count1('decisions');
  const decisionRows = await count1('decision_rows');
  const decisionSets = await count1('decision_sets');
  await handle.close();

  const campaigns = workspace.campaigns as Campaign[];
  const records = JSON.parse(benchDataset()).contacts as Record<string, Record<string, string>>;
  const baselineStarted = performance.now();
  for (const event of events)
    evaluateCampaigns(event, { records: { contact: records[event.objectId] } }, campaigns);
  const baselineSeconds = (performance.now() - baselineStarted) / 1000;
  return {
    campaigns: campaignCount,
    events: count,
    seconds,
    eventsPerSec: count / seconds,
    cpuUsPerEvent: (used.user + used.system) / count,
    baselineEventsPerSec: count / baselineSeconds,
    triggers,
    decisions,
    decisionRows,
    decisionSets,
  };
}

/**
 * A CPU profile of the drain alone (not the inbox fill) into `dir` (also BENCH_PIPELINE_PROFILE=<dir>),
 * as `<dir>/pipeline-<campaigns>.cpuprofile` for `bench/profile.ts` to read.
 */
async function startDrainProfile(dir: string | undefined) {
  if (!dir) return null;
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    async stop(name: string) {
      const { profile } = await session.post('Profiler.stop');
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
      session.disconnect();
    },
  };
}
