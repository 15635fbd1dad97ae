/**
 * The shape every benchmark section hands to `bench/run.ts`, which writes BENCHMARKS.md.
 *
 * Each section measures its subject and its baseline in the same run, so a row can state a
 * ratio; each target says whether it was met and, when not, what bounds it (profile evidence,
 * e.g. "62 % of CPU in sqlite3_step (cpu-prof)", not a guess).
 */
export interface BenchTarget {
  /** What is measured, e.g. "HubSpot ingest vs group-commit baseline". */
  name: string;
  /** The figure reached, with its unit, e.g. "0.84×" or "21,300 events/s". */
  value: string;
  /** The target, e.g. "≥ 0.8×". */
  target: string;
  met: boolean;
  /** When not met: what bounds it, with evidence. */
  bound?: string;
}

export interface BenchSection {
  /** The section's heading (without the `##`). */
  title: string;
  /** Markdown: setup, durability held, tables with baseline and ratio per row, notes. */
  markdown: string[];
  targets: BenchTarget[];
}

/** Renders one section for BENCHMARKS.md: heading, body, then its targets marked met or not. */
export function renderSection(section: BenchSection): string[] {
  const lines = [`## ${section.title}`, '', ...section.markdown, ''];
  if (section.targets.length > 0) {
    lines.push('| target | reached | goal | met | what bounds it |', '|---|---|---|---|---|');
    for (const t of section.targets)
      lines.push(
        `| ${t.name} | ${t.value} | ${t.target} | ${t.met ? 'met' : 'not met'} | ${t.met ? '' : (t.bound ?? '')} |`,
      );
    lines.push('');
  }
  return lines;
}

/** Thousands separators, fixed decimals: `fmt(12345.6) === "12,346"`. */
export const fmt = (n: number, digits = 0): string =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
