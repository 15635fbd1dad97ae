import { type Campaign, type CrmEvent, evaluateCampaigns, failedTrigger } from '@hookpost/core';
import type { Verdict } from './plan.js';
import { quietVerdict } from './quiet-verdicts.js';

/**
 * The shared verdict of each campaign whose trigger clause the event does not fire (undefined
 * for the others, which the caller evaluates with the records).
 */
export type TriggerPass = (Verdict | undefined)[];

/** What a shape knows: the shared verdicts of the campaigns its events never fire, the rest to evaluate. */
interface Shape {
  fixed: (Verdict | undefined)[];
  rest: Campaign[];
  restAt: number[];
}

// Distinct shapes kept per campaign list; past it an event's clauses are all evaluated.
const MAX_SHAPES = 256;
const MIN_CAMPAIGNS = 8;
const shapesByList = new WeakMap<readonly Campaign[], Map<string, Shape>>();

/**
 * Evaluates the trigger clauses of `campaigns` for `event`. A clause that fails on the event's
 * platform, object type, kind or the list of changed properties (a campaign on `custom_7` and
 * an event changing `lifecyclestage`) fails with the same reason for every event of that
 * shape: its shared verdict is remembered per shape, and only the other campaigns are
 * evaluated (with 50 campaigns, 45 of each bench event's were of this kind). The result
 * equals evaluating every clause (`uncachedTriggerPass`); `campaigns` must not be changed
 * after its first use (workspace lists come from the parsed config).
 */
export function triggerPass(event: CrmEvent, campaigns: readonly Campaign[]): TriggerPass {
  // With a handful of campaigns the key costs what it spares (micro-bench: 5 campaigns ~1 µs either way).
  if (campaigns.length < MIN_CAMPAIGNS) return uncachedTriggerPass(event, campaigns);
  const key = shapeKey(event);
  if (key === null) return uncachedTriggerPass(event, campaigns);
  let shapes = shapesByList.get(campaigns);
  if (shapes === undefined) {
    shapes = new Map();
    shapesByList.set(campaigns, shapes);
  }
  const shape = shapes.get(key);
  if (shape === undefined) {
    const pass = uncachedTriggerPass(event, campaigns);
    const learned = learnShape(event, campaigns, pass);
    if (learned !== null && shapes.size < MAX_SHAPES) shapes.set(key, learned);
    return pass;
  }
  const evaluated = evaluateCampaigns(event, { records: {} }, shape.rest);
  const quiet = shape.fixed.slice();
  for (let j = 0; j < evaluated.length; j++) {
    const decision = evaluated[j]!;
    if (failedTrigger(decision)) {
      const at = shape.restAt[j]!;
      quiet[at] = quietVerdict(campaigns[at]!, decision);
    }
  }
  return quiet;
}

/** Every clause evaluated; the failed ones as shared verdicts. */
export function uncachedTriggerPass(event: CrmEvent, campaigns: readonly Campaign[]): TriggerPass {
  const decisions = evaluateCampaigns(event, { records: {} }, campaigns);
  const quiet: TriggerPass = new Array(campaigns.length);
  for (let i = 0; i < campaigns.length; i++) {
    const decision = decisions[i]!;
    if (failedTrigger(decision)) quiet[i] = quietVerdict(campaigns[i]!, decision);
  }
  return quiet;
}

function learnShape(event: CrmEvent, campaigns: readonly Campaign[], pass: TriggerPass): Shape | null {
  const fixed: (Verdict | undefined)[] = new Array(campaigns.length);
  const rest: Campaign[] = [];
  const restAt: number[] = [];
  for (let i = 0; i < campaigns.length; i++) {
    const campaign = campaigns[i]!;
    const verdict = pass[i];
    if (failsByShape(campaign, event) && verdict !== undefined) {
      // Only a shared (frozen) verdict may be handed to other events.
      if (!Object.isFrozen(verdict)) return null;
      fixed[i] = verdict;
    } else {
      rest.push(campaign);
      restAt.push(i);
    }
  }
  return { fixed, rest, restAt };
}

/**
 * True when the campaign's clause fails on what the shape key holds, before any value is
 * read (the order of core's compiled trigger: platform, object, on, property).
 */
function failsByShape(campaign: Campaign, event: CrmEvent): boolean {
  if (!campaign.enabled) return false;
  const trigger = campaign.trigger;
  if (trigger.platform !== event.platform) return true;
  const object = trigger.object.toLowerCase();
  if (event.objectType !== object && event.objectType.toLowerCase() !== object) return true;
  switch (trigger.on) {
    case 'created':
      return event.kind !== 'created';
    case 'deleted':
      return event.kind !== 'deleted' && event.kind !== 'privacy_deleted';
    case 'property_change': {
      if (event.kind !== 'updated') return true;
      const property = trigger.property;
      if (property === undefined) return false;
      if (event.changes !== undefined && Object.hasOwn(event.changes, property)) return false;
      // A Salesforce snapshot may carry the property: its value decides, not the shape.
      return !(event.platform === 'salesforce' && event.properties !== undefined);
    }
    default:
      return false;
  }
}

/**
 * Everything `failsByShape` and the reasons it stands for read: platform, object type, kind,
 * whether a snapshot is there, and the changed properties in order (reasons list them so).
 * Null for a key that could be ambiguous (a NUL in a name).
 */
function shapeKey(event: CrmEvent): string | null {
  if (event.objectType.includes('\u0000') || event.objectType.includes('\u0001')) return null;
  let key = `${event.platform}\u0000${event.objectType}\u0000${event.kind}\u0000${event.properties === undefined ? 0 : 1}`;
  if (event.changes === undefined) return `${key}\u0001`;
  for (const name in event.changes) {
    if (!Object.hasOwn(event.changes, name)) continue;
    if (name.includes('\u0000') || name.includes('\u0001')) return null;
    key += `\u0000${name}`;
  }
  return key;
}
