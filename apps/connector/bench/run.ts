/**
 * `npm run bench -w apps/connector`: measures every section against its baseline in one run
 * and writes BENCHMARKS.md at the repository root (BENCH_WRITE=0 to only print).
 * BENCH_SECONDS (default 10) per measured run, BENCH_POSTGRES=0 skips PostgreSQL,
 * BENCH_PROFILE=0 skips the profiled connector runs, BENCH_ONLY=ingest-hubspot,pipeline runs
 * a subset (section keys below; printed only, unless BENCH_WRITE=1).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { enrichmentSection } from './enrichment.js';
import { hubspotIngest, salesforceIngest } from './ingest-report.js';
import { latencySection } from './latency.js';
import { measureMemory } from './memory.js';
import { pipelineSection, postgresPipelineSection } from './pipeline-section.js';
import { measurePostgresIngest } from './postgres.js';
import { type BenchSection, fmt, renderSection } from './report.js';
import { scaleSection } from './scale.js';
import { HAS_TASKSET } from './support.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const PIPELINE_EVENTS = Number(process.env.BENCH_PIPELINE_EVENTS ?? 50_000);
const REPO = path.resolve(import.meta.dirname, '../../..');
const BENCHMARKS = path.join(REPO, 'BENCHMARKS.md');
const ONLY = process.env.BENCH_ONLY?.split(',').filter(Boolean);

/** Figures one section hands to a later one (the PostgreSQL table repeats the SQLite rows). */
interface Shared {
  sqliteIngestEventsPerSec?: number;
  sqlitePipelineEventsPerSec?: number;
}

async function postgresIngestSection(shared: Shared): Promise<BenchSection> {
  const title = 'Ingest on PostgreSQL: one and three processes';
  const figures = process.env.BENCH_POSTGRES === '0' ? null : await measurePostgresIngest(SECONDS);
  if (!figures)
    return { title, markdown: ['PostgreSQL skipped (BENCH_POSTGRES=0 or not installed).'], targets: [] };
  const sqlite = shared.sqliteIngestEventsPerSec;
  const vs = (n: number) => (sqlite ? `${fmt(n / sqlite, 2)}×` : '–');
  return {
    title,
    markdown: [
      'A throwaway cluster from the Debian binaries with fsync on (durability: each ACK after a committed transaction). `hookpost start --no-worker` processes, the same HubSpot batches (100 events) spread over them, 50 connections. With three processes, servers and the load generator share both cores. Baseline: the SQLite connector of this run (saturated HubSpot row above).',
      '',
      '| | processes | events/s | p50 ms | p99 ms | errors | vs SQLite |',
      '|---|---|---|---|---|---|---|',
      `| ingest, SQLite (baseline) | 1 | ${sqlite ? fmt(sqlite) : '–'} | | | | 1.00× |`,
      ...figures.map(
        (f) =>
          `| ingest, PostgreSQL | ${f.processes} | ${fmt(f.eventsPerSec)} | ${f.p50} | ${f.p99} | ${f.errors} | ${vs(f.eventsPerSec)} |`,
      ),
    ],
    targets: [],
  };
}

async function pipelineSqliteSection(shared: Shared): Promise<BenchSection> {
  const section = await pipelineSection(PIPELINE_EVENTS);
  const five = section.figures.find((f) => f.campaigns === 5);
  if (five) shared.sqlitePipelineEventsPerSec = five.eventsPerSec;
  return section;
}

async function pipelinePostgresSection(shared: Shared): Promise<BenchSection> {
  const title = 'Decision pipeline (PostgreSQL, one and three workers)';
  const section =
    process.env.BENCH_POSTGRES === '0' || !shared.sqlitePipelineEventsPerSec
      ? null
      : await postgresPipelineSection(PIPELINE_EVENTS, shared.sqlitePipelineEventsPerSec);
  return (
    section ?? {
      title,
      markdown: ['PostgreSQL skipped (BENCH_POSTGRES=0, not installed, or no SQLite figure to compare).'],
      targets: [],
    }
  );
}

/**
 * Sections measured elsewhere (`hookpost --help` timing, `npm run bench:console`) are kept
 * from the previous BENCHMARKS.md as they were.
 */
function carriedOver(heading: string): string[] {
  let text: string;
  try {
    text = readFileSync(BENCHMARKS, 'utf8');
  } catch {
    return [];
  }
  const start = text.indexOf(`\n## ${heading}`);
  if (start < 0) return [];
  const end = text.indexOf('\n## ', start + 1);
  return text
    .slice(start + 1, end < 0 ? undefined : end)
    .trimEnd()
    .split('\n')
    .concat('');
}

// The sections, in the order they appear. Other benchmark files plug in here, each an async
// function returning a BenchSection: bench/latency.ts (end to end), bench/enrichment.ts
// (fake HubSpot at its rate limit), bench/scale.ts (1,000,000 stored events),
// bench/memory.ts (idle and peak RSS).
const SECTIONS: [key: string, run: (shared: Shared) => Promise<BenchSection>][] = [
  [
    'ingest-hubspot',
    async (shared) => {
      const section = await hubspotIngest(SECONDS);
      shared.sqliteIngestEventsPerSec = section.connectorEventsPerSec;
      return section;
    },
  ],
  ['ingest-salesforce', () => salesforceIngest(SECONDS)],
  ['pipeline', pipelineSqliteSection],
  ['postgres-pipeline', pipelinePostgresSection],
  ['postgres-ingest', postgresIngestSection],
  ['latency', () => latencySection()],
  ['enrichment', () => enrichmentSection()],
  [
    'memory',
    () => measureMemory({ seconds: SECONDS, idleSeconds: Number(process.env.BENCH_IDLE_SECONDS ?? 30) }),
  ],
  ['scale', () => scaleSection(SECONDS)],
];

async function main() {
  const lines: string[] = [];
  const log = (...more: string[]) => {
    lines.push(...more);
    process.stdout.write(`${more.join('\n')}\n`);
  };
  const cpu = os.cpus();
  log(
    '# Hookpost benchmarks',
    '',
    `Measured ${new Date().toISOString().slice(0, 10)} with \`npm run bench -w apps/connector\` on ${cpu.length} × ${cpu[0]?.model ?? 'CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}. ${SECONDS} s per measured run.`,
    `Servers ${HAS_TASKSET ? 'pinned to CPU 0 with taskset; the load generator (127.0.0.1) runs on the other core' : 'not pinned (no taskset)'}. Every section states its baseline (measured in the same run), the durability it holds, and each target met or not with what bounds it.`,
    '',
  );
  const shared: Shared = {};
  for (const [key, run] of SECTIONS) {
    if (ONLY && !ONLY.includes(key)) continue;
    log(...renderSection(await run(shared)));
  }
  if (!ONLY) for (const heading of ['CLI start-up', 'Console listing']) log(...carriedOver(heading));
  // A subset (BENCH_ONLY) would drop the other sections: written only when asked (BENCH_WRITE=1).
  const write = ONLY ? process.env.BENCH_WRITE === '1' : process.env.BENCH_WRITE !== '0';
  if (write) writeFileSync(BENCHMARKS, `${lines.join('\n')}\n`);
}

await main();
