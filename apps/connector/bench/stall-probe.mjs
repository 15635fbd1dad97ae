// Loaded into a server with `node --import ./stall-probe.mjs`: records what stalls its event
// loop, and writes it as JSON to STALL_PROBE_OUT when the process exits. Evidence for the
// open-loop tail: event-loop delay (perf_hooks monitorEventLoopDelay), garbage-collection
// pauses (PerformanceObserver 'gc' entries) and the wall time of every SQLite commit run
// through better-sqlite3 (a commit blocks the thread: its WAL fsync, and a WAL
// auto-checkpoint when the commit crosses `wal_autocheckpoint`), and the passes of the
// checkpoint thread (src/db/checkpoint.ts) when there is one. Read by bench/stall-evidence.ts.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { monitorEventLoopDelay, PerformanceObserver, performance } from 'node:perf_hooks';
import workerThreads from 'node:worker_threads';

const out = process.env.STALL_PROBE_OUT;
/** Epoch ms: every record carries one, to be lined up with the load generator's. */
const now = () => performance.timeOrigin + performance.now();
const delay = monitorEventLoopDelay({ resolution: 1 });
delay.enable();
/** [end of the second, epoch ms; p99 ms; max ms] of the event-loop delay, per second */
const delays = [];
setInterval(() => {
  delays.push([now(), delay.percentile(99) / 1e6, delay.max / 1e6]);
  delay.reset();
}, 1000).unref();
/**
 * [end, epoch ms; duration ms; ms the main thread ran on a CPU meanwhile; ms it waited,
 * runnable, for a CPU] of each event-loop block over LONG_BLOCK_MS: a timer due every TICK_MS
 * that ran late by that much means the thread did something else, or was not given a CPU,
 * for that long. Run and wait times come from the kernel's scheduler statistics for this
 * thread (`/proc/thread-self/schedstat`: ns on a CPU, ns waiting on a run queue,
 * https://docs.kernel.org/scheduler/sched-stats.html): a block the thread spent waiting was
 * other threads or processes on its core, not its own work. Lined up afterwards with the
 * other records (bench/stall-evidence.ts) to name what each long block was.
 */
const blocks = [];
const TICK_MS = 2;
const LONG_BLOCK_MS = Number(process.env.STALL_PROBE_BLOCK_MS ?? 20);
const schedstat = () => {
  try {
    const [ran, waited] = readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ');
    return [Number(ran) / 1e6, Number(waited) / 1e6];
  } catch {
    return [Number.NaN, Number.NaN];
  }
};
let lastTick = performance.now();
let lastSched = schedstat();
setInterval(() => {
  const t = performance.now();
  const sched = schedstat();
  const late = t - lastTick - TICK_MS;
  if (late > LONG_BLOCK_MS)
    blocks.push([performance.timeOrigin + t, late, sched[0] - lastSched[0], sched[1] - lastSched[1]]);
  lastTick = t;
  lastSched = sched;
}, TICK_MS).unref();
/** [start, epoch ms; duration ms; kind] */
const gcs = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries())
    gcs.push([performance.timeOrigin + e.startTime, e.duration, e.detail?.kind ?? e.kind]);
}).observe({ entryTypes: ['gc'] });

/**
 * [start, epoch ms; duration ms; 1 when the database file was written meanwhile; 'begin' or
 * 'commit'; 1 when the commit made the WAL file longer than it has been] per transaction begin (a `begin immediate` waits there for the write lock) and
 * commit: without a checkpoint thread, only the commit's own automatic checkpoint writes the file.
 */
const commits = [];
try {
  const require = createRequire(process.env.STALL_PROBE_FROM ?? import.meta.url);
  const Database = require('better-sqlite3');
  const prepare = Database.prototype.prepare;
  Database.prototype.prepare = function (source, ...rest) {
    const statement = prepare.call(this, source, ...rest);
    const kind = /^\s*(begin|commit)/i.exec(source)?.[1]?.toLowerCase();
    if (kind) {
      const run = statement.run;
      // Only a checkpoint writes the database file itself (commits append to the WAL).
      const file = this.name;
      const mtime = () => statSync(file, { bigint: true, throwIfNoEntry: false })?.mtimeNs ?? 0n;
      // A commit that appends past the WAL file's end allocates blocks: on ext4 its fdatasync
      // then commits the journal (the new size), waiting for whatever else that commit
      // flushes; frames written over a WAL restarted from its beginning need no journal.
      const walBytes = () => statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0;
      statement.run = function (...args) {
        const t0 = now();
        const before = mtime();
        const walBefore = kind === 'commit' ? walBytes() : 0;
        try {
          return run.apply(this, args);
        } finally {
          const grew = kind === 'commit' && walBytes() > walBefore ? 1 : 0;
          commits.push([t0, now() - t0, mtime() !== before ? 1 : 0, kind, grew]);
        }
      };
    }
    return statement;
  };
} catch (error) {
  process.stderr.write(`stall-probe: better-sqlite3 not patched: ${error}\n`);
}

/** [end, epoch ms (the thread's clock); duration ms; mode; WAL frames; frames copied; CPU ms] per checkpoint pass on the thread */
const checkpoints = [];
/**
 * [start, epoch ms; duration ms; thread name] per `worker_threads` thread started: from the
 * constructor call until the starting code got the event loop back (for the checkpoint
 * thread that includes its wait for the new thread's heap).
 */
const threadStarts = [];
const Worker = workerThreads.Worker;
workerThreads.Worker = class extends Worker {
  constructor(...args) {
    const t0 = now();
    super(...args);
    const name = args[1]?.name ?? 'thread';
    setImmediate(() => threadStarts.push([t0, now() - t0, name]));
    if (name !== 'hookpost-checkpointer') return;
    this.on('message', (r) =>
      checkpoints.push([
        r.endedAtEpochMs ?? now(),
        r.ms,
        r.mode,
        r.log,
        r.checkpointed,
        r.cpuMs ?? Number.NaN,
      ]),
    );
  }
};
syncBuiltinESMExports();

process.on('exit', () => {
  if (!out) return;
  writeFileSync(out, JSON.stringify({ delays, blocks, gcs, commits, checkpoints, threadStarts }));
});
