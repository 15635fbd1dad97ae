import type { Campaign, Condition } from '../campaign.js';
import type { FieldsByObject } from './types.js';

/** Heads of field paths that are not CRM records: the normalised recipient and the event. */
const NOT_RECORDS = new Set(['address', 'recipient', 'event']);
/** `{{ contact.firstname }}`, `{{contact.firstname | upcase}}`: object type and field of a template path. */
const TEMPLATE_PATH = /\{\{-?\s*([A-Za-z_]\w*)\.(\w+)/g;
const OBJECT_TYPE = /^[a-z][a-z0-9_]*$/;

/** The record fields a set of campaigns names, before a CRM adds its address and opt-out fields. */
export interface NamedFields {
  /** `contact.x`, `deal.y`, a trigger's `property` (on its object): fields of a known object type. */
  byObject: FieldsByObject;
  /** Bare condition fields (`StageName`): read from the event's own record, then the recipient's. */
  bare: string[];
}

/**
 * Every record field the campaigns read: each trigger's `property` (on the trigger's object),
 * each condition leaf's `field` (`type.field` or bare) and each `{{ type.field }}` in a
 * variable template. `address.*`, `recipient.*` and `event.*` are computed, so not listed.
 * Pure; a CRM adapter's `fieldsFor` starts from this and adds its own address fields.
 *
 * @example
 * fieldsNamedBy([campaign]); // { byObject: { contact: ['lifecyclestage'] }, bare: ['StageName'] }
 */
export function fieldsNamedBy(campaigns: readonly Campaign[]): NamedFields {
  const byObject: Record<string, Set<string>> = {};
  const bare = new Set<string>();
  const add = (type: string, field: string) => {
    if (NOT_RECORDS.has(type) || !OBJECT_TYPE.test(type)) return;
    byObject[type] ??= new Set();
    byObject[type].add(field);
  };
  for (const campaign of campaigns) {
    if (campaign.trigger.property) add(campaign.trigger.object, campaign.trigger.property);
    for (const field of conditionFields(campaign.conditions)) {
      const dot = field.indexOf('.');
      const head = dot > 0 ? field.slice(0, dot) : '';
      // `Account.Name` (upper case) is a Salesforce relationship field, not an object path.
      if (dot > 0 && OBJECT_TYPE.test(head)) add(head, field.slice(dot + 1));
      else bare.add(field);
    }
    for (const template of Object.values(campaign.variables)) {
      for (const match of template.matchAll(TEMPLATE_PATH)) if (match[1] && match[2]) add(match[1], match[2]);
    }
  }
  return {
    byObject: Object.fromEntries(Object.entries(byObject).map(([type, set]) => [type, [...set]])),
    bare: [...bare],
  };
}

/** Every leaf field of a condition tree. */
export function conditionFields(condition: Condition | undefined): string[] {
  if (condition === undefined) return [];
  if ('all' in condition) return condition.all.flatMap(conditionFields);
  if ('any' in condition) return condition.any.flatMap(conditionFields);
  if ('not' in condition) return conditionFields(condition.not);
  return [condition.field];
}

/**
 * Merges field lists per object type, first occurrence first, without duplicates.
 *
 * @example
 * mergeFields({ contact: ['a'] }, { contact: ['a', 'b'] }); // { contact: ['a', 'b'] }
 */
export function mergeFields(...lists: readonly FieldsByObject[]): FieldsByObject {
  const merged: Record<string, Set<string>> = {};
  for (const list of lists) {
    for (const [type, fields] of Object.entries(list)) {
      merged[type] ??= new Set();
      for (const field of fields) merged[type].add(field);
    }
  }
  return Object.fromEntries(Object.entries(merged).map(([type, set]) => [type, [...set]]));
}

/**
 * True when a CRM flag field reads as set: `true`, or text such as `true`, `yes`, `1`, `on`
 * (Salesforce's REST API stringifies checkboxes; HubSpot booleans arrive as text).
 */
export function isFlagSet(value: unknown): boolean {
  if (value === true) return true;
  return typeof value === 'string' && TRUTHY.has(value.trim().toLowerCase());
}
const TRUTHY = new Set(['true', 'yes', '1', 'y', 'on']);
