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
 *   modules load; once the process serves HTTP (`allowYoungGrowth`, from `createApp`) it may
 *   grow (`--semi-space-growth-factor=2`, one doubling per collection that finds enough
 *   survivors) up to 2 × 8 MB (`YOUNG_CAP_BYTES`: the first collection that leaves it there
 *   sets the factor back to 1; V8's own cap is 2 × 16 MB). Kept at 2 × 1 MB, the Salesforce ingest bench (one notification per request, about
 *   100 KB allocated per request by the XML validator and parser) spent 21 % of the
 *   connector's CPU in garbage collection, against 4 % for a minimal server on Node's
 *   defaults: a nursery that small is collected every few requests, while the requests in
 *   flight are still alive, so they are copied and promoted. At 2 × 8 MB collections fell to
 *   10 %, idle RSS rose by about 10 MB and the peak under HubSpot load stayed well below
 *   Node's (bench/memory.ts).
 * - Old generation: `--heap-growing-percent=100`, a full collection once the old generation
 *   has doubled its live size since the last one (V8 picks 1.1–4× by GC speed). At 50 the
 *   bench measured about 15 % more CPU per ingested event; at 100 none beyond its noise, and a
 *   peak under load about 70 MB lower than Node's.
 *
 * Node's `--max-semi-space-size` is read only when the process starts, hence the cap by
 * hand; the growth factor and `--heap-growing-percent` are read by V8 at every collection,
 * so they take effect when set at run time
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

/** The young generation's size (both semi-spaces) at which its growth is stopped: 2 × 8 MB. */
export const YOUNG_CAP_BYTES = 16 * 2 ** 20;
const YOUNG_GROWING = '--semi-space-growth-factor=2';
// Whether `applyHeapDefaults` sized the young generation (the user set none of its flags).
let youngIsOurs = false;

function youngBytes(): number {
  return getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0;
}

/**
 * Lets the young generation grow up to `YOUNG_CAP_BYTES`, checked after each collection
 * (a `gc` performance entry); called once the process serves requests, after its modules
 * loaded. Does nothing unless `applyHeapDefaults` sized the young generation, or twice.
 * A long synchronous stretch with many survivors could still double it more than once
 * before the check runs (up to V8's 2 × 16 MB); request handling has none.
 */
export function allowYoungGrowth(): void {
  if (!youngIsOurs) return;
  youngIsOurs = false;
  setFlagsFromString(YOUNG_GROWING);
  const observer = new PerformanceObserver(() => {
    if (youngBytes() < YOUNG_CAP_BYTES) return;
    setFlagsFromString(HEAP_DEFAULTS.young);
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
  return plan;
}
