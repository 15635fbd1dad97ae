import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, type Page, qs, type TriggerItem } from '../api';
import { ActionButton, Card, DataTable, ErrorNote, Field } from '../ui';
import { pieceColumns } from './pieces';

interface Filter {
  campaign?: string;
  destination?: string;
  from?: string;
  to?: string;
}

const clean = (f: Filter) => Object.fromEntries(Object.entries(f).filter(([, v]) => v)) as Filter;

export function DeadLettersPage() {
  const client = useQueryClient();
  const [filter, setFilter] = useState<Filter>({});
  const [result, setResult] = useState<string | null>(null);
  const applied = clean(filter);
  const dead = useQuery({
    queryKey: ['dead', applied],
    queryFn: () => api.get<Page<TriggerItem>>(`/triggers${qs({ status: 'dead', ...applied, limit: 200 })}`),
    refetchInterval: 5000,
  });
  const set = (key: keyof Filter) => (e: { target: { value: string } }) =>
    setFilter({
      ...filter,
      [key]:
        key === 'from' || key === 'to'
          ? e.target.value
            ? new Date(e.target.value).toISOString()
            : ''
          : e.target.value,
    });
  const count = dead.data?.data.length ?? 0;
  return (
    <>
      <h1>Dead letters</h1>
      <p className="muted">
        Pieces whose retries ran out or that the destination refused. Fix the cause, then replay them: each
        keeps its id, so the destination receives the same webhook-id and can de-duplicate.
      </p>
      <div className="filters">
        <Field label="Campaign">
          <input name="campaign" value={filter.campaign ?? ''} onChange={set('campaign')} />
        </Field>
        <Field label="Destination">
          <input name="destination" value={filter.destination ?? ''} onChange={set('destination')} />
        </Field>
        <Field label="Created from">
          <input type="datetime-local" name="from" onChange={set('from')} />
        </Field>
        <Field label="Created before">
          <input type="datetime-local" name="to" onChange={set('to')} />
        </Field>
        <div className="filter-buttons">
          <ActionButton
            label={`Replay ${count === 200 ? 'all matching' : count} dead ${count === 1 ? 'piece' : 'pieces'}`}
            tone="primary"
            disabled={count === 0}
            run={async () => {
              const answer = await api.post<{ count: number }>('/triggers/replay-dead', applied);
              setResult(`${answer.count} queued for delivery.`);
              await client.invalidateQueries({ queryKey: ['dead'] });
            }}
          />
        </div>
      </div>
      {result ? (
        <p className="ok" role="status">
          {result}
        </p>
      ) : null}
      <ErrorNote error={dead.error} />
      <Card title="Dead pieces">
        <DataTable
          rows={dead.data?.data ?? []}
          columns={pieceColumns}
          empty="No dead pieces."
          testId="dead-table"
        />
      </Card>
    </>
  );
}
