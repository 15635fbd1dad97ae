import { formatIssues, loadConfig, resolveConfigPath } from '../config/load.js';
import type { HookpostConfig } from '../config/schema.js';

/** Loads the configuration for a command or exits 1 listing every problem. */
export function loadConfigOrExit(file?: string): { config: HookpostConfig; dir: string; file: string } {
  const result = loadConfig(file ?? resolveConfigPath());
  if (!result.ok) {
    process.stderr.write(`${formatIssues(result)}\n`);
    process.exit(1);
  }
  process.stderr.write(`config: ${result.file}\n`);
  return { config: result.value, dir: result.dir, file: result.file };
}
