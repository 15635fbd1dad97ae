import { type CampaignPolicy, lockScopes, POLICY_DECLARATIONS, type PolicyDeclaration } from '@hookpost/core';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/types.js';

interface LockedWorkspace {
  id: string;
  campaigns: readonly { policy: CampaignPolicy }[];
}

/**
 * The PostgreSQL advisory-lock keys a batch must hold while deciding: one per workspace
 * and cross-event read scope that its campaigns' policies declare (`POLICY_DECLARATIONS`
 * of `@hookpost/core`; `lockScopes` drops scopes safe without a lock). Sorted, so every
 * process takes them in the same order and batches never deadlock. Pure.
 *
 * @example
 * decideLockKeys([{ id: 'acme', campaigns: [{ policy: { oncePerRecipient: true, dailyCap: 5 } }] }]);
 * // ['hookpost:decide:acme:campaign-daily-count']
 */
export function decideLockKeys(
  workspaces: readonly LockedWorkspace[],
  declarations: readonly PolicyDeclaration[] = POLICY_DECLARATIONS,
): string[] {
  const keys = new Set<string>();
  for (const workspace of workspaces) {
    const policies = workspace.campaigns.map((c) => c.policy);
    for (const scope of lockScopes(policies, declarations))
      keys.add(`hookpost:decide:${workspace.id}:${scope}`);
  }
  return [...keys].sort();
}

/**
 * Takes the decide locks inside a PostgreSQL transaction (released at commit). Caps and
 * cooldowns count the triggers committed so far; two processes deciding at once under
 * READ COMMITTED would each miss the other's and both send. The locks serialise only this
 * short step; enrichment stays parallel.
 * https://www.postgresql.org/docs/current/explicit-locking.html#ADVISORY-LOCKS
 */
export async function takeDecideLocks(trx: Kysely<Database>, keys: readonly string[]): Promise<void> {
  for (const key of keys) await sql`select pg_advisory_xact_lock(hashtext(${key}))`.execute(trx);
}
