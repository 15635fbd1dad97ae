import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** One line of a CPU profile summary: a function (or GC, idle) and its share of self time. */
export interface ProfileLine {
  name: string;
  /** Share of all sampled time, 0–1. */
  share: number;
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

// Native calls have no frame of their own: their time shows as the JS function calling them.
const KNOWN: Record<string, string> = {
  'kysely/dist/esm/dialect/sqlite/sqlite-driver.js executeQuery': 'SQLite statement (Kysely; commit = fsync)',
  'apps/connector/dist/store/insert-many.js (anonymous)': 'SQLite insert (prepared, per row)',
  'better-sqlite3/lib/methods/transaction.js sqliteTransaction': 'SQLite commit (fsync)',
};

/**
 * The functions with the most self time in the `.cpuprofile` files of `dir` (written by
 * `node --cpu-prof --cpu-prof-dir=<dir>`), merged, as shares of all samples.
 */
export function topSelfTime(dir: string, top = 8): ProfileLine[] {
  const byName = new Map<string, number>();
  let total = 0;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
    const profile = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as CpuProfile;
    const nameOf = new Map(profile.nodes.map((n) => [n.id, label(n.callFrame)]));
    profile.samples.forEach((id, i) => {
      const delta = profile.timeDeltas[i] ?? 0;
      total += delta;
      const name = nameOf.get(id) ?? '?';
      byName.set(name, (byName.get(name) ?? 0) + delta);
    });
  }
  return [...byName]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, t]) => ({ name, share: total > 0 ? t / total : 0 }));
}

function label(frame: { functionName: string; url: string; lineNumber: number }): string {
  const where = frame.url.replace(/^.*node_modules\//, '').replace(/^.*\/(apps|packages)\//, '$1/');
  const name = frame.functionName || '(anonymous)';
  if (where === '') return name;
  const known = KNOWN[`${where} ${name}`];
  return known ?? `${name} (${where.replace(/^file:\/\//, '')}:${frame.lineNumber + 1})`;
}

/** `"18 % SQLite insert, 17 % GC, …"`: a profile summary for one table cell. */
export function describeProfile(lines: readonly ProfileLine[]): string {
  return lines.map((l) => `${Math.round(l.share * 100)} % ${l.name}`).join(', ');
}
