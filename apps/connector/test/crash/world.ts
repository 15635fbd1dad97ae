import type { FakeHubSpot } from '@hookpost/hubspot/testing';

export const PORTAL_ID = 62515;
export const PUBLIC_URL = 'https://hooks.example.com';
export const HUBSPOT_SECRET = 'crash-test-client-secret';
export const DESTINATION_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
/** Fires on every `city` change: one trigger per event. */
export const EVERY_EVENT_CAMPAIGN = 'moved';
/** Fires on `lifecyclestage` → customer, once per contact however often it arrives. */
export const ONCE_CAMPAIGN = 'welcome';
export const CAMPAIGNS = [EVERY_EVENT_CAMPAIGN, ONCE_CAMPAIGN] as const;

/**
 * The connector configuration for the crash runs. The destination timeout stays well
 * under HOOKPOST_TRIGGER_LEASE_MS, so a slow POST never outlives its lease.
 */
export function crashConfig(hubspotUrl: string, destinationUrl: string, extraCampaigns = ''): string {
  return `
server: { publicUrl: ${PUBLIC_URL} }
hubspot: { clientSecret: ${HUBSPOT_SECRET}, apiBaseUrl: ${hubspotUrl} }
workspaces:
  - id: crash
    hubspot: { portalId: ${PORTAL_ID}, accessToken: test }
    destinations:
      mailer:
        type: webhook
        url: ${destinationUrl}
        secret: ${DESTINATION_SECRET}
        timeout: PT1S
        retry: { initialDelay: PT0.2S, maxDelay: PT1S, maxAge: PT10M }
    campaigns:
      - id: ${EVERY_EVENT_CAMPAIGN}
        name: Moved house
        destination: mailer
        trigger: { platform: hubspot, object: contact, on: property_change, property: city }
        variables: { firstName: "{{ contact.firstname }}" }
        policy: { oncePerRecipient: false }
      - id: ${ONCE_CAMPAIGN}
        name: Welcome pack
        destination: mailer
        trigger: { platform: hubspot, object: contact, on: property_change, property: lifecyclestage, to: customer }
        conditions: { all: [ { field: address.country, in: [DE] } ] }
${extraCampaigns}`;
}

const PLACES = [
  ['10115', 'Berlin'],
  ['20095', 'Hamburg'],
  ['80331', 'München'],
  ['50667', 'Köln'],
  ['04109', 'Leipzig'],
  ['01067', 'Dresden'],
] as const;

/** `count` contacts with complete German postal addresses in the fake HubSpot; returns their ids. */
export function addContacts(hubspot: FakeHubSpot, count: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    const id = String(10_001 + i);
    const [zip, city] = PLACES[i % PLACES.length] as (typeof PLACES)[number];
    hubspot.addRecord('contact', id, {
      firstname: `Erika${i}`,
      lastname: 'Mustermann',
      email: `erika${i}@example.de`,
      company: 'ACME GmbH',
      address: `Heidestraße ${1 + (i % 200)}`,
      zip,
      city,
      country: 'Germany',
      lifecyclestage: 'customer',
    });
    return id;
  });
}
