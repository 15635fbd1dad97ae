import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type OpenLoopResult, openLoop } from './open-loop.js';
import { fmt } from './report.js';
import { freePort, startPinned, stop, waitFor } from './support.js';

/** Node flags that load the stall probe into a server; it writes its records to `out` on exit. */
export const stallProbe = (out: string) => ({
  nodeArgs: ['--import', path.resolve(import.meta.dirname, 'stall-probe.mjs')],
  env: { STALL_PROBE_OUT: out },
});

interface ProbeRecords {
  delays: [endMs: number, p99Ms: number, maxMs: number][];
  blocks?: [endMs: number, ms: number, ranMs: number, waitedMs: number][];
  threadStarts?: [startMs: number, ms: number, name: string][];
  gcs: [startMs: number, ms: number, kind: number][];
  commits: [startMs: number, ms: number, fileWritten: 0 | 1, kind?: 'begin' | 'commit', walGrew?: 0 | 1][];
  checkpoints: [endMs: number, ms: number, mode: string, log: number, checkpointed: number, cpuMs?: number][];
}

/** What stalled a server during an open-loop run, from its stall-probe records. */
export interface StallEvidence {
  /** Event-loop delay: the worst per-second p99 and the largest delay, ms. */
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  commits: { count: number; p50Ms: number; p99Ms: number; maxMs: number };
  /** Transaction begins that waited over 50 ms for the write lock, longest ms. */
  lockWaits: number;
  lockWaitMaxMs: number;
  /** Commits over 50 ms, and those of them during which the database file was written. */
  slowCommits: number;
  slowCommitsWritingFile: number;
  /**
   * Commits that made the WAL file longer than it had been (appended past its end), all and
   * over 50 ms: on ext4 such a commit's fdatasync also commits the file system's journal.
   */
  walGrowing: { commits: number; slow: number };
  gc: { count: number; totalMs: number; maxMs: number };
  /** Checkpoint-thread passes (off the event loop): PASSIVE and RESTART counts and longest. */
  thread: { passive: number; passiveMaxMs: number; restart: number; restartMaxMs: number; cpuMs: number };
  /** Event-loop blocks over the probe's threshold (20 ms), each with what it was (`blockCause`), longest first. */
  blocks: LongBlock[];
  /** Of the requests at or above p99: how many were in flight during each kind of stall. */
  slowest: {
    count: number;
    duringSlowCommit: number;
    duringCheckpointCommit: number;
    duringLockWait: number;
    duringGc: number;
    duringRestart: number;
    /** By the kind of the longest event-loop block each was in flight during (none: no block over 20 ms). */
    byBlock: Partial<Record<LongBlock['kind'] | 'none', number>>;
  };
}

/**
 * One event-loop block, and what it was. The kernel's scheduler statistics split its wall
 * time: `ranMs` on a CPU (JavaScript, GC, native code), `waitedMs` runnable but not given
 * the CPU (other threads or processes on the pinned core), and the rest asleep in a system
 * call (an fsync in a commit, `Atomics.wait`). The cause names the largest share and what
 * overlapped it.
 */
export interface LongBlock {
  /** When it began, ms after the open-loop run's first request was due (negative: before). */
  startsAtMs: number;
  ms: number;
  ranMs: number;
  waitedMs: number;
  sleptMs: number;
  /** Short name of the cause, for counting. */
  kind: 'thread start' | 'saturated run' | 'CPU wait' | 'system call' | 'running';
  cause: string;
}

const SLOW_COMMIT_MS = 50;
const LONG_GC_MS = 10;

const countBy = <K extends string>(keys: K[]): Partial<Record<K, number>> => {
  const counts: Partial<Record<K, number>> = {};
  for (const key of keys) counts[key] = (counts[key] ?? 0) + 1;
  return counts;
};

const quantile = (xs: number[], q: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
};

/** Reads the probe's records and keeps those inside the open-loop run. */
export function stallEvidence(file: string, run: OpenLoopResult, seconds: number): StallEvidence {
  const records = JSON.parse(readFileSync(file, 'utf8')) as ProbeRecords;
  const from = run.startedAtEpochMs;
  const to = from + seconds * 1000 + 10_000;
  const inRun = (t: number) => t >= from && t <= to;
  const delays = records.delays.filter(([end]) => inRun(end));
  const gcs = records.gcs.filter(([start]) => inRun(start));
  const commits = records.commits.filter(([start, , , kind]) => inRun(start) && kind !== 'begin');
  const slowBegins = records.commits.filter(
    ([start, ms, , kind]) => inRun(start) && kind === 'begin' && ms > SLOW_COMMIT_MS,
  );
  const passes = records.checkpoints.filter(([end]) => inRun(end));
  const restarts = passes.filter((p) => p[2] === 'restart');
  const slowCommits = commits.filter(([, ms]) => ms > SLOW_COMMIT_MS);
  // A request was in flight during a stall [start, start + ms] when it was due before the
  // stall ended and answered after it began.
  const during = (windows: [number, number][]) =>
    run.slowest.filter(([due, latency]) =>
      windows.some(([start, ms]) => due <= start + ms && due + latency >= start),
    ).length;
  const durations = commits.map(([, ms]) => ms);
  const overlapMs = (start: number, end: number, windows: [number, number][]) =>
    windows.reduce((sum, [s, ms]) => sum + Math.max(0, Math.min(end, s + ms) - Math.max(start, s)), 0);
  const threadStarts = records.threadStarts ?? [];
  // A pass's CPU time spread evenly over its wall time, counted where it overlaps a block.
  const checkpointCpuMs = (start: number, end: number) =>
    passes.reduce((sum, [e, d, , , , cpu]) => {
      const overlap = Math.max(0, Math.min(end, e) - Math.max(start, e - d));
      return sum + (d > 0 && cpu !== undefined && Number.isFinite(cpu) ? (overlap * cpu) / d : 0);
    }, 0);
  const blocks = (records.blocks ?? [])
    .filter(([end]) => inRun(end))
    .map(([end, ms, ranMs, waitedMs]): LongBlock => {
      const start = end - ms;
      const sleptMs = Math.max(0, ms - ranMs - waitedMs);
      const within = (windows: [number, number][]) => overlapMs(start, end, windows);
      const share = Math.max(ranMs, waitedMs, sleptMs);
      const started = threadStarts.filter(([s, d]) => s <= end && s + d >= start).map(([, , n]) => n);
      const [kind, cause]: [LongBlock['kind'], string] =
        started.length > 0
          ? ['thread start', `starting the ${started.join(', ')} thread`]
          : start < from
            ? ['saturated run', 'the saturated run before it (requests still in flight when it stopped)']
            : share === waitedMs
              ? [
                  'CPU wait',
                  `waiting for the CPU (the checkpoint thread used about ${fmt(checkpointCpuMs(start, end), 0)} ms of CPU meanwhile; the rest, other processes on the core)`,
                ]
              : share === sleptMs
                ? [
                    'system call',
                    `asleep in a system call (commits overlapping it for ${fmt(within(commits.map(([s, d]) => [s, d])), 0)} ms: their fsync)`,
                  ]
                : [
                    'running',
                    `running on the thread (GC ${fmt(within(gcs.map(([s, d]) => [s, d])), 0)} ms of it, the rest JavaScript and native code)`,
                  ];
      return { startsAtMs: start - from, ms, ranMs, waitedMs, sleptMs, kind, cause };
    })
    .sort((a, b) => b.ms - a.ms);
  return {
    blocks,
    loopDelayP99Ms: Math.max(0, ...delays.map((d) => d[1])),
    loopDelayMaxMs: Math.max(0, ...delays.map((d) => d[2])),
    commits: {
      count: commits.length,
      p50Ms: quantile(durations, 0.5),
      p99Ms: quantile(durations, 0.99),
      maxMs: Math.max(0, ...durations),
    },
    lockWaits: slowBegins.length,
    lockWaitMaxMs: Math.max(0, ...slowBegins.map((b) => b[1])),
    slowCommits: slowCommits.length,
    slowCommitsWritingFile: slowCommits.filter((c) => c[2] === 1).length,
    walGrowing: {
      commits: commits.filter((c) => c[4] === 1).length,
      slow: slowCommits.filter((c) => c[4] === 1).length,
    },
    gc: {
      count: gcs.length,
      totalMs: gcs.reduce((sum, g) => sum + g[1], 0),
      maxMs: Math.max(0, ...gcs.map((g) => g[1])),
    },
    thread: {
      passive: passes.length - restarts.length,
      passiveMaxMs: Math.max(0, ...passes.filter((p) => p[2] === 'passive').map((p) => p[1])),
      restart: restarts.length,
      restartMaxMs: Math.max(0, ...restarts.map((p) => p[1])),
      cpuMs: passes.reduce((sum, p) => sum + (Number.isFinite(p[5]) ? (p[5] ?? 0) : 0), 0),
    },
    slowest: {
      count: run.slowest.length,
      duringSlowCommit: during(slowCommits.map(([start, ms]) => [start, ms])),
      duringCheckpointCommit: during(slowCommits.filter((c) => c[2] === 1).map(([start, ms]) => [start, ms])),
      duringLockWait: during(slowBegins.map(([start, ms]) => [start, ms])),
      duringGc: during(gcs.filter(([, ms]) => ms > LONG_GC_MS).map(([start, ms]) => [start, ms])),
      duringRestart: during(restarts.map(([end, ms]) => [end - ms, ms])),
      byBlock: countBy(
        run.slowest.map(([due, latency]) => {
          // Sorted longest first: the first overlapping block is the longest.
          const block = blocks.find(
            (b) => due <= from + b.startsAtMs + b.ms && due + latency >= from + b.startsAtMs,
          );
          return block?.kind ?? 'none';
        }),
      ),
    },
  };
}

/** One sentence of the evidence for the section text. */
export function describeStalls(e: StallEvidence): string {
  const ms = (n: number) => fmt(n, n < 10 ? 1 : 0);
  const thread =
    e.thread.passive + e.thread.restart > 0
      ? `checkpoint thread (off the event loop): ${e.thread.passive} PASSIVE passes (longest ${ms(e.thread.passiveMaxMs)} ms), ${e.thread.restart} RESTARTs (longest ${ms(e.thread.restartMaxMs)} ms, writers wait meanwhile), ${ms(e.thread.cpuMs)} ms of CPU in all`
      : 'no checkpoint thread';
  return [
    `event-loop delay worst per-second p99 ${ms(e.loopDelayP99Ms)} ms, max ${ms(e.loopDelayMaxMs)} ms`,
    `${fmt(e.commits.count)} commits, p50 ${ms(e.commits.p50Ms)} ms, p99 ${ms(e.commits.p99Ms)} ms, max ${ms(e.commits.maxMs)} ms; ${e.slowCommits} over ${SLOW_COMMIT_MS} ms, ${e.slowCommitsWritingFile} of them while the database file was written (a checkpoint), ${e.walGrowing.slow} of them appending past the WAL file's end (${fmt(e.walGrowing.commits)} commits in all did)`,
    `${e.lockWaits} transactions waited over ${SLOW_COMMIT_MS} ms for the write lock (longest ${ms(e.lockWaitMaxMs)} ms)`,
    `${fmt(e.gc.count)} GC pauses, ${ms(e.gc.totalMs)} ms in all, longest ${ms(e.gc.maxMs)} ms`,
    thread,
    describeBlocks(e.blocks),
    `of the ${e.slowest.count} requests at or above p99, ${e.slowest.duringSlowCommit} were in flight during a commit over ${SLOW_COMMIT_MS} ms (${e.slowest.duringCheckpointCommit} a checkpointing one), ${e.slowest.duringLockWait} during a wait for the write lock, ${e.slowest.duringGc} during a GC pause over ${LONG_GC_MS} ms, ${e.slowest.duringRestart} during a RESTART; by the longest event-loop block each was in flight during: ${
      Object.entries(e.slowest.byBlock)
        .map(([kind, n]) => `${kind} ${n}`)
        .join(', ') || 'none'
    }`,
  ].join('; ');
}

/** The longest event-loop blocks, each with what it was. */
function describeBlocks(blocks: LongBlock[]): string {
  if (blocks.length === 0) return 'no event-loop block over 20 ms';
  const ms = (n: number) => fmt(n, 0);
  const longest = blocks
    .slice(0, 3)
    .map(
      (b) =>
        `${ms(b.ms)} ms at ${fmt(b.startsAtMs / 1000, 2)} s (ran ${ms(b.ranMs)}, waited for the CPU ${ms(b.waitedMs)}, asleep ${ms(b.sleptMs)}): ${b.cause}`,
    );
  return `${blocks.length} event-loop blocks over 20 ms (kernel scheduler statistics of the thread), the longest ${longest.join('; ')}`;
}

/**
 * The sender checked on its own: the same open-loop run against a node:http server (pinned
 * like the servers measured) that answers every request at once. Its tail is what the load
 * generator and the machine add to any server's at that moment.
 */
export async function senderCheck(
  workload: { path: string; next: () => { body: string; headers: Record<string, string> } },
  rate: number,
  seconds: number,
): Promise<OpenLoopResult> {
  const port = await freePort();
  const child = startPinned(
    process.execPath,
    [
      '-e',
      `require('node:http').createServer((req, res) => { req.resume(); req.on('end', () => res.writeHead(req.url === '/healthz' ? 200 : 204).end()); }).listen(${port}, '127.0.0.1');`,
    ],
    {},
  );
  try {
    const url = `http://127.0.0.1:${port}`;
    await waitFor(`${url}/healthz`);
    return await openLoop({ url, path: workload.path, rate, seconds, next: workload.next });
  } finally {
    await stop(child);
  }
}
