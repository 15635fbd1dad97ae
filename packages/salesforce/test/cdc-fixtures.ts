import { readFileSync } from 'node:fs';
import type { CdcEvent } from '../src/cdc/types.js';

/** A change-event fixture, with `{ "$bigint": "…" }` revived as a BigInt. */
export function cdcFixture(name: string): CdcEvent {
  const text = readFileSync(new URL(`./fixtures/cdc/${name}.json`, import.meta.url), 'utf8');
  return JSON.parse(text, (_key, value: unknown) =>
    typeof value === 'object' && value !== null && '$bigint' in value ? BigInt(String(value.$bigint)) : value,
  ) as CdcEvent;
}
