/**
 * Memory: resident set (RSS) of `hookpost start` (server and worker, SQLite) idle and under
 * the HubSpot load, against two baselines (a bare node:http server, the baseline receiver),
 * with the connector's heap defaults and with Node's (`HOOKPOST_HEAP=node`) in the same run,
 * and a heap profile of what stays resident.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  baselineTarget,
  connectorTarget,
  HUBSPOT_BATCHES,
  type IngestFigures,
  measureHubSpot,
  settled,
  type Target,
} from './ingest.js';
import { openLoop } from './open-loop.js';
import { type GcTime, type HeapShare, liveHeapByPackage, readGcTime } from './profiles.js';
import { type BenchSection, type BenchTarget, fmt } from './report.js';
import { cpuSeconds, freePort, load, peakRssMb, startPinned, stop, waitFor } from './support.js';

const _CONNECTOR_BIN = path.resolve(import.meta.dirname, '../dist/bin.js');
const GC_PRELOAD = path.resolve(import.meta.dirname, 'gc-time.mjs');
const IDLE_TARGET_MB = 120;
const PEAK_TARGET_MB = 200;
/** How long after `/healthz` answers the first idle figure is read (start-up work settles). */
const SETTLE_MS = 2_000;

export interface MemoryOptions {
  /** Seconds of HubSpot load per run (after a 2 s warm-up). */
  seconds: number;
  /** Seconds idle before the second idle figure (default 30). */
  idleSeconds?: number;
}

/** Current resident set of a process (VmRSS), in MB; NaN once it is gone. */
function rssMb(pid: number | undefined): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]) / 1024;
  } catch {
    return Number.NaN;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `hookpost start` (server and worker) on a fresh SQLite database with the bench configuration. */
export function startTarget(label: string, env: NodeJS.ProcessEnv = {}): Target {
  return connectorTarget((dir) => `sqlite:${path.join(dir, 'hookpost.db')}`, label, env, [], ['start']);
}

interface IdleFigures {
  afterStartMb: number;
  afterIdleMb: number;
}

async function measureIdle(target: Target, idleSeconds: number): Promise<IdleFigures> {
  const server = await target.start();
  try {
    await sleep(SETTLE_MS);
    const afterStartMb = rssMb(server.pid);
    await sleep(idleSeconds * 1000);
    return { afterStartMb, afterIdleMb: rssMb(server.pid) };
  } finally {
    await server.close();
  }
}

/** A bare node:http server answering 204: the least a Node process listening on a port holds. */
const bareNodeTarget: Target = {
  name: 'bare node:http',
  async start() {
    const port = await freePort();
    const child = startPinned(
      process.execPath,
      [
        '-e',
        `require('node:http').createServer((q, s) => s.writeHead(204).end()).listen(${port}, '127.0.0.1')`,
      ],
      {},
    );
    const url = `http://127.0.0.1:${port}`;
    await waitFor(url);
    return { url, pid: child.pid, close: () => stop(child) };
  },
};

/** Idles a connector with `--heap-prof`, stops it, and sums the live heap by package. */
async function residentHeap(): Promise<HeapShare[]> {
  const profiles = mkdtempSync(path.join(tmpdir(), 'hookpost-heap-prof-'));
  const target = startTarget('heap profile', {
    NODE_OPTIONS: `--heap-prof --heap-prof-dir=${profiles} --heap-prof-interval=16384`,
  });
  const server = await target.start();
  await sleep(SETTLE_MS);
  await server.close();
  return liveHeapByPackage(profiles);
}

/** "412 ms of pauses in 310 young + 12 full collections" (wall time: a busy machine stretches it). */
function gcSummary(gc: GcTime | null): string {
  if (!gc) return 'not recorded';
  return `${fmt(gc.gcMs)} ms of pauses in ${fmt(gc.young)} young + ${fmt(gc.full)} full collections`;
}

const eventsPerSec = (f: IngestFigures) => f.result.requestsPerSec * f.eventsPerRequest;

/** A HubSpot ingest run (ingest.ts's load, with the server's CPU time per 1,000 events). */
type CostedIngest = IngestFigures;

/** Requests/s (of 100 events) of the fixed-rate run that CPU per event is counted over. */
export const FIXED_RATE = 80;

/**
 * A HubSpot ingest run for the memory rows: a 2 s warm-up and a saturated run (`seconds`,
 * 50 connections: events/s and peak RSS), then, once the server answers at once again, a
 * fixed-rate open-loop run of `FIXED_RATE` requests/s over which the server's CPU per 1,000
 * events is counted. Saturated, each group commit holds as many requests as the throughput
 * of the moment allows, and the CPU per event moved with whatever else the shared machine
 * ran (±30 % between runs of one build); at a fixed rate two heap settings do the same work.
 */
export async function measureCostedIngest(target: Target, seconds: number): Promise<CostedIngest> {
  const server = await target.start();
  try {
    const { path: route, next } = HUBSPOT_BATCHES;
    await load({ url: server.url, path: route, connections: 50, seconds: 2, next });
    const result = await load({ url: server.url, path: route, connections: 50, seconds, next });
    await settled(server.url);
    const before = cpuSeconds(server.pid);
    const fixed = await openLoop({ url: server.url, path: route, rate: FIXED_RATE, seconds, next });
    const cpuMsPer1kEvents = ((cpuSeconds(server.pid) - before) * 1e6) / (fixed.sent * 100);
    return {
      name: target.name,
      eventsPerRequest: 100,
      result,
      rssMb: peakRssMb(server.pid),
      cpuMsPer1kEvents,
    };
  } finally {
    await server.close();
  }
}

const measureIngest = measureCostedIngest;

/** Two runs' mean, so one noisy run on a shared machine weighs half. */
function meanOf(runs: CostedIngest[]): CostedIngest {
  const [first] = runs;
  if (!first) throw new Error('no runs');
  const mean = (f: (r: CostedIngest) => number) => runs.reduce((sum, r) => sum + f(r), 0) / runs.length;
  return {
    ...first,
    result: { ...first.result, requestsPerSec: mean((r) => r.result.requestsPerSec) },
    rssMb: Math.max(...runs.map((r) => r.rssMb)),
    cpuMsPer1kEvents: mean((r) => r.cpuMsPer1kEvents),
  };
}

export async function measureMemory({ seconds, idleSeconds = 30 }: MemoryOptions): Promise<BenchSection> {
  const NODE_HEAP = { HOOKPOST_HEAP: 'node' };
  const started = startTarget('`hookpost start`, heap defaults');
  const startedNodeHeap = startTarget(
    "`hookpost start`, Node's heap defaults (`HOOKPOST_HEAP=node`)",
    NODE_HEAP,
  );
  const sqlite = (dir: string) => `sqlite:${path.join(dir, 'hookpost.db')}`;
  const ingest = connectorTarget(sqlite, '`hookpost start --no-worker`, heap defaults');
  const ingestNodeHeap = connectorTarget(
    sqlite,
    "`hookpost start --no-worker`, Node's heap defaults",
    NODE_HEAP,
  );
  // Garbage collection is counted in separate runs: the perf_hooks observer adds a cost per
  // collection, which would weigh on the many small young collections of the heap defaults.
  const timed = (label: string, env: NodeJS.ProcessEnv = {}) => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'hookpost-gc-')), 'gc.json');
    const preload = { NODE_OPTIONS: `--import ${pathToFileURL(GC_PRELOAD).href}`, HOOKPOST_GC_FILE: file };
    return { file, target: connectorTarget(sqlite, label, { ...env, ...preload }) };
  };
  const cpu = timed('gc, heap defaults');
  const cpuNodeHeap = timed("gc, Node's heap defaults", NODE_HEAP);
  const bare = await measureIdle(bareNodeTarget, 0);
  const baselineIdle = await measureIdle(baselineTarget, 0);
  const idle = await measureIdle(started, idleSeconds);
  const idleNodeHeap = await measureIdle(startedNodeHeap, 0);
  // Alternated so drift on a shared machine hits both alike.
  const baselineLoad = await measureHubSpot(baselineTarget, seconds);
  const runs: CostedIngest[] = [];
  const runsNodeHeap: CostedIngest[] = [];
  for (let round = 0; round < 2; round++) {
    runs.push(await measureIngest(ingest, seconds));
    runsNodeHeap.push(await measureIngest(ingestNodeHeap, seconds));
  }
  await measureIngest(cpu.target, seconds);
  await measureIngest(cpuNodeHeap.target, seconds);
  const ingestLoad = meanOf(runs);
  const ingestLoadNodeHeap = meanOf(runsNodeHeap);
  const loadStarted = await measureHubSpot(started, seconds);
  const heap = await residentHeap();

  const throughputRatio = eventsPerSec(ingestLoad) / eventsPerSec(ingestLoadNodeHeap);
  const cpuRatio = ingestLoad.cpuMsPer1kEvents / ingestLoadNodeHeap.cpuMsPer1kEvents;
  const gc = gcSummary(readGcTime(cpu.file));
  const gcNodeHeap = gcSummary(readGcTime(cpuNodeHeap.file));
  const mb = (n: number | undefined) => (n === undefined ? '' : fmt(n));
  const row = (name: string, idleMb?: number, afterIdleMb?: number, f?: IngestFigures) =>
    `| ${name} | ${mb(idleMb)} | ${mb(afterIdleMb)} | ${mb(f?.rssMb)} | ${f ? fmt(eventsPerSec(f)) : ''} | ${f ? f.result.non2xx + f.result.errors : ''} | ${idleMb === undefined ? '' : fmt(idleMb / baselineIdle.afterStartMb, 2)} |`;
  const heapTotal = heap.reduce((sum, share) => sum + share.mb, 0);
  const markdown = [
    `SQLite (WAL, synchronous=FULL: every acknowledged event is committed), the bench configuration (5 campaigns, one workspace: HubSpot records from a 1,000-record dataset, Salesforce outbound messages). Idle: RSS ${SETTLE_MS / 1000} s after \`/healthz\` answers, then after ${idleSeconds} s idle, of \`hookpost start\` (HTTP server, worker, dispatcher, outbox). Load: HubSpot batches of 100 events, 50 connections, ${seconds} s after a 2 s warm-up, peak RSS (VmHWM) — on the ingest rows' process (\`--no-worker\`) and on \`hookpost start\`, whose worker decides on the same pinned core as events arrive (its events/s is what ingest gets while the worker drains; requests still waiting when a run ends count neither as done nor as errors).`,
    '',
    '| process | idle RSS MB | after idle MB | peak RSS MB, HubSpot load | events/s | errors | idle ratio to baseline |',
    '|---|---|---|---|---|---|---|',
    row('bare node:http', bare.afterStartMb),
    row('baseline receiver (baseline-server.mjs)', baselineIdle.afterStartMb, undefined, baselineLoad),
    row(started.name, idle.afterStartMb, idle.afterIdleMb, loadStarted),
    row(startedNodeHeap.name, idleNodeHeap.afterStartMb),
    row(ingest.name, undefined, undefined, ingestLoad),
    row(ingestNodeHeap.name, undefined, undefined, ingestLoadNodeHeap),
    '',
    `The two \`--no-worker\` rows are the mean of two runs each, alternated. With the heap defaults ingest costs ${fmt(ingestLoad.cpuMsPer1kEvents, 1)} ms of server CPU per 1,000 events (counted over a fixed-rate run of ${FIXED_RATE} requests/s after the saturated one, where both settings do the same work) against ${fmt(ingestLoadNodeHeap.cpuMsPer1kEvents, 1)} ms with Node's (${fmt(cpuRatio, 2)}×), and runs at ${fmt(throughputRatio, 2)}× the rate (events/s moves with the other load on the machine; CPU per event much less). Garbage collection, in one more run of each with a perf_hooks observer: heap defaults ${gc}; Node's ${gcNodeHeap}. What stays resident at idle, from a sampling heap profile of the live heap (\`--heap-prof\`, 16 KB interval, ${fmt(heapTotal, 1)} MB sampled): Node's module loader holds the source text and compiled code of every module loaded (\`encoding decode\`, \`compileSourceTextModule\`, \`readFileSync\`); the rest of the RSS is Node itself (the bare node:http row), V8's code space and native libraries (better-sqlite3).`,
    '',
    '| allocated by | live heap MB |',
    '|---|---|',
    ...heap.slice(0, 12).map((share) => `| ${share.owner} | ${fmt(share.mb, 1)} |`),
    '',
  ];
  const headroom = `heap profile: ${heap
    .slice(0, 4)
    .map((s) => `${s.owner} ${fmt(s.mb, 1)} MB`)
    .join(', ')}; Node alone ${fmt(bare.afterStartMb)} MB`;
  const targets: BenchTarget[] = [
    {
      name: 'idle RSS, `hookpost start`',
      value: `${fmt(idle.afterStartMb)} MB (${fmt(idle.afterIdleMb)} MB after ${idleSeconds} s)`,
      target: `≤ ${IDLE_TARGET_MB} MB`,
      met: Math.max(idle.afterStartMb, idle.afterIdleMb) <= IDLE_TARGET_MB,
      bound: headroom,
    },
    {
      name: 'peak RSS under the HubSpot load',
      value: `${fmt(ingestLoad.rssMb)} MB (\`hookpost start\`: ${fmt(loadStarted.rssMb)} MB)`,
      target: `≤ ${PEAK_TARGET_MB} MB`,
      met: Math.max(ingestLoad.rssMb, loadStarted.rssMb) <= PEAK_TARGET_MB,
      bound: 'old-generation garbage between full collections (see HOOKPOST_HEAP in the connector README)',
    },
    {
      name: "ingest CPU per event, heap defaults vs Node's",
      value: `${fmt(cpuRatio, 2)}× (events/s ${fmt(throughputRatio, 2)}×)`,
      target: '≤ 1.05×',
      met: cpuRatio <= 1.05,
      bound: `GC ${gc} vs ${gcNodeHeap} with Node's defaults (perf_hooks); the rest is run-to-run noise on a shared machine`,
    },
  ];
  return { title: 'Memory', markdown, targets };
}
