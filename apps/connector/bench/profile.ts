import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** One line of a CPU profile summary: a function (or GC, idle) and its share of self time. */
export interface ProfileLine {
  name: string;
  /** `<where> <function>`, what areas are matched on. */
  key: string;
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

const AREAS: [RegExp, string][] = [
  // The baselines' own code calls better-sqlite3 directly: its inserts count here.
  [/bench\/baseline-/, 'baseline script (its parse, rows and SQLite inserts)'],
  [/^(kysely|better-sqlite3)\/|store\/insert-many\.js \(anonymous\)/, 'SQLite (statements, commit fsync)'],
  [
    /^(router|express|parseurl|path-to-regexp|mime-types|finalhandler|send|qs|content-type|type-is)\//,
    'Express',
  ],
  [/^(fast-xml-parser|path-expression-matcher|@nodable)\//, 'fast-xml-parser'],
  [/^(saxes|xmlchars)\//, 'saxes'],
  [/^zod\//, 'zod'],
  [/^(pino|@pinojs|prom-client)\//, 'logging and metrics'],
  [/^raw-body\//, 'body reading (raw-body)'],
  [/^node:internal\/crypto|^hash |^Hash |^Hmac /, 'crypto (hashes, HMAC)'],
  [
    /node:internal\/modules|compileSourceTextModule|wrapSafe|openFileHandle|readFileUtf8|internalModule|cjs-module-lexer|^fstat|^realpath/,
    'start-up (module loading)',
  ],
  [
    /^node:(_http|net|events|internal\/streams|stream|internal\/stream_base)|^writev|^writeLatin1String|^writeUtf8String/,
    'Node HTTP and streams',
  ],
  [/packages\/hubspot\//, '@hookpost/hubspot (verify, parse)'],
  [/packages\/salesforce\//, '@hookpost/salesforce (parse, normalise)'],
  [/packages\/core\//, '@hookpost/core'],
  [/apps\/connector\//, 'connector (routes, inbox rows)'],
  [/^\(garbage collector\)/, 'GC'],
  [/^\(idle\)/, 'idle'],
  [/^\(program\)|^runMicrotasks|^processTicksAndRejections|^processImmediate/, 'V8 and event loop'],
];

/** Self time summed by area (SQLite, Express, GC, …) rather than by function. */
export function selfTimeByArea(dir: string, top = 8): ProfileLine[] {
  const byArea = new Map<string, number>();
  for (const line of topSelfTime(dir, Number.POSITIVE_INFINITY)) {
    const area = AREAS.find(([pattern]) => pattern.test(line.key))?.[1] ?? 'other';
    byArea.set(area, (byArea.get(area) ?? 0) + line.share);
  }
  return [...byArea]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, share]) => ({ name, key: name, share }));
}

/**
 * Whether a `.cpuprofile` file is a main thread's: `node --cpu-prof` names its files
 * `CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile`, thread 0 the main one, and a worker
 * thread writes its own (the connector's WAL checkpoint thread sleeps between passes): merged
 * in, its samples showed as 45 % idle of a saturated connector whose main thread idled 5 %.
 * Profiles the bench writes itself (`pipeline-<campaigns>.cpuprofile`, the drain alone) are
 * the main thread's.
 */
const isMainThread = (file: string) =>
  file.endsWith('.cpuprofile') && !/^CPU\.\d+\.\d+\.\d+\.[1-9]\d*\.\d+\.cpuprofile$/.test(file);

/**
 * The functions with the most self time in the `.cpuprofile` files of `dir` (written by
 * `node --cpu-prof --cpu-prof-dir=<dir>`), main thread only, as shares of all samples.
 */
export function topSelfTime(dir: string, top = 8): ProfileLine[] {
  const byName = new Map<string, number>();
  const keyOf = new Map<string, string>();
  let total = 0;
  for (const file of readdirSync(dir).filter(isMainThread)) {
    const profile = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as CpuProfile;
    const frameOf = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
    profile.samples.forEach((id, i) => {
      const delta = profile.timeDeltas[i] ?? 0;
      total += delta;
      const frame = frameOf.get(id);
      const name = frame ? label(frame) : '?';
      if (frame && !keyOf.has(name))
        keyOf.set(name, `${where(frame)} ${frame.functionName || '(anonymous)'}`.trimStart());
      byName.set(name, (byName.get(name) ?? 0) + delta);
    });
  }
  return [...byName]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, t]) => ({ name, key: keyOf.get(name) ?? name, share: total > 0 ? t / total : 0 }));
}

type Frame = { functionName: string; url: string; lineNumber: number };

const where = (frame: Frame) =>
  frame.url
    .replace(/^.*node_modules\//, '')
    .replace(/^.*\/(apps|packages)\//, '$1/')
    .replace(/^file:\/\//, '');

function label(frame: Frame): string {
  const at = where(frame);
  const name = frame.functionName || '(anonymous)';
  if (at === '') return name;
  return KNOWN[`${at} ${name}`] ?? `${name} (${at}:${frame.lineNumber + 1})`;
}

/** `"18 % SQLite insert, 17 % GC, …"`: a profile summary for one table cell. */
export function describeProfile(lines: readonly ProfileLine[]): string {
  return lines.map((l) => `${Math.round(l.share * 100)} % ${l.name}`).join(', ');
}
