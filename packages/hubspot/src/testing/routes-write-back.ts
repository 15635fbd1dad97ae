import { hubSpotError } from './http.js';
import type { CrmState, RouteResult } from './routes-crm.js';
import { type Properties, recordsOf } from './store.js';

const OBJECT_PATH = /^\/crm\/v3\/objects\/([^/]+)\/([^/]+)$/;

/**
 * `PATCH /crm/v3/objects/{type}/{id}` with `{ properties }`: updates a postal_mail
 * engagement or a CRM record; 404 `OBJECT_NOT_FOUND` for an unknown id, like HubSpot.
 */
export function patchObject(
  state: CrmState,
  path: string,
  body: { properties?: Properties },
): RouteResult | null {
  const match = OBJECT_PATH.exec(path);
  if (!match) return null;
  const type = decodeURIComponent(match[1] ?? '');
  const id = decodeURIComponent(match[2] ?? '');
  if (!body.properties || typeof body.properties !== 'object')
    return { status: 400, body: hubSpotError('properties is required', 'VALIDATION_ERROR') };
  const now = new Date().toISOString();
  if (type === 'postal_mail') {
    const mail = state.postalMails.find((m) => m.id === id);
    if (!mail)
      return { status: 404, body: hubSpotError(`Object not found. objectId: ${id}`, 'OBJECT_NOT_FOUND') };
    mail.properties = { ...mail.properties, ...body.properties };
    return { status: 200, body: { id, properties: mail.properties, updatedAt: now, archived: false } };
  }
  const records = recordsOf(state.data, type);
  const record = records.get(id);
  if (!record)
    return { status: 404, body: hubSpotError(`Object not found. objectId: ${id}`, 'OBJECT_NOT_FOUND') };
  const properties = { ...record, ...body.properties };
  records.set(id, properties);
  return { status: 200, body: { id, properties, updatedAt: now, archived: false } };
}
