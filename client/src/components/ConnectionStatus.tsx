import { useConnection } from '../lib/connection';
import { useNow } from '../lib/time';

const LABEL = { live: 'Live', connecting: 'Connecting…', reconnecting: 'Reconnecting…', offline: 'Offline' } as const;
const TRANSPORT = { ws: 'WebSocket', sse: 'SSE' } as const;

function syncedAgo(lastSyncAt: number | null, now: number): string {
  if (lastSyncAt === null) return 'not synced yet';
  const seconds = Math.max(0, Math.round((now - lastSyncAt) / 1000));
  return `synced ${seconds} s ago`;
}

/** Always-visible connection pill in the header: state, transport, last sync. */
export function ConnectionStatus() {
  const { state, transport, lastSyncAt } = useConnection();
  const now = useNow(1000);
  return (
    <span className={`connection connection-${state}`} role="status" aria-live="polite" data-connection={state} data-transport={transport}>
      <span className="dot" aria-hidden="true" />
      {LABEL[state]} · {TRANSPORT[transport]}
      <span className="muted"> · {syncedAgo(lastSyncAt, now)}</span>
    </span>
  );
}

/** Shown when the server or the network is unreachable: the page may be out of date. */
export function ConnectionBanner() {
  const { state, lastSyncAt, lastCloseReason, failures } = useConnection();
  const now = useNow(1000);
  const browserOffline = typeof navigator !== 'undefined' && !navigator.onLine;
  if (state === 'live' || (state === 'connecting' && failures === 0)) return null;
  return (
    <div role="alert" className="banner offline" data-testid="offline-banner">
      <strong>{browserOffline || state === 'offline' ? 'You are offline.' : 'Connection to the server lost.'}</strong>{' '}
      What you see may be out of date ({syncedAgo(lastSyncAt, now)}). {state === 'offline' ? '' : 'Reconnecting automatically; missed updates will appear.'}
      {lastCloseReason ? <span className="muted"> ({lastCloseReason})</span> : null}
    </div>
  );
}
