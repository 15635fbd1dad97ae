import type { DryRunResult } from '../api/dry-run.js';
import { formatTable } from './table.js';

/** One event's dry-run result, as `dryRunEvents` and `POST /api/dry-run` return it. */
export type DryRunResultView = DryRunResult;

function why(decision: DryRunResult['decisions'][number]): string {
  if (decision.trigger) {
    const when = decision.trigger.sendAt ? `, send at ${decision.trigger.sendAt}` : '';
    return `would send ${decision.trigger.id} to "${decision.trigger.destination}"${when}`;
  }
  return [decision.reason, decision.detail].filter(Boolean).join(': ') || '-';
}

/** Human-readable: one block per event, one row per campaign with the reason for its outcome. */
export function formatDryRun(results: readonly DryRunResult[]): string {
  return results
    .map((r) => {
      const e = r.event;
      const head = `event ${e.id}  ${e.platform} ${e.objectType} ${e.objectId}${mergedFrom(e)} ${e.kind}  workspace ${r.workspace ?? '(none)'}`;
      const status = `  => ${r.status}: ${r.reason}`;
      const rows = r.decisions.map((d) => [d.campaignId, d.outcome, why(d)]);
      const cancels = r.cancels.map((c) => `  would cancel ${c.triggerId}: ${c.reason}`);
      const table = rows.length > 0 ? [formatTable(['CAMPAIGN', 'OUTCOME', 'WHY'], rows)] : [];
      return [head, status, ...table, ...cancels].join('\n');
    })
    .join('\n\n');
}

/** ` (merged from contact 5101)` when the event's record was merged away and is decided as its survivor. */
function mergedFrom(event: DryRunResult['event']): string {
  const from = event.source?.mergedFrom;
  if (typeof from !== 'string') return '';
  const type = event.source?.mergedFromType;
  return ` (merged from ${typeof type === 'string' ? `${type} ` : ''}${from})`;
}
