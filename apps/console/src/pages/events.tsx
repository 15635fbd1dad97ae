import { useQuery } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import { useEffect, useState } from 'react';
import { api, type EventItem, type Page, qs } from '../api';
import { href, navigate } from '../route';
import { DataTable, ErrorNote, Field, Status, time } from '../ui';

const FILTERS = [
  'recipient',
  'status',
  'platform',
  'workspace',
  'campaign',
  'objectType',
  'from',
  'to',
] as const;
type Filters = Partial<Record<(typeof FILTERS)[number], string>>;

export const eventColumns: ColumnDef<EventItem, unknown>[] = [
  { header: 'Received', cell: ({ row }) => time(row.original.receivedAt) },
  { header: 'Status', cell: ({ row }) => <Status value={row.original.status} /> },
  { header: 'Reason', cell: ({ row }) => row.original.reason ?? '' },
  { header: 'Platform', accessorKey: 'platform' },
  { header: 'Workspace', cell: ({ row }) => row.original.workspace ?? '—' },
  { header: 'Record', cell: ({ row }) => `${row.original.objectType} ${row.original.objectId}` },
  { header: 'Kind', accessorKey: 'kind' },
  {
    header: 'Event',
    cell: ({ row }) => (
      <a href={href(`/events/${encodeURIComponent(row.original.id)}`)} className="mono">
        {/* The tail: a time-prefixed id's start is the same for events of the same minute. */}
        {row.original.id.slice(0, 4)}…{row.original.id.slice(-12)}
      </a>
    ),
  },
];

/** `datetime-local` value (local time) → ISO instant, and back. */
const toIso = (local: string) => (local ? new Date(local).toISOString() : '');
const toLocal = (iso: string | undefined) => {
  if (!iso) return '';
  const d = new Date(iso);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};

function FilterForm({ filters }: { filters: Filters }) {
  const [draft, setDraft] = useState<Filters>(filters);
  useEffect(() => setDraft(filters), [filters]);
  const set = (key: keyof Filters, value: string) => setDraft((d) => ({ ...d, [key]: value }));
  return (
    <form
      className="filters"
      onSubmit={(e) => {
        e.preventDefault();
        navigate('/events', draft);
      }}
    >
      <Field label="Recipient">
        <input
          name="recipient"
          placeholder="CRM id, e-mail or name"
          value={draft.recipient ?? ''}
          onChange={(e) => set('recipient', e.target.value)}
        />
      </Field>
      <Field label="Status">
        <select name="status" value={draft.status ?? ''} onChange={(e) => set('status', e.target.value)}>
          <option value="">any</option>
          {['pending', 'triggered', 'no_match', 'skipped', 'unrouted', 'failed'].map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
      </Field>
      <Field label="Platform">
        <select
          name="platform"
          value={draft.platform ?? ''}
          onChange={(e) => set('platform', e.target.value)}
        >
          <option value="">any</option>
          <option>hubspot</option>
          <option>salesforce</option>
        </select>
      </Field>
      <Field label="Workspace">
        <input
          name="workspace"
          value={draft.workspace ?? ''}
          onChange={(e) => set('workspace', e.target.value)}
        />
      </Field>
      <Field label="Campaign">
        <input
          name="campaign"
          value={draft.campaign ?? ''}
          onChange={(e) => set('campaign', e.target.value)}
        />
      </Field>
      <Field label="Object">
        <input
          name="objectType"
          placeholder="contact, deal…"
          value={draft.objectType ?? ''}
          onChange={(e) => set('objectType', e.target.value)}
        />
      </Field>
      <Field label="From">
        <input
          type="datetime-local"
          name="from"
          value={toLocal(draft.from)}
          onChange={(e) => set('from', toIso(e.target.value))}
        />
      </Field>
      <Field label="To">
        <input
          type="datetime-local"
          name="to"
          value={toLocal(draft.to)}
          onChange={(e) => set('to', toIso(e.target.value))}
        />
      </Field>
      <div className="filter-buttons">
        <button type="submit" className="btn btn-primary">
          Search
        </button>
        <button type="button" className="btn" onClick={() => navigate('/events')}>
          Clear
        </button>
      </div>
    </form>
  );
}

/** The filters the tail applies in the page (the stream itself is narrowed by workspace only). */
function matches(row: EventItem, filters: Filters): boolean {
  if (filters.status && row.status !== filters.status) return false;
  if (filters.platform && row.platform !== filters.platform) return false;
  if (filters.objectType && row.objectType !== filters.objectType) return false;
  if (filters.recipient && /^[\w-]+$/.test(filters.recipient) && row.objectId !== filters.recipient)
    return false;
  return true;
}

/** New events over Server-Sent Events, newest first; a decided event replaces its pending row. */
function LiveTail({ filters }: { filters: Filters }) {
  const { workspace } = filters;
  const [rows, setRows] = useState<EventItem[]>([]);
  const [state, setState] = useState('connecting');
  useEffect(() => {
    const source = new EventSource(`/api/events/stream${qs({ workspace })}`);
    const upsert = (event: MessageEvent<string>) => {
      const item = JSON.parse(event.data) as EventItem;
      setRows((current) => [item, ...current.filter((r) => r.id !== item.id)].slice(0, 200));
    };
    source.addEventListener('event', upsert);
    source.addEventListener('decided', upsert);
    source.onopen = () => setState('live');
    source.onerror = () => setState('reconnecting');
    return () => source.close();
  }, [workspace]);
  return (
    <div className="tail" data-testid="live-tail">
      <p className="muted">
        <span className={`dot dot-${state}`} /> Live tail: {state}. New events appear at the top as the
        connector stores them and change when the worker decides them; the status, platform, object and
        record-id filters apply.
      </p>
      <DataTable
        rows={rows.filter((row) => matches(row, filters))}
        columns={eventColumns}
        empty="Waiting for events…"
        testId="tail-table"
      />
    </div>
  );
}

export function EventsPage({ params }: { params: URLSearchParams }) {
  const filters: Filters = Object.fromEntries(
    FILTERS.map((k) => [k, params.get(k) ?? undefined]).filter(([, v]) => v),
  );
  const [cursors, setCursors] = useState<string[]>([]);
  const [live, setLive] = useState(false);
  const key = JSON.stringify(filters);
  // biome-ignore lint/correctness/useExhaustiveDependencies: new filters start again at the newest page.
  useEffect(() => setCursors([]), [key]);
  const cursor = cursors.at(-1);
  const list = useQuery({
    queryKey: ['events', key, cursor],
    queryFn: () => api.get<Page<EventItem>>(`/events${qs({ ...filters, cursor, limit: 50 })}`),
    enabled: !live,
  });
  return (
    <>
      <div className="page-head">
        <h1>Events</h1>
        <label className="toggle">
          <input type="checkbox" name="live" checked={live} onChange={(e) => setLive(e.target.checked)} />{' '}
          Live tail
        </label>
      </div>
      <FilterForm filters={filters} />
      {live ? (
        <LiveTail filters={filters} />
      ) : (
        <>
          <ErrorNote error={list.error} />
          {list.isLoading ? <p className="loading">Loading…</p> : null}
          <DataTable
            rows={list.data?.data ?? []}
            columns={eventColumns}
            empty="No events match."
            testId="events-table"
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
              onClick={() =>
                list.data?.nextCursor && setCursors((c) => [...c, list.data.nextCursor as string])
              }
            >
              Older →
            </button>
          </div>
        </>
      )}
    </>
  );
}
