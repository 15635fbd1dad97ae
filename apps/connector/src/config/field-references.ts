import type { Campaign, Condition } from '@hookpost/core';
import type { WorkspaceConfig } from './schema.js';

type Scalar = string | number | boolean;

/**
 * One CRM property a configuration names: where (config path), on which platform and
 * object type (lower-case, as in the config), and the values it must take when the
 * property is an enumeration (`trigger.to`, `in`, a condition's `equals`/`in`).
 */
export interface FieldReference {
  path: string;
  platform: string;
  objectType: string;
  name: string;
  values: Scalar[];
}

/** Object types whose properties a platform's CRM API describes (config names). */
export type DescribedObjects = (platform: string) => ReadonlySet<string>;
// `address.*` and `recipient.*` are Hookpost's normalised fields, not CRM properties.
const OWN_HEADS = new Set(['address', 'recipient', 'event']);
const OBJECT_HEAD = /^[a-z][a-z0-9_]*$/;
const TEMPLATE_PATH = /\{\{\s*([A-Za-z_]\w*)\.(\w+)/g;

/**
 * Every CRM property a workspace's campaigns and opt-out settings name. A bare condition
 * field is looked up on the trigger's object; a path with a head that is not a described
 * object type (a relationship such as `Account.Name`) is left out.
 */
export function fieldReferences(
  workspace: WorkspaceConfig,
  workspaceIndex: number,
  described: DescribedObjects,
): FieldReference[] {
  const refs: FieldReference[] = [];
  const base = `workspaces[${workspaceIndex}]`;
  if (workspace.hubspot?.optOutProperty)
    refs.push({
      path: `${base}.hubspot.optOutProperty`,
      platform: 'hubspot',
      objectType: 'contact',
      name: workspace.hubspot.optOutProperty,
      values: [],
    });
  if (workspace.salesforce?.optOutField)
    refs.push({
      path: `${base}.salesforce.optOutField`,
      platform: 'salesforce',
      objectType: 'contact',
      name: workspace.salesforce.optOutField,
      values: [],
    });
  (workspace.campaigns as Campaign[]).forEach((campaign, j) => {
    const at = `${base}.campaigns[${j}]`;
    const { platform, object, property, to } = campaign.trigger;
    const add = (path: string, objectType: string, name: string, values: Scalar[]) => {
      if (described(platform).has(objectType)) refs.push({ path, platform, objectType, name, values });
    };
    if (property !== undefined)
      add(`${at}.trigger.${to !== undefined ? 'to' : 'property'}`, object, property, [
        ...(to !== undefined ? [to] : []),
        ...(campaign.trigger.in ?? []),
      ]);
    for (const leaf of leaves(campaign.conditions)) {
      const dot = leaf.field.indexOf('.');
      const head = dot > 0 ? leaf.field.slice(0, dot) : null;
      if (head !== null && (OWN_HEADS.has(head) || !OBJECT_HEAD.test(head))) continue;
      const values = [...(leaf.equals !== undefined ? [leaf.equals] : []), ...(leaf.in ?? [])];
      add(`${at}.conditions`, head ?? object, head ? leaf.field.slice(dot + 1) : leaf.field, values);
    }
    for (const [name, template] of Object.entries(campaign.variables))
      for (const match of template.matchAll(TEMPLATE_PATH))
        if (match[1] && match[2] && !OWN_HEADS.has(match[1]))
          add(`${at}.variables.${name}`, match[1], match[2], []);
  });
  return refs;
}

type Leaf = Extract<Condition, { field: string }>;

function leaves(condition: Condition | undefined): Leaf[] {
  if (condition === undefined) return [];
  if ('all' in condition) return condition.all.flatMap(leaves);
  if ('any' in condition) return condition.any.flatMap(leaves);
  if ('not' in condition) return leaves(condition.not);
  return [condition];
}
