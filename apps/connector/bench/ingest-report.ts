import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  baselineTarget,
  connectorTarget,
  groupCommitBaseline,
  groupCommitTarget,
  HUBSPOT_BATCHES,
  type IngestFigures,
  type IngestWorkload,
  measureIngest,
  SALESFORCE_MESSAGES,
  type Target,
} from './ingest.js';
import type { OpenLoopResult } from './open-loop.js';
import { describeProfile, selfTimeByArea, topSelfTime } from './profile.js';
import { type BenchSection, fmt } from './report.js';
import { describeStalls, senderCheck, stallEvidence, stallProbe } from './stall-evidence.js';

/** Open-loop p99 asked for, at half the saturated rate. */
const OPEN_LOOP_P99_MS = 50;
const sqliteUrl = (dir: string) => `sqlite:${path.join(dir, 'hookpost.db')}`;

const eventsPerSec = (f: IngestFigures) => f.result.requestsPerSec * f.eventsPerRequest;

function row(f: IngestFigures, perRequest: IngestFigures, groupCommit: IngestFigures): string {
  const eps = eventsPerSec(f);
  const ol = f.openLoop;
  return [
    f.name,
    fmt(f.result.requestsPerSec),
    fmt(eps),
    f.result.p50,
    f.result.p99,
    ol ? fmt(ol.rate) : '–',
    ol ? ol.p50 : '–',
    ol ? ol.p90 : '–',
    ol ? ol.p99 : '–',
    ol ? ol.max : '–',
    fmt(f.cpuMsPer1kEvents, 1),
    fmt(f.rssMb),
    f.result.non2xx + f.result.errors + (ol?.errors ?? 0),
    `${fmt(eps / eventsPerSec(perRequest), 2)}×`,
    `${fmt(eps / eventsPerSec(groupCommit), 2)}×`,
  ].join(' | ');
}

/** A short profiled run of a server on the workload: where its time goes, by area and by function. */
async function profiled(
  workload: IngestWorkload,
  seconds: number,
  target: (nodeArgs: string[]) => Target,
): Promise<{ areas: string; functions: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'hookpost-prof-'));
  try {
    await measureIngest(target(['--cpu-prof', `--cpu-prof-dir=${dir}`]), workload, Math.min(seconds, 5), {
      openLoopShare: 0,
    });
    return {
      areas: describeProfile(selfTimeByArea(dir, 8)),
      functions: describeProfile(topSelfTime(dir, 6)),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * One ingest section: the per-request baseline, the group-commit baseline and the connector
 * (SQLite) on the same workload, each saturated (50 connections) then open-loop at half its
 * own saturated rate; ratios against both baselines; targets with the connector's profile.
 */
export async function ingestSection(
  workload: IngestWorkload,
  seconds: number,
  goal: { vsGroupCommit: number },
): Promise<BenchSection & { connectorEventsPerSec: number }> {
  const perRequest = await measureIngest(baselineTarget, workload, seconds);
  const groupCommit = await measureIngest(groupCommitTarget, workload, seconds);
  // The connector runs with the stall probe: what stalled it during its open-loop run.
  const probeDir = mkdtempSync(path.join(tmpdir(), 'hookpost-probe-'));
  const probe = stallProbe(path.join(probeDir, 'stalls.json'));
  const connector = await measureIngest(
    connectorTarget(sqliteUrl, 'connector (SQLite)', probe.env, probe.nodeArgs),
    workload,
    seconds,
  );
  const stalls = connector.openLoop
    ? describeStalls(stallEvidence(probe.env.STALL_PROBE_OUT, connector.openLoop, seconds))
    : undefined;
  rmSync(probeDir, { recursive: true, force: true });
  const sender = connector.openLoop
    ? await senderCheck(workload, connector.openLoop.rate, seconds)
    : undefined;
  const profile =
    process.env.BENCH_PROFILE === '0'
      ? undefined
      : {
          connector: await profiled(workload, seconds, (args) =>
            connectorTarget(sqliteUrl, 'connector (profiled)', {}, args),
          ),
          baseline: await profiled(workload, seconds, groupCommitBaseline),
        };
  const ratio = eventsPerSec(connector) / eventsPerSec(groupCommit);
  const cpuRatio = groupCommit.cpuMsPer1kEvents / connector.cpuMsPer1kEvents;
  const evidence = `CPU per 1,000 events ${fmt(connector.cpuMsPer1kEvents, 1)} ms vs ${fmt(groupCommit.cpuMsPer1kEvents, 1)} ms (${fmt(cpuRatio, 2)}×); see the self-time profiles above`;
  const openLoop = (f: IngestFigures, evidence?: string) => ({
    name: `${f.name}: open-loop p99 at ${fmt(f.openLoop?.rate ?? 0)} requests/s (half its saturated rate)`,
    value: `${f.openLoop?.p99 ?? '–'} ms`,
    target: `≤ ${OPEN_LOOP_P99_MS} ms`,
    met: (f.openLoop?.p99 ?? Number.POSITIVE_INFINITY) <= OPEN_LOOP_P99_MS,
    bound: `p50 ${f.openLoop?.p50 ?? '–'} ms, p90 ${f.openLoop?.p90 ?? '–'} ms, max ${f.openLoop?.max ?? '–'} ms, machine load average ${fmt(f.openLoop?.loadAverage ?? 0, 1)} during the run; ${evidence ?? "both baselines' open-loop p99 in the table above: what this machine allows at the time"}`,
  });
  const senderLine = (r: OpenLoopResult) =>
    `Sender check: the same open-loop run at ${fmt(r.rate)} requests/s against a node:http server that answers at once gave p50 ${r.p50} ms, p90 ${r.p90} ms, p99 ${r.p99} ms, max ${r.max} ms; the sender sent late by up to ${r.sendLagMax} ms (p99 ${r.sendLagP99} ms), machine load average ${fmt(r.loadAverage, 1)}: the tail the load generator and the machine add to every server's.`;
  return {
    connectorEventsPerSec: eventsPerSec(connector),
    title: `Ingest: ${workload.name}`,
    markdown: [
      `Durability on every row: each request is answered only after its rows are committed (SQLite WAL, \`synchronous=FULL\`). The per-request baseline commits once per request; the group-commit baseline (\`bench/baseline-group-commit.mjs\`) stores the connector's rows (raw delivery + one event row, same columns, indexes, id hash and payload JSON${workload.eventsPerRequest === 1 ? ', XML parsed and validated with fast-xml-parser' : ', v3 signature checked'}) in one transaction per event-loop turn, as the connector does.`,
      '',
      "Saturated: 50 connections for the run (autocannon). Open loop: a fixed request rate from `bench/open-loop.ts`, latency counted from when each request was due (autocannon `overallRate` is closed-loop per connection, so it is not used). CPU: the server process's user+system time per 1,000 events stored during the saturated run (steadier than throughput on a shared machine).",
      '',
      '| server | requests/s | events/s | p50 ms | p99 ms | open-loop rate | OL p50 ms | OL p90 ms | OL p99 ms | OL max ms | CPU ms / 1k events | peak RSS MB | errors | vs per-request | vs group commit |',
      '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
      ...[perRequest, groupCommit, connector].map((f) => `| ${row(f, perRequest, groupCommit)} |`),
      ...(sender ? ['', senderLine(sender)] : []),
      ...(stalls
        ? [
            '',
            `What stalled the connector during its open-loop run (\`bench/stall-probe.mjs\` loaded into it: \`monitorEventLoopDelay\`, GC \`PerformanceObserver\`, every SQLite commit timed, the checkpoint thread's passes): ${stalls}. WAL checkpoints run on a thread of their own (\`src/db/checkpoint.ts\`: PASSIVE every 500 ms; past 256 MB of WAL, PASSIVE passes back to back until a commit starts the WAL anew, a RESTART, waiting at most 50 ms for the lock and readers, only if none did), not inside a request's commit: before that, the commits that crossed \`wal_autocheckpoint\` copied the WAL back and fsynced the database file on the event loop (60–700 ms each, and every request at or above p99 was in flight during one). The open-loop run starts once the server answers \`/healthz\` at once after the saturated run (that run's requests still in flight were otherwise the longest block of every open-loop run), and a server starts its checkpoint thread before serving (starting it under load held the event loop 40–320 ms).`,
          ]
        : []),
      ...(profile
        ? [
            '',
            `Self time (\`node --cpu-prof\`, main thread: start-up, a 2 s warm-up and a ${Math.min(seconds, 5)} s saturated run; wall-clock samples, so time blocked in fsync counts): connector by area — ${profile.connector.areas}; by function — ${profile.connector.functions}. Group-commit baseline by area — ${profile.baseline.areas}.`,
          ]
        : []),
    ],
    targets: [
      {
        name: 'connector vs group-commit baseline (events/s)',
        value: `${fmt(ratio, 2)}×`,
        target: `≥ ${fmt(goal.vsGroupCommit, 1)}×`,
        met: ratio >= goal.vsGroupCommit,
        bound: evidence,
      },
      openLoop(connector, stalls),
      openLoop(groupCommit),
    ],
  };
}

export const hubspotIngest = (seconds: number) =>
  ingestSection(HUBSPOT_BATCHES, seconds, { vsGroupCommit: 0.8 });
export const salesforceIngest = (seconds: number) =>
  ingestSection(SALESFORCE_MESSAGES, seconds, { vsGroupCommit: 0.9 });
