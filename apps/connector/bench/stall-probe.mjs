// Loaded into a server with `node --import ./stall-probe.mjs`: records what stalls its event
// loop, and writes it as JSON to STALL_PROBE_OUT when the process exits. Evidence for the
// open-loop tail: event-loop delay (perf_hooks monitorEventLoopDelay), garbage-collection
// pauses (PerformanceObserver 'gc' entries) and the wall time of every SQLite commit run
// through better-sqlite3 (a commit blocks the thread: its WAL fsync, and a WAL
// auto-checkpoint when the commit crosses `wal_autocheckpoint`).
import { statSync, writeFileSync } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { monitorEventLoopDelay, PerformanceObserver, performance } from 'node:perf_hooks';
import workerThreads from 'node:worker_threads';

const out = process.env.STALL_PROBE_OUT;
// Epoch ms; SIGUSR2 starts the measured phase (earlier entries and delays are dropped).
const now = () => performance.timeOrigin + performance.now();
let phaseStart = now();
const delay = monitorEventLoopDelay({ resolution: 1 });
delay.enable();
/** [start, epoch ms; duration ms; kind] */
const gcs = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries())
    gcs.push([performance.timeOrigin + e.startTime, e.duration, e.detail?.kind ?? e.kind]);
}).observe({ entryTypes: ['gc'] });

/** [start, epoch ms; duration ms; 1 when it ran a checkpoint] per commit */
const commits = [];
try {
  const require = createRequire(process.env.STALL_PROBE_FROM ?? import.meta.url);
  const Database = require('better-sqlite3');
  const prepare = Database.prototype.prepare;
  Database.prototype.prepare = function (source, ...rest) {
    const statement = prepare.call(this, source, ...rest);
    if (/^\s*commit/i.test(source)) {
      const run = statement.run;
      // Only a checkpoint writes the database file itself (commits append to the WAL): a
      // commit during which its mtime moved ran the automatic checkpoint.
      const file = this.name;
      const mtime = () => statSync(file, { bigint: true, throwIfNoEntry: false })?.mtimeNs ?? 0n;
      statement.run = function (...args) {
        const t0 = now();
        const before = mtime();
        try {
          return run.apply(this, args);
        } finally {
          commits.push([t0, now() - t0, mtime() !== before ? 1 : 0]);
        }
      };
    }
    return statement;
  };
} catch (error) {
  process.stderr.write(`stall-probe: better-sqlite3 not patched: ${error}\n`);
}

/** [end, epoch ms (when the report arrived); duration ms; mode; WAL frames; frames copied] per checkpoint pass on the thread */
const checkpoints = [];
const Worker = workerThreads.Worker;
workerThreads.Worker = class extends Worker {
  constructor(...args) {
    super(...args);
    if (args[1]?.name !== 'hookpost-checkpointer') return;
    this.on('message', (r) => checkpoints.push([now(), r.ms, r.mode, r.log, r.checkpointed]));
  }
};
syncBuiltinESMExports();

process.on('SIGUSR2', () => {
  phaseStart = now();
  delay.reset();
});

process.on('exit', () => {
  if (!out) return;
  delay.disable();
  writeFileSync(
    out,
    JSON.stringify({
      eventLoopDelayMs: {
        p50: delay.percentile(50) / 1e6,
        p90: delay.percentile(90) / 1e6,
        p99: delay.percentile(99) / 1e6,
        max: delay.max / 1e6,
      },
      phaseStart,
      gcs: gcs.filter((g) => g[0] >= phaseStart),
      commits: commits.filter((c) => c[0] >= phaseStart),
      checkpoints: checkpoints.filter((c) => c[0] >= phaseStart),
    }),
  );
});
