import type { CrmEvent, PropertyValue } from '@hookpost/core';
import { jsonDepth, MAX_JSON_DEPTH } from '@hookpost/core';
import { HookpostHubSpotError } from '../errors.js';
import { eventIdFor } from '../events/ids.js';
import { formatIssue } from '../events/issues.js';
import { workflowActionRequestSchema } from './schema.js';

/** One execution of the "Send direct mail" action, in our terms. */
export interface WorkflowActionExecution {
  callbackId: string;
  portalId: string;
  actionDefinitionId?: string;
  actionDefinitionVersion?: number;
  workflowId?: string;
  source?: string;
  /** Lower-case, as in core events: `contact`, `deal`, … */
  objectType: string;
  objectId: string;
  properties: Record<string, PropertyValue>;
  inputFields: Record<string, unknown>;
}

/**
 * Parses a workflow action request into an execution plus the `CrmEvent` to store in the
 * inbox (kind `updated`, de-duplicated on `callbackId`). Throws `malformed_payload` (400).
 *
 * @example
 * const { execution, event } = parseWorkflowAction(rawBody, { receivedAt: new Date() });
 */
export function parseWorkflowAction(
  rawBody: string | Uint8Array,
  options: { receivedAt: Date },
): { execution: WorkflowActionExecution; event: CrmEvent } {
  const text = typeof rawBody === 'string' ? rawBody : Buffer.from(rawBody).toString('utf8');
  if (jsonDepth(text) > MAX_JSON_DEPTH) throw malformed(`nested deeper than ${MAX_JSON_DEPTH} levels`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw malformed('body is not valid JSON', cause);
  }
  const parsed = workflowActionRequestSchema.safeParse(json);
  if (!parsed.success)
    throw malformed(parsed.error.issues.slice(0, 5).map(formatIssue).join('; '), parsed.error);
  const request = parsed.data;
  const execution: WorkflowActionExecution = {
    callbackId: request.callbackId,
    portalId: String(request.origin.portalId),
    objectType: request.object.objectType.toLowerCase(),
    objectId: String(request.object.objectId),
    properties: request.object.properties ?? {},
    inputFields: request.inputFields ?? {},
    ...optional('actionDefinitionId', request.origin.actionDefinitionId, String),
    ...optional('actionDefinitionVersion', request.origin.actionDefinitionVersion, Number),
    ...optional('workflowId', request.context?.workflowId, String),
    ...optional('source', request.context?.source, String),
  };
  return { execution, event: toEvent(execution, options.receivedAt) };
}

function toEvent(execution: WorkflowActionExecution, receivedAt: Date): CrmEvent {
  return {
    // A plain hash id: the only time here is the receive time, which a retry does not repeat.
    id: eventIdFor('hubspot', execution.portalId, execution.callbackId),
    platform: 'hubspot',
    accountId: execution.portalId,
    externalId: execution.callbackId,
    objectType: execution.objectType,
    objectId: execution.objectId,
    kind: 'updated',
    properties: execution.properties,
    occurredAt: receivedAt.toISOString(),
    source: {
      channel: 'workflow_action',
      callbackId: execution.callbackId,
      ...optional('actionDefinitionId', execution.actionDefinitionId, String),
      ...optional('workflowId', execution.workflowId, String),
      inputFields: execution.inputFields,
    },
  };
}

function optional<K extends string, T>(
  key: K,
  value: unknown,
  convert: (value: unknown) => T,
): Partial<Record<K, T>> {
  return value === undefined ? {} : ({ [key]: convert(value) } as Record<K, T>);
}

function malformed(detail: string, cause?: unknown): HookpostHubSpotError {
  return new HookpostHubSpotError('malformed_payload', `malformed workflow action request: ${detail}`, {
    cause,
  });
}
