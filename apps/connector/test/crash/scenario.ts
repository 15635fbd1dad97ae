import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startFakeHubSpot } from '@hookpost/hubspot/testing';
import { openDatabase } from '../../src/db/connect.js';
import { type Audit, auditRun } from './audit.js';
import { runChaos } from './chaos.js';
import { type DestinationMode, startDestination } from './destination.js';
import { startFleet } from './fleet.js';
import { startHubSpotLoad } from './load.js';
import { crashSeed, seededRandom } from './random.js';
import {
  addContacts,
  CAMPAIGNS,
  crashConfig,
  DESTINATION_SECRET,
  EVERY_EVENT_CAMPAIGN,
  HUBSPOT_SECRET,
  ONCE_CAMPAIGN,
  PORTAL_ID,
  PUBLIC_URL,
} from './world.js';

export interface ScenarioOptions {
  name: string;
  /** `postgres://…` or `sqlite:<file>`; `cwd` of the processes is a fresh temp dir. */
  databaseUrl: string | ((dir: string) => string);
  processes: number;
  kills: number;
  /** How processes are stopped: SIGKILL (default) or SIGTERM (graceful, must exit 0). */
  signal?: 'SIGKILL' | 'SIGTERM';
  /** How many events the load sends (the kills are spread over their acknowledgement). */
  events: number;
  /** Destination behaviour by share of the events acknowledged (0–1), and while draining (1). */
  destination?: (progress: number) => DestinationMode;
  drainTimeoutMs?: number;
  /** Safety limit on sending all events (not a throughput target); the run fails past it. */
  loadTimeoutMs?: number;
  contacts?: number;
  /** Runs beside the load from its start (e.g. crashes the database) given its progress (0–1); returns words for the line. */
  alsoDuringLoad?: (progress: () => number) => Promise<string>;
  /** More campaigns (YAML list items under the workspace's `campaigns:`) and their ids. */
  extraCampaigns?: { ids: string[]; yaml: string };
  /** Most events per second the load offers (a pace, not a target). */
  eventsPerSecond?: number;
}

export interface ScenarioResult extends Audit {
  line: string;
  /** Processes killed (or terminated) under load: `kills` unless the run failed. */
  kills: number;
  unexpectedExits: string[];
  givenUp: number;
  drained: boolean;
}

/** Short leases (the lead's env overrides) so a killed process's claims come back within seconds. */
const EVENT_LEASE_MS = 2_000;
const TRIGGER_LEASE_MS = 3_000;
const DRAIN_POLL_MS = 500;
const DESTINATION_TICK_MS = 250;
const LOAD_TIMEOUT_MS = 150_000;

async function pendingWork(databaseUrl: string): Promise<number> {
  const handle = openDatabase(databaseUrl);
  try {
    const count = async (table: 'events' | 'triggers') => {
      const row = await handle.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('n'))
        .where('status', '=', 'pending')
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    };
    return (await count('events')) + (await count('triggers'));
  } finally {
    await handle.close();
  }
}

async function drain(databaseUrl: string, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if ((await pendingWork(databaseUrl)) === 0) return true;
    await new Promise((r) => setTimeout(r, DRAIN_POLL_MS));
  }
  return false;
}

/**
 * One crash run: the fake HubSpot API, the destination, N real `hookpost start`
 * processes on one database, a fixed number of signed HubSpot events round-robin to the
 * live ones while a random process is SIGKILLed and restarted `kills` times (placed by
 * progress, not time); then the queue drains and the store and the destination are
 * audited. Time limits are only safety limits. Every process started is stopped, also
 * when the run fails. Prints one line of counts.
 */
export async function runScenario(options: ScenarioOptions): Promise<ScenarioResult> {
  const started = Date.now();
  const seed = crashSeed();
  const random = seededRandom(seed);
  const dir = mkdtempSync(path.join(tmpdir(), `hookpost-crash-${options.name}-`));
  const databaseUrl =
    typeof options.databaseUrl === 'function' ? options.databaseUrl(dir) : options.databaseUrl;
  const hubspot = await startFakeHubSpot({ rateLimit: { max: 100_000, intervalMs: 10_000 } });
  const destination = await startDestination(DESTINATION_SECRET, seededRandom(seed + 1));
  const plan = options.destination ?? (() => 'up' as const);
  const contactIds = addContacts(hubspot, options.contacts ?? 400);
  const configFile = path.join(dir, 'hookpost.config.yaml');
  writeFileSync(configFile, crashConfig(hubspot.url, destination.url, options.extraCampaigns?.yaml));
  let fleet: Awaited<ReturnType<typeof startFleet>> | null = null;
  let ticker: NodeJS.Timeout | null = null;
  try {
    await destination.setMode(plan(0));
    fleet = await startFleet({
      size: options.processes,
      cwd: dir,
      env: {
        DATABASE_URL: databaseUrl,
        HOOKPOST_CONFIG: configFile,
        LOG_LEVEL: 'warn',
        HOOKPOST_LEASE_MS: String(EVENT_LEASE_MS),
        HOOKPOST_TRIGGER_LEASE_MS: String(TRIGGER_LEASE_MS),
      },
    });
    const live = fleet;
    const loadStarted = Date.now();
    // Kill i falls between 20 % and 80 % of slot i; the load may send up to 90 % of that slot
    // until it happened. So the kills happen under load whatever the machine's speed, and a
    // run has exactly `kills` kills (should senders in flight finish the load just before the
    // last slot, that kill lands while the acknowledged work drains).
    let killed = 0;
    const gate = () => (options.kills === 0 || killed >= options.kills ? 1 : (killed + 0.9) / options.kills);
    const load = startHubSpotLoad({
      targets: () => live.live().map((m) => m.url),
      clientSecret: HUBSPOT_SECRET,
      publicUrl: PUBLIC_URL,
      portalId: PORTAL_ID,
      contactIds,
      random,
      events: options.events,
      gate,
      ...(options.eventsPerSecond === undefined ? {} : { eventsPerSecond: options.eventsPerSecond }),
    });
    ticker = setInterval(() => void destination.setMode(plan(load.progress())), DESTINATION_TICK_MS);
    let loadOver = false;
    const safety = setTimeout(() => void load.stop(), options.loadTimeoutMs ?? LOAD_TIMEOUT_MS);
    let sent: Awaited<typeof load.finished>;
    let kills: number;
    let also: string;
    try {
      [kills, also, sent] = await Promise.all([
        runChaos(fleet, {
          kills: options.kills,
          progress: load.progress,
          stopped: () => loadOver,
          onKill: (done) => {
            killed = done;
          },
          random,
          ...(options.signal ? { signal: options.signal } : {}),
        }),
        options.alsoDuringLoad?.(load.progress) ?? '',
        load.finished.finally(() => {
          loadOver = true;
        }),
      ]);
    } finally {
      clearTimeout(safety);
      // On failure the senders must not outlive the run (they would resend to nobody).
      if (!loadOver) void load.stop();
      loadOver = true;
    }
    const loadSeconds = (Date.now() - loadStarted) / 1000;
    const drainStarted = Date.now();
    const drained = await drain(databaseUrl, options.drainTimeoutMs ?? 60_000);
    const drainSeconds = (Date.now() - drainStarted) / 1000;
    clearInterval(ticker);
    await fleet.stop();

    const audit = await auditRun({
      databaseUrl,
      load: sent,
      hits: destination.hits,
      campaigns: [...CAMPAIGNS, ...(options.extraCampaigns?.ids ?? [])],
      everyEventCampaign: EVERY_EVENT_CAMPAIGN,
      oncePerRecipientCampaign: ONCE_CAMPAIGN,
    });
    const c = audit.counts;
    const restarts = fleet.members.reduce((n, m) => n + m.starts - 1, 0);
    const startAvg = fleet.startTimesMs.reduce((a, b) => a + b, 0) / fleet.startTimesMs.length / 1000;
    const line =
      `[crash:${options.name}] acknowledged=${c.acknowledged} decided=${c.decided} triggered=${c.triggered} ` +
      `delivered=${c.delivered} distinct-webhook-ids=${c.distinctWebhookIds} dead=${c.dead} | ` +
      `processes=${options.processes} ${options.signal === 'SIGTERM' ? 'terminations' : 'kills'}=${kills} ${also ? `${also} ` : ''}restarts=${restarts} start-avg=${startAvg.toFixed(1)}s batches=${sent.batches} ` +
      `resends=${sent.resends} given-up=${sent.givenUp} destination-requests=${destination.hits.length} ` +
      `failed-attempts=${audit.failedAttempts} duplicate-deliveries=${audit.duplicateDeliveries} ` +
      `load=${loadSeconds.toFixed(1)}s drain=${drainSeconds.toFixed(1)}s total=${((Date.now() - started) / 1000).toFixed(1)}s seed=${seed}`;
    console.log(line);
    return { ...audit, line, kills, unexpectedExits: fleet.unexpectedExits, givenUp: sent.givenUp, drained };
  } finally {
    if (ticker) clearInterval(ticker);
    await fleet?.stop();
    await destination.close();
    await hubspot.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
