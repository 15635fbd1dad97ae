import type { PropertyCatalog } from '@hookpost/core';
import { createRegistry } from '../adapters/compose.js';
import type { AdapterRegistry } from '../adapters/registry.js';
import { openMigrated } from '../cli/database.js';
import { openDatabase } from '../db/connect.js';
import { type FieldReference, fieldReferences } from './field-references.js';
import type { HookpostConfig } from './schema.js';
import { closestName } from './suggest.js';

/** One problem found against a CRM's live property definitions. */
export interface OnlineIssue {
  path: string;
  message: string;
}

type Known = { catalog: PropertyCatalog; byName: Map<string, PropertyCatalog['properties'][number]> };

/**
 * Checks a valid configuration against the CRMs' property definitions, read through each
 * CRM adapter's `describeObject` (HubSpot properties API, Salesforce sObject describe):
 * every condition field, template variable, trigger property and opt-out field must name
 * an existing property, and a value a rule compares an enumeration with (`to: closedwon`)
 * must be one of its options — a stage id that differs in the portal's pipeline would
 * otherwise never match. One request per workspace, platform and object type; names compare
 * as the CRM does (Salesforce case-insensitively). A CRM that cannot be read is one issue.
 */
export async function checkOnline(config: HookpostConfig, registry: AdapterRegistry): Promise<OnlineIssue[]> {
  const issues: OnlineIssue[] = [];
  for (const [i, workspace] of config.workspaces.entries()) {
    const refs = fieldReferences(workspace, i, (platform) => registry.describedObjects(platform));
    const cache = new Map<string, Promise<Known>>();
    const reported = new Set<string>();
    for (const ref of refs) {
      const key = `${ref.platform}:${ref.objectType}`;
      let definitions = cache.get(key);
      if (!definitions) {
        definitions = registry.describeObject(workspace, ref.platform, ref.objectType).then(index);
        cache.set(key, definitions);
      }
      let known: Known;
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

function index(catalog: PropertyCatalog): Known {
  const key = (name: string) => (catalog.caseInsensitive ? name.toLowerCase() : name);
  return { catalog, byName: new Map(catalog.properties.map((p) => [key(p.name), p])) };
}

function checkReference(ref: FieldReference, known: Known): OnlineIssue[] {
  const definition = known.byName.get(known.catalog.caseInsensitive ? ref.name.toLowerCase() : ref.name);
  if (!definition) {
    const near = closestName(
      ref.name,
      known.catalog.properties.map((d) => d.name),
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

/**
 * `hookpost config check --online`: builds the CRM adapters as the connector does and runs
 * `checkOnline`. The stored OAuth installations are read (from `DATABASE_URL`) only when
 * `HOOKPOST_ENCRYPTION_KEY` is set; otherwise nothing is written anywhere.
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
    const registry = createRegistry({ config, configDir, db: handle.db, dialect: handle.dialect, env });
    return await checkOnline(config, registry);
  } finally {
    await handle.close();
  }
}
