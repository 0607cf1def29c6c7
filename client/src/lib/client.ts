/**
 * The urql client: queries and mutations over HTTP, subscriptions through the resume-aware
 * forwarder over the live transport (graphql-ws, or SSE when WebSocket upgrades are blocked:
 * lib/live.ts). One per session (a new token means a new socket), created outside React render
 * so re-renders (and StrictMode's double render) never open a second socket.
 */
import { Client, cacheExchange, fetchExchange, subscriptionExchange } from 'urql';
import { createLive, type Live } from './live';
import { resumingForwarder } from './resume';
import { setSession, type Session } from './session';

export interface Clients {
  urql: Client;
  live: Live;
}

let current: { token: string; clients: Clients; dispose: () => void } | null = null;

/** The clients for this session; the previous session's socket and streams are closed. */
export function clientsFor(session: Session): Clients {
  if (current?.token === session.token) return current.clients;
  current?.dispose();
  const wsUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`;
  const live = createLive({
    wsUrl,
    token: session.token,
    // The server refused the token (expired or revoked): back to sign-in.
    onFatal: () => setSession(null),
  });
  const urql = new Client({
    url: '/graphql',
    exchanges: [cacheExchange, fetchExchange, subscriptionExchange({ forwardSubscription: resumingForwarder(live) })],
    fetchOptions: () => ({ headers: { authorization: `Bearer ${session.token}` } }),
    requestPolicy: 'cache-and-network',
  });
  current = { token: session.token, clients: { urql, live }, dispose: () => live.dispose() };
  return current.clients;
}

/** Close the socket and streams of the signed-out session. */
export function disposeClients(): void {
  current?.dispose();
  current = null;
}
