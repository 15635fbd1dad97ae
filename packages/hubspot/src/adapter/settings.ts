import type { CrmReader } from '@hookpost/core';
import type { UsedStates } from '../oauth/install-flow.js';
import type { TokenStore } from '../oauth/token-provider.js';
import type { ReplayGuard } from '../workflow/replay.js';

/** The app-wide HubSpot settings (the connector's top-level `hubspot:` block). */
export interface HubSpotAppSettings {
  appId?: string | undefined;
  clientId?: string | undefined;
  clientSecret: string;
  /** Older client secrets still accepted while rotating. */
  previousClientSecrets: readonly string[];
  apiBaseUrl: string;
  allowLegacySignatures: boolean;
  requiredScopes: readonly string[];
  optionalScopes: readonly string[];
}

/** One workspace's HubSpot settings (a workspace's `hubspot:` block). */
export interface HubSpotWorkspaceSettings {
  portalId: string;
  /** A private app's static token; else the stored OAuth installation of `portalId` is used. */
  accessToken?: string | undefined;
  /** A JSON dataset read instead of the API (offline demo, tests). */
  dataset?: string | undefined;
  /** Contact (and company) property that marks "do not mail"; a truthy value suppresses the recipient. */
  optOutProperty?: string | undefined;
  /** Record a postal-mail engagement on the contact when a piece is handed off. */
  writeBack: boolean;
}

/** Options of {@link createHubSpotAdapter}. */
export interface HubSpotAdapterOptions {
  /** The app block; without it no webhook route is mounted and no OAuth is possible. */
  app?: HubSpotAppSettings | undefined;
  /** Public base URL HubSpot calls (signature v3 covers the full URL). */
  publicUrl: string;
  maxBodyBytes?: number;
  /**
   * OAuth install: where tokens are kept, the key `state` is signed with and where used state
   * nonces are remembered (each state is accepted once), or why it is off.
   */
  oauth?: { tokenStore: TokenStore; stateSecret: string; usedStates: UsedStates } | { unavailable: string };
  /** Refuses a workflow-action signature accepted before (v1/v2 signatures carry no signed time). */
  replayGuard?: ReplayGuard;
  /** Opens a workspace's `dataset` file as a reader (the host resolves the path). */
  openDataset?: (file: string) => CrmReader;
}
