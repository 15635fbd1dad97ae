import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { api } from '../api';
import { type Series, TimeChart } from '../chart';
import { href } from '../route';
import { Card, ErrorNote } from '../ui';

interface Stats {
  events: Record<string, number>;
  triggers: Record<string, number>;
  outbox: Record<string, number>;
  deliveries: {
    inbound: { total: number; byPlatform: Record<string, number> };
    attempts: { total: number; byOutcome: Record<string, number> };
    dead: number;
  };
}
interface SeriesResponse {
  buckets: { at: string; events: Record<string, number>; triggers: Record<string, number> }[];
}

const EVENT_COLORS: Record<string, string> = {
  triggered: '#16a34a',
  skipped: '#d97706',
  no_match: '#94a3b8',
  failed: '#dc2626',
  unrouted: '#a855f7',
  pending: '#2563eb',
};
const PIECE_COLORS: Record<string, string> = {
  delivered: '#16a34a',
  pending: '#2563eb',
  dead: '#dc2626',
  cancelled: '#94a3b8',
};
const RANGES = [
  ['hour', 'Last hour'],
  ['day', 'Last day'],
  ['month', 'Last 30 days'],
] as const;

function Counts({ title, counts, link }: { title: string; counts: Record<string, number>; link?: string }) {
  return (
    <div className="tile">
      <h3>{title}</h3>
      <dl>
        {Object.entries(counts).map(([status, n]) => (
          <div key={status}>
            <dt>{link ? <a href={href(link, { status })}>{status}</a> : status}</dt>
            <dd>{n.toLocaleString()}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}

function chartSeries(
  data: SeriesResponse | undefined,
  key: 'events' | 'triggers',
  colors: Record<string, string>,
) {
  const buckets = data?.buckets ?? [];
  const times = buckets.map((b) => Date.parse(b.at) / 1000);
  const series: Series[] = Object.entries(colors).map(([status, color]) => ({
    label: status,
    color,
    values: buckets.map((b) => b[key][status] ?? 0),
  }));
  return { times, series };
}

export function OverviewPage() {
  const [range, setRange] = useState<'hour' | 'day' | 'month'>('day');
  const stats = useQuery({
    queryKey: ['stats'],
    queryFn: () => api.get<Stats>('/stats'),
    refetchInterval: 5000,
  });
  const series = useQuery({
    queryKey: ['series', range],
    queryFn: () => api.get<SeriesResponse>(`/stats/series?range=${range}`),
    refetchInterval: 10_000,
  });
  const events = useMemo(() => chartSeries(series.data, 'events', EVENT_COLORS), [series.data]);
  const pieces = useMemo(() => chartSeries(series.data, 'triggers', PIECE_COLORS), [series.data]);
  const s = stats.data;
  return (
    <>
      <h1>Overview</h1>
      <ErrorNote error={stats.error ?? series.error} />
      {s ? (
        <div className="tiles">
          <Counts title="Events" counts={s.events} link="/events" />
          <Counts title="Pieces" counts={s.triggers} link="/pieces" />
          <Counts
            title="Queues"
            counts={{
              'events waiting': s.events.pending ?? 0,
              'pieces waiting': s.triggers.pending ?? 0,
              'CRM write-backs': s.outbox.pending ?? 0,
            }}
          />
          <Counts
            title="Last 24 hours"
            counts={{
              'CRM requests': s.deliveries.inbound.total,
              'delivery attempts': s.deliveries.attempts.total,
              'failed attempts':
                (s.deliveries.attempts.byOutcome.retry ?? 0) + (s.deliveries.attempts.byOutcome.dead ?? 0),
              'pieces gone dead': s.deliveries.dead,
            }}
          />
        </div>
      ) : null}
      <div className="range-picker" role="tablist">
        {RANGES.map(([value, label]) => (
          <button
            key={value}
            type="button"
            role="tab"
            aria-selected={range === value}
            className={`btn ${range === value ? 'btn-primary' : ''}`}
            onClick={() => setRange(value)}
          >
            {label}
          </button>
        ))}
      </div>
      <div className="charts">
        <Card title="Events by outcome">
          <TimeChart times={events.times} series={events.series} />
        </Card>
        <Card title="Pieces by status">
          <TimeChart times={pieces.times} series={pieces.series} />
        </Card>
      </div>
    </>
  );
}
