import { distance } from 'fastest-levenshtein';
import type { z } from 'zod';

/**
 * The known name closest to `input` when it is a likely typo: at most 2 edits, and fewer
 * edits than half the name's length (so `to` is not offered for `id`). Case is ignored.
 *
 * @example
 * closestName('too', ['to', 'in', 'property']); // 'to'
 * closestName('zzz', ['to', 'in']); // null
 */
export function closestName(input: string, known: Iterable<string>): string | null {
  let best: { name: string; edits: number } | null = null;
  for (const name of known) {
    const edits = distance(input.toLowerCase(), name.toLowerCase());
    if (edits <= 2 && edits < Math.max(name.length, input.length) / 2 && (!best || edits < best.edits))
      best = { name, edits };
  }
  return best?.name ?? null;
}

/**
 * A zod per-parse error map: an unknown key in a strict object is reported with the
 * object's known keys and, for a likely typo, a "did you mean" (`too` → `to`). Other
 * issues keep their default message.
 */
export function unknownKeyErrors(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code !== 'unrecognized_keys') return undefined;
  const inst = issue.inst as { _zod?: { def?: { shape?: Record<string, unknown> } } } | undefined;
  return unknownKeysMessage(issue.keys, Object.keys(inst?._zod?.def?.shape ?? {}));
}

/**
 * The message for an issue that a nested parse turned into a custom one (conditions are
 * parsed branch by branch) and that carries `params.unknownKeys` / `params.knownKeys`;
 * null for any other issue.
 */
export function nestedUnknownKeyMessage(issue: z.core.$ZodIssue): string | null {
  if (issue.code !== 'custom') return null;
  const params = issue.params as { unknownKeys?: unknown; knownKeys?: unknown } | undefined;
  if (!Array.isArray(params?.unknownKeys) || !Array.isArray(params.knownKeys)) return null;
  return unknownKeysMessage(params.unknownKeys.map(String), params.knownKeys.map(String));
}

function unknownKeysMessage(keys: readonly string[], known: readonly string[]): string {
  return keys
    .map((key) => {
      const near = closestName(key, known);
      const list = known.length > 0 ? ` (known: ${known.join(', ')})` : '';
      return `unknown key "${key}"${near ? `; did you mean "${near}"?` : list}`;
    })
    .join('; ');
}
