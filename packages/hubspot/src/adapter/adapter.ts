import type { AdapterWorkspace, CrmAdapter, CrmEvent, CrmReader, CrmWriteBack } from '@hookpost/core';
import { isFlagSet } from '@hookpost/core';
import { createHubSpotClient, type HubSpotClient } from '../client/client.js';
import { HookpostHubSpotError } from '../errors.js';
import { parseWebhookBatch } from '../events/parse.js';
import { createTokenProvider } from '../oauth/token-provider.js';
import { performMailActivity } from '../write-back/mail-activity.js';
import { hubspotFieldsFor } from './fields.js';
import { installFlow } from './oauth-routes.js';
import { resolveHubSpotEvent } from './resolve.js';
import { hubspotRoutes } from './routes.js';
import type { HubSpotAdapterOptions, HubSpotWorkspaceSettings } from './settings.js';

/** The HubSpot adapter, plus the API client it builds per workspace (for write-back and tools). */
export interface HubSpotAdapter extends CrmAdapter<HubSpotWorkspaceSettings> {
  /** The workspace's API client (static token, else its stored OAuth installation), or null. */
  clientFor(workspace: AdapterWorkspace<HubSpotWorkspaceSettings>): HubSpotClient | null;
}

/**
 * The HubSpot side of a Hookpost connector: webhook, workflow-action and OAuth routes;
 * routing by portal id; reads over the batched API client (or a local dataset); recipients
 * from contacts, a deal's associated contact and companies; postal-mail engagements (updated
 * as the piece moves, with the contact's last-mail properties) and workflow callbacks as write-back.
 *
 * @example
 * const hubspot = createHubSpotAdapter({ app: config.hubspot, publicUrl: 'https://hooks.example.com' });
 * hubspot.fieldsFor(campaigns, workspace.hubspot); // { contact: [...], company: [...], deal: [...] }
 */
export function createHubSpotAdapter(options: HubSpotAdapterOptions): HubSpotAdapter {
  const clients = new Map<string, HubSpotClient | null>();
  const install = installFlow(options);
  const baseUrl = options.app?.apiBaseUrl;

  function clientFor({ id, settings }: AdapterWorkspace<HubSpotWorkspaceSettings>): HubSpotClient | null {
    if (!clients.has(id)) {
      let client: HubSpotClient | null = null;
      if (settings.accessToken) {
        client = createHubSpotClient({ accessToken: settings.accessToken, ...(baseUrl ? { baseUrl } : {}) });
      } else if (!('unavailable' in install)) {
        const getAccessToken = createTokenProvider({
          oauth: install.oauth,
          store: install.tokenStore,
          portalId: settings.portalId,
        });
        client = createHubSpotClient({ getAccessToken, ...(baseUrl ? { baseUrl } : {}) });
      }
      clients.set(id, client);
    }
    return clients.get(id) ?? null;
  }

  function requireClient(workspace: AdapterWorkspace<HubSpotWorkspaceSettings>): HubSpotClient {
    const client = clientFor(workspace);
    if (!client)
      throw new HookpostHubSpotError(
        'not_installed',
        `workspace ${workspace.id} has no HubSpot API access (token or installation)`,
      );
    return client;
  }

  return {
    platform: 'hubspot',
    displayName: 'HubSpot',
    clientFor,
    routes: ({ workspaces, accept, logger }) => hubspotRoutes(options, workspaces, accept, logger),
    accountIdOf: (settings) => String(settings.portalId),
    describedObjects: ['contact', 'company', 'deal', 'ticket'],
    // Properties API: https://developers.hubspot.com/docs/api-reference/crm-properties-v3/guide
    async describeObject(workspace, objectType) {
      const client = clientFor(workspace);
      if (!client)
        throw new HookpostHubSpotError(
          'not_installed',
          'no HubSpot access (set hubspot.accessToken or install the app)',
        );
      const properties = (await client.getProperties(objectType)).map((p) => ({
        name: p.name,
        options:
          p.type === 'enumeration' || (p.options?.length ?? 0) > 0
            ? (p.options ?? []).map((o) => o.value)
            : null,
      }));
      return { caseInsensitive: false, properties };
    },
    accountKey: (accountId) => accountId,
    readerFor(workspace): CrmReader | null {
      if (workspace.settings.dataset && options.openDataset)
        return options.openDataset(workspace.settings.dataset);
      return clientFor(workspace);
    },
    fieldsFor: hubspotFieldsFor,
    resolve: resolveHubSpotEvent,
    ownMode: (objectType) => (objectType === 'company' ? 'company' : 'contact'),
    isOptedOut(settings, enrichment, recipient) {
      const field = settings.optOutProperty;
      return field ? isFlagSet(enrichment.records[recipient.crm.objectType]?.[field]) : false;
    },
    // HubSpot sends `contact.privacyDeletion` for GDPR deletions; a plain delete can be restored.
    deletionIsPrivacyDeletion: () => false,
    // A merge's winner: `newObjectId` when HubSpot created a new contact, else `primaryObjectId`
    // (https://developers.hubspot.com/docs/api/webhooks, "Merge events").
    survivorOf: mergeSurvivor,
    // Every id of a merge but the winner is gone: `mergedObjectIds`, and `primaryObjectId` too
    // when HubSpot created a new record (`newObjectId`).
    mergedIdsOf(event) {
      if (event.kind !== 'merged') return [];
      const survivor = mergeSurvivor(event);
      const { mergedObjectIds, primaryObjectId } = event.source ?? {};
      const ids = [
        event.objectId,
        primaryObjectId,
        ...(Array.isArray(mergedObjectIds) ? mergedObjectIds : []),
      ];
      return [...new Set(ids.filter((id): id is string => typeof id === 'string' && id !== survivor))];
    },
    // Postal-mail engagements attach to contacts only (CRM engagements API).
    writeBackEnabled: (settings, recipient) => settings.writeBack && recipient.objectType === 'contact',
    async performWriteBack(workspace, request: CrmWriteBack) {
      const client = requireClient(workspace);
      if (request.type === 'workflow_callback') {
        await client.completeCallback(request.callbackId, {
          ...request.outputFields,
          hs_execution_state: request.state,
        });
        return;
      }
      return performMailActivity(client, request);
    },
    parseSample: (sample) => parseWebhookBatch(typeof sample === 'string' ? sample : JSON.stringify(sample)),
    recognisesSample: (text) => text.trimStart().startsWith('['),
  };
}

/** A merge's winner: `newObjectId` when HubSpot created a new record, else `primaryObjectId`. */
function mergeSurvivor(event: CrmEvent): string {
  if (event.kind !== 'merged') return event.objectId;
  const { newObjectId, primaryObjectId } = event.source ?? {};
  if (typeof newObjectId === 'string') return newObjectId;
  return typeof primaryObjectId === 'string' ? primaryObjectId : event.objectId;
}
