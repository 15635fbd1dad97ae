import { readFileSync } from 'node:fs';
import type { CrmProperties, CrmReader } from '@hookpost/core';

interface Dataset {
  [collection: string]: unknown;
  associations?: Record<string, Record<string, string[]>>;
}

const COLLECTIONS: Record<string, string> = {
  contact: 'contacts',
  company: 'companies',
  deal: 'deals',
  lead: 'leads',
  account: 'accounts',
  opportunity: 'opportunities',
};

/**
 * Reads records from a JSON file (`examples/demo-dataset.json`): the demo works offline. The
 * file holds collections by plural object type (`contacts`, `deals`…) and `associations`
 * keyed `fromType->toType`.
 */
export function createDatasetReader(file: string): CrmReader {
  const dataset = JSON.parse(readFileSync(file, 'utf8')) as Dataset;
  const collection = (objectType: string) =>
    (dataset[COLLECTIONS[objectType] ?? objectType] ?? {}) as Record<string, CrmProperties>;
  return {
    async fetchRecords(objectType, ids) {
      const records = collection(objectType);
      const found = new Map<string, CrmProperties>();
      for (const id of ids) {
        const record = records[id];
        if (record) found.set(id, { ...record });
      }
      return found;
    },
    async fetchAssociations(fromType, toType, ids) {
      const table = dataset.associations?.[`${fromType}->${toType}`] ?? {};
      return new Map(ids.filter((id) => table[id]).map((id) => [id, table[id] as string[]]));
    },
  };
}

// A workspace asks for the same field list (built once from its campaigns) on every read:
// each distinct list gets a short token for the cache keys (hashing a key that carried the
// 50-field list itself showed in cpu-prof of the decision pipeline).
const tokensByList = new WeakMap<readonly string[], { length: number; token: string }>();
const tokensByFields = new Map<string, string>();
const MAX_FIELD_LISTS = 1_000;
let nextToken = 0;

/** A short stand-in for the field list in cache keys: the same fields in any order, the same token. */
function propertiesToken(properties: readonly string[]): string {
  const known = tokensByList.get(properties);
  if (known !== undefined && known.length === properties.length) return known.token;
  const fields = [...properties].sort().join(',');
  let token = tokensByFields.get(fields);
  if (token === undefined) {
    // Tokens are never reused, so forgetting the lists (a caller making new ones per read) is safe.
    if (tokensByFields.size >= MAX_FIELD_LISTS) tokensByFields.clear();
    token = String(nextToken++);
    tokensByFields.set(fields, token);
  }
  tokensByList.set(properties, { length: properties.length, token });
  return token;
}

/** Entries kept at most; past it the oldest go first (an entry lives `ttlMs` anyway). */
const MAX_CACHED = 10_000;

/**
 * A short-lived cache in front of a reader: events of one batch often share records. Entries
 * sit in insertion order (a refreshed key moves to the end), so expired and surplus entries
 * are dropped from the front in amortised constant time per read — a full scan per read once
 * the cache is full made every read cost O(entries) at high event rates.
 */
export function withRecordCache(
  reader: CrmReader,
  ttlMs = 5_000,
  now = Date.now,
  maxEntries = MAX_CACHED,
): CrmReader {
  const cache = new Map<string, { at: number; value: Promise<unknown> }>();
  function evict(time: number): void {
    for (const [key, entry] of cache) {
      if (cache.size <= maxEntries && time - entry.at < ttlMs) return;
      cache.delete(key);
    }
  }
  function cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    const time = now();
    const hit = cache.get(key);
    if (hit && time - hit.at < ttlMs) return hit.value as Promise<T>;
    const value = load();
    const entry = { at: time, value };
    cache.delete(key);
    cache.set(key, entry);
    value.catch(() => {
      if (cache.get(key) === entry) cache.delete(key);
    });
    evict(time);
    return value;
  }
  /**
   * Each id through the cache on its own (`key(id)`; `load` reads that one id), found ones in
   * a map. One id is how events read their records: that case makes no list of promises.
   */
  async function cachedById<T>(
    ids: readonly string[],
    key: (id: string) => string,
    load: (id: string) => Promise<T | undefined>,
  ): Promise<Map<string, T>> {
    const found = new Map<string, T>();
    if (ids.length === 1) {
      const id = ids[0]!;
      const value = await cached(key(id), () => load(id));
      if (value !== undefined) found.set(id, value);
      return found;
    }
    const values = await Promise.all(ids.map((id) => cached(key(id), () => load(id))));
    ids.forEach((id, i) => {
      const value = values[i];
      if (value !== undefined) found.set(id, value);
    });
    return found;
  }
  return {
    async fetchRecords(objectType, ids, properties) {
      const fields = propertiesToken(properties);
      return cachedById(
        ids,
        (id) => `r:${objectType}:${id}:${fields}`,
        async (id) => (await reader.fetchRecords(objectType, [id], properties)).get(id),
      );
    },
    async fetchAssociations(fromType, toType, ids) {
      return cachedById(
        ids,
        (id) => `a:${fromType}:${toType}:${id}`,
        async (id) => (await reader.fetchAssociations(fromType, toType, [id])).get(id),
      );
    },
    // Forwarded only when the CRM marks primary links, so callers can tell it from unmarked lists.
    ...(reader.fetchAssociationLinks
      ? { fetchAssociationLinks: cachedLinks(reader.fetchAssociationLinks.bind(reader)) }
      : {}),
  };

  function cachedLinks(load: NonNullable<CrmReader['fetchAssociationLinks']>) {
    return (fromType: string, toType: string, ids: string[]) =>
      cachedById(
        ids,
        (id) => `l:${fromType}:${toType}:${id}`,
        async (id) => (await load(fromType, toType, [id])).get(id),
      );
  }
}
