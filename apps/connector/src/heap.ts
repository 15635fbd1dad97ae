import { setFlagsFromString } from 'node:v8';

/**
 * The connector's V8 heap defaults, applied by the `hookpost` command before anything else
 * loads (`bin.ts`). Node's defaults size the heap for throughput on a large machine: the
 * young generation grows to 2 × 16 MB semi-spaces while modules load and stays there, and
 * the old generation may grow to several times its live size before a full collection. For
 * a webhook receiver that idles most of the day that headroom was a third of its resident
 * memory, and most of its peak under load (measured with bench/memory.ts).
 *
 * - Young generation: kept at V8's initial 2 × 1 MB (`--semi-space-growth-factor=1`). Young
 *   collections run more often, each short: little of a request outlives it. The bench
 *   measured no more CPU per ingested event than with Node's 2 × 16 MB.
 * - Old generation: `--heap-growing-percent=100`, a full collection once the old generation
 *   has doubled its live size since the last one (V8 picks 1.1–4× by GC speed). At 50 the
 *   bench measured about 15 % more CPU per ingested event; at 100 none beyond its noise, and a
 *   peak under load about 70 MB lower than Node's.
 *
 * Node's `--max-semi-space-size` is read only when the process starts; these two are read by
 * V8 at every collection, so they take effect when set at run time
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

/** The flags `applyHeapDefaults` set in this process (none until it runs). */
let applied: readonly string[] = [];

/** Applies the heap defaults to this process, before its modules load; returns the plan. */
export function applyHeapDefaults(
  env: NodeJS.ProcessEnv = process.env,
  execArgv: readonly string[] = process.execArgv,
): HeapPlan {
  const plan = heapPlanFor(env, execArgv);
  if (plan.flags.length > 0) setFlagsFromString(plan.flags.join(' '));
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
