import { createRegistry } from '../../src/adapters/compose.js';
import type { HookpostConfig } from '../../src/config/schema.js';
import type { DatabaseHandle } from '../../src/db/connect.js';
import { createInbox, type Inbox } from '../../src/store/inbox.js';
import { createWorkspaceIndex } from '../../src/workspaces.js';

/** The inbox a connector process builds for `config` on `handle`, with its workspace index. */
export function inboxFor(handle: DatabaseHandle, config: HookpostConfig): Inbox {
  const registry = createRegistry({
    config,
    configDir: '.',
    db: handle.db,
    dialect: handle.dialect,
    env: {},
  });
  return createInbox({
    db: handle.db,
    dialect: handle.dialect,
    workspaces: createWorkspaceIndex(config, registry),
  });
}
