import type { CrmAdapter, CrmWriteBack } from '@hookpost/core';
import { describe, expect, it } from 'vitest';
import type { WorkspaceConfig } from '../config/schema.js';
import { createAdapterRegistry, register } from './registry.js';

type Settings = { account: string; mail: boolean };

/** A minimal adapter whose write-backs are recorded; every hook is data. */
function tinyAdapter(platform: string, performed: CrmWriteBack[] = []): CrmAdapter<Settings> {
  return {
    platform,
    displayName: platform,
    routes: ({ workspaces }) =>
      workspaces.map((w) => ({ method: 'POST', path: `/in/${platform}/${w.id}`, handler: async () => {} })),
    accountIdOf: (s) => s.account,
    accountKey: (id) => id.toLowerCase(),
    readerFor: () => null,
    fieldsFor: (campaigns) => ({ person: campaigns.map((c) => c.id) }),
    resolve: async () => ({ records: {}, recipients: {} }),
    ownMode: () => 'contact',
    isOptedOut: () => false,
    deletionIsPrivacyDeletion: () => false,
    survivorOf: (event) => event.objectId,
    writeBackEnabled: (s) => s.mail,
    performWriteBack: async (_w, request) => void performed.push(request),
  };
}

const workspace = (id: string, campaigns: { id: string; platform: string }[]) =>
  ({
    id,
    destinations: {},
    campaigns: campaigns.map((c) => ({
      id: c.id,
      trigger: { platform: c.platform, object: 'person', on: 'any' },
    })),
  }) as unknown as WorkspaceConfig;

describe('the adapter registry', () => {
  const performed: CrmWriteBack[] = [];
  const settings = new Map<string, Settings>([['w1', { account: 'ACC-1', mail: true }]]);
  const registry = createAdapterRegistry([
    register(tinyAdapter('alpha', performed), (w) => settings.get(w.id)),
    register(tinyAdapter('beta'), () => undefined),
  ]);
  const w1 = workspace('w1', [
    { id: 'a1', platform: 'alpha' },
    { id: 'b1', platform: 'beta' },
  ]);

  it('binds a workspace to an adapter with the fields derived from that platform’s campaigns only', () => {
    expect(registry.platforms).toEqual(['alpha', 'beta']);
    expect(registry.crmFor(w1, 'alpha')?.fields).toEqual({ person: ['a1'] });
    expect(registry.crmFor(w1, 'beta')).toBeNull();
    expect(registry.crmFor(w1, 'gamma')).toBeNull();
    expect(registry.crmFor(w1, 'alpha')).toBe(registry.crmFor(w1, 'alpha'));
  });

  it('routes by the adapter’s account key and mounts routes only for configured workspaces', () => {
    expect(registry.accountsOf(w1)).toEqual([{ platform: 'alpha', key: 'acc-1' }]);
    expect(registry.accountKey('alpha', 'ACC-1')).toBe('acc-1');
    const routes = registry.routes(
      [w1, workspace('w2', [])],
      async () => ({ accepted: 0, duplicates: 0 }),
      console,
    );
    expect(routes.map((r) => r.path)).toEqual(['/in/alpha/w1']);
  });

  it('hands write-backs to the adapter their platform names, and refuses unknown platforms', async () => {
    expect(registry.writeBackEnabled(w1, { platform: 'alpha', objectType: 'person', objectId: '1' })).toBe(
      true,
    );
    expect(registry.writeBackEnabled(w1, { platform: 'beta', objectType: 'person', objectId: '1' })).toBe(
      false,
    );
    const request: CrmWriteBack = {
      type: 'workflow_callback',
      platform: 'alpha',
      callbackId: 'cb',
      state: 'SUCCESS',
    };
    await registry.performWriteBack(w1, request);
    expect(performed).toEqual([request]);
    await expect(registry.performWriteBack(w1, { ...request, platform: 'gamma' })).rejects.toThrow(
      /no adapter for platform "gamma"/,
    );
    await expect(registry.performWriteBack(w1, { ...request, platform: 'beta' })).rejects.toThrow(
      /no beta settings/,
    );
  });

  it('refuses two adapters for one platform', () => {
    expect(() =>
      createAdapterRegistry([
        register(tinyAdapter('x'), () => undefined),
        register(tinyAdapter('x'), () => undefined),
      ]),
    ).toThrow(/same platform/);
  });
});
