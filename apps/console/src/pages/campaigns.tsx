import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api';
import { href } from '../route';
import { Card, ErrorNote, Json } from '../ui';

interface Campaign {
  workspace: string;
  id: string;
  name: string;
  destination: string;
  funnel: {
    matched: number;
    skipped: number;
    skippedByReason: Record<string, number>;
    triggered: number;
    pieces: Record<string, number>;
  };
}

function Bar({
  label,
  value,
  max,
  tone,
  link,
}: {
  label: string;
  value: number;
  max: number;
  tone: string;
  link?: string;
}) {
  const width = value > 0 && max > 0 ? Math.max(2, Math.round((value / max) * 100)) : 0;
  return (
    <div className="bar-row">
      <span className="bar-label">{link ? <a href={link}>{label}</a> : label}</span>
      <span className="bar-track">
        <progress className={`bar bar-${tone}`} max={100} value={width} />
      </span>
      <span className="bar-value">{value.toLocaleString()}</span>
    </div>
  );
}

/** The pieces' part of the funnel: status, label, bar colour. */
const PIECE_BARS = [
  ['delivered', 'delivered', 'good'],
  ['pending', 'waiting', 'info'],
  ['dead', 'dead', 'bad'],
  ['cancelled', 'cancelled', 'quiet'],
] as const;

function Funnel({ campaign }: { campaign: Campaign }) {
  const f = campaign.funnel;
  const max = Math.max(f.matched, 1);
  return (
    <Card title={`${campaign.name} (${campaign.workspace}/${campaign.id})`}>
      <div className="funnel" data-testid={`funnel-${campaign.id}`}>
        <Bar
          label="matched"
          value={f.matched}
          max={max}
          tone="info"
          link={href('/events', { campaign: campaign.id })}
        />
        {Object.entries(f.skippedByReason).map(([reason, n]) => (
          <Bar key={reason} label={`skipped: ${reason}`} value={n} max={max} tone="warn" />
        ))}
        <Bar label="triggered" value={f.triggered} max={max} tone="good" />
        {PIECE_BARS.map(([status, label, tone]) => (
          <Bar
            key={status}
            label={label}
            value={f.pieces[status] ?? 0}
            max={max}
            tone={tone}
            link={href('/pieces', { campaign: campaign.id, status })}
          />
        ))}
      </div>
    </Card>
  );
}

const SAMPLE = JSON.stringify(
  {
    hubspot: [
      {
        eventId: 1,
        subscriptionId: 1,
        portalId: 62515,
        occurredAt: Date.now(),
        subscriptionType: 'contact.propertyChange',
        attemptNumber: 0,
        objectId: 123,
        propertyName: 'lifecyclestage',
        propertyValue: 'customer',
        changeSource: 'CRM_UI',
      },
    ],
  },
  null,
  2,
);

function DryRun() {
  const [text, setText] = useState(SAMPLE);
  const [result, setResult] = useState<unknown>(null);
  const [error, setError] = useState<string | null>(null);
  return (
    <Card title="Dry run: how would this event be decided?">
      <p className="muted">
        Paste {'{"hubspot": [...]}'} (a webhook delivery), {'{"salesforce": "<soap…>"}'} or{' '}
        {'{"event": {...}}'}. Nothing is stored or sent.
      </p>
      <textarea
        name="dry-run"
        className="code"
        rows={10}
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
      <div className="buttons">
        <button
          type="button"
          className="btn btn-primary"
          onClick={async () => {
            setError(null);
            try {
              setResult(await api.post('/dry-run', JSON.parse(text)));
            } catch (err) {
              setResult(null);
              setError(err instanceof Error ? err.message : String(err));
            }
          }}
        >
          Decide
        </button>
      </div>
      {error ? <p className="error">{error}</p> : null}
      {result ? <Json value={result} /> : null}
    </Card>
  );
}

export function CampaignsPage() {
  const campaigns = useQuery({
    queryKey: ['campaigns'],
    queryFn: () => api.get<{ data: Campaign[] }>('/campaigns'),
    refetchInterval: 10_000,
  });
  return (
    <>
      <h1>Campaigns</h1>
      <ErrorNote error={campaigns.error} />
      <div className="funnels">
        {(campaigns.data?.data ?? []).map((c) => (
          <Funnel key={`${c.workspace}/${c.id}`} campaign={c} />
        ))}
      </div>
      <DryRun />
    </>
  );
}
