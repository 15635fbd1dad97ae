import { formatIssues, loadConfig, resolveConfigPath } from '../config/load.js';
import { configFindings } from '../config/warnings.js';

/**
 * `hookpost config check [file]`: every schema problem with its path (an unset environment
 * variable once), then id-shape problems and campaigns that cannot work as configured;
 * with `--online`, property names and option values against the CRMs' APIs.
 * Exit 1 on any problem; warnings alone exit 0.
 */
export async function runConfigCheck(
  file: string | undefined,
  { online = false }: { online?: boolean } = {},
): Promise<void> {
  const result = loadConfig(file ?? resolveConfigPath());
  if (!result.ok) {
    process.stderr.write(`${formatIssues(result)}\n`);
    process.exitCode = 1;
    return;
  }
  if (online) {
    const { runOnlineCheck } = await import('../config/online-check.js');
    const issues = await runOnlineCheck(result.value, result.dir);
    if (issues.length > 0) {
      process.stderr.write(`${formatIssues({ ok: false, file: result.file, issues })}\n`);
      process.exitCode = 1;
      return;
    }
  }
  const findings = configFindings(result.value);
  const problems = findings.filter((f) => f.level === 'problem');
  const campaigns = result.value.workspaces.reduce((n, w) => n + w.campaigns.length, 0);
  for (const f of findings) process.stderr.write(`  ${f.level}: ${f.path}: ${f.message}\n`);
  if (problems.length > 0) {
    process.stderr.write(`${result.file}: ${problems.length} problem(s)\n`);
    process.exitCode = 1;
    return;
  }
  const warned = `${findings.length > 0 ? `, ${findings.length} warning(s)` : ''}${online ? ', checked online' : ''}`;
  process.stdout.write(
    `${result.file}: ok (${result.value.workspaces.length} workspace(s), ${campaigns} campaign(s)${warned})\n`,
  );
}
