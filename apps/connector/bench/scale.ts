/**
 * Scale: ingest and the decision pipeline with 1,000,000 events already stored (decided,
 * with their decisions and delivered triggers, as a real history), against an empty store.
 * The history is a real pipeline run's rows cloned by direct SQL (bench/history.ts); the
 * measurements are the same functions as the main sections (`measureHubSpot`,
 * `measurePipeline`), run alternately on an empty and a filled SQLite file.
 */
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cloneHistory } from './history.js';
import { connectorTarget, type IngestFigures, measureHubSpot } from './ingest.js';
import { measurePipeline, type PipelineFigures } from './pipeline.js';
import { type BenchSection, fmt } from './report.js';

const STORED = Number(process.env.BENCH_SCALE_EVENTS ?? 1_000_000);
const SEED = Number(process.env.BENCH_SCALE_SEED ?? 5_000);
const PIPELINE_EVENTS = Number(process.env.BENCH_SCALE_PIPELINE_EVENTS ?? 20_000);
/** Largest slowdown accepted with the history stored. */
const MAX_SLOWDOWN = 0.2;

export interface ScaleFigures {
  stored: number;
  rowsByTable: Record<string, number>;
  fillSeconds: number;
  fileMb: number;
  pipeline: { empty: PipelineFigures; filled: PipelineFigures };
  ingest: { empty: IngestFigures; filled: IngestFigures };
}

/** A SQLite file holding `stored` decided events: a real run of `SEED` events, cloned. */
export async function filledDatabase(
  stored = STORED,
): Promise<{ url: string; file: string; fill: ReturnType<typeof cloneHistory> }> {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'hookpost-scale-')), 'history.db');
  const url = `sqlite:${file}`;
  await measurePipeline(Math.min(SEED, stored), { databaseUrl: url });
  return { url, file, fill: cloneHistory(url, stored) };
}

export async function measureScale(seconds: number): Promise<ScaleFigures> {
  const filled = await filledDatabase();
  const fileMb = statSync(filled.file).size / 2 ** 20;
  // The pipeline first: ingest (no worker) leaves its events pending in the file.
  const pipelineEmpty = await measurePipeline(PIPELINE_EVENTS);
  const pipelineFilled = await measurePipeline(PIPELINE_EVENTS, { databaseUrl: filled.url });
  const ingestEmpty = await measureHubSpot(
    connectorTarget((dir) => `sqlite:${path.join(dir, 'hookpost.db')}`, 'empty store'),
    seconds,
  );
  const ingestFilled = await measureHubSpot(
    connectorTarget(() => filled.url, `${fmt(filled.fill.events)} events stored`),
    seconds,
  );
  return {
    stored: filled.fill.events,
    rowsByTable: filled.fill.rowsByTable,
    fillSeconds: filled.fill.seconds,
    fileMb,
    pipeline: { empty: pipelineEmpty, filled: pipelineFilled },
    ingest: { empty: ingestEmpty, filled: ingestFilled },
  };
}

const eventsPerSec = (f: IngestFigures) => f.result.requestsPerSec * f.eventsPerRequest;

export async function scaleSection(seconds = Number(process.env.BENCH_SECONDS ?? 10)): Promise<BenchSection> {
  const f = await measureScale(seconds);
  const ingestRatio = eventsPerSec(f.ingest.filled) / eventsPerSec(f.ingest.empty);
  const pipelineRatio = f.pipeline.filled.eventsPerSec / f.pipeline.empty.eventsPerSec;
  const rows = Object.entries(f.rowsByTable)
    .map(([table, n]) => `${table} ${fmt(n)}`)
    .join(', ');
  const ingestRow = (label: string, x: IngestFigures, ratio: number) =>
    `| ingest, HubSpot batches of 100 | ${label} | ${fmt(eventsPerSec(x))} | ${x.result.p50} | ${x.result.p99} | ${x.result.non2xx + x.result.errors} | ${fmt(ratio, 2)} |`;
  return {
    title: 'Scale: 1,000,000 events already stored',
    markdown: [
      `The same measurements as above on a SQLite file already holding a history — ${rows} (${fmt(f.fileMb)} MB; a real pipeline run of ${fmt(SEED)} events cloned by direct SQL in ${fmt(f.fillSeconds, 1)} s, each copy with its own ids, other people, a minute further in the past, triggers delivered) — against an empty file. Baseline: the empty store, measured in the same run. Durability as in the sections above (ingest: WAL, synchronous=FULL; pipeline: the worker's commits).`,
      '',
      '| | store | events/s | p50 ms | p99 ms | errors | ratio |',
      '|---|---|---|---|---|---|---|',
      ingestRow('empty (baseline)', f.ingest.empty, 1),
      ingestRow(`${fmt(f.stored)} stored`, f.ingest.filled, ingestRatio),
      `| decision pipeline, ${fmt(PIPELINE_EVENTS)} events | empty (baseline) | ${fmt(f.pipeline.empty.eventsPerSec)} | | | | 1.00 |`,
      `| decision pipeline, ${fmt(PIPELINE_EVENTS)} events | ${fmt(f.stored)} stored | ${fmt(f.pipeline.filled.eventsPerSec)} | | | | ${fmt(pipelineRatio, 2)} |`,
    ],
    targets: [
      {
        name: 'ingest with 1,000,000 stored / empty',
        value: `${fmt(ingestRatio, 2)}×`,
        target: `≥ ${fmt(1 - MAX_SLOWDOWN, 2)}×`,
        met: ingestRatio >= 1 - MAX_SLOWDOWN,
        bound: 'index pages of the larger tables no longer in cache (B-tree depth)',
      },
      {
        name: 'pipeline with 1,000,000 stored / empty',
        value: `${fmt(pipelineRatio, 2)}×`,
        target: `≥ ${fmt(1 - MAX_SLOWDOWN, 2)}×`,
        met: pipelineRatio >= 1 - MAX_SLOWDOWN,
        bound: 'index pages of the larger tables no longer in cache (B-tree depth)',
      },
    ],
  };
}
