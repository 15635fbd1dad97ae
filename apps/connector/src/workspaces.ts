import type { CrmEvent } from '@hookpost/core';
import type { AdapterRegistry } from './adapters/registry.js';
import type { HookpostConfig, WorkspaceConfig } from './config/schema.js';

/** Finds a workspace by the CRM account an event came from. */
export interface WorkspaceIndex {
  all: readonly WorkspaceConfig[];
  byId(id: string): WorkspaceConfig | undefined;
  forAccount(platform: string, accountId: string): WorkspaceConfig | undefined;
  forEvent(event: Pick<CrmEvent, 'platform' | 'accountId'>): WorkspaceConfig | undefined;
}

/** Indexes workspaces by each adapter's account key (e.g. org ids on their 15-character prefix). */
export function createWorkspaceIndex(config: HookpostConfig, registry: AdapterRegistry): WorkspaceIndex {
  const byId = new Map(config.workspaces.map((w) => [w.id, w]));
  const byAccount = new Map<string, WorkspaceConfig>();
  const keyOf = (platform: string, key: string) => `${platform}\u0000${key}`;
  for (const workspace of config.workspaces) {
    for (const account of registry.accountsOf(workspace))
      byAccount.set(keyOf(account.platform, account.key), workspace);
  }
  const forAccount = (platform: string, accountId: string) =>
    byAccount.get(keyOf(platform, registry.accountKey(platform, accountId)));
  return {
    all: config.workspaces,
    byId: (id) => byId.get(id),
    forAccount,
    forEvent: (event) => forAccount(event.platform, event.accountId),
  };
}
