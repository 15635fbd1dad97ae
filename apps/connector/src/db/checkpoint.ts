import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { reapplyHeapDefaults } from '../heap.js';

/**
 * What one checkpoint pass reported, from `PRAGMA wal_checkpoint` (https://sqlite.org/pragma.html#pragma_wal_checkpoint):
 * `log` frames in the WAL since it was last reset, `checkpointed` of them copied back to the
 * database file, `busy` 1 when another connection held a lock it needed (nothing wrong: the
 * next pass retries). `mode` says which checkpoint ran; `ms` its wall time on the thread.
 */
export interface CheckpointReport {
  mode: 'passive' | 'restart';
  busy: number;
  log: number;
  checkpointed: number;
  ms: number;
  /**
   * CPU time the thread used during the pass, ms (Linux: `/proc/thread-self/schedstat`;
   * NaN elsewhere): the rest of `ms` it waited for I/O (fsync) or for a CPU.
   */
  cpuMs: number;
  /** When the pass ended, epoch ms (the thread's clock, unaffected by this thread being busy). */
  endedAtEpochMs: number;
}

export interface CheckpointerOptions {
  /** Time between two passes, ms. Each pass copies what the WAL gained since the previous one. */
  intervalMs?: number;
  /**
   * WAL size, in bytes, past which the thread makes sure the WAL starts anew (PASSIVE passes
   * back to back, then `wal_checkpoint(RESTART)` if need be): the bound on the WAL file.
   * Below it, passes are PASSIVE only and never block a writer.
   */
  restartAfterBytes?: number;
  /**
   * The thread starts once the WAL file reaches this many bytes (checked every `intervalMs`
   * with a `stat`): a process that writes little (a CLI command, an idle server) never pays
   * for a thread. 0 starts it at once.
   */
  startAfterBytes?: number;
  /**
   * How long a RESTART waits for readers and writers, ms (the thread's busy timeout). Once it
   * holds the write lock, every writer waits while it does, the event loop of a serving
   * process included (better-sqlite3 waits synchronously): this bounds that wait. A RESTART
   * that runs out of it changes nothing and is tried again on the next pass.
   */
  busyTimeoutMs?: number;
  /** Called on the opening thread after each pass that found frames in the WAL. */
  onCheckpoint?: (report: CheckpointReport) => void;
}

export interface Checkpointer {
  /** Stops the thread after its current pass and closes its connection; resolves once it has exited. */
  stop(): Promise<void>;
  /** The thread is running (false before the WAL reached `startAfterBytes`, after `stop`, or once the thread died). */
  readonly running: boolean;
}

export const CHECKPOINT_DEFAULTS = {
  intervalMs: 500,
  restartAfterBytes: 256 * 1024 * 1024,
  startAfterBytes: 1024 * 1024,
  // At 1000 ms, RESTARTs under the open-loop HubSpot ingest bench held writers off for up to
  // 1,072 ms (the whole timeout: it waited for readers with the write lock held), and the
  // slowest requests of the run were in flight during one; at 50 ms the longest RESTART was
  // 49–76 ms and the open-loop p99 32–42 ms in six runs (bench/stall-run.ts).
  busyTimeoutMs: 50,
} as const;

interface LoopData {
  file: string;
  sqliteModule: string;
  intervalMs: number;
  restartAfterBytes: number;
  busyTimeoutMs: number;
}

/**
 * Copies WAL pages back to the database file on a `worker_threads` thread with its own
 * better-sqlite3 connection, instead of inside a request's commit on the main thread.
 *
 * Why: better-sqlite3 is synchronous, and SQLite runs an automatic checkpoint inside the
 * commit that crosses `wal_autocheckpoint` — copying thousands of pages and fsyncing the
 * database file while the event loop waits (https://sqlite.org/wal.html#automatic_checkpoint).
 * Under steady ingest that commit took hundreds of ms and made the open-loop p99
 * (measured with bench/open-loop.ts and bench/stall-probe.mjs).
 *
 * Each pass runs `wal_checkpoint(PASSIVE)`, which never blocks writers or readers. A writer
 * that keeps committing while a pass runs means the WAL is never fully copied at the moment
 * the next write starts, so SQLite cannot rewind it and it grows (https://sqlite.org/wal.html#avoiding_excessively_large_wal_files).
 * Past `restartAfterBytes`, PASSIVE passes run back to back until one ends with the whole
 * WAL copied before the next commit begins (that commit then rewinds the WAL, holding no one
 * off); only when none does, `wal_checkpoint(RESTART)` holds writers off (they wait in
 * their busy handler) while it copies the rest, and the next writer starts the WAL anew.
 *
 * Safe with other processes on the same file: checkpoints are serialised by SQLite's
 * checkpointer lock, a busy pass is retried on the next tick, and a checkpoint never loses
 * a committed transaction. The thread is unref'd (it never keeps a process alive).
 */
export function startCheckpointer(file: string, options: CheckpointerOptions = {}): Checkpointer {
  const data: LoopData = {
    file,
    // The thread loads the same better-sqlite3 this module resolves, wherever the process started.
    sqliteModule: createRequire(import.meta.url).resolve('better-sqlite3'),
    intervalMs: options.intervalMs ?? CHECKPOINT_DEFAULTS.intervalMs,
    restartAfterBytes: options.restartAfterBytes ?? CHECKPOINT_DEFAULTS.restartAfterBytes,
    busyTimeoutMs: options.busyTimeoutMs ?? CHECKPOINT_DEFAULTS.busyTimeoutMs,
  };
  let running = false;
  let stopping = false;
  let thread: { worker: Worker; exited: Promise<void> } | undefined;
  const start = () => {
    const heapSetUp = new Int32Array(new SharedArrayBuffer(4));
    // The loop runs as plain source (`eval`): the same in the built package and under a test
    // runner that compiles TypeScript on the fly, with nothing but `require` in scope. esbuild
    // (tsx, vitest) wraps functions in a `__name` helper to keep their names: defined here.
    const worker = new Worker(
      `var __name = (f) => f;
      const { workerData } = require('node:worker_threads');
      Atomics.store(workerData.heapSetUp, 0, 1);
      Atomics.notify(workerData.heapSetUp, 0);
      (${checkpointLoop.toString()})(workerData, require);`,
      // The thread allocates a few objects per pass: a small heap keeps its memory small.
      {
        eval: true,
        workerData: { ...data, heapSetUp },
        name: 'hookpost-checkpointer',
        resourceLimits: THREAD_HEAP,
      },
    );
    // Setting up the new thread's heap puts V8's process-wide `--semi-space-growth-factor`
    // back to its default (heap.ts): a young-generation collection on this thread before
    // ours is set again grows the young generation for good (measured: up to 4× fewer,
    // larger scavenges under the same load). So this thread waits, once, until the new one
    // runs its first line (its heap is set up by then), and sets the flags again.
    Atomics.wait(heapSetUp, 0, 0, HEAP_SET_UP_WAIT_MS);
    reapplyHeapDefaults();
    worker.once('online', reapplyHeapDefaults);
    worker.unref();
    running = true;
    const exited = new Promise<void>((resolve) =>
      worker.once('exit', () => {
        running = false;
        resolve();
      }),
    );
    // A failing thread (the file removed, a disk error) stops checkpointing; SQLite's own
    // automatic checkpoint on the serving connection is the fallback.
    worker.on('error', () => {});
    worker.on('message', (report: CheckpointReport) => options.onCheckpoint?.(report));
    thread = { worker, exited };
  };
  const startAfterBytes = options.startAfterBytes ?? CHECKPOINT_DEFAULTS.startAfterBytes;
  const walBytes = () => statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0;
  let watch: ReturnType<typeof setInterval> | undefined;
  if (startAfterBytes <= 0 || walBytes() >= startAfterBytes) start();
  else {
    watch = setInterval(() => {
      if (stopping || walBytes() < startAfterBytes) return;
      clearInterval(watch);
      start();
    }, data.intervalMs);
    watch.unref();
  }
  return {
    get running() {
      return running;
    },
    async stop() {
      stopping = true;
      clearInterval(watch);
      if (!thread) return;
      if (running) {
        // Held until it exits: a process with nothing else left to do would otherwise end
        // with `stop` pending.
        thread.worker.ref();
        thread.worker.postMessage('stop');
      }
      await thread.exited;
    },
  };
}

const THREAD_HEAP = { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 16 };
/** Longest this thread waits for the checkpoint thread's heap to be set up, ms. */
const HEAP_SET_UP_WAIT_MS = 2000;

/**
 * The thread's loop. Serialised with `toString()`: it may use only its arguments.
 * `require` is the thread's CommonJS require.
 */
function checkpointLoop(data: LoopData, require: (id: string) => unknown): void {
  const { parentPort } = require('node:worker_threads') as typeof import('node:worker_threads');
  const Database = require(data.sqliteModule) as typeof import('better-sqlite3');
  const db = new Database(data.file, { fileMustExist: true });
  db.pragma(`busy_timeout = ${data.busyTimeoutMs}`);
  // A checkpoint syncs the WAL before copying and the database file after, at FULL as at NORMAL.
  db.pragma('synchronous = FULL');
  const CATCH_UP_PASSES = 16;
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  const restartAfterFrames = Math.max(1, Math.floor(data.restartAfterBytes / pageSize));
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const fs = require('node:fs') as typeof import('node:fs');
  const cpuMs = () => {
    try {
      return Number(fs.readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e6;
    } catch {
      return Number.NaN;
    }
  };
  const checkpoint = (mode: 'passive' | 'restart') => {
    const started = performance.now();
    const cpuBefore = cpuMs();
    const [row] = db.pragma(`wal_checkpoint(${mode})`) as {
      busy: number;
      log: number;
      checkpointed: number;
    }[];
    return {
      mode,
      busy: row?.busy ?? 1,
      log: row?.log ?? 0,
      checkpointed: row?.checkpointed ?? 0,
      ms: performance.now() - started,
      cpuMs: cpuMs() - cpuBefore,
      endedAtEpochMs: performance.timeOrigin + performance.now(),
    };
  };
  // More PASSIVE passes back to back, each copying what came in during the one before.
  // When one ends with the whole WAL copied before the next write begins, that write starts
  // the WAL from its beginning (https://sqlite.org/wal.html#avoiding_excessively_large_wal_files):
  // the WAL shrank without holding writers off. True when that happened.
  const catchUp = (first: CheckpointReport) => {
    let previous = first;
    for (let i = 0; i < CATCH_UP_PASSES; i++) {
      const next = checkpoint('passive');
      parentPort?.postMessage(next);
      if (next.log < previous.log) return true;
      previous = next;
    }
    return false;
  };
  const pass = () => {
    if (stopped) return;
    try {
      const passive = checkpoint('passive');
      if (passive.log > 0) parentPort?.postMessage(passive);
      if (passive.log >= restartAfterFrames && !catchUp(passive))
        parentPort?.postMessage(checkpoint('restart'));
    } catch {
      // SQLITE_BUSY past the busy timeout, or a transient I/O error: retried next tick.
    }
    timer = setTimeout(pass, data.intervalMs);
  };
  parentPort?.on('message', (message) => {
    if (message !== 'stop') return;
    stopped = true;
    clearTimeout(timer);
    db.close();
    parentPort.close();
  });
  pass();
}
