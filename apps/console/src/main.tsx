import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { api, signOut, whenSignedOut } from './api';
import { CampaignsPage } from './pages/campaigns';
import { DeadLettersPage } from './pages/dead-letters';
import { EventDetailPage } from './pages/event-detail';
import { EventsPage } from './pages/events';
import { OverviewPage } from './pages/overview';
import { PeoplePage } from './pages/people';
import { PieceDetailPage, PiecesPage } from './pages/pieces';
import { SignInPage } from './pages/sign-in';
import { SuppressionsPage } from './pages/suppressions';
import { href, useRoute } from './route';
import './styles.css';

const queryClient = new QueryClient({
  defaultOptions: { queries: { retry: false, refetchOnWindowFocus: false } },
});

const NAV = [
  ['/', 'Overview'],
  ['/events', 'Events'],
  ['/people', 'People'],
  ['/pieces', 'Pieces'],
  ['/dead-letters', 'Dead letters'],
  ['/campaigns', 'Campaigns'],
  ['/suppressions', 'Suppressions'],
] as const;

function Page() {
  const { path, params } = useRoute();
  const id = path.split('/')[2];
  if (path.startsWith('/events/') && id) return <EventDetailPage id={decodeURIComponent(id)} />;
  if (path.startsWith('/pieces/') && id) return <PieceDetailPage id={decodeURIComponent(id)} />;
  switch (path) {
    case '/events':
      return <EventsPage params={params} />;
    case '/people':
      return <PeoplePage params={params} />;
    case '/pieces':
      return <PiecesPage params={params} />;
    case '/dead-letters':
      return <DeadLettersPage />;
    case '/campaigns':
      return <CampaignsPage />;
    case '/suppressions':
      return <SuppressionsPage />;
    default:
      return <OverviewPage />;
  }
}

function App() {
  const [signedIn, setSignedIn] = useState<boolean | null>(null);
  const { path } = useRoute();
  useEffect(() => {
    whenSignedOut(() => setSignedIn(false));
    api.get('/stats').then(
      () => setSignedIn(true),
      () => setSignedIn(false),
    );
  }, []);
  if (signedIn === null) return <p className="loading">Loading…</p>;
  if (!signedIn) return <SignInPage onSignedIn={() => setSignedIn(true)} />;
  const section = `/${path.split('/')[1] ?? ''}`;
  return (
    <div className="shell">
      <nav className="nav">
        <div className="brand">Hookpost</div>
        {NAV.map(([to, label]) => (
          <a key={to} href={href(to)} className={section === to ? 'active' : ''}>
            {label}
          </a>
        ))}
        <button
          type="button"
          className="btn btn-link signout"
          onClick={async () => {
            await signOut();
            queryClient.clear();
            setSignedIn(false);
          }}
        >
          Sign out
        </button>
      </nav>
      <main className="main">
        <Page />
      </main>
    </div>
  );
}

const root = document.getElementById('root');
if (root)
  createRoot(root).render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <App />
      </QueryClientProvider>
    </StrictMode>,
  );
