/**
 * The urql client: queries and mutations over HTTP, subscriptions over graphql-ws through the
 * resume-aware forwarder. One per session (a new token means a new socket).
 */
import { Client, cacheExchange, fetchExchange, subscriptionExchange } from 'urql';
import type { Client as WsClient } from 'graphql-ws';
import { resumingForwarder } from './resume';
import { setSession, type Session } from './session';
import { createWsClient } from './ws';

export interface Clients {
  urql: Client;
  ws: WsClient;
  dispose(): void;
}

export function createClients(session: Session): Clients {
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
    // Lists are kept live by subscriptions; re-fetching on every mutation would fight them.
    requestPolicy: 'cache-and-network',
  });
  return { urql, ws, dispose: () => void ws.dispose() };
}
