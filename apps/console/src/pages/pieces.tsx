import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import { useState } from 'react';
import { type Attempt, api, type Page, qs, type TriggerItem } from '../api';
import { href, navigate } from '../route';
import { ActionButton, Card, DataTable, ErrorNote, Field, PersonalJson, Status, time } from '../ui';

export const pieceColumns: ColumnDef<TriggerItem, unknown>[] = [
  { header: 'Created', cell: ({ row }) => time(row.original.createdAt) },
  { header: 'Status', cell: ({ row }) => <Status value={row.original.status} /> },
  { header: 'Campaign', accessorKey: 'campaign' },
  { header: 'Destination', accessorKey: 'destination' },
  { header: 'Attempts', accessorKey: 'attemptCount' },
  { header: 'Send at', cell: ({ row }) => time(row.original.sendAt) },
  {
    header: 'Last error',
    cell: ({ row }) => <span className="clip">{row.original.lastError ?? row.original.reason ?? ''}</span>,
  },
  {
    header: 'Piece',
    cell: ({ row }) => (
      <a className="mono" href={href(`/pieces/${encodeURIComponent(row.original.id)}`)}>
        {row.original.id}
      </a>
    ),
  },
];

const attemptColumns: ColumnDef<Attempt, unknown>[] = [
  { header: '#', accessorKey: 'attempt' },
  { header: 'Started', cell: ({ row }) => time(row.original.startedAt) },
  { header: 'HTTP', cell: ({ row }) => row.original.statusCode ?? '—' },
  { header: 'Outcome', cell: ({ row }) => <Status value={row.original.outcome} /> },
  { header: 'ms', accessorKey: 'durationMs' },
  { header: 'Error', cell: ({ row }) => row.original.error ?? '' },
  {
    header: 'Response body',
    cell: ({ row }) => <code className="clip">{row.original.responseBody ?? ''}</code>,
  },
];

export function PiecesPage({ params }: { params: URLSearchParams }) {
  const filters = {
    status: params.get('status') ?? undefined,
    campaign: params.get('campaign') ?? undefined,
    destination: params.get('destination') ?? undefined,
    recipient: params.get('recipient') ?? undefined,
  };
  const [draft, setDraft] = useState(filters);
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors.at(-1);
  const list = useQuery({
    queryKey: ['pieces', filters, cursor],
    queryFn: () => api.get<Page<TriggerItem>>(`/triggers${qs({ ...filters, cursor })}`),
    refetchInterval: 5000,
  });
  return (
    <>
      <h1>Pieces</h1>
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          setCursors([]);
          navigate('/pieces', draft);
        }}
      >
        <Field label="Status">
          <select
            name="status"
            value={draft.status ?? ''}
            onChange={(e) => setDraft({ ...draft, status: e.target.value })}
          >
            <option value="">any</option>
            {['pending', 'delivered', 'dead', 'cancelled'].map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </Field>
        <Field label="Campaign">
          <input
            name="campaign"
            value={draft.campaign ?? ''}
            onChange={(e) => setDraft({ ...draft, campaign: e.target.value })}
          />
        </Field>
        <Field label="Destination">
          <input
            name="destination"
            value={draft.destination ?? ''}
            onChange={(e) => setDraft({ ...draft, destination: e.target.value })}
          />
        </Field>
        <Field label="Recipient">
          <input
            name="recipient"
            placeholder="CRM id or e-mail"
            value={draft.recipient ?? ''}
            onChange={(e) => setDraft({ ...draft, recipient: e.target.value })}
          />
        </Field>
        <div className="filter-buttons">
          <button type="submit" className="btn btn-primary">
            Search
          </button>
        </div>
      </form>
      <ErrorNote error={list.error} />
      <DataTable
        rows={list.data?.data ?? []}
        columns={pieceColumns}
        empty="No pieces match."
        testId="pieces-table"
      />
      <div className="pager">
        <button
          type="button"
          className="btn"
          disabled={cursors.length === 0}
          onClick={() => setCursors((c) => c.slice(0, -1))}
        >
          ← Newer
        </button>
        <button
          type="button"
          className="btn"
          disabled={!list.data?.nextCursor}
          onClick={() => list.data?.nextCursor && setCursors((c) => [...c, list.data.nextCursor as string])}
        >
          Older →
        </button>
      </div>
    </>
  );
}

interface PieceDetail extends TriggerItem {
  dedupeKey: string;
  payload: unknown;
  attempts: Attempt[];
}

export function PieceDetailPage({ id }: { id: string }) {
  const client = useQueryClient();
  const path = `/triggers/${encodeURIComponent(id)}`;
  const piece = useQuery({
    queryKey: ['piece', id],
    queryFn: () => api.get<PieceDetail>(path),
    refetchInterval: 3000,
  });
  const act = (action: string) => async () => {
    await api.post(`${path}/${action}`);
    await client.invalidateQueries({ queryKey: ['piece', id] });
  };
  const p = piece.data;
  return (
    <>
      <p className="crumbs">
        <a href={href('/pieces')}>Pieces</a> / <span className="mono">{id}</span>
      </p>
      <ErrorNote error={piece.error} />
      {p ? (
        <>
          <div className="page-head">
            <h1>
              {p.campaign} → {p.destination} <Status value={p.status} />
            </h1>
            <div className="buttons">
              <ActionButton
                label="Cancel"
                tone="danger"
                disabled={p.status !== 'pending'}
                run={act('cancel')}
              />
              <ActionButton
                label="Replay"
                disabled={p.status !== 'dead' && p.status !== 'cancelled'}
                run={act('replay')}
              />
              <ActionButton
                label="Resend (same webhook-id)"
                disabled={p.status !== 'delivered'}
                run={act('resend')}
              />
            </div>
          </div>
          <dl className="facts">
            <dt>Reason</dt>
            <dd data-testid="piece-reason">{p.reason ?? '—'}</dd>
            <dt>Created</dt>
            <dd>{time(p.createdAt)}</dd>
            <dt>Send at</dt>
            <dd>{time(p.sendAt)}</dd>
            <dt>Next attempt</dt>
            <dd>{p.status === 'pending' ? time(p.nextAttemptAt) : '—'}</dd>
            <dt>Delivered</dt>
            <dd>{time(p.deliveredAt)}</dd>
            <dt>Event</dt>
            <dd>
              <a href={href(`/events/${encodeURIComponent(p.eventId)}`)}>{p.eventId}</a>
            </dd>
          </dl>
          <Card title="Delivery attempts">
            <DataTable
              rows={p.attempts}
              columns={attemptColumns}
              empty="Not attempted yet."
              testId="attempts-table"
            />
          </Card>
          <PersonalJson
            title="Payload sent (webhook-id is the piece id)"
            value={p.payload}
            personal={['recipient', 'variables']}
          />
        </>
      ) : null}
    </>
  );
}
