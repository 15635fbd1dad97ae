// biome-ignore-all format: the README example, kept as compact as it is printed there
// The README's example, verbatim between the region markers except for the import path
// (the README imports '@hookpost/core'; here it is the source). readme.test.ts checks both.
// #region readme
import { Webhook } from 'standardwebhooks';
import { applyPolicies, buildTrigger, campaignSchema, crmEventSchema, evaluateCampaigns,
  renderVariables, signTrigger, toRecipient, variableScope } from '../src/index.js';

const campaign = campaignSchema.parse({ id: 'welcome-pack', name: 'Welcome pack', destination: 'mailer',
  trigger: { platform: 'hubspot', object: 'contact', on: 'property_change', property: 'lifecyclestage', to: 'customer' },
  conditions: { all: [{ field: 'address.country', in: ['DE', 'AT', 'CH'] }] },
  variables: { firstName: '{{ contact.firstname }}' }, policy: { delay: 'P2D' } });
const event = crmEventSchema.parse({ id: 'evt_1', platform: 'hubspot', accountId: '62515', externalId: '62515:25:123:1',
  objectType: 'contact', objectId: '123', kind: 'updated', changes: { lifecyclestage: { value: 'customer' } },
  occurredAt: '2026-11-27T10:00:00Z' });
// The contact as the CRM API returns it (the connector enriches; here it is inline).
const contact = { firstname: 'Erika', lastname: 'Mustermann', address: 'Heidestraße 17', zip: '51147', city: 'Köln', country: 'Deutschland' };
const recipient = toRecipient({ platform: 'hubspot', objectType: 'contact', objectId: '123', record: contact });
const context = { records: { contact }, recipient };

const [decision] = evaluateCampaigns(event, context, [campaign]); // { outcome: 'matched', reason: null }
const lookups = { isSuppressed: () => false, lastSentAt: () => null, countSentSince: () => 0, countCampaignSentSince: () => 0 };
const now = new Date();
const allowed = await applyPolicies({ workspaceId: 'acme', campaign, recipient, eventId: event.id, now, lookups });
const variables = renderVariables(campaign.variables, variableScope(event, context));
if (decision?.outcome !== 'matched' || !allowed.allow || !variables.ok) throw new Error('not sent');

const trigger = buildTrigger({ dedupeKey: allowed.dedupeKey, workspaceId: 'acme', campaign, recipient: allowed.recipient,
  variables: variables.value, sendAt: allowed.sendAt, events: event, createdAt: now });
const signed = signTrigger(trigger, 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'); // POST signed.body with signed.headers
const received = new Webhook('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw').verify(signed.body, signed.headers); // at the mail platform

// #endregion readme

export { decision, received, signed, trigger };
