import { setTimeout as sleep } from 'node:timers/promises';
import type { ConnectorClient } from './connector-client.js';

export interface EventView {
  id: string;
  status: string;
  reason: string | null;
  decisions: {
    campaignId: string;
    outcome: string;
    reason: string | null;
    detail: string | null;
    triggerId: string | null;
  }[];
  triggers: { id: string; campaign: string; status: string; reason: string | null; sendAt: string | null }[];
}

const POLL_MS = 250;

/** Decided, and every trigger either finished or scheduled for later (a delay policy). */
function settled(view: EventView, now: number): boolean {
  if (view.status === 'pending') return false;
  return view.triggers.every(
    (t) => t.status !== 'pending' || (t.sendAt !== null && Date.parse(t.sendAt) > now),
  );
}

/**
 * Polls `GET /api/events/:id` until the event is decided and its triggers settled, or the
 * time is up; returns the last view (null if the API never answered with the event).
 */
export async function followEvent(
  client: Pick<ConnectorClient, 'get'>,
  eventId: string,
  timeoutMs: number,
): Promise<{ view: EventView | null; settled: boolean; error: string | null }> {
  const deadline = Date.now() + timeoutMs;
  let view: EventView | null = null;
  let error: string | null = null;
  for (;;) {
    try {
      view = await client.get<EventView>(`/api/events/${encodeURIComponent(eventId)}`);
      error = null;
      if (settled(view, Date.now())) return { view, settled: true, error };
    } catch (cause) {
      error = (cause as Error).message;
      if (/admin token/.test(error)) return { view, settled: false, error };
    }
    if (Date.now() >= deadline) return { view, settled: false, error };
    await sleep(POLL_MS);
  }
}

/** The event's status, each decision with its reason, and what became of its trigger. */
export function formatEventView(view: EventView): string {
  const triggers = new Map(view.triggers.map((t) => [t.id, t]));
  const lines = [`event ${view.id}: ${view.status}${view.reason ? ` (${view.reason})` : ''}`];
  for (const d of view.decisions) {
    const trigger = d.triggerId ? triggers.get(d.triggerId) : undefined;
    const why = [d.reason, d.detail].filter(Boolean).join(': ');
    const outcome = trigger
      ? `trigger ${trigger.id} ${trigger.status}${trigger.sendAt && trigger.status === 'pending' ? ` (send at ${trigger.sendAt})` : ''}${trigger.reason && trigger.status !== 'delivered' ? `: ${trigger.reason}` : ''}`
      : why;
    lines.push(`  ${d.campaignId}: ${d.outcome}${outcome ? ` - ${outcome}` : ''}`);
  }
  return lines.join('\n');
}
