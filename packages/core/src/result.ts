import type { Issue } from './errors.js';

/** Validation returns data, like zod's `safeParse`, so every problem can be shown at once. */
export type ValidationResult<T> = { ok: true; value: T } | { ok: false; issues: Issue[] };

/** zod issues as `{ path, message }` with a dotted path (`trigger.property`). */
export function toIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): Issue[] {
  return issues.map((issue) => ({
    path: issue.path
      .map((part) => (typeof part === 'number' ? `[${part}]` : String(part)))
      .join('.')
      .replaceAll('.[', '['),
    message: issue.message,
  }));
}
