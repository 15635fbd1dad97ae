/**
 * The OAuth scopes of the Hookpost HubSpot app: the one list shared by the app definition
 * (`apps/hubspot-app/src/app/app-hsmeta.json`, checked by its tests) and the connector's
 * install URL. HubSpot refuses an install whose `scope` parameter lacks one of the app's
 * required scopes, so both must say the same.
 * https://developers.hubspot.com/docs/apps/developer-platform/build-apps/authentication/oauth/working-with-oauth
 *
 * - `oauth`: every OAuth app.
 * - `crm.objects.{contacts,companies,deals}.read`: record lookups for addresses.
 * - `automation`: completing workflow-action callbacks (`/automation/v4/actions/callbacks`).
 * - `crm.objects.contacts.write` (optional): the `postal_mail` write-back.
 */
export const HOOKPOST_SCOPES = {
  required: [
    'oauth',
    'crm.objects.contacts.read',
    'crm.objects.companies.read',
    'crm.objects.deals.read',
    'automation',
  ],
  optional: ['crm.objects.contacts.write'],
} as const satisfies { required: readonly string[]; optional: readonly string[] };
