import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import type { ZodError } from 'zod';
import { type ConfigIssue, formatPath, interpolateEnv } from './interpolate.js';
import { configSchema, crossReferenceIssues, type HookpostConfig } from './schema.js';
import { nestedUnknownKeyMessage, unknownKeyErrors } from './suggest.js';

export type { ConfigIssue } from './interpolate.js';

export type ConfigResult =
  | { ok: true; value: HookpostConfig; file: string; dir: string }
  | { ok: false; issues: ConfigIssue[]; file: string };

const BUNDLED_DEMO = 'examples/demo.config.yaml';

/** Configuration lookup: `HOOKPOST_CONFIG`, else `./hookpost.config.yaml`, else the bundled demo config. */
export function resolveConfigPath(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  if (env.HOOKPOST_CONFIG) return path.resolve(cwd, env.HOOKPOST_CONFIG);
  const local = path.resolve(cwd, 'hookpost.config.yaml');
  if (existsSync(local)) return local;
  return bundledDemoConfigPath();
}

export function bundledDemoConfigPath(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, BUNDLED_DEMO);
    if (existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`[@hookpost/connector] bundled ${BUNDLED_DEMO} not found`);
    dir = parent;
  }
}

/** Reads, interpolates and validates a config file; every problem is returned with its path. */
export function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env): ConfigResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return {
      ok: false,
      file,
      issues: [{ path: '(file)', message: `cannot read ${file}: ${(error as Error).message}` }],
    };
  }
  return parseConfigText(text, file, env);
}

export function parseConfigText(
  text: string,
  file: string,
  env: NodeJS.ProcessEnv = process.env,
): ConfigResult {
  const document = parseDocument(text, { prettyErrors: true });
  if (document.errors.length > 0) {
    return {
      ok: false,
      file,
      issues: document.errors.map((e) => ({
        path: `(yaml line ${e.linePos?.[0]?.line ?? '?'})`,
        message: e.message,
      })),
    };
  }
  const unset: ConfigIssue[] = [];
  const raw = interpolateEnv(document.toJS(), env, unset);
  const issues = unsetOnce(unset);
  // Every block is strict: an unknown key (a typo) is an error that says what was meant.
  const parsed = configSchema.safeParse(raw ?? {}, { error: unknownKeyErrors });
  // A value left empty by an unset variable fails the schema too: say it once, as the variable.
  const unsetPaths = new Set(unset.map((i) => i.path));
  if (!parsed.success) issues.push(...zodIssues(parsed.error).filter((i) => !unsetPaths.has(i.path)));
  for (const issue of crossReferenceIssues(raw))
    issues.push({ path: formatPath(issue.path), message: issue.message });
  if (issues.length > 0 || !parsed.success) return { ok: false, file, issues: dedupeIssues(issues) };
  return { ok: true, value: parsed.data, file, dir: path.dirname(file) };
}

/** One issue per unset variable, at its first use, naming the other places it is used. */
function unsetOnce(issues: ConfigIssue[]): ConfigIssue[] {
  const byMessage = new Map<string, string[]>();
  for (const issue of issues)
    byMessage.set(issue.message, [...(byMessage.get(issue.message) ?? []), issue.path]);
  return [...byMessage].map(([message, [first = '(root)', ...rest]]) => ({
    path: first,
    message: rest.length > 0 ? `${message} (also used at ${rest.join(', ')})` : message,
  }));
}

function zodIssues(error: ZodError): ConfigIssue[] {
  return error.issues.flatMap((issue) => {
    // A union reports each branch; show the branches' own issues so the path is precise.
    if (issue.code === 'invalid_union' && 'errors' in issue && issue.errors.length > 0) {
      const best = issue.errors.reduce((a, b) => (b.length < a.length ? b : a));
      return best.map((inner) => ({
        path: formatPath([...issue.path, ...inner.path]),
        message: inner.message,
      }));
    }
    return [{ path: formatPath(issue.path), message: nestedUnknownKeyMessage(issue) ?? issue.message }];
  });
}

function dedupeIssues(issues: ConfigIssue[]): ConfigIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.path}\u0000${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function formatIssues(result: Extract<ConfigResult, { ok: false }>): string {
  return [
    `${result.file}: ${result.issues.length} problem(s)`,
    ...result.issues.map((i) => `  ${i.path}: ${i.message}`),
  ].join('\n');
}
