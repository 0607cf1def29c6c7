import { ActivityPage } from './pages/ActivityPage';
import { useEffect } from 'react';
import { Provider } from 'urql';
import { Link, Route, Router, Switch } from 'wouter';
import { useHashLocation } from 'wouter/use-hash-location';
import { ConnectionBanner, ConnectionStatus } from './components/ConnectionStatus';
import { LiveTasks } from './components/LiveTasks';
import { clientsFor, disposeClients } from './lib/client';
import { setSession, useSession } from './lib/session';
import { AgentsPage } from './pages/AgentsPage';
import { DashboardPage } from './pages/DashboardPage';
import { MachinesPage } from './pages/MachinesPage';
import { SignInPage } from './pages/SignInPage';
import { TaskPage } from './pages/TaskPage';
import { tasks, updateKeys } from './stores';

export function App() {
  const session = useSession();
  useEffect(() => {
    // Signed out (button, or the server refused the token): close the socket, forget the data.
    if (!session) {
      disposeClients();
      tasks.clear();
      updateKeys.clear();
    }
  }, [session]);
  if (!session) return <SignInPage />;
  // A new token means a new socket and a fresh store (another user must not see the old one's data).
  return <SignedIn key={session.token} />;
}

function SignedIn() {
  const session = useSession()!;
  const clients = clientsFor(session);

  return (
    <Provider value={clients.urql}>
      <Router hook={useHashLocation}>
        <a className="skip-link" href="#main">Skip to content</a>
        <header className="app-header">
          <Link href="/" className="brand" aria-label="conveyor home">
            <span className="brand-mark" aria-hidden="true">▸</span> conveyor
          </Link>
          <nav aria-label="Main">
            <Link href="/" className={(active) => (active ? 'active' : '')}>Tasks</Link>
            <Link href="/agents" className={(active) => (active ? 'active' : '')}>Agents</Link>
            <Link href="/activity" className={(active) => (active ? 'active' : '')}>Activity</Link>
            <Link href="/machines" className={(active) => (active ? 'active' : '')}>Machines</Link>
          </nav>
          <div className="header-right">
            <ConnectionStatus />
            <span className="viewer" title={session.viewer.id}>
              {session.viewer.name} <span className="muted">· {session.viewer.org}</span>
            </span>
            <button type="button" className="button subtle" onClick={() => setSession(null)}>
              Sign out
            </button>
          </div>
        </header>
        <ConnectionBanner />
        <LiveTasks />
        <main id="main" tabIndex={-1}>
          <Switch>
            <Route path="/" component={DashboardPage} />
            <Route path="/tasks/:id">{(params) => <TaskPage id={params.id} />}</Route>
            <Route path="/agents" component={AgentsPage} />
            <Route path="/activity" component={ActivityPage} />
            <Route path="/machines" component={MachinesPage} />
            <Route>
              <p>Page not found. <Link href="/">Back to tasks</Link></p>
            </Route>
          </Switch>
        </main>
      </Router>
    </Provider>
  );
}
