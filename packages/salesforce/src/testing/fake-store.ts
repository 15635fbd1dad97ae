import { randomBytes } from 'node:crypto';
import { toOrgId18 } from '../org-id.js';

export type FakeFieldValue = string | number | boolean | null;
export type FakeRecord = Record<string, FakeFieldValue>;
/** Seed data: object type → records, each with its `Id`. */
export type FakeRecords = Record<string, FakeRecord[]>;

const ID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A fresh 18-character id with the given key prefix (`00T` for a Task). */
export function fakeId(prefix: string): string {
  const body = [...randomBytes(15 - prefix.length)].map((b) => ID_CHARS.charAt(b % ID_CHARS.length)).join('');
  return toOrgId18(`${prefix}${body}`);
}

/** Records by type and 15-character id, so 15- and 18-character lookups both hit. */
export function createFakeStore(seed: FakeRecords = {}) {
  const byType = new Map<string, Map<string, FakeRecord>>();
  const key = (id: string) => id.slice(0, 15);

  function add(type: string, id: string, fields: FakeRecord): FakeRecord {
    const record = { ...fields, Id: toOrgId18(id) };
    const table = byType.get(type) ?? new Map<string, FakeRecord>();
    byType.set(type, table);
    table.set(key(id), record);
    return record;
  }

  for (const [type, records] of Object.entries(seed)) {
    for (const record of records) add(type, String(record.Id), record);
  }

  return {
    add,
    get: (type: string, id: string): FakeRecord | undefined =>
      /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/.test(id) ? byType.get(type)?.get(key(id)) : undefined,
    all: (type: string): FakeRecord[] => [...(byType.get(type)?.values() ?? [])],
    /** Merges fields into a stored record in place; undefined when there is none. */
    update(type: string, id: string, fields: FakeRecord): FakeRecord | undefined {
      const record = byType.get(type)?.get(key(id));
      if (record) Object.assign(record, fields, { Id: record.Id });
      return record;
    },
  };
}

export type FakeStore = ReturnType<typeof createFakeStore>;
