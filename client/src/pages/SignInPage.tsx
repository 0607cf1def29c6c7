import { ErrorText } from '../components/ErrorText';
import { useMemo, useState, type FormEvent } from 'react';
import { Client, fetchExchange, Provider, useMutation, useQuery } from 'urql';
import { graphql } from '../gql';
import { setSession, viewerFromToken } from '../lib/session';

const DevSignInEnabled = graphql(`
  query DevSignInEnabled {
    devSignInEnabled
  }
`);
const DevSignIn = graphql(`
  mutation DevSignIn($name: String!, $org: String!) {
    devSignIn(name: $name, org: $org) {
      token
      viewer {
        id
        name
        org
      }
    }
  }
`);

export function SignInPage() {
  // Signed out: no token, no socket.
  const client = useMemo(() => new Client({ url: '/graphql', exchanges: [fetchExchange] }), []);
  return (
    <Provider value={client}>
      <main id="main" className="signin">
        <div className="signin-card card">
          <h1>
            <span className="brand-mark" aria-hidden="true">▸</span> conveyor
          </h1>
          <p className="muted">Real-time task pipeline. Sign in to see your org's tasks live.</p>
          <DevSignInForm />
          <TokenForm />
        </div>
      </main>
    </Provider>
  );
}

function DevSignInForm() {
  const [{ data }] = useQuery({ query: DevSignInEnabled });
  const [name, setName] = useState('');
  const [org, setOrg] = useState('acme');
  const [{ fetching, error }, signIn] = useMutation(DevSignIn);
  if (!data?.devSignInEnabled) return null;

  async function submit(event: FormEvent) {
    event.preventDefault();
    const result = await signIn({ name, org });
    if (result.data) setSession(result.data.devSignIn);
  }
  return (
    <form onSubmit={submit} aria-labelledby="dev-heading">
      <h2 id="dev-heading">Dev sign-in</h2>
      <p className="muted small">Local embedded mode: pick any name and org.</p>
      <label htmlFor="signin-name">Name</label>
      <input id="signin-name" required value={name} onChange={(e) => setName(e.target.value)} autoComplete="name" />
      <label htmlFor="signin-org">Organisation</label>
      <input id="signin-org" required value={org} onChange={(e) => setOrg(e.target.value)} />
      <button type="submit" className="button primary" disabled={fetching}>
        {fetching ? 'Signing in…' : 'Sign in'}
      </button>
      <ErrorText error={error} />
    </form>
  );
}

function TokenForm() {
  const [token, setToken] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  function submit(event: FormEvent) {
    event.preventDefault();
    const trimmed = token.trim().replace(/^Bearer\s+/i, '');
    const viewer = viewerFromToken(trimmed);
    if (!viewer) {
      setProblem('That is not a JWT with sub, name and org claims.');
      return;
    }
    setSession({ token: trimmed, viewer });
  }
  return (
    <form onSubmit={submit} aria-labelledby="jwt-heading" className="token-form">
      <h2 id="jwt-heading">Sign in with a token</h2>
      <label htmlFor="signin-token">JWT</label>
      <textarea id="signin-token" rows={3} value={token} onChange={(e) => setToken(e.target.value)} placeholder="eyJhbGciOiJIUzI1NiJ9…" />
      <button type="submit" className="button" disabled={token.trim() === ''}>
        Use token
      </button>
      {problem ? <p role="alert" className="error-text">{problem}</p> : null}
    </form>
  );
}
