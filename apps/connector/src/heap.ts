import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

/**
 * The connector's V8 heap defaults, applied by the `hookpost` command before anything else
 * loads (`bin.ts`). Node's defaults size the heap for throughput on a large machine: the
 * young generation grows to 2 × 16 MB semi-spaces while modules load and stays there, and
 * the old generation may grow to several times its live size before a full collection. For
 * a webhook receiver that idles most of the day that headroom was a third of its resident
 * memory, and most of its peak under load (measured with bench/memory.ts).
 *
 * - Young generation: kept at V8's initial 2 × 1 MB (`--semi-space-growth-factor=1`) while
 *   modules load, which keeps the idle footprint small; once the process serves HTTP
 *   or runs the worker (`allowYoungGrowth`, from the runtime) it may grow (`--semi-space-growth-factor=2`, one
 *   doubling per collection that finds enough survivors) up to 2 × 4 MB (`YOUNG_CAP_BYTES`).
 *   Kept at 2 × 1 MB under load, the Salesforce ingest bench (one notification per request,
 *   about 140 KB allocated per request, mostly by the XML validator and parser, as in the
 *   minimal server it is compared with) spent 21 % of the connector's CPU in garbage
 *   collection against 4 % for that server on Node's 2 × 16 MB: a nursery that small is
 *   collected every few requests while the requests in flight are alive, so they are copied
 *   and promoted each time; scavenge work per request falls with the nursery's size (the
 *   survivors are the requests in flight, whatever its size). The cap is for memory: peak
 *   RSS under the HubSpot load, ingest only, measured in one session 147 MB at 2 × 1 MB,
 *   158 MB at 2 × 4 MB, 169 MB at 2 × 8 MB, 174 MB at 2 × 16 MB (bench/memory.ts, target
 *   200 MB); idle RSS stayed at about 92 MB. At 2 × 4 MB the HubSpot ingest CPU per event
 *   measured 1.04–1.12× Node's defaults; 2 × 8 MB and 2 × 16 MB both 0.9× (medians of
 *   alternated runs, bench/memory.young-cap.ts). But `hookpost start` (worker deciding as
 *   events arrive, checkpoint thread started before serving) peaked at 201 and 207 MB with
 *   2 × 8 MB in two full bench runs on a quiet machine, over the 200 MB target, against
 *   179 MB at 2 × 4 MB: the cap stays at 2 × 4 MB, and the CPU it costs is reported.
 * - Old generation: `--heap-growing-percent=100`, a full collection once the old generation
 *   has doubled its live size since the last one (V8 picks 1.1–4× by GC speed). At 50 the
 *   bench measured about 15 % more CPU per ingested event; at 100 none beyond its noise, and a
 *   peak under load about 70 MB lower than Node's.
 *
 * Node's `--max-semi-space-size` is read only when the process starts; the growth factor
 * and `--heap-growing-percent` are read by V8 at every collection, so they take effect when
 * set at run time
 * (https://nodejs.org/api/v8.html#v8setflagsfromstringflags).
 *
 * A user overrides them: `HOOKPOST_HEAP=node` keeps Node's defaults; any young- or
 * old-generation flag in `NODE_OPTIONS` or on the node command line replaces ours for that
 * generation (e.g. `NODE_OPTIONS=--max-semi-space-size=16` for fewer young collections).
 */
export const HEAP_DEFAULTS = {
  young: '--semi-space-growth-factor=1',
  old: '--heap-growing-percent=100',
} as const;

// V8's own default: the young generation doubles when a collection finds enough survivors.
const YOUNG_GROWING = '--semi-space-growth-factor=2';
// Whether `applyHeapDefaults` sized the young generation (the user set none of its flags).
let youngIsOurs = false;
/** The heap flags this process runs with now, as `reapplyHeapDefaults` sets them again. */
let applied: readonly string[] = [];

/** Swaps one applied young-generation flag for another, here and in V8. */
function setYoung(from: string, to: string): void {
  applied = applied.map((flag) => (flag === from ? to : flag));
  setFlagsFromString(to);
}

/** Where the young generation's growth stops (both semi-spaces): 2 × 4 MB, a quarter of V8's cap. */
export const YOUNG_CAP_BYTES = 8 * 2 ** 20;

/**
 * The cap in a process that decides and delivers but serves no HTTP (`hookpost worker`):
 * V8's own, 2 × 16 MB. The 2 × 4 MB cap is for the server's peak under webhook load; a
 * worker holds a claimed batch (up to 500 events, their records and decisions) alive across
 * scavenges, so a small nursery copies it again and again: draining 50,000 events
 * (bench/pipeline.ts) took 300 scavenges and about 390 ms of pauses at 2 × 4 MB against 70
 * and about 230 ms at 2 × 16 MB, and about 7 % more main-thread CPU per event (--trace-gc,
 * alternated runs).
 */
export const WORKER_YOUNG_CAP_BYTES = 32 * 2 ** 20;

function youngBytes(): number {
  return getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0;
}

/**
 * Lets the young generation grow, up to `capBytes` (both semi-spaces; default
 * `YOUNG_CAP_BYTES`, `WORKER_YOUNG_CAP_BYTES` for a process without a server): called once
 * the process serves requests or runs the worker, after its modules loaded. After each collection (a `gc` performance entry) the
 * size is checked; at the cap the growth factor goes back to 1. Does nothing unless
 * `applyHeapDefaults` sized the young generation (no `HOOKPOST_HEAP=node`, no
 * young-generation flag of the user's). A long synchronous stretch with many survivors
 * could double it more than once before the check runs (up to V8's 2 × 16 MB); request
 * handling has none.
 */
export function allowYoungGrowth(capBytes: number = YOUNG_CAP_BYTES): void {
  if (!youngIsOurs) return;
  youngIsOurs = false;
  setYoung(HEAP_DEFAULTS.young, YOUNG_GROWING);
  const observer = new PerformanceObserver(() => {
    if (youngBytes() < capBytes) return;
    setYoung(YOUNG_GROWING, HEAP_DEFAULTS.young);
    observer.disconnect();
  });
  observer.observe({ entryTypes: ['gc'] });
}

const YOUNG_FLAGS = ['--max-semi-space-size', '--min-semi-space-size', '--semi-space-growth-factor'];
const OLD_FLAGS = ['--max-old-space-size', '--heap-growing-percent', '--max-heap-size'];

export interface HeapPlan {
  /** The young generation is ours to size (the user set none of its flags). */
  young: boolean;
  /** The flags applied at start. */
  flags: string[];
}

/** What `applyHeapDefaults` does for this environment and command line (nothing with `HOOKPOST_HEAP=node`). */
export function heapPlanFor(env: NodeJS.ProcessEnv, execArgv: readonly string[]): HeapPlan {
  if (env.HOOKPOST_HEAP === 'node') return { young: false, flags: [] };
  // Node and V8 accept both spellings: --max-semi-space-size and --max_semi_space_size.
  const given = `${env.NODE_OPTIONS ?? ''} ${execArgv.join(' ')}`.replaceAll('_', '-');
  const set = (flags: string[]) => flags.some((flag) => given.includes(flag));
  const young = !set(YOUNG_FLAGS);
  return {
    young,
    flags: [...(young ? [HEAP_DEFAULTS.young] : []), ...(set(OLD_FLAGS) ? [] : [HEAP_DEFAULTS.old])],
  };
}

/** Applies the heap defaults to this process, before its modules load; returns the plan. */
export function applyHeapDefaults(
  env: NodeJS.ProcessEnv = process.env,
  execArgv: readonly string[] = process.execArgv,
): HeapPlan {
  const plan = heapPlanFor(env, execArgv);
  if (plan.flags.length > 0) setFlagsFromString(plan.flags.join(' '));
  youngIsOurs = plan.young;
  applied = plan.flags;
  return plan;
}

/**
 * Sets again the flags `applyHeapDefaults` set (nothing if it did not run). Starting a
 * `worker_threads` thread puts `--semi-space-growth-factor` back to V8's default while the
 * new thread sets up its heap (measured on Node 20: after a thread started, the main
 * thread's young generation grew and its scavenges fell up to sevenfold under the same
 * load); a module that starts a thread calls this until the thread is online.
 */
export function reapplyHeapDefaults(): void {
  if (applied.length > 0) setFlagsFromString(applied.join(' '));
}
