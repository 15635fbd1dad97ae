import type { z } from 'zod';

/** `[0].portalId`, `[3].mergedObjectIds[1]` — where a problem sits in a delivery. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  return path.map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`)).join('') || '(root)';
}

/** One readable line per problem: `[0].portalId: expected a number`. */
export function formatIssue(issue: z.core.$ZodIssue): string {
  const where = formatIssuePath(issue.path);
  if (issue.code === 'invalid_type') {
    // zod 4 omits the input from issues; its message still says what was received.
    const missing = issue.message.endsWith('received undefined');
    return `${where}: ${missing ? 'required' : `expected a ${issue.expected}`}`;
  }
  return `${where}: ${issue.message}`;
}
