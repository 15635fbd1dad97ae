import type { Campaign, Condition } from '@hookpost/core';
import type { WorkspaceConfig } from '../config/schema.js';

/** Default properties read for an address (reference/hubspot.md, reference/salesforce.md). */
export const BASE_PROPERTIES: Record<string, readonly string[]> = {
  contact: [
    'firstname',
    'lastname',
    'email',
    'company',
    'address',
    'city',
    'zip',
    'state',
    'country',
    'lifecyclestage',
  ],
  company: ['name', 'address', 'address2', 'city', 'zip', 'state', 'country'],
  deal: ['dealname', 'dealstage', 'amount', 'pipeline'],
};

const TEMPLATE_PATH = /\{\{\s*([A-Za-z_][\w]*)\.([\w]+)/g;

/**
 * The properties each object type must be fetched with: the address fields plus every
 * `contact.x` / `company.x` / `deal.x` a campaign reads; a bare field is read from any.
 */
export function propertiesFor(
  campaigns: readonly Campaign[],
  extra: Record<string, string[]> = {},
): Record<string, string[]> {
  const wanted: Record<string, Set<string>> = {};
  const add = (type: string, property: string) => {
    wanted[type] ??= new Set(BASE_PROPERTIES[type] ?? []);
    wanted[type].add(property);
  };
  for (const type of Object.keys(BASE_PROPERTIES)) wanted[type] = new Set(BASE_PROPERTIES[type]);
  for (const [type, props] of Object.entries(extra)) for (const p of props) add(type, p);
  for (const campaign of campaigns) {
    if (campaign.trigger.property) add(campaign.trigger.object, campaign.trigger.property);
    for (const field of conditionFields(campaign.conditions)) {
      const [head, ...rest] = field.split('.');
      if (rest.length === 0 && head) for (const type of Object.keys(wanted)) add(type, head);
      else if (head && head !== 'address' && rest.length === 1 && rest[0]) add(head, rest[0]);
    }
    for (const template of Object.values(campaign.variables)) {
      for (const match of template.matchAll(TEMPLATE_PATH)) if (match[1] && match[2]) add(match[1], match[2]);
    }
  }
  return Object.fromEntries(Object.entries(wanted).map(([type, set]) => [type, [...set]]));
}

function conditionFields(condition: Condition | undefined): string[] {
  if (condition === undefined) return [];
  if ('all' in condition) return condition.all.flatMap(conditionFields);
  if ('any' in condition) return condition.any.flatMap(conditionFields);
  if ('not' in condition) return conditionFields(condition.not);
  return [condition.field];
}

/** The properties enrichment reads for a workspace: its campaigns' plus its opt-out property. */
export function workspaceProperties(workspace: WorkspaceConfig): Record<string, string[]> {
  const extra: Record<string, string[]> = {};
  if (workspace.hubspot?.optOutProperty) extra.contact = [workspace.hubspot.optOutProperty];
  return propertiesFor(workspace.campaigns as Campaign[], extra);
}
