import { type SelectQueryBuilder, sql } from 'kysely';
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

/**
 * Newest first by `column` (epoch ms) then `id`, from after `cursor` when given, one row more
 * than `limit` (for {@link page}): the keyset page every listing of the admin API reads, an
 * index walk on `(column, id)` instead of an OFFSET.
 */
export function newestFirst<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  column: string,
  cursor: string | undefined,
  limit: number,
): SelectQueryBuilder<DB, TB, O> {
  const at = sql.ref(column);
  let q = query;
  if (cursor) {
    const after = decodeCursor(cursor);
    q = q.where(
      sql<boolean>`(${at} < ${after.at} or (${at} = ${after.at} and ${sql.ref('id')} < ${after.id}))`,
    );
  }
  return q
    .orderBy(at, 'desc')
    .orderBy(sql.ref('id'), 'desc')
    .limit(limit + 1);
}
