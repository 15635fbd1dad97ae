import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  createHubSpotClient,
  createOAuth,
  createTokenProvider,
  type HubSpotClient,
  type OAuth,
  type TokenStore,
} from '@hookpost/hubspot';
import { createSalesforceClient, type SalesforceClient } from '@hookpost/salesforce';
import type { Kysely } from 'kysely';
import type { HookpostConfig, WorkspaceConfig } from './config/schema.js';
import { createSecretBox, type SecretBox } from './crypto/secretbox.js';
import type { Database } from './db/types.js';
import type { SideEffectRunner } from './dispatch/outbox.js';
import { type CrmReader, createDatasetReader, withRecordCache } from './enrich/reader.js';
import { createMailSideEffects, MAIL_OUTBOX_KINDS } from './mail/side-effects.js';
import { createInstallationStore } from './store/installations.js';

/** Salesforce fields read for enrichment; the `…CountryCode` fields exist only with picklists, so are not asked for. */
const SALESFORCE_FIELDS: Record<string, string[]> = {
  contact: [
    'Id',
    'FirstName',
    'LastName',
    'Email',
    'AccountId',
    'MailingStreet',
    'MailingCity',
    'MailingState',
    'MailingPostalCode',
    'MailingCountry',
  ],
  lead: [
    'Id',
    'FirstName',
    'LastName',
    'Email',
    'Company',
    'Street',
    'City',
    'State',
    'PostalCode',
    'Country',
  ],
  account: [
    'Id',
    'Name',
    'BillingStreet',
    'BillingCity',
    'BillingState',
    'BillingPostalCode',
    'BillingCountry',
  ],
  opportunity: ['Id', 'Name', 'StageName', 'AccountId', 'ContactId'],
};
const SALESFORCE_NAMES: Record<string, string> = {
  contact: 'Contact',
  lead: 'Lead',
  account: 'Account',
  opportunity: 'Opportunity',
};

export interface Integrations {
  readerFor(workspace: WorkspaceConfig, platform: 'hubspot' | 'salesforce'): CrmReader | null;
  hubspot(workspace: WorkspaceConfig): HubSpotClient | null;
  salesforce(workspace: WorkspaceConfig): SalesforceClient | null;
  /** The OAuth install flow, or why it is unavailable. */
  oauth: OAuth | { unavailable: string };
  tokenStore: TokenStore | null;
  runSideEffect: SideEffectRunner;
}

/**
 * Builds the CRM clients once per workspace (each owns its rate limiter): a static token,
 * else the stored OAuth installation; a local dataset replaces the API for the demo.
 */
export function createIntegrations(
  config: HookpostConfig,
  configDir: string,
  db: Kysely<Database>,
  env = process.env,
): Integrations {
  const box: SecretBox | null = env.HOOKPOST_ENCRYPTION_KEY
    ? createSecretBox(env.HOOKPOST_ENCRYPTION_KEY)
    : null;
  const oauth = buildOAuth(config, env);
  const tokenStore = box ? createInstallationStore(db, box) : null;
  const hubspotClients = new Map<string, HubSpotClient | null>();
  const salesforceClients = new Map<string, SalesforceClient | null>();
  const readers = new Map<string, CrmReader | null>();

  function hubspot(workspace: WorkspaceConfig): HubSpotClient | null {
    if (!hubspotClients.has(workspace.id)) {
      const settings = workspace.hubspot;
      let client: HubSpotClient | null = null;
      const baseUrl = config.hubspot?.apiBaseUrl;
      if (settings?.accessToken) {
        client = createHubSpotClient({ accessToken: settings.accessToken, ...(baseUrl ? { baseUrl } : {}) });
      } else if (settings && tokenStore && !('unavailable' in oauth)) {
        const getAccessToken = createTokenProvider({ oauth, store: tokenStore, portalId: settings.portalId });
        client = createHubSpotClient({ getAccessToken, ...(baseUrl ? { baseUrl } : {}) });
      }
      hubspotClients.set(workspace.id, client);
    }
    return hubspotClients.get(workspace.id) ?? null;
  }

  function salesforce(workspace: WorkspaceConfig): SalesforceClient | null {
    if (!salesforceClients.has(workspace.id)) {
      const settings = workspace.salesforce;
      let client: SalesforceClient | null = null;
      if (settings?.instanceUrl && settings.auth) {
        const privateKey = readFileSync(path.resolve(configDir, settings.auth.privateKeyFile), 'utf8');
        client = createSalesforceClient({
          instanceUrl: settings.instanceUrl,
          loginUrl: settings.loginUrl,
          apiVersion: settings.apiVersion,
          auth: {
            type: 'jwt',
            clientId: settings.auth.clientId,
            username: settings.auth.username,
            privateKey,
          },
        });
      }
      salesforceClients.set(workspace.id, client);
    }
    return salesforceClients.get(workspace.id) ?? null;
  }

  function readerFor(workspace: WorkspaceConfig, platform: 'hubspot' | 'salesforce'): CrmReader | null {
    const key = `${workspace.id}:${platform}`;
    if (!readers.has(key)) {
      let reader: CrmReader | null = null;
      if (platform === 'hubspot') {
        if (workspace.hubspot?.dataset)
          reader = createDatasetReader(path.resolve(configDir, workspace.hubspot.dataset));
        else {
          const client = hubspot(workspace);
          if (client) reader = client;
        }
      } else {
        const client = salesforce(workspace);
        if (client) reader = salesforceReader(client);
      }
      readers.set(key, reader ? withRecordCache(reader) : null);
    }
    return readers.get(key) ?? null;
  }

  const runMailSideEffect = createMailSideEffects({ db, hubspot, salesforce });
  const runSideEffect: SideEffectRunner = async (kind, workspace, payload) => {
    if (MAIL_OUTBOX_KINDS.has(kind)) return runMailSideEffect(workspace, payload);
    const data = payload as Record<string, string>;
    if (kind === 'hubspot_callback' || kind === 'hubspot_postal_mail') {
      const client = hubspot(workspace);
      if (!client)
        throw new Error(`workspace ${workspace.id} has no HubSpot API access (token or installation)`);
      if (kind === 'hubspot_callback') {
        const outputFields = (payload as { outputFields?: Record<string, string> }).outputFields ?? {};
        await client.completeCallback(String(data.callbackId), {
          ...outputFields,
          hs_execution_state: data.state,
        });
      } else {
        await client.recordPostalMail(String(data.contactId), {
          body: String(data.body),
          timestamp: new Date(Number(data.timestamp)),
        });
      }
      return;
    }
    const client = salesforce(workspace);
    if (!client)
      throw new Error(`workspace ${workspace.id} has no Salesforce API access (instanceUrl and auth)`);
    await client.createTask(String(data.whoId), {
      subject: String(data.subject),
      description: String(data.description),
    });
  };

  return { readerFor, hubspot, salesforce, oauth, tokenStore, runSideEffect };
}

function buildOAuth(config: HookpostConfig, env: NodeJS.ProcessEnv): OAuth | { unavailable: string } {
  const hubspot = config.hubspot;
  if (!hubspot?.clientId) return { unavailable: 'set hubspot.clientId in the configuration' };
  if (!env.HOOKPOST_ENCRYPTION_KEY)
    return { unavailable: 'set HOOKPOST_ENCRYPTION_KEY to store OAuth tokens encrypted' };
  // The state key is derived, not the client secret itself, so the two can rotate apart.
  const stateSecret = createHmac('sha256', env.HOOKPOST_ENCRYPTION_KEY)
    .update('hookpost/oauth-state')
    .digest('base64url');
  return createOAuth({
    clientId: hubspot.clientId,
    clientSecret: hubspot.clientSecret,
    redirectUri: `${config.server.publicUrl}/oauth/hubspot/callback`,
    requiredScopes: hubspot.requiredScopes,
    optionalScopes: hubspot.optionalScopes,
    stateSecret,
    baseUrl: hubspot.apiBaseUrl,
  });
}

/** Enrichment over Salesforce: records by API name, Opportunity → primary contact. */
function salesforceReader(client: SalesforceClient): CrmReader {
  return {
    async fetchRecords(objectType, ids, properties) {
      const name = SALESFORCE_NAMES[objectType] ?? objectType;
      const fields = SALESFORCE_FIELDS[objectType] ?? [
        'Id',
        ...properties.filter((p) => /^[A-Z]\w*$/.test(p)),
      ];
      return client.fetchRecords(name, ids, fields);
    },
    async fetchAssociations(fromType, toType, ids) {
      const found = new Map<string, string[]>();
      if (fromType !== 'opportunity' || toType !== 'contact') return found;
      for (const id of ids) {
        const contactId = await client.findPrimaryContactId(id);
        if (contactId) found.set(id, [contactId]);
      }
      return found;
    },
  };
}
