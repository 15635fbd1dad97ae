import { useQuery } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import { useState } from 'react';
import { api, type Decision, type EventItem, qs, type Suppression, type TriggerItem } from '../api';
import { href, navigate } from '../route';
import { Card, DataTable, ErrorNote, Status, time } from '../ui';
import { decisionColumns } from './event-detail';
import { eventColumns } from './events';
import { pieceColumns } from './pieces';

interface Person {
  match: 'crm_id' | 'email' | 'text';
  events: EventItem[];
  decisions: (Decision & { eventId: string; decidedAt: string })[];
  triggers: TriggerItem[];
  suppressions: Suppression[];
}

const MATCH: Record<Person['match'], string> = {
  crm_id:
    'Read as a CRM record id: events about that record and pieces sent to it, in every CRM and workspace.',
  email:
    'Read as an e-mail address: pieces sent to it (matched by its hash) and events whose stored payload carries it. HubSpot webhooks carry ids only, so a HubSpot contact shows up here by e-mail once a piece was made for it — search its record id for everything.',
  text: 'Read as a name: events and pieces whose stored payload carries it.',
};

const suppressionColumns: ColumnDef<Suppression, unknown>[] = [
  { header: 'Kind', accessorKey: 'kind' },
  { header: 'Reason', accessorKey: 'reason' },
  { header: 'Workspace', accessorKey: 'workspace' },
  { header: 'Since', cell: ({ row }) => time(row.original.createdAt) },
];

export function PeoplePage({ params }: { params: URLSearchParams }) {
  const q = params.get('q') ?? '';
  const [draft, setDraft] = useState(q);
  const person = useQuery({
    queryKey: ['person', q],
    queryFn: () => api.get<Person>(`/people${qs({ q })}`),
    enabled: q !== '',
  });
  const p = person.data;
  return (
    <>
      <h1>People</h1>
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          navigate('/people', { q: draft.trim() });
        }}
      >
        <label className="field grow">
          <span>CRM id, e-mail or name</span>
          <input
            name="q"
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            placeholder="123, erika@example.com, Mustermann"
          />
        </label>
        <div className="filter-buttons">
          <button type="submit" className="btn btn-primary">
            Look up
          </button>
        </div>
      </form>
      <ErrorNote error={person.error} />
      {p ? (
        <>
          <p className="muted">{MATCH[p.match]}</p>
          <div className="summary">
            {p.suppressions.length > 0 ? <Status value="suppressed" /> : null} {p.events.length} events ·{' '}
            {p.decisions.length} decisions · {p.triggers.length} pieces ·{' '}
            <a href={href('/suppressions', { add: q })}>suppress this person</a>
          </div>
          <Card title="Suppressions">
            <DataTable rows={p.suppressions} columns={suppressionColumns} empty="Not suppressed." />
          </Card>
          <Card title="Pieces">
            <DataTable rows={p.triggers} columns={pieceColumns} empty="No pieces." />
          </Card>
          <Card title="Decisions">
            <DataTable rows={p.decisions} columns={decisionColumns} empty="No decisions." />
          </Card>
          <Card title="Events">
            <DataTable rows={p.events} columns={eventColumns} empty="No events." testId="person-events" />
          </Card>
        </>
      ) : null}
    </>
  );
}
