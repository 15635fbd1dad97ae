import type { PlannedDecision } from './plan.js';

/** How many decisions of one outcome one campaign made. */
export interface DecisionCount {
  outcome: PlannedDecision['outcome'];
  campaign: string;
  n: number;
}

/**
 * The decisions of a batch counted per outcome and campaign, for `hookpost_decisions_total`
 * (one labelled inc per pair, not per decision). The quiet decisions the worker shares
 * between events (frozen, see quiet-verdicts.ts) are counted by reference first: with 50
 * campaigns a text key per decision (50 an event) was most of this count's time (cpu-prof).
 */
export function countDecisions(plans: Iterable<readonly PlannedDecision[]>): DecisionCount[] {
  // A box per shared decision: one lookup per decision, no write back of the count.
  const byShared = new Map<PlannedDecision, { n: number }>();
  const byKey = new Map<string, DecisionCount>();
  const add = (outcome: DecisionCount['outcome'], campaign: string, n: number) => {
    const key = `${outcome}\u0000${campaign}`;
    const entry = byKey.get(key);
    if (entry) entry.n += n;
    else byKey.set(key, { outcome, campaign, n });
  };
  for (const decisions of plans)
    for (const d of decisions) {
      if (Object.isFrozen(d)) {
        const box = byShared.get(d);
        if (box === undefined) byShared.set(d, { n: 1 });
        else box.n++;
      } else add(d.outcome, d.campaignId, 1);
    }
  for (const [d, { n }] of byShared) add(d.outcome, d.campaignId, n);
  return [...byKey.values()];
}
