import { identityKey, type PolicyLookups, type SuppressionQuery, suppressionQuery } from '@hookpost/core';
import type { ExpressionBuilder, Kysely } from 'kysely';
import type { Database } from '../db/types.js';
import { inValues } from '../db/value-list.js';
import type { Evaluation } from './plan.js';

interface Send {
  recipientKey: string;
  campaignId: string;
  createdAt: number;
}

export interface BatchLookups extends PolicyLookups {
  /** Makes a trigger decided in this batch visible to the policies of the events after it. */
  recordSend(send: Send): void;
}

/**
 * A piece counts as sent when it is pending, handed off or dead, or was cancelled after a
 * delivery attempt (it may have reached the mail platform). A piece cancelled before any
 * attempt never left: it frees the recipient to qualify again.
 */
const countsAsSent = (eb: ExpressionBuilder<Database, 'triggers'>) =>
  eb.or([eb('status', '!=', 'cancelled'), eb('attempts', '>', 0)]);

/**
 * Policy lookups for one batch of one workspace, answered from memory: the past sends of
 * every recipient in the batch and the matching suppression entries are read in a few
 * queries up front (inside the batch transaction), and each trigger the batch creates is
 * added as it is decided. Replaces several queries per matched campaign. Per-campaign
 * counts (daily caps) are read once per campaign and window, then counted on.
 */
export async function preloadLookups(
  trx: Kysely<Database>,
  workspaceId: string,
  recipientKeys: readonly string[],
  hashes: readonly string[],
): Promise<BatchLookups> {
  const sends: Send[] = [];
  const keys = [...new Set(recipientKeys)];
  if (keys.length > 0) {
    const rows = await trx
      .selectFrom('triggers')
      .select(['recipient_key', 'campaign_id', 'created_at'])
      .where('workspace_id', '=', workspaceId)
      .where(inValues(trx, 'recipient_key', keys))
      .where(countsAsSent)
      .execute();
    for (const r of rows)
      sends.push({ recipientKey: r.recipient_key, campaignId: r.campaign_id, createdAt: r.created_at });
  }
  const suppressed = new Set<string>();
  const values = [...new Set(hashes)];
  if (values.length > 0) {
    const rows = await trx
      .selectFrom('suppressions')
      .select('value')
      .where('workspace_id', '=', workspaceId)
      .where(inValues(trx, 'value', values))
      .execute();
    for (const r of rows) suppressed.add(r.value);
  }
  const byRecipient = new Map<string, Send[]>();
  const add = (send: Send) => {
    const list = byRecipient.get(send.recipientKey) ?? [];
    list.push(send);
    byRecipient.set(send.recipientKey, list);
  };
  for (const send of sends) add(send);
  const campaignCounts = new Map<string, { since: number; count: number }>();

  return {
    isSuppressed(query: SuppressionQuery) {
      return [query.crmHash, query.emailHash, query.addressHash].some((h) => h !== null && suppressed.has(h));
    },
    lastSentAt(recipientKey, campaignId) {
      let last = -1;
      for (const s of byRecipient.get(recipientKey) ?? [])
        if (s.campaignId === campaignId && s.createdAt > last) last = s.createdAt;
      return last < 0 ? null : new Date(last);
    },
    countSentSince(recipientKey, since) {
      return (byRecipient.get(recipientKey) ?? []).filter((s) => s.createdAt >= since.getTime()).length;
    },
    async countCampaignSentSince(campaignId, since) {
      const key = `${campaignId}\u0000${since.getTime()}`;
      let entry = campaignCounts.get(key);
      if (!entry) {
        const row = await trx
          .selectFrom('triggers')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('workspace_id', '=', workspaceId)
          .where('campaign_id', '=', campaignId)
          .where(countsAsSent)
          .where('created_at', '>=', since.getTime())
          .executeTakeFirst();
        entry = { since: since.getTime(), count: Number(row?.n ?? 0) };
        campaignCounts.set(key, entry);
      }
      return entry.count;
    },
    recordSend(send) {
      add(send);
      for (const [key, entry] of campaignCounts) {
        if (key.startsWith(`${send.campaignId}\u0000`) && send.createdAt >= entry.since) entry.count++;
      }
    },
  };
}

/**
 * One preloaded lookup per workspace, over the recipients the evaluations' matched
 * campaigns address: what the worker decides a batch with, and a dry run one event.
 */
export async function lookupsFor(
  db: Kysely<Database>,
  evaluations: readonly Evaluation[],
): Promise<Map<string, BatchLookups>> {
  const byWorkspace = new Map<string, { keys: string[]; hashes: string[] }>();
  for (const evaluation of evaluations) {
    const entry = byWorkspace.get(evaluation.workspace.id) ?? { keys: [], hashes: [] };
    byWorkspace.set(evaluation.workspace.id, entry);
    for (const { campaign, decision, recipient: target } of evaluation.verdicts) {
      if (decision.outcome !== 'matched' || !target) continue;
      const query = suppressionQuery(target);
      entry.keys.push(identityKey(target, campaign.policy.identity));
      for (const h of [query.crmHash, query.emailHash, query.addressHash]) if (h) entry.hashes.push(h);
    }
  }
  const lookups = new Map<string, BatchLookups>();
  for (const [workspaceId, { keys, hashes }] of byWorkspace) {
    lookups.set(workspaceId, await preloadLookups(db, workspaceId, keys, hashes));
  }
  return lookups;
}
