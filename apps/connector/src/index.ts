/**
 * The connector as a library: start it in-process (tests, embedding) with the same
 * configuration loading the `hookpost` CLI uses.
 *
 * @example
 * const result = loadConfig(resolveConfigPath());
 * if (!result.ok) throw new Error(formatIssues(result));
 * const running = await startConnector({ config: result.value, configDir: result.dir, logger: createLogger() });
 */
export { createAdminApi } from './api/router.js';
export {
  bundledDemoConfigPath,
  formatIssues,
  loadConfig,
  parseConfigText,
  resolveConfigPath,
} from './config/load.js';
export type { HookpostConfig, WorkspaceConfig } from './config/schema.js';
export { configSchema } from './config/schema.js';
export { DEFAULT_DATABASE_URL, openDatabase } from './db/connect.js';
export { migrateToLatest } from './db/migrations.js';
export { createLogger } from './log.js';
export {
  type ConnectorContext,
  type RunningConnector,
  type StartOptions,
  startConnector,
} from './runtime.js';
