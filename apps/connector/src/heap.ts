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
 * - Young generation: kept at V8's initial 2 × 1 MB while the process starts (nothing that
 *   survives start-up is short-lived), then allowed to grow to 2 × `maxSemiSpaceMb` (4 MB)
 *   once it serves: smaller semi-spaces mean more young collections under load, larger ones
 *   more resident memory.
 * - Old generation: `--heap-growing-percent=50`, a full collection once the old generation
 *   has grown by half its live size since the last one (V8 picks 1.1–4× by GC speed).
 *
 * Node's `--max-semi-space-size` is read only when the process starts, so the young
 * generation is capped through `--semi-space-growth-factor`, which V8 reads at every growth
 * (https://nodejs.org/api/v8.html#v8setflagsfromstringflags): growth stops (factor 1) once
 * the young generation reached the cap, and resumes when V8 shrank it (an idle process).
 *
 * A user overrides them: `HOOKPOST_HEAP=node` keeps Node's defaults; any young- or
 * old-generation flag in `NODE_OPTIONS` or on the node command line replaces ours for that
 * generation (e.g. `NODE_OPTIONS=--max-semi-space-size=16` for fewer young collections).
 */
export const HEAP_DEFAULTS = {
  /** Semi-space size the young generation may grow to once the process serves, in MB. */
  maxSemiSpaceMb: 4,
  old: '--heap-growing-percent=50',
} as const;

const STOP_GROWTH = '--semi-space-growth-factor=1';
const GROW = '--semi-space-growth-factor=2';
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
    flags: [...(young ? [STOP_GROWTH] : []), ...(set(OLD_FLAGS) ? [] : [HEAP_DEFAULTS.old])],
  };
}

let plan: HeapPlan = { young: false, flags: [] };

/** Applies the heap defaults to this process, before its modules load; returns the plan. */
export function applyHeapDefaults(
  env: NodeJS.ProcessEnv = process.env,
  execArgv: readonly string[] = process.execArgv,
): HeapPlan {
  plan = heapPlanFor(env, execArgv);
  if (plan.flags.length > 0) setFlagsFromString(plan.flags.join(' '));
  return plan;
}

/**
 * Called once the process serves: lets the young generation grow up to 2 ×
 * `maxSemiSpaceMb` MB (checked after each collection). No-op when the user sized it.
 * Returns a function that stops watching.
 */
export function allowYoungGrowth(maxSemiSpaceMb: number = HEAP_DEFAULTS.maxSemiSpaceMb): () => void {
  if (!plan.young) return () => {};
  const capBytes = 2 * maxSemiSpaceMb * 2 ** 20;
  let current = '';
  const adjust = () => {
    const young = getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
    const next = (young?.space_size ?? 0) >= capBytes ? STOP_GROWTH : GROW;
    if (next !== current) setFlagsFromString(next);
    current = next;
  };
  const observer = new PerformanceObserver(adjust);
  observer.observe({ entryTypes: ['gc'] });
  adjust();
  return () => observer.disconnect();
}
