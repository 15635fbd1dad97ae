import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createHubSpotAdapter } from '@hookpost/hubspot';
import { type CdcTransport, createSalesforceAdapter } from '@hookpost/salesforce';
import type { Kysely } from 'kysely';
import type { HookpostConfig } from '../config/schema.js';
import { createSecretBox } from '../crypto/secretbox.js';
import type { Dialect } from '../db/connect.js';
import type { Database } from '../db/types.js';
import { createDatasetReader } from '../enrich/reader.js';
import { createInstallationStore } from '../store/installations.js';
import { createSingleUseKeys } from '../store/single-use.js';
import {
  type AdapterRegistration,
  type AdapterRegistry,
  createAdapterRegistry,
  register,
} from './registry.js';

/** Options of the built-in CRM adapters that tests and tools replace. */
export interface CrmOptions {
  /** Change Data Capture transport per workspace id (tests: an in-memory bus); defaults to the Pub/Sub API. */
  cdcTransport?: (workspaceId: string) => CdcTransport;
}

export interface ComposeOptions extends CrmOptions {
  config: HookpostConfig;
  /** Relative files in the configuration (datasets, private keys) resolve against this directory. */
  configDir: string;
  db: Kysely<Database>;
  dialect: Dialect;
  env?: NodeJS.ProcessEnv;
  /** More adapters, registered after the built-in ones (e.g. a test CRM). */
  adapters?: readonly AdapterRegistration[];
}

/**
 * The composition root: the one place that knows which CRMs the connector ships with and
 * where their settings sit in the configuration (`hubspot:`, `salesforce:` blocks). Everything
 * else talks to the returned registry.
 */
export function createRegistry(options: ComposeOptions): AdapterRegistry {
  return createAdapterRegistry([...builtInAdapters(options), ...(options.adapters ?? [])]);
}

function builtInAdapters({
  config,
  configDir,
  db,
  dialect,
  env = process.env,
  cdcTransport,
}: ComposeOptions) {
  const key = env.HOOKPOST_ENCRYPTION_KEY;
  // The state key is derived, not the client secret itself, so the two can rotate apart.
  const oauth = key
    ? {
        tokenStore: createInstallationStore(db, createSecretBox(key)),
        stateSecret: createHmac('sha256', key).update('hookpost/oauth-state').digest('base64url'),
        usedStates: createSingleUseKeys({ db, dialect, table: 'used_oauth_states' }),
      }
    : { unavailable: 'set HOOKPOST_ENCRYPTION_KEY to store OAuth tokens encrypted' };
  const hubspot = createHubSpotAdapter({
    app: config.hubspot,
    publicUrl: config.server.publicUrl,
    ...(config.server.maxBodyBytes ? { maxBodyBytes: config.server.maxBodyBytes } : {}),
    oauth,
    replayGuard: createSingleUseKeys({ db, dialect, table: 'seen_signatures' }),
    openDataset: (file) => createDatasetReader(path.resolve(configDir, file)),
  });
  const salesforce = createSalesforceAdapter({
    ...(config.server.maxBodyBytes ? { maxBodyBytes: config.server.maxBodyBytes } : {}),
    openDataset: (file) => createDatasetReader(path.resolve(configDir, file)),
    readPrivateKey: (file) => readFileSync(path.resolve(configDir, file), 'utf8'),
    ...(cdcTransport ? { cdcTransport: (workspaceId: string) => cdcTransport(workspaceId) } : {}),
  });
  return [
    register(hubspot, (workspace) => workspace.hubspot),
    register(salesforce, (workspace) => workspace.salesforce),
  ];
}
