import type { FakeRecord, FakeStore } from './fake-store.js';

/**
 * Just the SOQL shapes `createSalesforceClient` sends:
 * `SELECT f[, Rel.f] FROM T WHERE F = 'id' [ORDER BY F ASC|DESC, …] [LIMIT n]`.
 * Anything else is refused the way Salesforce refuses a bad query (MALFORMED_QUERY).
 */
const SHAPE =
  /^SELECT\s+(.+?)\s+FROM\s+(\w+)\s+WHERE\s+(\w+)\s*=\s*'([A-Za-z0-9]+)'(?:\s+ORDER\s+BY\s+(.+?))?(?:\s+LIMIT\s+(\d+))?$/i;

export class SoqlError extends Error {}

function compare(a: FakeRecord, b: FakeRecord, field: string): number {
  const x = a[field] ?? null;
  const y = b[field] ?? null;
  if (x === y) return 0;
  if (x === null) return -1;
  if (y === null) return 1;
  return x < y ? -1 : 1;
}

function project(
  store: FakeStore,
  type: string,
  record: FakeRecord,
  fields: string[],
): Record<string, unknown> {
  const row: Record<string, unknown> = { attributes: { type, url: `/sobjects/${type}/${record.Id}` } };
  for (const field of fields) {
    const [relation, name] = field.split('.');
    if (!name || !relation) {
      row[field] = record[field] ?? null;
      continue;
    }
    // Relationship `Account.Name` follows the `AccountId` lookup.
    const related = store.get(relation, String(record[`${relation}Id`] ?? ''));
    if (!related) row[relation] = null;
    else {
      const nested = (row[relation] ?? {
        attributes: { type: relation, url: `/sobjects/${relation}/${related.Id}` },
      }) as Record<string, unknown>;
      nested[name] = related[name] ?? null;
      row[relation] = nested;
    }
  }
  return row;
}

/** Runs one supported SOQL query against the fake's records. */
export function runSoql(
  store: FakeStore,
  soql: string,
  { includeDeleted = false }: { includeDeleted?: boolean } = {},
): { totalSize: number; done: true; records: unknown[] } {
  const match = SHAPE.exec(soql.trim());
  if (!match) throw new SoqlError(`unsupported query shape: ${soql.slice(0, 200)}`);
  const [, select = '', type = '', whereField = '', whereValue = '', orderBy, limit] = match;
  const fields = select.split(',').map((f) => f.trim());
  let rows = store.all(type).filter((r) => {
    if (r.IsDeleted === true && !includeDeleted) return false;
    const value = r[whereField];
    return typeof value === 'string' && value.slice(0, 15) === whereValue.slice(0, 15);
  });
  if (orderBy) {
    const keys = orderBy.split(',').map((part) => {
      const [field = '', direction = 'ASC'] = part.trim().split(/\s+/);
      return { field, sign: direction.toUpperCase() === 'DESC' ? -1 : 1 };
    });
    rows = [...rows].sort((a, b) => {
      for (const { field, sign } of keys) {
        const order = compare(a, b, field);
        if (order !== 0) return order * sign;
      }
      return 0;
    });
  }
  if (limit) rows = rows.slice(0, Number(limit));
  return { totalSize: rows.length, done: true, records: rows.map((r) => project(store, type, r, fields)) };
}
