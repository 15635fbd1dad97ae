import type { Campaign } from '../campaign.js';
import type { CrmEvent } from '../event.js';
import type { Decision } from '../trigger.js';
import { type CompiledCondition, compileCondition } from './compile-condition.js';
import { type CompiledTrigger, compileTrigger } from './compile-trigger.js';
import type { EvaluationContext, Scope } from './context.js';

/** A campaign with its trigger and conditions compiled (regexes built, paths split) once. */
export interface CompiledCampaign {
  readonly campaign: Campaign;
  readonly trigger: CompiledTrigger;
  readonly conditions: CompiledCondition | null;
  /** Object type of the record a bare condition field falls back to. */
  readonly recipientType: string;
}

// Campaign objects come from a parsed config and are not mutated, so compile each once.
const compiled = new WeakMap<Campaign, CompiledCampaign>();

/**
 * Compiles a parsed campaign. Throws `HookpostCoreError('invalid_campaign')` for a field
 * path that can never be read (`address.street`).
 *
 * @example
 * const compiled = config.campaigns.map(compileCampaign); // once, at start-up
 * evaluateCampaigns(event, context, compiled);
 */
export function compileCampaign(campaign: Campaign): CompiledCampaign {
  let entry = compiled.get(campaign);
  if (entry === undefined) {
    entry = {
      campaign,
      trigger: compileTrigger(campaign.trigger),
      conditions:
        campaign.conditions === undefined ? null : compileCondition(campaign.conditions, 'conditions'),
      recipientType: campaign.recipient === 'company' ? 'company' : 'contact',
    };
    compiled.set(campaign, entry);
  }
  return entry;
}

/**
 * One decision per campaign, in order: `matched`, `no_match` naming the first clause that
 * failed (`trigger.to: expected "customer", got "lead"`), or `skipped` / `disabled` for a
 * disabled campaign. Pure and synchronous; campaigns are compiled on first use and cached.
 *
 * @example
 * const decisions = evaluateCampaigns(event, { records: { contact }, recipient }, config.campaigns);
 * // [{ campaignId: 'welcome-pack', outcome: 'no_match', reason: 'conditions.all[0]: address.country expected one of [DE, AT, CH], got "FR"' }]
 */
export function evaluateCampaigns(
  event: CrmEvent,
  context: EvaluationContext,
  campaigns: readonly (Campaign | CompiledCampaign)[],
): Decision[] {
  const scope: Scope = {
    event,
    records: context.records,
    recipient: context.recipient ?? null,
    recipientType: 'contact',
    failedClause: 'trigger',
    listedKeys: {},
  };
  const decisions: Decision[] = new Array(campaigns.length);
  for (let i = 0; i < campaigns.length; i++) {
    const item = campaigns[i]!;
    decisions[i] = decide(isCompiled(item) ? item : compileCampaign(item), scope);
  }
  return decisions;
}

/**
 * Precompiles a list of campaigns and returns an evaluator for them.
 *
 * @example
 * const evaluate = createEvaluator(workspace.campaigns);
 * for (const event of events) evaluate(event, { records: {} });
 */
export function createEvaluator(campaigns: readonly Campaign[]) {
  const list = campaigns.map(compileCampaign);
  return function evaluate(event: CrmEvent, context: EvaluationContext): Decision[] {
    return evaluateCampaigns(event, context, list);
  };
}

function decide(entry: CompiledCampaign, scope: Scope): Decision {
  const campaignId = entry.campaign.id;
  if (!entry.campaign.enabled) return { campaignId, outcome: 'skipped', reason: 'disabled' };
  scope.failedClause = 'trigger';
  const triggerFailure = entry.trigger(scope);
  if (triggerFailure !== null)
    return { campaignId, outcome: 'no_match', reason: triggerFailure, clause: scope.failedClause };
  if (entry.conditions !== null) {
    scope.recipientType = scope.recipient?.crm.objectType ?? entry.recipientType;
    const failure = entry.conditions.check(scope);
    if (failure !== null) return { campaignId, outcome: 'no_match', reason: failure, clause: 'conditions' };
  }
  return { campaignId, outcome: 'matched', reason: null };
}

function isCompiled(item: Campaign | CompiledCampaign): item is CompiledCampaign {
  return typeof item.trigger === 'function';
}
