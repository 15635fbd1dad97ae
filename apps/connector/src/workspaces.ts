import type { CrmEvent, Platform } from '@hookpost/core';
import type { HookpostConfig, WorkspaceConfig } from './config/schema.js';

/** Finds a workspace by the CRM account an event came from. */
export interface WorkspaceIndex {
  all: readonly WorkspaceConfig[];
  byId(id: string): WorkspaceConfig | undefined;
  forAccount(platform: Platform, accountId: string): WorkspaceConfig | undefined;
  forEvent(event: Pick<CrmEvent, 'platform' | 'accountId'>): WorkspaceConfig | undefined;
}

/** Salesforce org ids compare on their 15-character case-sensitive prefix. */
const orgKey = (id: string) => id.slice(0, 15);

export function createWorkspaceIndex(config: HookpostConfig): WorkspaceIndex {
  const byId = new Map(config.workspaces.map((w) => [w.id, w]));
  const hubspot = new Map<string, WorkspaceConfig>();
  const salesforce = new Map<string, WorkspaceConfig>();
  for (const workspace of config.workspaces) {
    if (workspace.hubspot) hubspot.set(workspace.hubspot.portalId, workspace);
    if (workspace.salesforce) salesforce.set(orgKey(workspace.salesforce.organizationId), workspace);
  }
  const forAccount = (platform: Platform, accountId: string) =>
    platform === 'hubspot' ? hubspot.get(accountId) : salesforce.get(orgKey(accountId));
  return {
    all: config.workspaces,
    byId: (id) => byId.get(id),
    forAccount,
    forEvent: (event) => forAccount(event.platform, event.accountId),
  };
}
