import type { CrmEvent, CrmProperties, CrmReader } from '@hookpost/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHubSpotClient, type HubSpotClient } from '../client/client.js';
import { parseWebhookBatch } from '../events/parse.js';
import { type FakeHubSpot, startFakeHubSpot } from '../testing/index.js';
import { hubspotFieldsFor } from './fields.js';
import { resolveHubSpotEvent } from './resolve.js';

const contactChange = (objectId: number): CrmEvent =>
  parseWebhookBatch(
    JSON.stringify([
      {
        eventId: objectId,
        subscriptionId: 2,
        portalId: 62515,
        occurredAt: 1_700_000_000_000,
        attemptNumber: 0,
        subscriptionType: 'contact.propertyChange',
        objectId,
        propertyName: 'lifecyclestage',
        propertyValue: 'customer',
      },
    ]),
  )[0] as CrmEvent;

const fields = hubspotFieldsFor([], undefined);
const person = new Set(['contact'] as const);

describe('resolveHubSpotEvent: the company of a contact event', () => {
  let hubspot: FakeHubSpot;
  let client: HubSpotClient;

  beforeEach(async () => {
    hubspot = await startFakeHubSpot();
    client = createHubSpotClient({ accessToken: 'test', baseUrl: hubspot.url, batchWindowMs: 1 });
    hubspot.addRecord('contact', '1', { firstname: 'Erika', city: 'Köln', country: 'DE' });
    hubspot.addRecord('contact', '2', { firstname: 'Max', city: 'Bonn', country: 'DE' });
    hubspot.addRecord('contact', '3', { firstname: 'Jana', city: 'Wien', country: 'AT' });
    hubspot.addRecord('company', '10', { name: 'Former GmbH', city: 'Köln', country: 'DE' });
    hubspot.addRecord('company', '11', { name: 'Primary AG', city: 'Köln', country: 'DE' });
    // Contact 1: the later company is labelled Primary; contact 2: none labelled, the first is primary.
    hubspot.associate('contact', '1', 'company', '10');
    hubspot.associate('contact', '1', 'company', '11', 'Primary');
    hubspot.associate('contact', '2', 'company', '10');
    hubspot.associate('contact', '2', 'company', '11');
  });
  afterEach(async () => {
    await hubspot.close();
  });

  it('takes the primary company from associatedcompanyid: batch reads only, no association read', async () => {
    const labelled = await resolveHubSpotEvent(contactChange(1), person, { reader: client, fields });
    const unlabelled = await resolveHubSpotEvent(contactChange(2), person, { reader: client, fields });
    const companyless = await resolveHubSpotEvent(contactChange(3), person, { reader: client, fields });

    expect(labelled.records.company?.name).toBe('Primary AG');
    expect(labelled.records.contact?.associatedcompanyid).toBe('11');
    expect(unlabelled.records.company?.name).toBe('Former GmbH');
    expect(companyless.records.company).toBeUndefined();
    // The recipient's company is the primary company's name.
    const recipient = labelled.recipients.contact;
    expect(recipient && 'crm' in recipient ? recipient.company : recipient).toBe('Primary AG');
    expect(hubspot.stats.associationReads).toBe(0);
    expect(hubspot.stats.batchReads).toBe(5); // 3 contacts, 2 companies
  });

  it('follows the associations as they change (the property is kept in step)', async () => {
    hubspot.associate('contact', '3', 'company', '11', 'Primary');
    const [contact] = (await client.fetchRecords('contact', ['3'], ['associatedcompanyid'])).values();
    expect(contact?.associatedcompanyid).toBe('11');
    hubspot.mergeRecords('contact', '3', '2');
    const merged = await resolveHubSpotEvent(contactChange(2), person, { reader: client, fields });
    expect(merged.records.company?.name).toBe('Former GmbH'); // the survivor keeps its primary company
    expect(hubspot.stats.associationReads).toBe(0);
  });

  it('reads the contact → company associations when the record lacks the property', async () => {
    // Records as a local dataset holds them, without associatedcompanyid; links from HubSpot.
    const stored: Record<string, CrmProperties> = {
      'contact/1': { firstname: 'Erika', city: 'Köln', country: 'DE' },
      'company/11': { name: 'Primary AG', city: 'Köln', country: 'DE' },
    };
    const dataset: CrmReader = {
      async fetchRecords(objectType, ids) {
        return new Map(
          ids.flatMap((id) => {
            const record = stored[`${objectType}/${id}`];
            return record ? [[id, { ...record }] as const] : [];
          }),
        );
      },
      fetchAssociations: (from, to, ids) => client.fetchAssociations(from, to, ids),
      fetchAssociationLinks: (from, to, ids) => client.fetchAssociationLinks(from, to, ids),
    };
    const enrichment = await resolveHubSpotEvent(contactChange(1), new Set(['contact', 'company']), {
      reader: dataset,
      fields,
    });
    expect(enrichment.records.company?.name).toBe('Primary AG');
    const company = enrichment.recipients.company;
    expect(company && 'crm' in company ? company.crm.objectId : company).toBe('11');
    expect(hubspot.stats.associationReads).toBe(1);
  });
});
