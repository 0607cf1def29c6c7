/**
 * Connection status for the UI: live / connecting / reconnecting / offline, the transport the
 * subscriptions are on, and when the app last heard from the server. Fed by the transports'
 * events (lib/live.ts) and the browser's online/offline events.
 */
import { useSyncExternalStore } from 'react';

export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'offline';
/** graphql-ws, or GraphQL over SSE when WebSocket upgrades are blocked (lib/live.ts). */
export type TransportKind = 'ws' | 'sse';

export interface ConnectionSnapshot {
  state: ConnectionState;
  transport: TransportKind;
  /** Epoch ms of the last message, pong, ping or ack from the server. */
  lastSyncAt: number | null;
  /** Why the last connection closed, for the offline banner. */
  lastCloseReason: string | null;
  /** Consecutive failed attempts since the last successful connection. */
  failures: number;
}

let snapshot: ConnectionSnapshot = { state: 'connecting', transport: 'ws', lastSyncAt: null, lastCloseReason: null, failures: 0 };
const listeners = new Set<() => void>();

export const connection = {
  get: () => snapshot,
  update(patch: Partial<ConnectionSnapshot>) {
    snapshot = { ...snapshot, ...patch };
    for (const listener of listeners) listener();
  },
  synced() {
    // Called for every message: only notify when the displayed second changes.
    const now = Date.now();
    if (snapshot.lastSyncAt === null || now - snapshot.lastSyncAt > 500) connection.update({ lastSyncAt: now });
    else snapshot = { ...snapshot, lastSyncAt: now };
  },
  subscribe(listener: () => void) {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

export function useConnection(): ConnectionSnapshot {
  return useSyncExternalStore(connection.subscribe, connection.get);
}
