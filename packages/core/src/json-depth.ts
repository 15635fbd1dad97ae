/**
 * Deepest nesting of arrays and objects accepted in an inbound JSON body. Real CRM
 * deliveries are 2–4 levels deep; a limit keeps every later recursive step (validation, storage, JSON
 * columns — PostgreSQL's jsonb refuses deeper than its stack allows) bounded.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * The nesting depth of a JSON text, found in one pass before `JSON.parse` builds anything
 * (brackets inside strings do not count). Stops counting once past `limit`.
 *
 * @example
 * jsonDepth('[{"a":[1]}]'); // 3
 */
export function jsonDepth(text: string, limit = MAX_JSON_DEPTH): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === 0x5c)
        i++; // backslash: skip the escaped character
      else if (code === 0x22) inString = false;
    } else if (code === 0x22) inString = true;
    else if (code === 0x5b || code === 0x7b) {
      depth++;
      if (depth > deepest) deepest = depth;
      if (deepest > limit) return deepest;
    } else if (code === 0x5d || code === 0x7d) depth--;
  }
  return deepest;
}
