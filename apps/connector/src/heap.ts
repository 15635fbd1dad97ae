import { setFlagsFromString } from 'node:v8';

/**
 * The connector's V8 heap defaults, applied by the `hookpost` command before anything else
 * loads (the first import of `bin.ts`). Node's defaults size the heap for throughput on a
 * large machine: the young generation grows to 2 × 16 MB semi-spaces during start-up and
 * stays there, and the old generation may grow to up to 4 × its live size before a full
 * collection. For a webhook receiver that idles most of the day that is 30–40 % of its
 * resident memory in headroom (measured with bench/memory.ts).
 *
 * - `--semi-space-growth-factor=1`: the young generation keeps its initial 2 × 1 MB. Young
 *   collections run more often; each is short because little of an ingest request survives it.
 * - `--heap-growing-percent=50`: a full collection runs once the old generation has grown by
 *   half its live size since the last one (V8's own factor is 1.1–4, chosen by GC speed).
 *
 * Both are read by V8 at each collection, so unlike `--max-semi-space-size` they take effect
 * when set at run time (https://nodejs.org/api/v8.html#v8setflagsfromstringflags).
 *
 * A user overrides them: `HOOKPOST_HEAP=node` keeps Node's defaults; any of the young- or
 * old-generation flags in `NODE_OPTIONS` or on the node command line replaces ours for that
 * generation (e.g. `NODE_OPTIONS=--max-semi-space-size=16` for more throughput per MB).
 */
export const HEAP_DEFAULTS = {
  young: '--semi-space-growth-factor=1',
  old: '--heap-growing-percent=50',
} as const;

const YOUNG_FLAGS = ['--max-semi-space-size', '--min-semi-space-size', '--semi-space-growth-factor'];
const OLD_FLAGS = ['--max-old-space-size', '--heap-growing-percent', '--max-heap-size'];

/** The flags `applyHeapDefaults` sets for this environment and command line (none with `HOOKPOST_HEAP=node`). */
export function heapDefaultsFor(env: NodeJS.ProcessEnv, execArgv: readonly string[]): string[] {
  if (env.HOOKPOST_HEAP === 'node') return [];
  // Node and V8 accept both spellings: --max-semi-space-size and --max_semi_space_size.
  const given = `${env.NODE_OPTIONS ?? ''} ${execArgv.join(' ')}`.replaceAll('_', '-');
  const set = (flags: string[]) => flags.some((flag) => given.includes(flag));
  return [...(set(YOUNG_FLAGS) ? [] : [HEAP_DEFAULTS.young]), ...(set(OLD_FLAGS) ? [] : [HEAP_DEFAULTS.old])];
}

/** Applies the heap defaults to this process; returns the flags set. */
export function applyHeapDefaults(
  env: NodeJS.ProcessEnv = process.env,
  execArgv: readonly string[] = process.execArgv,
): string[] {
  const flags = heapDefaultsFor(env, execArgv);
  if (flags.length > 0) setFlagsFromString(flags.join(' '));
  return flags;
}
