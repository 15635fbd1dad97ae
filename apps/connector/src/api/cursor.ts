import { z } from 'zod';
import { AdminApiError } from './errors.js';

/** A keyset position: the sort time (epoch ms) and id of the last item of a page. */
export interface Cursor {
  at: number;
  id: string;
}

const cursorSchema = z.tuple([z.number().int().nonnegative(), z.string().min(1)]);

/** Opaque to clients: base64url of `[at, id]`. */
export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.at, cursor.id])).toString('base64url');
}

export function decodeCursor(text: string): Cursor {
  try {
    const [at, id] = cursorSchema.parse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')));
    return { at, id };
  } catch (cause) {
    throw new AdminApiError('bad_request', 'invalid query.cursor: pass the nextCursor of a previous page', {
      cause,
      issues: [{ path: 'query.cursor', message: 'not a cursor returned by this API' }],
    });
  }
}

/** Splits a `limit + 1` fetch into the page and the cursor of the next one (null on the last page). */
export function page<R, T>(
  rows: R[],
  limit: number,
  position: (row: R) => Cursor,
  toItem: (row: R) => T,
): { data: T[]; nextCursor: string | null } {
  const more = rows.length > limit;
  const shown = more ? rows.slice(0, limit) : rows;
  const last = shown.at(-1);
  return {
    data: shown.map(toItem),
    nextCursor: more && last !== undefined ? encodeCursor(position(last)) : null,
  };
}
