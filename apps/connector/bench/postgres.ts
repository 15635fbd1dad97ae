import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { findPostgresBin, startTestCluster } from '../test/support/postgres.js';
import { fillInbox, makeEvents, setupWorkspace } from './pipeline.js';
import { freePort, load, startPinned, stop, waitFor } from './support.js';
import { benchConfig, signedHubSpot } from './workload.js';

// HOOKPOST_BENCH_BIN: another build's bin.js, to compare two versions in one session.
const CONNECTOR_BIN = process.env.HOOKPOST_BENCH_BIN ?? path.resolve(import.meta.dirname, '../dist/bin.js');

export interface ScaleFigures {
  processes: number;
  eventsPerSec: number;
  p50?: number;
  p99?: number;
  errors?: number;
}

function configFile(): { dir: string; file: string } {
  const { dir } = setupWorkspace();
  const file = path.join(dir, 'hookpost.config.yaml');
  writeFileSync(file, benchConfig('./dataset.json'));
  return { dir, file };
}

/** Ingest on PostgreSQL (fsync on) with `processes` connector processes, load spread over them. */
async function ingest(databaseUrl: string, processes: number, seconds: number): Promise<ScaleFigures> {
  const { dir, file } = configFile();
  const servers = [];
  for (let i = 0; i < processes; i++) {
    const port = await freePort();
    // One process is pinned like the SQLite run; several share both cores with the load generator.
    const child = startPinned(
      process.execPath,
      [CONNECTOR_BIN, 'start', '--no-worker'],
      {
        PORT: String(port),
        HOOKPOST_CONFIG: file,
        DATABASE_URL: databaseUrl,
        HOOKPOST_ADMIN_TOKEN: 'bench-admin-token-123',
        LOG_LEVEL: 'warn',
      },
      processes === 1 ? '0' : '0,1',
    );
    servers.push({ child, url: `http://127.0.0.1:${port}` });
    await waitFor(`${servers.at(-1)?.url}/healthz`);
  }
  try {
    const connections = Math.ceil(50 / processes);
    const warm = servers.map((s) =>
      load({
        url: s.url,
        path: '/webhooks/hubspot',
        connections,
        seconds: 2,
        next: () => signedHubSpot(100),
      }),
    );
    await Promise.all(warm);
    const results = await Promise.all(
      servers.map((s) =>
        load({ url: s.url, path: '/webhooks/hubspot', connections, seconds, next: () => signedHubSpot(100) }),
      ),
    );
    return {
      processes,
      eventsPerSec: results.reduce((n, r) => n + r.requestsPerSec * 100, 0),
      p50: Math.max(...results.map((r) => r.p50)),
      p99: Math.max(...results.map((r) => r.p99)),
      errors: results.reduce((n, r) => n + r.non2xx + r.errors, 0),
    };
  } finally {
    await Promise.all(servers.map((s) => stop(s.child)));
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What the workers' sessions were doing, sampled from `pg_stat_activity` while they drained. */
export interface WaitSample {
  /** `wait_event_type:wait_event`, `CPU` when active without a wait, `idle` between statements. */
  state: string;
  share: number;
}

/** Busy and total jiffies of the whole machine (`/proc/stat`), to tell CPU-bound from waiting. */
function machineJiffies(): { busy: number; total: number } {
  const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '')
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return { busy: total - idle, total };
}

/** CPU seconds (user + system) a process has used so far, from `/proc/<pid>/stat`. */
function processCpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(after[11]) + Number(after[12])) / 100;
  } catch {
    return 0;
  }
}

export interface PipelineScaleFigures extends ScaleFigures {
  /** Sessions of the workers by state, sampled while they drained. */
  waits: WaitSample[];
  /**
   * The statements worker sessions waited in for a lock (`wait_event_type = 'Lock'`), by
   * their first words (`insert into triggers`), as a share of all session samples.
   */
  lockWaits: WaitSample[];
  /** Share of the machine's CPU (all cores) busy while draining, 0–1. */
  machineBusy: number;
  /** CPU the worker processes used per event, in microseconds. */
  workerCpuUsPerEvent: number;
  /** CPU the whole machine (all processes, all cores) used per event, in microseconds. */
  machineCpuUsPerEvent: number;
  /** CPU PostgreSQL's processes (backends, WAL writer, checkpointer…) used per event, µs. */
  postgresCpuUsPerEvent: number;
  /** WAL bytes written per event while draining (`pg_current_wal_lsn()` before and after). */
  walBytesPerEvent: number;
  /** The statements PostgreSQL spent most time in while draining (`pg_stat_statements`). */
  statements: StatementFigures[];
}

/** One normalised statement's share of the drain, from `pg_stat_statements`. */
export interface StatementFigures {
  /** The statement's first words (`insert into property_clocks`). */
  statement: string;
  calls: number;
  /** Execution time per event, µs (all calls, summed over sessions). */
  execUsPerEvent: number;
  /** Planning time per event, µs (`pg_stat_statements.track_planning`). */
  planUsPerEvent: number;
  rowsPerCall: number;
}

/** The machine's core count, for the ceiling `cores / CPU per event`. */
export const CORES = availableParallelism();

/** The server settings of the bench's cluster: statement statistics, planning included. */
export const STATEMENT_STATISTICS = {
  shared_preload_libraries: 'pg_stat_statements',
  'pg_stat_statements.track_planning': 'on',
};

type Db = Awaited<ReturnType<typeof fillInbox>>['db'];

/** PostgreSQL's own processes (background and client), by pid: their CPU is counted apart. */
async function postgresPids(db: Db): Promise<number[]> {
  const rows = await sql<{ pid: number }>`select pid from pg_stat_activity`.execute(db);
  return rows.rows.map((r) => Number(r.pid));
}

/** The drain's statements by total time, without the bench's own sampling queries. */
async function topStatements(db: Db, events: number): Promise<StatementFigures[]> {
  const rows = await sql<{ query: string; calls: number; exec: number; plan: number; rows: number }>`
    select query, calls, total_exec_time as exec, total_plan_time as plan, rows
    from pg_stat_statements where dbid = (select oid from pg_database where datname = current_database())
      and query not like '%pg_stat%' and query not like '%count(*)%'
    order by total_exec_time + total_plan_time desc limit 12`.execute(db);
  return rows.rows.map((r) => ({
    statement: r.query.replaceAll('"', '').trim().split(/\s+/).slice(0, 4).join(' '),
    calls: Number(r.calls),
    execUsPerEvent: (Number(r.exec) * 1000) / events,
    planUsPerEvent: (Number(r.plan) * 1000) / events,
    rowsPerCall: Number(r.rows) / Math.max(1, Number(r.calls)),
  }));
}

/** The decision pipeline on PostgreSQL: `processes` × `hookpost worker` draining a filled inbox. */
async function pipeline(
  databaseUrl: string,
  processes: number,
  count: number,
): Promise<PipelineScaleFigures> {
  const workspace = setupWorkspace();
  const { dir, file } = configFile();
  const handle = await fillInbox(databaseUrl, workspace.config, makeEvents(count));
  const pending = async () =>
    Number(
      (
        await handle.db
          .selectFrom('events')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('status', '=', 'pending')
          .executeTakeFirst()
      )?.n ?? 0,
    );
  const workers = Array.from({ length: processes }, () =>
    startPinned(
      process.execPath,
      [CONNECTOR_BIN, 'worker'],
      { HOOKPOST_CONFIG: file, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn', HOOKPOST_PG_POOL_SIZE: '4' },
      '0,1',
    ),
  );
  await sql`create extension if not exists pg_stat_statements`.execute(handle.db);
  const tally = new Map<string, number>();
  const lockTally = new Map<string, number>();
  let samples = 0;
  try {
    // Time from the first decided event to the last, so process start-up is not counted.
    let left = await pending();
    while (left === count) {
      await new Promise((r) => setTimeout(r, 20));
      left = await pending();
    }
    await sql`select pg_stat_statements_reset()`.execute(handle.db);
    const started = performance.now();
    const firstLeft = left;
    const machineBefore = machineJiffies();
    const cpuBefore = workers.reduce((n, w) => n + processCpuSeconds(w.pid), 0);
    const pids = await postgresPids(handle.db);
    const postgresBefore = pids.reduce((n, pid) => n + processCpuSeconds(pid), 0);
    const walBefore = (
      await sql<{ lsn: string }>`select pg_current_wal_lsn()::text as lsn`.execute(handle.db)
    ).rows[0]?.lsn;
    while (left > 0) {
      // Pool connections with nothing to do are left out: `idle in transaction` is a worker
      // session waiting for its process (JavaScript between statements, or the round trip).
      const rows = await sql<{ state: string; query: string | null }>`
        select case when state = 'active' then coalesce(wait_event_type || ':' || wait_event, 'CPU') else state end as state,
          case when wait_event_type = 'Lock' then left(query, 60) end as query
        from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()
          and backend_type = 'client backend' and state <> 'idle'`.execute(handle.db);
      for (const r of rows.rows) {
        tally.set(r.state, (tally.get(r.state) ?? 0) + 1);
        if (r.query === null) continue;
        // `insert into "triggers" (…` → `insert into triggers`: which write waited, no values.
        const statement = r.query.replaceAll('"', '').trim().split(/\s+/).slice(0, 3).join(' ');
        lockTally.set(statement, (lockTally.get(statement) ?? 0) + 1);
      }
      samples += rows.rows.length;
      await new Promise((r) => setTimeout(r, 25));
      left = await pending();
    }
    const shares = (counts: Map<string, number>) =>
      [...counts]
        .map(([state, n]) => ({ state, share: n / Math.max(1, samples) }))
        .sort((x, y) => y.share - x.share);
    const waits = shares(tally);
    const lockWaits = shares(lockTally);
    const seconds = (performance.now() - started) / 1000;
    const machineAfter = machineJiffies();
    const cpu = workers.reduce((n, w) => n + processCpuSeconds(w.pid), 0) - cpuBefore;
    // Pids still alive at the end; a backend that ended meanwhile is left out of both sums.
    const postgresCpu = pids.reduce((n, pid) => n + processCpuSeconds(pid), 0) - postgresBefore;
    const wal = await sql<{
      bytes: string;
    }>`select pg_wal_lsn_diff(pg_current_wal_lsn(), ${walBefore}::pg_lsn)::text as bytes`.execute(handle.db);
    const statements = await topStatements(handle.db, firstLeft);
    return {
      processes,
      eventsPerSec: firstLeft / seconds,
      waits,
      lockWaits,
      machineBusy:
        (machineAfter.busy - machineBefore.busy) / Math.max(1, machineAfter.total - machineBefore.total),
      workerCpuUsPerEvent: (cpu * 1e6) / firstLeft,
      machineCpuUsPerEvent: ((machineAfter.busy - machineBefore.busy) / 100 / firstLeft) * 1e6,
      postgresCpuUsPerEvent: (postgresCpu * 1e6) / firstLeft,
      walBytesPerEvent: Number(wal.rows[0]?.bytes ?? 0) / firstLeft,
      statements,
    };
  } finally {
    await Promise.all(workers.map((w) => stop(w)));
    await handle.close();
    for (const made of [workspace.dir, dir]) rmSync(made, { recursive: true, force: true });
  }
}

/** The pipeline part alone: 1 and 3 worker processes, each on a fresh database of `count` events. */
export async function measurePostgresPipeline(count: number, processCounts: readonly number[] = [1, 3]) {
  if (!findPostgresBin()) return null;
  const cluster = await startTestCluster({ durable: true, settings: STATEMENT_STATISTICS });
  try {
    const figures = [];
    for (const processes of processCounts)
      figures.push(await pipeline(await cluster.createDatabase(), processes, count));
    return figures;
  } finally {
    cluster.stop();
  }
}

/** The ingest part alone: 1 and 3 `hookpost start --no-worker` processes, each on a fresh database. */
export async function measurePostgresIngest(seconds: number) {
  if (!findPostgresBin()) return null;
  const cluster = await startTestCluster({ durable: true });
  try {
    const figures = [];
    for (const processes of [1, 3])
      figures.push(await ingest(await cluster.createDatabase(), processes, seconds));
    return figures;
  } finally {
    cluster.stop();
  }
}

/**
 * What one worker's events cost and what that allows on this machine, from the measured CPU
 * per event of the worker processes and of PostgreSQL's processes (attributed by pid, so
 * other load on a shared machine does not count). A worker claims its next batch while it
 * decides the current one (`src/worker/prefetch.ts`), so PostgreSQL's claim work runs beside
 * the worker's JavaScript; the decide transaction's statements still wait for the worker and
 * it for them (the session is `idle in transaction` while the worker runs JavaScript). One
 * worker is bounded by its own process, 1 / (worker CPU per event) (`serial`; strictly taking
 * turns with its session it would reach 1 / (worker + PostgreSQL CPU per event),
 * `turns`); any number of workers by cores / (worker + PostgreSQL CPU per event).
 */
export function ceilingOf(f: PipelineScaleFigures): {
  serial: number;
  turns: number;
  machine: number;
  usPerEvent: number;
} {
  const usPerEvent = f.workerCpuUsPerEvent + f.postgresCpuUsPerEvent;
  return {
    serial: 1e6 / f.workerCpuUsPerEvent,
    turns: 1e6 / usPerEvent,
    machine: (CORES * 1e6) / usPerEvent,
    usPerEvent,
  };
}

/** Markdown: CPU split, WAL, ceilings and the top statements of each run. */
export function postgresEvidence(figures: readonly PipelineScaleFigures[]): string[] {
  const round = (n: number) => Math.round(n).toLocaleString('en-US');
  const lines = [
    '',
    `Where the CPU goes (µs per event, by process: the worker processes; PostgreSQL's backends, WAL writer and checkpointer; the whole machine, ${CORES} cores, other load included) and what that allows: one worker cannot exceed 1 s / worker µs (its own process; it claims its next batch while deciding, so PostgreSQL's claim work runs beside it), and taking strict turns with its session it would reach 1 s / (worker + PostgreSQL µs); no number of workers can exceed ${CORES} cores / (worker + PostgreSQL µs).`,
    '',
    '| workers | worker µs/event | PostgreSQL µs/event | machine µs/event | WAL bytes/event | ceiling, one worker | taking turns | ceiling, this machine |',
    '|---|---|---|---|---|---|---|---|',
    ...figures.map((f) => {
      const c = ceilingOf(f);
      return `| ${f.processes} | ${round(f.workerCpuUsPerEvent)} | ${round(f.postgresCpuUsPerEvent)} | ${round(f.machineCpuUsPerEvent)} | ${round(f.walBytesPerEvent)} | ${round(c.serial)} events/s | ${round(c.turns)} events/s | ${round(c.machine)} events/s |`;
    }),
  ];
  for (const f of figures) {
    lines.push(
      '',
      `Top statements with ${f.processes} worker${f.processes === 1 ? '' : 's'} (\`pg_stat_statements\`, execution and planning time summed over sessions, per event):`,
      '',
      '| statement | calls | exec µs/event | plan µs/event | rows/call |',
      '|---|---|---|---|---|',
      ...f.statements
        .slice(0, 8)
        .map(
          (s) =>
            `| \`${s.statement}…\` | ${s.calls} | ${s.execUsPerEvent.toFixed(1)} | ${s.planUsPerEvent.toFixed(1)} | ${s.rowsPerCall.toFixed(1)} |`,
        ),
    );
  }
  return lines;
}
