import { readFileSync } from 'node:fs';

/** A real Salesforce payload copied from shared/fixtures into test/fixtures. */
export function fixture(name: string): string {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
}
