import type { PolicyLookups, SuppressionQuery } from '@hookpost/core';
import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';

/**
 * The policies' view of the past (core's `PolicyLookups`), read from the store and scoped
 * to one workspace. A send is a trigger that was not cancelled.
 */
export function createPolicyLookups(db: Kysely<Database>, workspaceId: string): PolicyLookups {
  const sends = () =>
    db.selectFrom('triggers').where('workspace_id', '=', workspaceId).where('status', '!=', 'cancelled');
  return {
    async isSuppressed(query: SuppressionQuery) {
      const values = [query.crmHash, query.emailHash, query.addressHash].filter(
        (v): v is string => v !== null,
      );
      const row = await db
        .selectFrom('suppressions')
        .select('id')
        .where('workspace_id', '=', workspaceId)
        .where('value', 'in', values)
        .limit(1)
        .executeTakeFirst();
      return row !== undefined;
    },
    async lastSentAt(recipientKey, campaignId) {
      const row = await sends()
        .select((eb) => eb.fn.max('created_at').as('last'))
        .where('recipient_key', '=', recipientKey)
        .where('campaign_id', '=', campaignId)
        .executeTakeFirst();
      return row?.last == null ? null : new Date(Number(row.last));
    },
    async countSentSince(recipientKey, since) {
      const row = await sends()
        .select((eb) => eb.fn.countAll().as('n'))
        .where('recipient_key', '=', recipientKey)
        .where('created_at', '>=', since.getTime())
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },
    async countCampaignSentSince(campaignId, since) {
      const row = await sends()
        .select((eb) => eb.fn.countAll().as('n'))
        .where('campaign_id', '=', campaignId)
        .where('created_at', '>=', since.getTime())
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },
  };
}
