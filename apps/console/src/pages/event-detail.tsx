import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import { useState } from 'react';
import { api, type Decision, type EventItem, type TriggerItem } from '../api';
import { href } from '../route';
import { ActionButton, Card, DataTable, ErrorNote, Json, Status, time } from '../ui';
import { pieceColumns } from './pieces';

interface EventDetail extends EventItem {
  externalId: string;
  channel: string;
  rawDeliveryId: string;
  processedAt: string | null;
  payload: Record<string, unknown>;
  decisions: Decision[];
  triggers: TriggerItem[];
}

/** Keys of a CRM event that carry the record's own values (names, e-mails, addresses). */
const PERSONAL = new Set(['changes', 'properties', 'source']);

/** The payload with personal values masked: structure and property names stay readable. */
function masked(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(masked);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, masked(v)]));
  return value === null || value === undefined ? value : '•••';
}

export const decisionColumns: ColumnDef<Decision, unknown>[] = [
  { header: 'Campaign', accessorKey: 'campaignId' },
  { header: 'Outcome', cell: ({ row }) => <Status value={row.original.outcome} /> },
  { header: 'Reason', cell: ({ row }) => <span className="mono">{row.original.reason ?? ''}</span> },
  { header: 'Why', cell: ({ row }) => row.original.detail ?? '' },
  {
    header: 'Piece',
    cell: ({ row }) =>
      row.original.triggerId ? (
        <a href={href(`/pieces/${encodeURIComponent(row.original.triggerId)}`)}>{row.original.triggerId}</a>
      ) : (
        '—'
      ),
  },
];

export function EventDetailPage({ id }: { id: string }) {
  const client = useQueryClient();
  const [reveal, setReveal] = useState(false);
  const event = useQuery({
    queryKey: ['event', id],
    queryFn: () => api.get<EventDetail>(`/events/${encodeURIComponent(id)}`),
  });
  const e = event.data;
  const payload = e
    ? reveal
      ? e.payload
      : Object.fromEntries(Object.entries(e.payload).map(([k, v]) => [k, PERSONAL.has(k) ? masked(v) : v]))
    : null;
  return (
    <>
      <p className="crumbs">
        <a href={href('/events')}>Events</a> / <span className="mono">{id}</span>
      </p>
      <ErrorNote error={event.error} />
      {e ? (
        <>
          <div className="page-head">
            <h1>
              {e.platform} {e.objectType} {e.objectId} <Status value={e.status} />
            </h1>
            <ActionButton
              label="Decide again"
              disabled={e.status === 'pending'}
              run={async () => {
                await api.post(`/events/${encodeURIComponent(id)}/replay`);
                await client.invalidateQueries({ queryKey: ['event', id] });
              }}
            />
          </div>
          <dl className="facts">
            <dt>Status reason</dt>
            <dd data-testid="event-reason">{e.reason ?? '—'}</dd>
            <dt>Kind</dt>
            <dd>{e.kind}</dd>
            <dt>Workspace</dt>
            <dd>{e.workspace ?? 'unrouted'}</dd>
            <dt>Occurred</dt>
            <dd>{time(e.occurredAt)}</dd>
            <dt>Received</dt>
            <dd>{time(e.receivedAt)}</dd>
            <dt>Decided</dt>
            <dd>{time(e.processedAt)}</dd>
            <dt>Source id</dt>
            <dd className="mono">{e.externalId}</dd>
            <dt>Person</dt>
            <dd>
              <a href={href('/people', { q: e.objectId })}>everything about {e.objectId}</a>
            </dd>
          </dl>
          <Card title="Decisions: each campaign and why">
            <DataTable
              rows={e.decisions}
              columns={decisionColumns}
              empty="No campaign decided this event yet."
              testId="decisions-table"
            />
          </Card>
          <Card title="Pieces made">
            <DataTable rows={e.triggers} columns={pieceColumns} empty="No piece was made from this event." />
          </Card>
          <Card
            title="Payload"
            actions={
              <button type="button" className="btn" onClick={() => setReveal((r) => !r)}>
                {reveal ? 'Hide personal data' : 'Show personal data'}
              </button>
            }
          >
            {!reveal ? (
              <p className="muted">
                Values the CRM sent about the person are masked until you ask to see them.
              </p>
            ) : null}
            <Json value={payload} />
          </Card>
        </>
      ) : null}
    </>
  );
}
