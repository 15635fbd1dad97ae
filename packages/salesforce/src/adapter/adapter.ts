import {
  type AdapterWorkspace,
  type CrmAdapter,
  type CrmEvent,
  type CrmReader,
  isFlagSet,
} from '@hookpost/core';
import { createPubSubTransport } from '../cdc/pubsub-transport.js';
import { createSalesforceClient, type SalesforceClient } from '../client/client.js';
import { HookpostSalesforceError } from '../errors.js';
import { toCrmEvents } from '../outbound/normalise.js';
import { parseOutboundMessage } from '../outbound/parse.js';
import { performMailActivity } from '../write-back/mail-activity.js';
import { conversionOf, convertedContactOf } from './conversion.js';
import { salesforceFieldsFor } from './fields.js';
import { apiNameOf, salesforceReader } from './reader.js';
import { resolveSalesforceEvent } from './resolve.js';
import { outboundMessageRoute, SALESFORCE_OUTBOUND_PATH } from './routes.js';
import type { SalesforceAdapterOptions, SalesforceWorkspaceSettings } from './settings.js';
import { startCdcStream } from './stream.js';

type Workspace = AdapterWorkspace<SalesforceWorkspaceSettings>;

/** The Salesforce adapter, plus the API client it builds per workspace. */
export interface SalesforceAdapter extends CrmAdapter<SalesforceWorkspaceSettings> {
  /** The workspace's REST client (`instanceUrl` and JWT `auth` set), or null. */
  clientFor(workspace: Workspace): SalesforceClient | null;
}

/**
 * The Salesforce side of a Hookpost connector: the outbound-message route; routing by org id
 * (15 and 18-character forms alike); reads over the REST API; recipients from Contacts, Leads,
 * an Opportunity's primary contact role and Accounts; a completed Task as write-back; Change
 * Data Capture over the Pub/Sub API as an optional stream. A delete is treated as a privacy
 * deletion: Salesforce sends no separate erasure event, and a deleted record is purged from
 * the recycle bin after 15 days.
 *
 * @example
 * const salesforce = createSalesforceAdapter({ readPrivateKey: (file) => readFileSync(file, 'utf8') });
 */
export function createSalesforceAdapter(options: SalesforceAdapterOptions): SalesforceAdapter {
  const clients = new Map<string, SalesforceClient | null>();

  function clientFor({ id, settings }: Workspace): SalesforceClient | null {
    if (!clients.has(id)) {
      const auth = settings.auth;
      clients.set(
        id,
        settings.instanceUrl && auth
          ? createSalesforceClient({
              instanceUrl: settings.instanceUrl,
              loginUrl: settings.loginUrl,
              apiVersion: settings.apiVersion,
              auth: {
                type: 'jwt',
                clientId: auth.clientId,
                username: auth.username,
                privateKey: options.readPrivateKey(auth.privateKeyFile),
              },
            })
          : null,
      );
    }
    return clients.get(id) ?? null;
  }

  function transportFor(workspace: Workspace) {
    if (options.cdcTransport) return options.cdcTransport(workspace.id, workspace.settings);
    const sf = workspace.settings;
    if (!sf.auth)
      throw new HookpostSalesforceError(
        'invalid_options',
        `workspace ${workspace.id}: salesforce.cdc needs salesforce.auth`,
      );
    return createPubSubTransport({
      auth: {
        type: 'jwt',
        clientId: sf.auth.clientId,
        username: sf.auth.username,
        privateKey: options.readPrivateKey(sf.auth.privateKeyFile),
        loginUrl: sf.loginUrl,
      },
      ...(sf.cdc?.pubSubEndpoint ? { pubSubEndpoint: sf.cdc.pubSubEndpoint } : {}),
    });
  }

  return {
    platform: 'salesforce',
    displayName: 'Salesforce',
    clientFor,
    routes: ({ workspaces, accept, logger }) => [
      outboundMessageRoute(workspaces, accept, logger, options.maxBodyBytes),
    ],
    accountIdOf: (settings) => settings.organizationId,
    secretsOf: (settings) => [settings.endpointToken],
    secretPathPrefixes: [SALESFORCE_OUTBOUND_PATH.slice(0, SALESFORCE_OUTBOUND_PATH.indexOf('/:'))],
    describedObjects: ['contact', 'lead', 'account', 'opportunity'],
    // sObject Describe: https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_sobject_describe.htm
    async describeObject(workspace, objectType) {
      const client = clientFor(workspace);
      if (!client)
        throw new HookpostSalesforceError(
          'invalid_options',
          'no Salesforce access (set salesforce.instanceUrl and salesforce.auth)',
        );
      const described = await client.describe(apiNameOf(objectType));
      const properties = described.fields.map((field) => ({
        name: field.name,
        options:
          field.type === 'picklist' || field.type === 'multipicklist'
            ? field.picklistValues.filter((v) => v.active).map((v) => v.value)
            : null,
      }));
      return { caseInsensitive: true, properties };
    },
    // Org ids compare on their 15-character case-sensitive prefix; the 18-character form adds a checksum.
    accountKey: (accountId) => accountId.slice(0, 15),
    readerFor(workspace): CrmReader | null {
      if (workspace.settings.dataset && options.openDataset)
        return options.openDataset(workspace.settings.dataset);
      const client = clientFor(workspace);
      return client ? salesforceReader(client) : null;
    },
    fieldsFor: salesforceFieldsFor,
    resolve: resolveSalesforceEvent,
    ownMode: (objectType) => (objectType === 'account' || objectType === 'company' ? 'company' : 'contact'),
    isOptedOut(settings, enrichment, recipient) {
      const field = settings.optOutField;
      return field ? isFlagSet(enrichment.records[recipient.crm.objectType]?.[field]) : false;
    },
    // A merge's loser is deleted with `MasterRecordId`: the person lives on in the master.
    deletionIsPrivacyDeletion: (event) => event.kind === 'deleted' && masterOf(event) === undefined,
    // The losers of a merge are deleted with `MasterRecordId` naming the record that survives;
    // a converted Lead lives on in the Contact its `ConvertedContactId` names.
    survivorOf: (event) => masterOf(event) ?? conversionOf(event) ?? event.objectId,
    survivorTypeOf: (event) => (conversionOf(event) !== undefined ? 'contact' : event.objectType),
    mergedIdsOf: (event) =>
      (event.kind === 'deleted' && masterOf(event) !== undefined) || conversionOf(event) !== undefined
        ? [event.objectId]
        : [],
    // A Lead message without the conversion fields, whose read shows the Lead converted: the
    // conversion is applied as a merge too (an event of a Lead already mapped to its Contact
    // arrives as the Contact's, `source.mergedFrom` set, and needs none).
    mergeShownByRead(event, enrichment) {
      if (event.objectType !== 'lead' || event.source?.mergedFrom !== undefined) return undefined;
      const contactId = convertedContactOf(enrichment.records.lead);
      return contactId === undefined ? undefined : { survivorId: contactId, survivorObjectType: 'contact' };
    },
    writeBackEnabled: (settings) => settings.writeBack,
    async performWriteBack(workspace, request) {
      if (request.type !== 'mail_activity')
        throw new HookpostSalesforceError('invalid_options', `Salesforce has no ${request.type} write-back`);
      const client = clientFor(workspace);
      if (!client)
        throw new HookpostSalesforceError(
          'invalid_options',
          `workspace ${workspace.id} has no Salesforce API access (instanceUrl and auth)`,
        );
      return performMailActivity(client, request);
    },
    startStream: (context) =>
      context.workspace.settings.cdc?.enabled
        ? startCdcStream(context, transportFor(context.workspace), clientFor(context.workspace))
        : null,
    parseSample: (sample) => {
      if (typeof sample !== 'string')
        throw new HookpostSalesforceError('malformed_xml', 'expected outbound-message XML as a string');
      return toCrmEvents(parseOutboundMessage(sample));
    },
    recognisesSample: (text) => text.trimStart().startsWith('<'),
  };
}

/** The `MasterRecordId` a merge's deleted loser names, when it names one. */
function masterOf(event: CrmEvent): string | undefined {
  const master = event.properties?.MasterRecordId;
  return typeof master === 'string' && master !== '' && master !== event.objectId ? master : undefined;
}
