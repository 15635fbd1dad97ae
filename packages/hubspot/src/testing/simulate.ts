import { randomInt } from 'node:crypto';
import { HookpostHubSpotError } from '../errors.js';
import { parseWebhookBatch } from '../events/parse.js';
import { signRequestV3 } from '../signature/sign.js';
import { parseWorkflowAction } from '../workflow/parse.js';

/** A request exactly as HubSpot would send it, plus the ids the receiver stores its events under. */
export interface SimulatedRequest {
  /** Path on the receiver, e.g. `/webhooks/hubspot`. */
  path: string;
  headers: Record<string, string>;
  body: string;
  /** `CrmEvent.id` of each event in the body, in order. */
  eventIds: string[];
  /** One line for people: what was sent. */
  summary: string;
}

export interface HubSpotSigning {
  clientSecret: string;
  /** The receiver's public base URL, as HubSpot calls it (signed into v3). */
  publicUrl: string;
  /** Unix milliseconds; defaults to now. */
  now?: number;
}

export const WEBHOOK_PATH = '/webhooks/hubspot';
export const WORKFLOW_ACTION_PATH = '/webhooks/hubspot/workflow-action';

/** HubSpot's ids for the standard objects, sent as `objectTypeId` with `object.*` types. */
const OBJECT_TYPE_IDS: Readonly<Record<string, string>> = {
  contact: '0-1',
  company: '0-2',
  deal: '0-3',
  ticket: '0-5',
  product: '0-7',
  line_item: '0-8',
};
const CLASSIC_OBJECTS = ['contact', 'company', 'deal', 'ticket', 'product', 'line_item'];
const ACTIONS = ['creation', 'deletion', 'propertyChange', 'merge', 'restore', 'associationChange'];

/**
 * Every subscription type the simulator builds: the classic `<object>.<action>` types,
 * `contact.privacyDeletion`, and the generic `object.<action>` types (with `--object`).
 * https://developers.hubspot.com/docs/api/webhooks#webhook-subscriptions
 */
export const HUBSPOT_SUBSCRIPTION_TYPES: readonly string[] = [
  ...CLASSIC_OBJECTS.flatMap((o) => ACTIONS.map((a) => `${o}.${a}`)),
  'contact.privacyDeletion',
  ...ACTIONS.map((a) => `object.${a}`),
];

export interface HubSpotWebhookSample extends HubSpotSigning {
  subscriptionType: string;
  portalId: string | number;
  appId?: string | number;
  objectId: string | number;
  /** For `object.*`: `contact`, `deal`, … or an object type id (`0-3`, `2-123`). */
  objectType?: string;
  /** For property changes (defaults: `lifecyclestage` / `customer`). */
  propertyName?: string;
  propertyValue?: string;
  /** For merges: the records merged into `objectId` (default: one other id). */
  mergedObjectIds?: readonly (string | number)[];
  /** For association changes: the other record and the label (default `CONTACT_TO_COMPANY`). */
  toObjectId?: string | number;
  associationType?: string;
  associationRemoved?: boolean;
}

const asId = (value: string | number, name: string): number => {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0)
    throw new HookpostHubSpotError(
      'invalid_options',
      `${name} must be a HubSpot id (digits), got "${value}"`,
    );
  return n;
};

/** Milliseconds × 1000 plus a random part: unique across runs, still a safe integer. */
const freshEventId = (now: number) => now * 1000 + randomInt(1000);

/** One webhook event as HubSpot sends it (fields per subscription type). */
export function hubspotWebhookEvent(sample: HubSpotWebhookSample): Record<string, unknown> {
  const { subscriptionType } = sample;
  const [object = '', action = ''] = subscriptionType.split('.');
  if (!HUBSPOT_SUBSCRIPTION_TYPES.includes(subscriptionType))
    throw new HookpostHubSpotError(
      'invalid_options',
      `unknown subscription type "${subscriptionType}" (known: ${HUBSPOT_SUBSCRIPTION_TYPES.join(', ')})`,
    );
  const now = sample.now ?? Date.now();
  const objectId = asId(sample.objectId, 'objectId');
  const event: Record<string, unknown> = {
    eventId: freshEventId(now),
    subscriptionId: 1,
    portalId: asId(sample.portalId, 'portalId'),
    appId: asId(sample.appId ?? 1, 'appId'),
    occurredAt: now,
    subscriptionType,
    attemptNumber: 0,
    objectId,
    changeSource: 'CRM_UI',
  };
  if (object === 'object') {
    const type = sample.objectType ?? 'contact';
    event.objectTypeId = OBJECT_TYPE_IDS[type] ?? type;
  }
  if (action === 'propertyChange') {
    event.propertyName = sample.propertyName ?? 'lifecyclestage';
    event.propertyValue = sample.propertyValue ?? 'customer';
  }
  if (action === 'creation') event.changeFlag = 'NEW';
  if (action === 'merge') {
    const merged = (sample.mergedObjectIds ?? [objectId + 1]).map((id) => asId(id, 'mergedObjectIds'));
    Object.assign(event, { primaryObjectId: objectId, mergedObjectIds: merged, newObjectId: objectId });
  }
  if (action === 'associationChange') {
    Object.assign(event, {
      associationType: sample.associationType ?? 'CONTACT_TO_COMPANY',
      fromObjectId: objectId,
      toObjectId: asId(sample.toObjectId ?? objectId + 1, 'toObjectId'),
      associationRemoved: sample.associationRemoved ?? false,
      isPrimaryAssociation: true,
    });
  }
  return event;
}

/**
 * A v3-signed webhook delivery carrying the given events (a JSON array, as HubSpot sends
 * up to 100 per request), for `publicUrl + /webhooks/hubspot`. The body is parsed with the
 * package's own parser, so a sample the receiver would reject fails here.
 *
 * @example
 * const request = signedWebhookRequest([hubspotWebhookEvent({ subscriptionType: 'deal.propertyChange',
 *   portalId: 62515, objectId: 9, propertyName: 'dealstage', propertyValue: 'closedwon', clientSecret, publicUrl })],
 *   { clientSecret, publicUrl });
 * await fetch(`${base}${request.path}`, { method: 'POST', headers: request.headers, body: request.body });
 */
export function signedWebhookRequest(
  events: readonly Record<string, unknown>[] | string,
  signing: HubSpotSigning,
): SimulatedRequest {
  const body = typeof events === 'string' ? events : JSON.stringify(events);
  const parsed = parseWebhookBatch(body);
  return {
    path: WEBHOOK_PATH,
    headers: { 'content-type': 'application/json', ...sign(WEBHOOK_PATH, body, signing) },
    body,
    eventIds: parsed.map((e) => e.id),
    summary: parsed.map((e) => `${e.objectType} ${e.objectId} ${e.kind}`).join(', '),
  };
}

/** {@link hubspotWebhookEvent} in a one-event signed delivery. */
export function simulateHubSpotWebhook(sample: HubSpotWebhookSample): SimulatedRequest {
  const event = hubspotWebhookEvent(sample);
  const request = signedWebhookRequest([event], sample);
  const change = event.propertyName ? ` ${String(event.propertyName)}=${String(event.propertyValue)}` : '';
  return {
    ...request,
    summary: `${sample.subscriptionType}${change} for ${String(event.objectTypeId ?? sample.subscriptionType.split('.')[0])} ${event.objectId} in portal ${event.portalId}`,
  };
}

export interface WorkflowActionSample extends HubSpotSigning {
  portalId: string | number;
  objectId: string | number;
  /** `CONTACT` or `DEAL` (the action's object types). */
  objectType?: string;
  /** The campaign input field. */
  campaign: string;
  properties?: Record<string, string>;
  callbackId?: string;
}

/**
 * A "Send direct mail" workflow-action execution, v3-signed, for
 * `publicUrl + /webhooks/hubspot/workflow-action`.
 * https://developers.hubspot.com/docs/api/automation/custom-workflow-actions#execution
 */
export function simulateWorkflowAction(sample: WorkflowActionSample): SimulatedRequest {
  const now = sample.now ?? Date.now();
  const portalId = asId(sample.portalId, 'portalId');
  const objectType = (sample.objectType ?? 'CONTACT').toUpperCase();
  const body = JSON.stringify({
    callbackId: sample.callbackId ?? `ap-${portalId}-${freshEventId(now)}-1-0`,
    origin: { portalId, actionDefinitionId: 1, actionDefinitionVersion: 1 },
    context: { source: 'WORKFLOWS', workflowId: 1 },
    object: { objectId: asId(sample.objectId, 'objectId'), objectType, properties: sample.properties ?? {} },
    inputFields: { campaign: sample.campaign },
  });
  return signedWorkflowActionRequest(body, sample);
}

/** Signs an existing workflow-action body (e.g. a sample file). */
export function signedWorkflowActionRequest(body: string, signing: HubSpotSigning): SimulatedRequest {
  const { execution, event } = parseWorkflowAction(body, { receivedAt: new Date(signing.now ?? Date.now()) });
  return {
    path: WORKFLOW_ACTION_PATH,
    headers: { 'content-type': 'application/json', ...sign(WORKFLOW_ACTION_PATH, body, signing) },
    body,
    eventIds: [event.id],
    summary: `workflow action "${String(execution.inputFields.campaign)}" for ${execution.objectType} ${execution.objectId} in portal ${execution.portalId}`,
  };
}

/** A sample file's body, signed for the route it belongs to: an array is a webhook batch, an object a workflow action. */
export function signedHubSpotFile(body: string, signing: HubSpotSigning): SimulatedRequest {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new HookpostHubSpotError('malformed_payload', 'the file is not JSON');
  }
  return Array.isArray(json)
    ? signedWebhookRequest(body, signing)
    : signedWorkflowActionRequest(body, signing);
}

function sign(path: string, body: string, signing: HubSpotSigning) {
  return signRequestV3({
    clientSecret: signing.clientSecret,
    method: 'POST',
    url: `${signing.publicUrl.replace(/\/+$/, '')}${path}`,
    body,
    timestamp: signing.now ?? Date.now(),
  });
}
