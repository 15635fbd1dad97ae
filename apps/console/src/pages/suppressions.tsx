import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import { useState } from 'react';
import { api, type Page, qs, type Suppression } from '../api';
import { useRoute } from '../route';
import { ActionButton, Card, DataTable, ErrorNote, Field, time } from '../ui';

function AddForm({ onDone }: { onDone: () => Promise<void> }) {
  const { params } = useRoute();
  const preset = params.get('add') ?? '';
  const [form, setForm] = useState({
    who: preset,
    platform: 'hubspot',
    objectType: 'contact',
    workspace: '',
    reason: '',
  });
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) =>
    setForm({ ...form, [key]: e.target.value });
  return (
    <form
      className="filters"
      onSubmit={async (e) => {
        e.preventDefault();
        const who = form.who.trim();
        const body = {
          ...(who.includes('@')
            ? { email: who }
            : { crm: { platform: form.platform, objectType: form.objectType, objectId: who } }),
          ...(form.workspace ? { workspace: form.workspace } : {}),
          ...(form.reason ? { reason: form.reason } : {}),
        };
        try {
          const answer = await api.post<{ data: Suppression[] }>('/suppressions', body);
          setMessage({
            ok: true,
            text: `Suppressed (${answer.data.map((s) => s.kind).join(', ')}). Stored as a hash; survives erasure.`,
          });
          setForm({ ...form, who: '', reason: '' });
          await onDone();
        } catch (error) {
          setMessage({ ok: false, text: error instanceof Error ? error.message : String(error) });
        }
      }}
    >
      <Field label="E-mail or CRM record id">
        <input
          name="who"
          required
          value={form.who}
          onChange={set('who')}
          placeholder="erika@example.com or 123"
        />
      </Field>
      <Field label="CRM (for an id)">
        <select name="platform" value={form.platform} onChange={set('platform')}>
          <option>hubspot</option>
          <option>salesforce</option>
        </select>
      </Field>
      <Field label="Object (for an id)">
        <input name="objectType" value={form.objectType} onChange={set('objectType')} />
      </Field>
      <Field label="Workspace">
        <input
          name="workspace"
          value={form.workspace}
          onChange={set('workspace')}
          placeholder="only one? leave empty"
        />
      </Field>
      <Field label="Reason">
        <input
          name="reason"
          value={form.reason}
          onChange={set('reason')}
          placeholder="phoned in: no more mail"
        />
      </Field>
      <div className="filter-buttons">
        <button type="submit" className="btn btn-primary">
          Suppress
        </button>
      </div>
      {message ? <p className={message.ok ? 'ok full' : 'error full'}>{message.text}</p> : null}
    </form>
  );
}

function ImportForm({ onDone }: { onDone: () => Promise<void> }) {
  const [csv, setCsv] = useState('email,reason\n');
  const [message, setMessage] = useState<string | null>(null);
  return (
    <div>
      <p className="muted">
        Columns: <code>email</code> and/or <code>platform,objectType,objectId</code>; optional{' '}
        <code>workspace</code>, <code>reason</code>. All rows are imported or none.
      </p>
      <input
        type="file"
        accept=".csv,text/csv"
        onChange={async (e) => {
          const file = e.target.files?.[0];
          if (file) setCsv(await file.text());
        }}
      />
      <textarea name="csv" className="code" rows={5} value={csv} onChange={(e) => setCsv(e.target.value)} />
      <ActionButton
        label="Import CSV"
        run={async () => {
          const answer = await api.postCsv<{ rows: number; suppressions: number }>(
            '/suppressions/import',
            csv,
          );
          setMessage(`${answer.rows} rows imported as ${answer.suppressions} suppressions.`);
          await onDone();
        }}
      />
      {message ? <p className="ok">{message}</p> : null}
    </div>
  );
}

export function SuppressionsPage() {
  const client = useQueryClient();
  const [search, setSearch] = useState('');
  const [q, setQ] = useState('');
  const list = useQuery({
    queryKey: ['suppressions', q],
    queryFn: () => api.get<Page<Suppression>>(`/suppressions${qs({ q, limit: 200 })}`),
  });
  const refresh = () => client.invalidateQueries({ queryKey: ['suppressions'] });
  const columns: ColumnDef<Suppression, unknown>[] = [
    { header: 'Since', cell: ({ row }) => time(row.original.createdAt) },
    { header: 'Kind', accessorKey: 'kind' },
    { header: 'Reason', accessorKey: 'reason' },
    { header: 'Workspace', accessorKey: 'workspace' },
    { header: 'Hash', cell: ({ row }) => <span className="mono">{row.original.hash?.slice(0, 12)}…</span> },
    {
      header: '',
      id: 'remove',
      cell: ({ row }) =>
        row.original.reason === 'privacy_deletion' ? (
          <span className="muted">erasure: kept</span>
        ) : (
          <ActionButton
            label="Remove"
            tone="danger"
            run={async () => {
              await api.delete(`/suppressions/${encodeURIComponent(row.original.id)}`);
              await refresh();
            }}
          />
        ),
    },
  ];
  return (
    <>
      <h1>Suppressions</h1>
      <p className="muted">
        A suppressed person is never mailed: the worker skips them (<code>skipped:suppressed</code>) and the
        dispatcher checks again before sending. Only SHA-256 hashes of the normalised e-mail, CRM record or
        address are stored, and a privacy deletion never removes them.
      </p>
      <Card title="Add">
        <AddForm onDone={refresh} />
      </Card>
      <Card title="Import">
        <ImportForm onDone={refresh} />
      </Card>
      <Card
        title="Suppressed"
        actions={
          <form
            className="inline-form"
            onSubmit={(e) => {
              e.preventDefault();
              setQ(search.trim());
            }}
          >
            <input
              name="search"
              placeholder="e-mail, CRM id or reason"
              value={search}
              onChange={(e) => setSearch(e.target.value)}
            />
            <button type="submit" className="btn">
              Search
            </button>
          </form>
        }
      >
        <ErrorNote error={list.error} />
        <DataTable
          rows={list.data?.data ?? []}
          columns={columns}
          empty="Nobody is suppressed."
          testId="suppressions-table"
        />
      </Card>
    </>
  );
}
