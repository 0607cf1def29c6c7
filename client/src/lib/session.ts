/**
 * The signed-in session: the JWT and who it belongs to, kept in localStorage so a reload (or a
 * server restart) does not sign the user out. An external store for `useSyncExternalStore`.
 */
import { useSyncExternalStore } from 'react';

export interface Viewer {
  id: string;
  name: string;
  org: string;
}
export interface Session {
  token: string;
  viewer: Viewer;
}

const KEY = 'conveyor.session';
const listeners = new Set<() => void>();
let current: Session | null = read();

function read(): Session | null {
  try {
    const raw = localStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null; // unreadable storage: start signed out
  }
}

export function getSession(): Session | null {
  return current;
}

export function setSession(session: Session | null): void {
  current = session;
  if (session) localStorage.setItem(KEY, JSON.stringify(session));
  else localStorage.removeItem(KEY);
  for (const listener of listeners) listener();
}

export function useSession(): Session | null {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => current,
  );
}

/** Decode a JWT's claims without verifying (the server verifies; this only labels the UI). */
export function viewerFromToken(token: string): Viewer | null {
  try {
    const payload = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))) as Record<string, unknown>;
    if (typeof payload.sub !== 'string' || typeof payload.org !== 'string') return null;
    return { id: payload.sub, name: typeof payload.name === 'string' ? payload.name : payload.sub, org: payload.org };
  } catch {
    return null; // not a JWT
  }
}
