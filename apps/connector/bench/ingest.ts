import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type OpenLoopResult, openLoop } from './open-loop.js';
import {
  cpuSeconds,
  freePort,
  type LoadResult,
  load,
  peakRssMb,
  startPinned,
  stop,
  waitFor,
} from './support.js';
import {
  benchConfig,
  benchDataset,
  HUBSPOT_SECRET,
  ORG_ID,
  PUBLIC_URL,
  SF_TOKEN,
  salesforceMessage,
  signedHubSpot,
} from './workload.js';

// BENCH_CONNECTOR_BIN: another build (e.g. of the previous commit) to compare against, alternating.
const CONNECTOR_BIN = process.env.BENCH_CONNECTOR_BIN ?? path.resolve(import.meta.dirname, '../dist/bin.js');
const BASELINE = path.resolve(import.meta.dirname, 'baseline-server.mjs');
const GROUP_COMMIT = path.resolve(import.meta.dirname, 'baseline-group-commit.mjs');

export interface IngestFigures {
  name: string;
  eventsPerRequest: number;
  result: LoadResult;
  rssMb: number;
  /** The server's CPU time per 1,000 events stored during the measured run, in ms. */
  cpuMsPer1kEvents: number;
  /** The fixed-rate run after the saturated one, when asked for. */
  openLoop?: OpenLoopResult;
}

export interface Target {
  name: string;
  start(): Promise<{ url: string; pid: number | undefined; close(): Promise<void> }>;
}

/** A connector (`hookpost start --no-worker`) on a fresh database: ingest only. */
/** Stops a server and removes its directory: each run's database is hundreds of MB. */
async function stopAndRemove(child: Parameters<typeof stop>[0], dir: string): Promise<void> {
  await stop(child);
  rmSync(dir, { recursive: true, force: true });
}

export function connectorTarget(
  databaseUrl: (dir: string) => string,
  label = 'connector',
  env: NodeJS.ProcessEnv = {},
  /** Node flags before the script, e.g. `--cpu-prof` (not allowed in NODE_OPTIONS). */
  nodeArgs: string[] = [],
  /** The `hookpost` command: ingest only by default; `['start']` with the worker too. */
  command: string[] = ['start', '--no-worker'],
): Target {
  return {
    name: label,
    async start() {
      const dir = mkdtempSync(path.join(tmpdir(), 'hookpost-bench-'));
      writeFileSync(path.join(dir, 'dataset.json'), benchDataset());
      writeFileSync(path.join(dir, 'hookpost.config.yaml'), benchConfig('./dataset.json'));
      const port = await freePort();
      const child = startPinned(process.execPath, [...nodeArgs, CONNECTOR_BIN, ...command], {
        PORT: String(port),
        HOOKPOST_CONFIG: path.join(dir, 'hookpost.config.yaml'),
        DATABASE_URL: databaseUrl(dir),
        HOOKPOST_ADMIN_TOKEN: 'bench-admin-token',
        LOG_LEVEL: 'warn',
        ...env,
      });
      const url = `http://127.0.0.1:${port}`;
      await waitFor(`${url}/healthz`);
      return { url, pid: child.pid, close: () => stopAndRemove(child, dir) };
    },
  };
}

export const baselineTarget: Target = {
  name: 'baseline',
  async start() {
    const dir = mkdtempSync(path.join(tmpdir(), 'hookpost-bench-'));
    const port = await freePort();
    const child = startPinned(
      process.execPath,
      [BASELINE, String(port), path.join(dir, 'b.db'), HUBSPOT_SECRET, PUBLIC_URL, SF_TOKEN],
      {},
    );
    const url = `http://127.0.0.1:${port}`;
    await waitFor(`${url}/healthz`);
    return { url, pid: child.pid, close: () => stopAndRemove(child, dir) };
  },
};

/** The minimal group-commit server: the same rows as the connector, one transaction per event-loop turn. */
export const groupCommitTarget: Target = groupCommitBaseline();

/** The group-commit baseline, optionally with Node flags (e.g. `--cpu-prof`). */
export function groupCommitBaseline(nodeArgs: string[] = []): Target {
  return {
    name: 'group-commit baseline',
    async start() {
      const dir = mkdtempSync(path.join(tmpdir(), 'hookpost-bench-'));
      const port = await freePort();
      const child = startPinned(
        process.execPath,
        [
          ...nodeArgs,
          GROUP_COMMIT,
          String(port),
          path.join(dir, 'g.db'),
          HUBSPOT_SECRET,
          PUBLIC_URL,
          SF_TOKEN,
          ORG_ID,
        ],
        {},
      );
      const url = `http://127.0.0.1:${port}`;
      await waitFor(`${url}/healthz`);
      return { url, pid: child.pid, close: () => stopAndRemove(child, dir) };
    },
  };
}

/** A kind of inbound request: where it goes and how each one is made. */
export interface IngestWorkload {
  name: string;
  path: string;
  eventsPerRequest: number;
  next: () => { body: string; headers: Record<string, string> };
}

export const HUBSPOT_BATCHES: IngestWorkload = {
  name: 'HubSpot batches of 100 events',
  path: '/webhooks/hubspot',
  eventsPerRequest: 100,
  next: () => signedHubSpot(100),
};

export const SALESFORCE_MESSAGES: IngestWorkload = {
  name: 'Salesforce outbound messages, one notification each',
  path: `/webhooks/salesforce/${SF_TOKEN}`,
  eventsPerRequest: 1,
  next: salesforceMessage,
};

/**
 * One server, one workload: a 2 s warm-up, the saturated run (`connections` in flight), then
 * — when `openLoopShare` > 0 — an open-loop run at that share of the saturated request rate.
 */
export async function measureIngest(
  target: Target,
  workload: IngestWorkload,
  seconds: number,
  { connections = 50, openLoopShare = 0.5 }: { connections?: number; openLoopShare?: number } = {},
): Promise<IngestFigures> {
  const server = await target.start();
  const { path: route, next } = workload;
  try {
    // A short warm-up so JIT and caches are hot, then the measured run.
    await load({ url: server.url, path: route, connections, seconds: 2, next });
    const cpuBefore = cpuSeconds(server.pid);
    const result = await load({ url: server.url, path: route, connections, seconds, next });
    const events = result.total * workload.eventsPerRequest;
    const cpuMsPer1kEvents = ((cpuSeconds(server.pid) - cpuBefore) * 1e6) / events;
    const rssMb = peakRssMb(server.pid);
    // The open-loop run measures the server below saturation: it starts once the saturated
    // run's last requests are done (autocannon stops with up to `connections` requests in
    // flight, which the server still handles; the stall probe showed the open-loop run's
    // slowest requests all queued behind them when it started at once).
    // (BENCH_OPEN_LOOP_SETTLE=0 starts it at once, as before, to compare.)
    if (openLoopShare > 0 && process.env.BENCH_OPEN_LOOP_SETTLE !== '0') await settled(server.url);
    const openLoopResult =
      openLoopShare > 0
        ? await openLoop({
            url: server.url,
            path: route,
            rate: Math.max(1, Math.round(result.requestsPerSec * openLoopShare)),
            seconds,
            next,
          })
        : undefined;
    return {
      name: target.name,
      eventsPerRequest: workload.eventsPerRequest,
      result,
      rssMb,
      cpuMsPer1kEvents,
      ...(openLoopResult ? { openLoop: openLoopResult } : {}),
    };
  } finally {
    await server.close();
  }
}

/**
 * Waits until the server answers `/healthz` within `quickMs` twice in a row (its event loop
 * free again), at most `timeoutMs`.
 */
export async function settled(url: string, quickMs = 10, timeoutMs = 5_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let quick = 0;
  while (quick < 2 && performance.now() < deadline) {
    const started = performance.now();
    await fetch(`${url}/healthz`).then(
      (response) => response.arrayBuffer(),
      () => undefined,
    );
    quick = performance.now() - started <= quickMs ? quick + 1 : 0;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export const measureHubSpot = (target: Target, seconds: number, connections = 50) =>
  measureIngest(target, HUBSPOT_BATCHES, seconds, { connections, openLoopShare: 0 });

export const measureSalesforce = (target: Target, seconds: number, connections = 50) =>
  measureIngest(target, SALESFORCE_MESSAGES, seconds, { connections, openLoopShare: 0 });
