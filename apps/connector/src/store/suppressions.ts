import { hashAddress, hashCrmRef, hashEmail } from '@hookpost/core';
import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';
import { newId } from './ids.js';

/** Who to suppress: any of an e-mail, a CRM record, a postal address. Only their hashes are stored. */
export interface SuppressionInput {
  workspace: string;
  email?: string | undefined;
  crm?: { platform: string; objectType: string; objectId: string } | undefined;
  address?:
    | {
        line1: string;
        line2?: string | null | undefined;
        postalCode?: string | null | undefined;
        city?: string | null | undefined;
        region?: string | null | undefined;
        country: string;
      }
    | undefined;
  reason?: string | undefined;
}

export type SuppressionKey = { kind: 'email' | 'crm' | 'address'; value: string };

/**
 * The hashes the worker and dispatcher look suppressions up by (the same `hashEmail`,
 * `hashCrmRef`, `hashAddress` as a recipient's), or the problem with the input.
 */
export function suppressionKeys(
  input: SuppressionInput,
): { ok: true; keys: SuppressionKey[] } | { ok: false; message: string } {
  const keys: SuppressionKey[] = [];
  if (input.email !== undefined) {
    const value = hashEmail(input.email);
    if (!value) return { ok: false, message: 'email: not an e-mail address' };
    keys.push({ kind: 'email', value });
  }
  if (input.crm) keys.push({ kind: 'crm', value: hashCrmRef(input.crm) });
  if (input.address) {
    const value = hashAddress({
      line1: input.address.line1,
      line2: input.address.line2 ?? null,
      postalCode: input.address.postalCode ?? null,
      city: input.address.city ?? null,
      region: input.address.region ?? null,
      country: input.address.country,
    });
    if (!value) return { ok: false, message: 'address: too little to identify a postal address' };
    keys.push({ kind: 'address', value });
  }
  if (keys.length === 0) return { ok: false, message: 'give at least one of email, crm or address' };
  return { ok: true, keys };
}

/**
 * Stores the suppressions (idempotent: an existing one is kept as it was) and returns the
 * rows now in force. Suppressions are never pruned nor erased: a privacy deletion adds to
 * them, because the hash is what keeps an erased person from being mailed again.
 */
export async function addSuppressions(
  db: Kysely<Database>,
  workspace: string,
  keys: SuppressionKey[],
  reason: string,
  now = Date.now(),
) {
  for (const key of keys) {
    await db
      .insertInto('suppressions')
      .values({
        id: newId('sup'),
        workspace_id: workspace,
        kind: key.kind,
        value: key.value,
        reason,
        created_at: now,
      })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  return db
    .selectFrom('suppressions')
    .selectAll()
    .where('workspace_id', '=', workspace)
    .where(
      'value',
      'in',
      keys.map((k) => k.value),
    )
    .execute();
}

/**
 * Hashes a search term could be: an e-mail's, or a CRM record id's under the usual object
 * types of the registered platforms.
 */
export function searchHashes(term: string, platforms: readonly string[]): string[] {
  const hashes = new Set<string>([term.toLowerCase()]);
  const email = hashEmail(term);
  if (email) hashes.add(email);
  for (const platform of platforms)
    for (const objectType of ['contact', 'company', 'lead', 'account', 'deal', 'opportunity'])
      hashes.add(hashCrmRef({ platform, objectType, objectId: term }));
  return [...hashes];
}
