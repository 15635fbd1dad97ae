import { randomBytes } from 'node:crypto';

/** Random, sortable-enough ids for rows that have no natural key (`raw_…`, `att_…`). */
export function newId(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}${randomBytes(10).toString('base64url')}`;
}

/** `hubspot:contact:123`: how a CRM record is referred to in trigger rows and suppressions. */
export function recordRef(platform: string, objectType: string, objectId: string): string {
  return `${platform}:${objectType}:${objectId}`;
}
