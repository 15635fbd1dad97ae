/**
 * Scale: ingest and the decision pipeline with 1,000,000 events already stored (decided,
 * with their decisions and delivered triggers, as a real history), against an empty store.
 * The history is a real pipeline run's rows cloned by direct SQL (bench/history.ts); the
 * measurements are the same functions as the main sections (`measureHubSpot`,
 * `measurePipeline`), run alternately on an empty and a filled SQLite file.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { cloneHistory } from './history.js';
import { connectorTarget, type IngestFigures, measureHubSpot, type Target } from './ingest.js';
import { measurePipeline, type PipelineFigures } from './pipeline.js';
import { type BenchSection, fmt } from './report.js';
import { type WritesByTree, writesByTree } from './wal-pages.js';

const STORED = Number(process.env.BENCH_SCALE_EVENTS ?? 1_000_000);
const SEED = Number(process.env.BENCH_SCALE_SEED ?? 5_000);
const PIPELINE_EVENTS = Number(process.env.BENCH_SCALE_PIPELINE_EVENTS ?? 20_000);
/** Largest slowdown accepted with the history stored. */
const MAX_SLOWDOWN = 0.2;

/** A measurement and the bytes written per event while it ran. */
export interface Measured<T> {
  figures: T;
  bytesPerEvent: number;
}

export interface ScaleFigures {
  stored: number;
  rowsByTable: Record<string, number>;
  fillSeconds: number;
  fileMb: number;
  pipeline: { empty: Measured<PipelineFigures>; filled: Measured<PipelineFigures> };
  ingest: { empty: Measured<IngestFigures>; filled: Measured<IngestFigures> };
  /** KiB written per event by B-tree, in-process inbox and worker (bench/wal-pages.ts). */
  writes: { empty: WritesByTree; filled: WritesByTree };
}

/** A SQLite file holding `stored` decided events: a real run of `SEED` events, cloned. */
export async function filledDatabase(
  stored = STORED,
): Promise<{ url: string; file: string; fill: ReturnType<typeof cloneHistory> }> {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'hookpost-scale-')), 'history.db');
  const url = `sqlite:${file}`;
  await measurePipeline(Math.min(SEED, stored), 5, { databaseUrl: url });
  return { url, file, fill: cloneHistory(url, stored) };
}

/** Bytes a process passed to write(2) so far (`wchar`: WAL and database pages, plus its small HTTP answers). */
function bytesWritten(pid: number | undefined | 'self'): number {
  try {
    return Number(
      /wchar:\s+(\d+)/.exec(readFileSync(`/proc/${pid ?? 'self'}/io`, 'utf8'))?.[1] ?? Number.NaN,
    );
  } catch {
    return Number.NaN;
  }
}

const countEvents = (file: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return Number((db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n);
  } finally {
    db.close();
  }
};

/** Runs `measureHubSpot` on a connector over `file` and notes the bytes it wrote per event stored. */
async function ingestInto(label: string, file: string, seconds: number) {
  const before = statSync(file, { throwIfNoEntry: false }) ? countEvents(file) : 0;
  let written = Number.NaN;
  const inner = connectorTarget(() => `sqlite:${file}`, label);
  const target: Target = {
    name: label,
    async start() {
      const server = await inner.start();
      return {
        ...server,
        close: async () => {
          written = bytesWritten(server.pid);
          await server.close();
        },
      };
    },
  };
  const figures = await measureHubSpot(target, seconds);
  return { figures, bytesPerEvent: written / (countEvents(file) - before) };
}

/** Runs `measurePipeline` and notes this process's bytes written per event (inbox fill and decisions). */
export async function pipelineOn(count: number, databaseUrl?: string) {
  const before = bytesWritten('self');
  const figures = await measurePipeline(count, 5, databaseUrl ? { databaseUrl } : {});
  return { figures, bytesPerEvent: (bytesWritten('self') - before) / count };
}

const eventsPerSec = (f: IngestFigures) => f.result.requestsPerSec * f.eventsPerRequest;

export async function measureScale(seconds: number): Promise<ScaleFigures> {
  const filled = await filledDatabase();
  const emptyFile = path.join(mkdtempSync(path.join(tmpdir(), 'hookpost-scale-')), 'empty.db');
  try {
    const fileMb = statSync(filled.file).size / 2 ** 20;
    // The pipeline first: ingest (no worker) leaves its events pending in the file. Alternating,
    // best of two each, as the ingest below: the machine is shared, other load comes and goes.
    const pipelineRuns = {
      empty: [] as Measured<PipelineFigures>[],
      filled: [] as Measured<PipelineFigures>[],
    };
    for (let round = 0; round < 2; round++) {
      pipelineRuns.empty.push(await pipelineOn(PIPELINE_EVENTS));
      pipelineRuns.filled.push(await pipelineOn(PIPELINE_EVENTS, filled.url));
    }
    const fastest = (list: Measured<PipelineFigures>[]) =>
      list.reduce((a, b) => (b.figures.eventsPerSec > a.figures.eventsPerSec ? b : a));
    const pipelineEmpty = fastest(pipelineRuns.empty);
    const pipelineFilled = fastest(pipelineRuns.filled);
    // Before the ingest runs, which leave their events pending for a worker.
    const writes = {
      empty: await writesByTree(path.join(path.dirname(emptyFile), 'pages.db')),
      filled: await writesByTree(filled.file),
    };
    const runs = { empty: [] as Measured<IngestFigures>[], filled: [] as Measured<IngestFigures>[] };
    for (let round = 0; round < 2; round++) {
      runs.empty.push(await ingestInto('empty store', emptyFile, seconds));
      runs.filled.push(await ingestInto(`${fmt(filled.fill.events)} events stored`, filled.file, seconds));
    }
    const best = (list: Measured<IngestFigures>[]) =>
      list.reduce((a, b) => (eventsPerSec(b.figures) > eventsPerSec(a.figures) ? b : a));
    const ingestEmpty = best(runs.empty);
    const ingestFilled = best(runs.filled);
    return {
      stored: filled.fill.events,
      rowsByTable: filled.fill.rowsByTable,
      fillSeconds: filled.fill.seconds,
      fileMb,
      pipeline: { empty: pipelineEmpty, filled: pipelineFilled },
      ingest: { empty: ingestEmpty, filled: ingestFilled },
      writes,
    };
  } finally {
    // About 2 GB with 1,000,000 events: not left behind in the temp directory.
    for (const file of [filled.file, emptyFile]) rmSync(path.dirname(file), { recursive: true, force: true });
  }
}

export async function scaleSection(seconds = Number(process.env.BENCH_SECONDS ?? 10)): Promise<BenchSection> {
  const f = await measureScale(seconds);
  const { ingest, pipeline } = f;
  const ingestRatio = eventsPerSec(ingest.filled.figures) / eventsPerSec(ingest.empty.figures);
  const pipelineRatio = pipeline.filled.figures.eventsPerSec / pipeline.empty.figures.eventsPerSec;
  const rows = Object.entries(f.rowsByTable)
    .map(([table, n]) => `${table} ${fmt(n)}`)
    .join(', ');
  const stored = `${fmt(f.stored)} stored`;
  const bytes = (m: Measured<unknown>) => fmt(m.bytesPerEvent / 1024, 1);
  const ingestRow = (label: string, m: Measured<IngestFigures>, ratio: number) =>
    `| ingest, HubSpot batches of 100 | ${label} | ${fmt(eventsPerSec(m.figures))} | ${m.figures.result.p50} | ${m.figures.result.p99} | ${m.figures.result.non2xx + m.figures.result.errors} | ${bytes(m)} | ${fmt(ratio, 2)} |`;
  const pipelineRow = (label: string, m: Measured<PipelineFigures>, ratio: number) =>
    `| decision pipeline, ${fmt(PIPELINE_EVENTS)} events | ${label} | ${fmt(m.figures.eventsPerSec)} | | | | ${bytes(m)} | ${fmt(ratio, 2)} |`;
  // The B-trees whose writes grew most with the history: what bounds a filled store.
  const growth = (phase: 'ingest' | 'pipeline') =>
    [...f.writes.filled[phase]]
      .map(([tree, kib]) => ({ tree, empty: f.writes.empty[phase].get(tree) ?? 0, filled: kib }))
      .sort((a, b) => b.filled - b.empty - (a.filled - a.empty));
  const grown = (phase: 'ingest' | 'pipeline') =>
    growth(phase)
      .slice(0, 3)
      .map((g) => `\`${g.tree}\` ${fmt(g.empty, 2)} → ${fmt(g.filled, 2)}`)
      .join(', ');
  const amplification = (
    m: { empty: Measured<unknown>; filled: Measured<unknown> },
    phase: 'ingest' | 'pipeline',
  ) =>
    `${fmt(m.filled.bytesPerEvent / m.empty.bytesPerEvent, 1)}× the bytes written per event (${bytes(m.empty)} → ${bytes(m.filled)} KiB); most grown, KiB per event by B-tree (WAL pages): ${grown(phase)} — keys without time order (record ids, recipients, hashes), so a commit writes a leaf per row once the index outgrows what a batch shares`;
  const treeRows = (phase: 'ingest' | 'pipeline') =>
    growth(phase)
      .filter((g) => g.filled >= 0.05 || g.empty >= 0.05)
      .map((g) => `| ${phase} | \`${g.tree}\` | ${fmt(g.empty, 2)} | ${fmt(g.filled, 2)} |`);
  return {
    title: 'Scale: 1,000,000 events already stored',
    markdown: [
      `The same measurements as above on a SQLite file already holding a history — ${rows} (${fmt(f.fileMb)} MB; a real pipeline run of ${fmt(SEED)} events cloned by direct SQL in ${fmt(f.fillSeconds, 1)} s, each copy with its own ids and people, a minute further in the past, triggers delivered) — against an empty file, measured in the same run (alternating, best of two each). Durability as in the sections above (ingest: WAL, synchronous=FULL; pipeline: the worker's commits). "KiB written / event": bytes the process passed to write(2) (/proc/…/io \`wchar\`) per event stored; for the pipeline, inbox fill and decisions.`,
      '',
      '| | store | events/s | p50 ms | p99 ms | errors | KiB written / event | ratio |',
      '|---|---|---|---|---|---|---|---|',
      ingestRow('empty (baseline)', ingest.empty, 1),
      ingestRow(stored, ingest.filled, ingestRatio),
      pipelineRow('empty (baseline)', pipeline.empty, 1),
      pipelineRow(stored, pipeline.filled, pipelineRatio),
      '',
      `KiB written per event by B-tree (table or index; \`sqlite_autoindex_events_1\` is events' primary key): the WAL frames of ${fmt(f.writes.filled.events)} HubSpot events stored in-process (100 per commit) and decided by the worker (5 campaigns), each frame mapped to its B-tree through \`dbstat\` (bench/wal-pages.ts). Event ids start with their time (\`evt_\` + base-36 \`occurredAt\` + hash), so the primary key and the decisions keyed by event id are appended to; before, as content hashes, they were the largest rows here.`,
      '',
      `| phase | B-tree | empty | ${stored} |`,
      '|---|---|---|---|',
      ...treeRows('ingest'),
      ...treeRows('pipeline'),
      '',
      "Found with EXPLAIN QUERY PLAN and fixed (`0013_scale_trigger_refs`): the lookup of a record's pending or still cancellable pieces walked every delivered trigger through `triggers_due` (status); it now searches `triggers_source_ref` / `triggers_recipient_ref` (MULTI-INDEX OR), 129 → 2 ms per batch of 500 events with 70,000 triggers stored. The claims (`events_work`, status first) and the policy lookups (`triggers_recipient`) stay index searches at any size.",
      '',
      "Written less (`0015_scale_decision_recipient_id`): `decisions_recipient`, an index of every decision row's recipient, was the pipeline's largest growing B-tree (0.08 → 1.9–2.3 KiB per event: its keys have no time order) and no reader could seek it — the recipient search asked `like '%:<id>'`. A decision about the event's own record is found by `events.object_id`; only a decision about another record (an opportunity's contact) keeps that record's id, `decision_rows.recipient_id`, in a partial index the search seeks by equality, so the index grows with those decisions alone. The search also reads the pieces' references from their index alone before seeking the matches (it scanned every piece's payload): the query behind `GET /api/events?recipient=<id>` (newest 50) on this history, before → after in one session: 260 → 9 ms p50, 340–640 → 14–21 ms p95. `events_decision_set` (`0015_scale_events_decision_set_partial`) now holds only events that name a quiet-decision set — its one reader, pruning a set no event names, seeks a set id — so ingest no longer writes it (0.11–0.17 KiB per event). `events_object` stays: privacy deletion, the `objectId` filter and the same search seek it.",
    ],
    targets: [
      {
        name: 'ingest with 1,000,000 stored / empty',
        value: `${fmt(ingestRatio, 2)}×`,
        target: `≥ ${fmt(1 - MAX_SLOWDOWN, 2)}×`,
        met: ingestRatio >= 1 - MAX_SLOWDOWN,
        bound: amplification(ingest, 'ingest'),
      },
      {
        name: 'pipeline with 1,000,000 stored / empty',
        value: `${fmt(pipelineRatio, 2)}×`,
        target: `≥ ${fmt(1 - MAX_SLOWDOWN, 2)}×`,
        met: pipelineRatio >= 1 - MAX_SLOWDOWN,
        // The rate times the drain alone; its bytes per event also count the (untimed) inbox fill.
        bound: `${amplification(pipeline, 'pipeline')}; the events/s time the drain alone, the bytes include the untimed inbox fill (its \`events_object\` growth is the ingest phase's)`,
      },
    ],
  };
}
