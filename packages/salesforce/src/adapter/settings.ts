import type { CrmReader } from '@hookpost/core';
import type { CdcTransport } from '../cdc/transport.js';

/** One workspace's Salesforce settings (a workspace's `salesforce:` block). */
export interface SalesforceWorkspaceSettings {
  organizationId: string;
  /** The secret last path segment of the outbound-message endpoint URL. */
  endpointToken: string;
  instanceUrl?: string | undefined;
  loginUrl: string;
  apiVersion: string;
  /** JWT bearer flow of a connected app; needed for reads, write-back and CDC. */
  auth?: { type: 'jwt'; clientId: string; username: string; privateKeyFile: string } | undefined;
  /** Checkbox field (on Contact, Lead, Account) that marks "do not mail"; a set value suppresses. */
  optOutField?: string | undefined;
  /** Create a completed Task on the recipient when a piece is handed off. */
  writeBack: boolean;
  /** A JSON dataset read instead of the API (offline demo, tests). */
  dataset?: string | undefined;
  cdc?:
    | {
        enabled: boolean;
        channel: string;
        pubSubEndpoint?: string | undefined;
        /** changeOrigin values to ignore, e.g. the integration user's own writes. */
        skipChangeOrigins: readonly string[];
      }
    | undefined;
}

/** Options of {@link createSalesforceAdapter}. */
export interface SalesforceAdapterOptions {
  /** Largest outbound message accepted, bytes. */
  maxBodyBytes?: number;
  /** Opens a workspace's `dataset` file as a reader (the host resolves the path). */
  openDataset?: (file: string) => CrmReader;
  /** Reads a `privateKeyFile` (the host resolves the path). */
  readPrivateKey: (file: string) => string;
  /** Change Data Capture transport per workspace; defaults to the Pub/Sub API with the JWT credentials. */
  cdcTransport?: (workspaceId: string, settings: SalesforceWorkspaceSettings) => CdcTransport;
}
