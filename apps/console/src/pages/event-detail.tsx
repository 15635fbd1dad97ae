import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import { api, type Decision, type EventItem, type TriggerItem } from '../api';
import { href } from '../route';
import { ActionButton, Card, DataTable, ErrorNote, PersonalJson, Status, time } from '../ui';
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
const PERSONAL = ['changes', 'properties', 'source'] as const;

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
  const event = useQuery({
    queryKey: ['event', id],
    queryFn: () => api.get<EventDetail>(`/events/${encodeURIComponent(id)}`),
  });
  const e = event.data;
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
          <PersonalJson title="Payload" value={e.payload} personal={PERSONAL} />
        </>
      ) : null}
    </>
  );
}
