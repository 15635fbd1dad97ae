import { randomInt } from 'node:crypto';
import { hubSpotError } from './http.js';
import {
  associationsOf,
  derivedProperty,
  type FakeData,
  labelKey,
  type Properties,
  pluralOf,
  recordsOf,
  survivorIn,
} from './store.js';

export interface RouteResult {
  status: number;
  body?: unknown;
}

export interface CrmState {
  data: FakeData;
  postalMails: Array<{ id: string; properties: Properties; associations: unknown }>;
  completedCallbacks: Array<{ callbackId: string; outputFields: Record<string, unknown> }>;
  stats: { batchReads: number; recordsRead: number; associationReads: number };
  /** Property definitions per object type (plural API name), as `defineProperties` set them. */
  propertyDefinitions: Map<string, PropertyDefinition[]>;
}

/** One entry of `GET /crm/v3/properties/{objectType}` (the fields a client reads). */
export interface PropertyDefinition {
  name: string;
  label?: string;
  type?: string;
  fieldType?: string;
  options?: Array<{ value: string; label?: string }>;
}

type Input = { inputs?: Array<{ id?: unknown }>; properties?: unknown };

const idsOf = (body: Input) =>
  Array.isArray(body.inputs) ? body.inputs.map((input) => String(input.id)) : undefined;

/** `POST /crm/v3/objects/{type}/batch/read`: ≤ 100 ids, 207 with errors when some are missing. */
export function batchRead(state: CrmState, type: string, body: Input): RouteResult {
  const ids = idsOf(body);
  if (!ids) return { status: 400, body: hubSpotError('inputs is required', 'VALIDATION_ERROR') };
  if (ids.length > 100) {
    return { status: 400, body: hubSpotError(`Too many inputs: ${ids.length}, max 100`, 'VALIDATION_ERROR') };
  }
  state.stats.batchReads += 1;
  state.stats.recordsRead += ids.length;
  const records = recordsOf(state.data, type);
  const wanted = Array.isArray(body.properties) ? body.properties.map(String) : [];
  // A merged-away id is answered under the survivor's id, as HubSpot does.
  const found = [
    ...new Set(ids.map((id) => survivorIn(state.data, type, id)).filter((id) => records.has(id))),
  ];
  const missing = ids.filter((id) => !records.has(survivorIn(state.data, type, id)));
  const results = found.map((id) => {
    const stored = records.get(id) ?? {};
    const properties = Object.fromEntries(
      wanted.map((name) => {
        const derived = derivedProperty(state.data, type, id, name);
        return [name, derived === undefined ? (stored[name] ?? null) : derived];
      }),
    );
    return { id, properties: { ...properties, hs_object_id: id }, archived: false };
  });
  const errors = missing.length
    ? [
        {
          status: 'error',
          category: 'OBJECT_NOT_FOUND',
          message: 'Could not get some records',
          context: { ids: missing },
        },
      ]
    : [];
  return {
    status: missing.length ? 207 : 200,
    body: { status: 'COMPLETE', results, errors, numErrors: errors.length },
  };
}

/** A labelled link's extra type, as v4 answers it (`USER_DEFINED`, with the label). */
function labelled(data: FakeData, from: string, to: string, fromId: string, toId: string) {
  const label = data.associationLabels.get(labelKey(from, to, fromId, toId));
  return label === undefined ? [] : [{ category: 'USER_DEFINED', typeId: 1000, label }];
}

/** `POST /crm/v4/associations/{from}/{to}/batch/read`: ≤ 1000 ids. */
export function associationRead(state: CrmState, from: string, to: string, body: Input): RouteResult {
  const ids = idsOf(body);
  if (!ids) return { status: 400, body: hubSpotError('inputs is required', 'VALIDATION_ERROR') };
  if (ids.length > 1_000) {
    return {
      status: 400,
      body: hubSpotError(`Too many inputs: ${ids.length}, max 1000`, 'VALIDATION_ERROR'),
    };
  }
  state.stats.associationReads += 1;
  const links = associationsOf(state.data, from, to);
  const results = ids
    .filter((id) => links.get(id)?.size)
    .map((id) => ({
      from: { id },
      to: [...(links.get(id) ?? [])].map((toId) => ({
        toObjectId: Number(toId),
        associationTypes: [
          { category: 'HUBSPOT_DEFINED', typeId: 1, label: null },
          ...labelled(state.data, from, to, id, toId),
        ],
      })),
    }));
  return { status: 200, body: { status: 'COMPLETE', results } };
}

/** `POST /crm/v3/objects/postal_mail`. */
export function createPostalMail(
  state: CrmState,
  body: { properties?: Properties; associations?: unknown },
): RouteResult {
  const properties = body.properties ?? {};
  if (!properties.hs_timestamp) {
    return {
      status: 400,
      body: hubSpotError('Property values were not valid: hs_timestamp is required', 'VALIDATION_ERROR'),
    };
  }
  const id = String(randomInt(1_000_000, 9_999_999));
  state.postalMails.push({ id, properties, associations: body.associations });
  const now = new Date().toISOString();
  return { status: 201, body: { id, properties, createdAt: now, updatedAt: now, archived: false } };
}

/** `POST /automation/v4/actions/callbacks/{callbackId}/complete`. */
export function completeCallback(
  state: CrmState,
  callbackId: string,
  body: { outputFields?: Record<string, unknown> },
): RouteResult {
  if (!body.outputFields)
    return { status: 400, body: hubSpotError('outputFields is required', 'VALIDATION_ERROR') };
  state.completedCallbacks.push({ callbackId, outputFields: body.outputFields });
  return { status: 204 };
}

/**
 * `GET /crm/v3/properties/{objectType}`: the defined properties, or, when none were
 * defined for the type, one `string` property per name found on its records.
 */
export function listProperties(state: CrmState, type: string): RouteResult {
  const key = pluralOf(type);
  const defined = state.propertyDefinitions.get(key);
  const results =
    defined ??
    [...new Set([...recordsOf(state.data, key).values()].flatMap((r) => Object.keys(r)))].map((name) => ({
      name,
      label: name,
      type: 'string',
      fieldType: 'text',
    }));
  return { status: 200, body: { results: results.map((d) => ({ options: [], ...d })) } };
}
