/**
 * Aligns rows in columns for the terminal. A few lines by hand: the output is plain
 * text (no borders, no colours) that also reads well when piped, and the connector has
 * no table dependency to take on for it.
 */
export function formatTable(header: string[], rows: string[][], indent = '  '): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((row) => (row[i] ?? '').length)));
  return all
    .map((row) =>
      `${indent}${row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ')}`.trimEnd(),
    )
    .join('\n');
}
