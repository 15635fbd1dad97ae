import type { HubSpotClient } from '@hookpost/hubspot';
import type { SalesforceClient } from '@hookpost/salesforce';
import { openMigrated } from '../cli/database.js';
import { openDatabase } from '../db/connect.js';
import { createIntegrations } from '../integrations.js';
import { type FieldReference, fieldReferences } from './field-references.js';
import type { HookpostConfig, WorkspaceConfig } from './schema.js';
import { closestName } from './suggest.js';

/** One problem found against a CRM's live property definitions. */
export interface OnlineIssue {
  path: string;
  message: string;
}

/** The CRM clients of a workspace (the connector's integrations provide them). */
export interface OnlineClients {
  hubspot(workspace: WorkspaceConfig): HubSpotClient | null;
  salesforce(workspace: WorkspaceConfig): SalesforceClient | null;
}

interface Definition {
  name: string;
  /** Option values of an enumeration / picklist; null for other types. */
  options: string[] | null;
}

const SALESFORCE_NAMES: Readonly<Record<string, string>> = {
  contact: 'Contact',
  lead: 'Lead',
  account: 'Account',
  opportunity: 'Opportunity',
};

/**
 * Checks a valid configuration against the CRMs' property definitions (HubSpot
 * `GET /crm/v3/properties/{objectType}`, Salesforce `GET /sobjects/{Object}/describe`):
 * every condition field, template variable, trigger property and opt-out field must name
 * an existing property, and a value a rule compares an enumeration with (`to: closedwon`)
 * must be one of its options — a stage id that differs in the portal's pipeline would
 * otherwise never match, or match nothing the operator meant. One request per workspace,
 * platform and object type. Salesforce field names compare case-insensitively, HubSpot's
 * exactly. A CRM that cannot be read is one issue naming the error.
 */
export async function checkOnline(config: HookpostConfig, clients: OnlineClients): Promise<OnlineIssue[]> {
  const issues: OnlineIssue[] = [];
  for (const [i, workspace] of config.workspaces.entries()) {
    const refs = fieldReferences(workspace, i);
    const cache = new Map<string, Promise<Map<string, Definition>>>();
    const reported = new Set<string>();
    for (const ref of refs) {
      const key = `${ref.platform}:${ref.objectType}`;
      let definitions = cache.get(key);
      if (!definitions) {
        definitions = readDefinitions(ref, workspace, clients);
        cache.set(key, definitions);
      }
      let known: Map<string, Definition>;
      try {
        known = await definitions;
      } catch (error) {
        if (!reported.has(key))
          issues.push({
            path: `workspaces[${i}].${ref.platform}`,
            message: `cannot read ${ref.platform} ${ref.objectType} properties: ${(error as Error).message}`,
          });
        reported.add(key);
        continue;
      }
      issues.push(...checkReference(ref, known));
    }
  }
  return issues;
}

function checkReference(ref: FieldReference, known: Map<string, Definition>): OnlineIssue[] {
  const lookup = ref.platform === 'salesforce' ? ref.name.toLowerCase() : ref.name;
  const definition = known.get(lookup);
  if (!definition) {
    const near = closestName(
      ref.name,
      [...known.values()].map((d) => d.name),
    );
    const hint = near ? `; did you mean "${near}"?` : '';
    return [
      { path: ref.path, message: `${ref.platform} ${ref.objectType} has no property "${ref.name}"${hint}` },
    ];
  }
  if (definition.options === null || definition.options.length === 0) return [];
  const options = definition.options;
  return ref.values
    .filter((value) => !options.includes(String(value)))
    .map((value) => {
      const near = closestName(String(value), options);
      const list = options.length <= 12 ? ` (options: ${options.join(', ')})` : '';
      return {
        path: ref.path,
        message: `"${String(value)}" is not an option of ${ref.platform} ${ref.objectType}.${definition.name}${near ? `; did you mean "${near}"?` : list}`,
      };
    });
}

async function readDefinitions(
  ref: FieldReference,
  workspace: WorkspaceConfig,
  clients: OnlineClients,
): Promise<Map<string, Definition>> {
  const out = new Map<string, Definition>();
  if (ref.platform === 'hubspot') {
    const client = clients.hubspot(workspace);
    if (!client) throw new Error('no HubSpot access (set hubspot.accessToken or install the app)');
    for (const p of await client.getProperties(ref.objectType)) {
      const enumerated = p.type === 'enumeration' || (p.options?.length ?? 0) > 0;
      out.set(p.name, { name: p.name, options: enumerated ? (p.options ?? []).map((o) => o.value) : null });
    }
    return out;
  }
  const client = clients.salesforce(workspace);
  if (!client) throw new Error('no Salesforce access (set salesforce.instanceUrl and salesforce.auth)');
  const described = await client.describe(SALESFORCE_NAMES[ref.objectType] ?? ref.objectType);
  for (const field of described.fields) {
    const picklist = field.type === 'picklist' || field.type === 'multipicklist';
    out.set(field.name.toLowerCase(), {
      name: field.name,
      options: picklist ? field.picklistValues.filter((v) => v.active).map((v) => v.value) : null,
    });
  }
  return out;
}

/**
 * `hookpost config check --online`: builds the workspaces' CRM clients as the connector
 * does and runs `checkOnline`. The stored OAuth installations are read (from `DATABASE_URL`)
 * only when `HOOKPOST_ENCRYPTION_KEY` is set; otherwise nothing is written anywhere.
 */
export async function runOnlineCheck(
  config: HookpostConfig,
  configDir: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<OnlineIssue[]> {
  const handle = env.HOOKPOST_ENCRYPTION_KEY
    ? (await openMigrated(env)).handle
    : openDatabase('sqlite::memory:');
  try {
    return await checkOnline(config, createIntegrations(config, configDir, handle.db, env));
  } finally {
    await handle.close();
  }
}
