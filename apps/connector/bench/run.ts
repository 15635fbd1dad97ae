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
import { measurePipeline } from './pipeline.js';
import { measurePostgres } from './postgres.js';
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

async function pipelineSection(shared: Shared): Promise<BenchSection> {
  const p = await measurePipeline(PIPELINE_EVENTS);
  shared.sqlitePipelineEventsPerSec = p.eventsPerSec;
  return {
    title: 'Decision pipeline',
    markdown: [
      `${fmt(p.events)} stored HubSpot events, 5 campaigns, records from a local dataset, one process on SQLite: claim, enrich, evaluate, apply policies, write decisions and ${fmt(p.triggers)} triggers. Durability: decisions and triggers committed before the event is marked decided (WAL).`,
      '',
      '| | events/s | ratio |',
      '|---|---|---|',
      `| rules alone (baseline: core evaluateCampaigns, no store) | ${fmt(p.baselineEventsPerSec)} | 1.00× |`,
      `| pipeline (SQLite) | ${fmt(p.eventsPerSec)} | ${fmt(p.eventsPerSec / p.baselineEventsPerSec, 3)}× |`,
    ],
    targets: [
      {
        name: 'pipeline, 5 campaigns (SQLite)',
        value: `${fmt(p.eventsPerSec)} events/s`,
        target: '≥ 20,000 events/s',
        met: p.eventsPerSec >= 20_000,
        bound: 'SQLite writes per event: a lease claim, one decision row per campaign, the status update',
      },
    ],
  };
}

async function postgresSection(shared: Shared): Promise<BenchSection> {
  const pg = process.env.BENCH_POSTGRES === '0' ? null : await measurePostgres(SECONDS, PIPELINE_EVENTS);
  const title = 'PostgreSQL: one and three processes';
  if (!pg)
    return { title, markdown: ['PostgreSQL skipped (BENCH_POSTGRES=0 or not installed).'], targets: [] };
  const sqliteIngest = shared.sqliteIngestEventsPerSec;
  const sqlitePipeline = shared.sqlitePipelineEventsPerSec;
  const vs = (n: number, base: number | undefined) => (base ? `${fmt(n / base, 2)}×` : '–');
  return {
    title,
    markdown: [
      'A throwaway cluster from the Debian binaries with fsync on (durability: each ACK after a committed transaction). Ingest: `hookpost start --no-worker` processes, the same HubSpot batches spread over them. Pipeline: `hookpost worker` processes draining a filled inbox (timed from the first decided event). With three processes, servers and the load generator share both cores. Baseline: the SQLite figure of this run.',
      '',
      '| | processes | events/s | p50 ms | p99 ms | errors | vs SQLite |',
      '|---|---|---|---|---|---|---|',
      `| ingest, SQLite (baseline) | 1 | ${sqliteIngest ? fmt(sqliteIngest) : '–'} | | | | 1.00× |`,
      ...pg.ingest.map(
        (f) =>
          `| ingest, PostgreSQL | ${f.processes} | ${fmt(f.eventsPerSec)} | ${f.p50} | ${f.p99} | ${f.errors} | ${vs(f.eventsPerSec, sqliteIngest)} |`,
      ),
      `| pipeline, SQLite (baseline, in-process) | 1 | ${sqlitePipeline ? fmt(sqlitePipeline) : '–'} | | | | 1.00× |`,
      ...pg.pipeline.map(
        (f) =>
          `| pipeline, PostgreSQL | ${f.processes} | ${fmt(f.eventsPerSec)} | | | | ${vs(f.eventsPerSec, sqlitePipeline)} |`,
      ),
    ],
    targets: [],
  };
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
  ['pipeline', pipelineSection],
  ['postgres', postgresSection],
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
