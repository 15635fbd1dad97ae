import type { CrmEvent, PropertyValue } from '../event.js';
import type { EvaluationContext } from '../rules/context.js';

/**
 * The scope templates render against: every enriched record by object type (the event's
 * own record overlaid with its changes and snapshot), `recipient`, `address` and `event`.
 *
 * @example
 * renderVariables(campaign.variables, variableScope(event, { records: { contact }, recipient }));
 */
export function variableScope(event: CrmEvent, context: EvaluationContext): Record<string, unknown> {
  const own: Record<string, PropertyValue> = { ...context.records[event.objectType] };
  for (const [name, change] of Object.entries(event.changes ?? {})) own[name] = change.value;
  Object.assign(own, event.properties);
  return {
    ...context.records,
    [event.objectType]: own,
    recipient: context.recipient ?? null,
    address: context.recipient?.address ?? null,
    event: {
      id: event.id,
      platform: event.platform,
      objectType: event.objectType,
      objectId: event.objectId,
      kind: event.kind,
      occurredAt: event.occurredAt,
    },
  };
}
