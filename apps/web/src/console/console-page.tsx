import { useSession } from '../auth/session';
import { Link } from '../router/link';
import { useLocation } from '../router/router';
import { usePageTitle } from '../ui/page-title';
import { DeadLettersPanel } from './dead-letters-panel';
import { EventStreamPanel } from './event-stream-panel';
import { ExecutionsPanel } from './executions-panel';
import { InventoryPanel } from './inventory-panel';
import { MetricsPanel } from './metrics-panel';
import { MoneyPanel } from './money-panel';
import { RegionsPanel } from './regions-panel';

const SECTIONS = [
  { path: '/admin', label: 'Regions' },
  { path: '/admin/events', label: 'Live events' },
  { path: '/admin/sagas', label: 'Sagas' },
  { path: '/admin/dead-letters', label: 'Dead letters' },
  { path: '/admin/inventory', label: 'Inventory' },
  { path: '/admin/money', label: 'Money' },
] as const;

export function ConsolePage() {
  const session = useSession();
  const { pathname } = useLocation();
  const section = SECTIONS.find((candidate) => candidate.path === pathname) ?? SECTIONS[0];
  usePageTitle(`Console · ${section.label}`);

  if (!session?.isAdmin) {
    return (
      <section aria-labelledby="console-title">
        <h1 id="console-title">Operations console</h1>
        <p>
          The console is for operators.{' '}
          <Link to={`/sign-in?next=${encodeURIComponent(pathname)}`}>Sign in with an operator account</Link>
          {session ? ` (you are signed in as ${session.name}, a customer).` : '.'}
        </p>
      </section>
    );
  }
  const token = session.token;
  return (
    <section aria-labelledby="console-title">
      <h1 id="console-title">Operations console</h1>
      <nav aria-label="Console sections" className="subnav">
        <ul>
          {SECTIONS.map((candidate) => (
            <li key={candidate.path}>
              <Link to={candidate.path}>{candidate.label}</Link>
            </li>
          ))}
        </ul>
      </nav>
      {section.path === '/admin' ? (
        <>
          <RegionsPanel token={token} />
          <MetricsPanel token={token} />
        </>
      ) : null}
      {section.path === '/admin/events' ? <EventStreamPanel token={token} /> : null}
      {section.path === '/admin/sagas' ? <ExecutionsPanel token={token} /> : null}
      {section.path === '/admin/dead-letters' ? <DeadLettersPanel token={token} /> : null}
      {section.path === '/admin/inventory' ? <InventoryPanel token={token} /> : null}
      {section.path === '/admin/money' ? <MoneyPanel token={token} /> : null}
    </section>
  );
}
