/**
 * The urql client: queries and mutations over HTTP, subscriptions over graphql-ws through the
 * resume-aware forwarder. One per session (a new token means a new socket), created outside
 * React render so re-renders (and StrictMode's double render) never open a second socket.
 */
import { Client, cacheExchange, fetchExchange, subscriptionExchange } from 'urql';
import type { Client as WsClient } from 'graphql-ws';
import { resumingForwarder } from './resume';
import { setSession, type Session } from './session';
import { createWsClient } from './ws';

export interface Clients {
  urql: Client;
  ws: WsClient;
}

let current: { token: string; clients: Clients; dispose: () => void } | null = null;

/** The clients for this session; the previous session's socket is closed. */
export function clientsFor(session: Session): Clients {
  if (current?.token === session.token) return current.clients;
  current?.dispose();
  const wsUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`;
  const ws = createWsClient({
    url: wsUrl,
    token: session.token,
    // The server refused the token (expired or revoked): back to sign-in.
    onFatal: () => setSession(null),
  });
  const urql = new Client({
    url: '/graphql',
    exchanges: [cacheExchange, fetchExchange, subscriptionExchange({ forwardSubscription: resumingForwarder(() => ws) })],
    fetchOptions: () => ({ headers: { authorization: `Bearer ${session.token}` } }),
    requestPolicy: 'cache-and-network',
  });
  current = { token: session.token, clients: { urql, ws }, dispose: () => void ws.dispose() };
  return current.clients;
}

/** Close the socket of the signed-out session. */
export function disposeClients(): void {
  current?.dispose();
  current = null;
}
