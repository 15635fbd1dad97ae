import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** One node of a V8 sampling heap profile (`node --heap-prof`, `.heapprofile` JSON). */
interface ProfileNode {
  callFrame: { functionName: string; url: string };
  selfSize: number;
  children: ProfileNode[];
}

export interface HeapShare {
  /** A package (`kysely`, `@hookpost/core`, `connector`), or a Node function (`node:fs readFileSync`). */
  owner: string;
  mb: number;
}

/**
 * Who allocated what is still alive: V8's sampling heap profiler drops the samples of
 * collected objects, so the profile written at exit holds the live heap by allocating
 * function (https://nodejs.org/api/cli.html#--heap-prof). Summed by the package of the
 * function's file, largest first.
 */
export function liveHeapByPackage(dir: string): HeapShare[] {
  const file = readdirSync(dir).find((name) => name.endsWith('.heapprofile'));
  if (!file) return [];
  const profile = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as { head: ProfileNode };
  const bytes = new Map<string, number>();
  const visit = (node: ProfileNode) => {
    const { url, functionName } = node.callFrame;
    // Node's own frames are named by function: the module loader's (source text, compiled
    // modules, required JSON) hold the code of every package loaded.
    const owner = url.startsWith('node:') ? `${url} ${functionName}` : ownerOf(url);
    bytes.set(owner, (bytes.get(owner) ?? 0) + node.selfSize);
    for (const child of node.children) visit(child);
  };
  visit(profile.head);
  return [...bytes]
    .map(([owner, size]) => ({ owner, mb: size / 2 ** 20 }))
    .filter((share) => share.mb >= 0.05)
    .sort((a, b) => b.mb - a.mb);
}

/** The package a script URL belongs to. */
function ownerOf(url: string): string {
  if (url === '') return '(V8: compiled code, globals)';
  const dependency = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (dependency?.[1]) return dependency[1];
  const workspace = /\/(packages|apps)\/([^/]+)\//.exec(url);
  if (workspace?.[2]) return workspace[1] === 'packages' ? `@hookpost/${workspace[2]}` : workspace[2];
  return url;
}

/** What `bench/gc-time.mjs` wrote at a process's exit. */
export interface GcTime {
  gcMs: number;
  young: number;
  full: number;
  /** The process's CPU time (user + system). */
  cpuMs: number;
}

/** Reads a `bench/gc-time.mjs` result; null when the process wrote none. */
export function readGcTime(file: string): GcTime | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as GcTime;
  } catch {
    return null;
  }
}
