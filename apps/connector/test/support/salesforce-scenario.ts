import { buildOutboundMessage, createPubSubTransport, salesforceEventId } from '@hookpost/salesforce';
import {
  type FakePubSub,
  type FakeSalesforce,
  sampleSalesforceId,
  startFakePubSub,
  startFakeSalesforce,
} from '@hookpost/salesforce/testing';
import { createAdminApi } from '../../src/api/router.js';
import { ADMIN_TOKEN, type AdminClient, adminClient, ORG_ID, PUBLIC_URL, SF_TOKEN } from './api-client.js';
import { eventually, startTestConnector, TEST_SECRET } from './connector.js';
import type { DialectCase } from './databases.js';
import type { EventView } from './guarantees.js';
import { type Receiver, startReceiver } from './receiver.js';
import { connectedApp, SF_CLIENT_ID, SF_USERNAME, writePrivateKeyFile } from './salesforce-app.js';

/**
 * A Salesforce workspace with API access (fake REST) and Change Data Capture on every object
 * (the real Pub/Sub transport against the gRPC test server): a delayed Lead campaign and a delayed Contact campaign, so pieces
 * stay pending while merges and conversions move them.
 */
export function salesforceGuaranteesConfig(
  salesforceUrl: string,
  keyFile: string,
  receiverUrl: string,
  extraCampaigns = '',
): string {
  const campaign = (id: string, object: string) => `
      - id: ${id}
        destination: mailer
        trigger: { platform: salesforce, object: ${object}, on: outbound_message }
        conditions: { all: [ { field: address.country, in: [DE, AT, CH] } ] }
        policy: { delay: P2D }`;
  return `
server: { publicUrl: ${PUBLIC_URL} }
workspaces:
  - id: acme
    salesforce:
      organizationId: ${ORG_ID}
      endpointToken: ${SF_TOKEN}
      instanceUrl: ${salesforceUrl}
      loginUrl: ${salesforceUrl}
      auth: { type: jwt, clientId: ${SF_CLIENT_ID}, username: ${SF_USERNAME}, privateKeyFile: ${keyFile} }
      cdc: { channel: /data/ChangeEvents }
      optOutField: Do_Not_Mail__c
    destinations:
      mailer: { type: webhook, url: ${receiverUrl}, secret: ${TEST_SECRET} }
    campaigns:${campaign('lead-welcome', 'lead')}${campaign('customer-welcome', 'contact')}${extraCampaigns}
`;
}

/** A German Lead as the fake stores it and an outbound message carries it. */
export const GERMAN_LEAD = {
  FirstName: 'Erika',
  LastName: 'Mustermann',
  Email: 'erika@example.de',
  Company: 'ACME GmbH',
  Street: 'Heidestraße 17',
  City: 'Köln',
  PostalCode: '51147',
  Country: 'Germany',
};

/** The same person as a Contact. */
export const GERMAN_CONTACT = {
  FirstName: 'Erika',
  LastName: 'Mustermann',
  Email: 'erika@example.de',
  MailingStreet: 'Heidestraße 17',
  MailingCity: 'Köln',
  MailingPostalCode: '51147',
  MailingCountry: 'Germany',
};

export interface SalesforceScenario {
  salesforce: FakeSalesforce;
  /** The connector's database and configuration, for CLI commands against the same store. */
  databaseUrl: string;
  configText: string;
  pubsub: FakePubSub;
  receiver: Receiver;
  api: AdminClient;
  /**
   * POSTs one outbound message with one notification (a fresh notification id unless given:
   * the same id again is Salesforce's retry of it); resolves with the stored event's id.
   */
  outbound(
    objectType: 'Lead' | 'Contact',
    fields: Record<string, string | null>,
    notificationId?: string,
  ): Promise<string>;
  /** Publishes one change event (gRPC, Avro) on `/data/ChangeEvents`; returns the id its event is stored under. */
  change(header: ChangeHeader, values?: Record<string, unknown>): string;
  decided(id: string): Promise<EventView>;
  stop(): Promise<void>;
}

export interface ChangeHeader {
  entityName: string;
  changeType: 'CREATE' | 'UPDATE' | 'DELETE';
  recordId: string;
  changedFields?: string[];
  commitTimestamp?: number;
}

let transactions = 0;

/** Starts the fake Salesforce, a receiver and a connector (admin API, CDC stream) on a fresh database. */
export async function startSalesforceScenario(
  dialect: DialectCase,
  /** More campaigns, as YAML list items under `campaigns:` (indented six spaces). */
  extraCampaigns = '',
): Promise<SalesforceScenario> {
  const salesforce = await startFakeSalesforce({ ...connectedApp, organizationId: ORG_ID });
  const receiver = await startReceiver(TEST_SECRET);
  const pubsub = await startFakePubSub();
  const transport = () =>
    createPubSubTransport({
      auth: { type: 'accessToken', accessToken: `${ORG_ID}!session`, instanceUrl: salesforce.url },
      pubSubEndpoint: pubsub.endpoint,
      rejectUnauthorizedSsl: false,
    });
  let connector: Awaited<ReturnType<typeof startTestConnector>>;
  const configText = salesforceGuaranteesConfig(
    salesforce.url,
    writePrivateKeyFile(),
    receiver.url,
    extraCampaigns,
  );
  const databaseUrl = await dialect.url();
  try {
    connector = await startTestConnector(configText, {
      databaseUrl,
      api: (ctx) => createAdminApi(ctx, { token: ADMIN_TOKEN }),
      crm: { cdcTransport: transport },
    });
    await eventually(async () => (pubsub.openStreams() > 0 ? true : undefined));
  } catch (error) {
    await pubsub.stop();
    await receiver.close();
    await salesforce.close();
    throw error;
  }
  const running = connector;
  const api = adminClient(running.baseUrl);
  return {
    salesforce,
    databaseUrl,
    configText,
    pubsub,
    receiver,
    api,
    async outbound(objectType, fields, notificationId = sampleSalesforceId('04l')) {
      const xml = buildOutboundMessage({
        organizationId: ORG_ID,
        actionId: '04k5e000000AbCdAAK',
        notifications: [{ id: notificationId, objectType, fields }],
      });
      const response = await fetch(`${running.baseUrl}/webhooks/salesforce/${SF_TOKEN}`, {
        method: 'POST',
        headers: { 'content-type': 'text/xml; charset=utf-8' },
        body: xml,
      });
      const text = await response.text();
      if (!text.includes('<Ack>true</Ack>')) throw new Error(`not acknowledged: ${response.status} ${text}`);
      return salesforceEventId(ORG_ID, notificationId);
    },
    change(header, values = {}) {
      transactions += 1;
      const transactionKey = `00000000-0000-4000-8000-${String(transactions).padStart(12, '0')}`;
      // The event id starts with the commit time: it is chosen here, so the id can be told.
      const commitTimestamp = header.commitTimestamp ?? Date.now();
      pubsub.publish({
        entity: header.entityName,
        changeType: header.changeType,
        recordIds: [header.recordId],
        values,
        changedFields: header.changedFields ?? [],
        transactionKey,
        commitTimestamp,
      });
      return salesforceEventId(ORG_ID, `${transactionKey}:1:${header.recordId}`, commitTimestamp);
    },
    decided: (id) =>
      eventually(async () => {
        const answer = await api.get<EventView>(`/events/${id}`);
        return answer.status === 200 && answer.body.status !== 'pending' ? answer.body : undefined;
      }),
    async stop() {
      await running.stop();
      await pubsub.stop();
      await receiver.close();
      await salesforce.close();
    },
  };
}
