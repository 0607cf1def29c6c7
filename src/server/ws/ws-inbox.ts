/**
 * A socket's incoming messages on their way to graphql-ws's `makeServer` (ws-adapter.ts), for
 * two protocol rules it gets wrong (both found by tests/fuzz/ws.test.ts):
 *
 * - A client sending a server-to-client message (`next`, `error`, `connection_ack`): graphql-ws
 *   validates its shape, finds no case for it and throws "Unexpected message", which closed the
 *   socket with 4500 as though the server had failed. The protocol says 4400 (invalid message).
 * - An id completed by the client and subscribed again at once (the protocol allows reusing an
 *   id once completed). makeServer keys operations by id alone: the completed operation, if
 *   graphql-ws was still setting it up, found the id registered again and took the new
 *   operation's slot, or its clean-up deleted the new registration. Either one subscription was
 *   left running for good (not even the socket's close ended it) or the new one silently never
 *   started. So when the client completes an operation graphql-ws is running, later messages
 *   about that id wait until graphql-ws is done with it (`finished`). An id still running and not
 *   completed goes through at once, for graphql-ws to close with 4409 as the protocol says.
 *
 * Nothing is kept per running operation (idle connections are what the memory budget is spent
 * on): only a client's `complete` of a running operation makes an entry, until it is finished.
 */
import type { WebSocket } from 'ws';
import { CloseCode } from '../../shared/codes.js';

/** What the inbox keeps for a socket (fields of the adapter's per-socket state). */
export interface InboxState {
  readonly socket: WebSocket;
  /** graphql-ws's registry of the connection's running operations (once it has a context). */
  running: { subscriptions: Record<string, unknown> } | null;
  /** Ids the client completed while graphql-ws was running them, with the messages that wait. */
  finishing: Map<string, string[]> | null;
}

const SERVER_TYPES = new Set(['connection_ack', 'next', 'error']);
/** Only messages that may name one of these types are parsed here (the rest go straight on). */
const MAY_MATTER = /"(?:subscribe|complete|connection_ack|next|error)"/;

function peek(text: string): { type?: unknown; id?: unknown } | null {
  if (!MAY_MATTER.test(text)) return null;
  try {
    const message: unknown = JSON.parse(text);
    return typeof message === 'object' && message !== null ? message : null;
  } catch {
    return null; // not JSON: graphql-ws closes with 4400 itself
  }
}

/** Hands a message to graphql-ws (one function for every socket). */
export type Deliver<S extends InboxState> = (state: S, text: string) => void;

/** Pass a message on to graphql-ws, refuse it, or hold it back until its id is finished. */
export function receive<S extends InboxState>(state: S, text: string, deliver: Deliver<S>): void {
  const message = peek(text);
  const type = message?.type;
  if (typeof type === 'string' && SERVER_TYPES.has(type)) {
    return state.socket.close(CloseCode.BadRequest, `Invalid message received: "${type}" is sent by servers only`);
  }
  const id = (type === 'subscribe' || type === 'complete') && typeof message?.id === 'string' ? message.id : null;
  if (id !== null) {
    const waiting = state.finishing?.get(id);
    if (waiting) {
      waiting.push(text);
      return;
    }
    if (type === 'complete' && state.running && id in state.running.subscriptions) {
      (state.finishing ??= new Map()).set(id, []);
    }
  }
  deliver(state, text);
}

/**
 * graphql-ws has finished (or is finishing, within this turn) an operation of `id`: if the client
 * had completed it while it ran, what waited for it goes on, after graphql-ws's own clean-up.
 */
export function finished<S extends InboxState>(state: S, id: string, deliver: Deliver<S>): void {
  if (!state.finishing?.has(id)) return;
  // graphql-ws deletes the id from its registry after the hook that called us has returned.
  setImmediate(() => {
    const waiting = state.finishing?.get(id);
    if (!waiting) return;
    state.finishing!.delete(id);
    if (state.finishing!.size === 0) state.finishing = null;
    // Nothing more once the socket has closed, or an operation would start after graphql-ws
    // ended the connection's operations, and never end.
    if (state.socket.readyState === state.socket.OPEN) for (const text of waiting) receive(state, text, deliver);
  });
}
