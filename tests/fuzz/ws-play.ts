/**
 * Plays a sequence of generated frames (ws-frames.ts) on a fresh raw socket and checks every
 * step against the protocol model: the prescribed close code, or an answer (ack, pong, the end
 * of each query) and coded errors only. Shared by the in-process fuzz (ws.test.ts) and the
 * memory check against a server in its own process (memory.test.ts).
 */
import { getOperationAST, parse } from 'graphql';
import { expect } from 'vitest';
import { DOCUMENTED_CODES } from './codes.js';
import { RawSocket, type Received } from './raw-ws.js';
import { leaksInternals } from './support.js';
import { LIVE_QUERIES, ProtocolModel, type Frame, type Token } from './ws-frames.js';

export interface WsTarget {
  wsUrl: string;
  /** The token each `init` frame kind sends (none for `none` / `no-payload`). */
  tokens: Record<Token, string | undefined>;
  /** The server's WS_MAX_PAYLOAD_BYTES. */
  maxPayload: number;
}

/** Every error the server sent on a socket carries a documented code, never an unexpected one. */
export function checkErrors(received: Received[]): void {
  for (const message of received) {
    const text = JSON.stringify(message);
    expect(leaksInternals(text), text).toBe(false);
    const errors =
      message.type === 'error'
        ? (message.payload as { extensions?: { code?: string } }[])
        : message.type === 'next'
          ? ((message.payload as { errors?: { extensions?: { code?: string } }[] }).errors ?? [])
          : [];
    for (const error of errors) {
      const code = error.extensions?.code;
      expect(code !== undefined && DOCUMENTED_CODES.has(code) && code !== 'INTERNAL_SERVER_ERROR', `code ${code} in ${text.slice(0, 300)}`).toBe(true);
    }
  }
}

/** A frame on the wire. `once` operations get fresh ids: their ids are never reused. */
function encode(target: WsTarget, frame: Frame, onceId: () => string): { data: string; binary: boolean } {
  switch (frame.kind) {
    case 'init': {
      const token = target.tokens[frame.token];
      const message =
        frame.token === 'no-payload'
          ? { type: 'connection_init' }
          : { type: 'connection_init', payload: token ? { authorization: `Bearer ${token}` } : {} };
      return { data: JSON.stringify(message), binary: false };
    }
    case 'ping':
    case 'pong':
      return { data: JSON.stringify({ type: frame.kind }), binary: frame.binary };
    case 'live':
      return { data: JSON.stringify({ id: frame.id, type: 'subscribe', payload: { query: LIVE_QUERIES[frame.query] } }), binary: false };
    case 'once':
      return {
        data: JSON.stringify({ id: onceId(), type: 'subscribe', payload: { query: frame.query, variables: frame.variables, operationName: frame.operationName } }),
        binary: false,
      };
    case 'complete':
      return { data: JSON.stringify({ id: frame.id, type: 'complete' }), binary: false };
    case 'invalid':
      return { data: frame.text, binary: frame.binary };
    case 'oversized':
      return { data: JSON.stringify({ type: 'ping', payload: { pad: 'x'.repeat(target.maxPayload) } }), binary: false };
  }
}

/** Whether the server must answer this operation (error, or next + complete) rather than stream. */
function mustFinish(frame: Extract<Frame, { kind: 'once' }>): boolean {
  try {
    const document = parse(frame.query);
    const operation = getOperationAST(document, typeof frame.operationName === 'string' ? frame.operationName : undefined);
    return operation?.operation !== 'subscription';
  } catch {
    return true; // does not parse: an error message
  }
}

/**
 * Play `frames` on a fresh socket, checking each step against the protocol model. Resolves with
 * how the sequence ended: the close code the model expected (and got), or 'open'.
 */
export async function play(target: WsTarget, frames: Frame[]): Promise<number | 'open'> {
  const socket = await RawSocket.open(target.wsUrl);
  const model = new ProtocolModel();
  let sequence = 0;
  const finishing: string[] = [];
  try {
    for (const frame of frames) {
      let id = '';
      const { data, binary } = encode(target, frame, () => (id = `o${++sequence}`));
      const expected = Buffer.byteLength(data) > target.maxPayload ? { close: 1009 } : model.step(frame);
      const from = socket.received.length;
      socket.send(data, binary);
      if (expected && 'close' in expected) {
        const closed = await socket.waitForClose(3000);
        expect(closed.code, `after ${frame.kind} ${data.slice(0, 200)}`).toBe(expected.close);
        checkErrors(socket.received);
        return closed.code;
      }
      if (expected && 'ack' in expected) await socket.waitFor((m) => m.type === 'connection_ack', 5000, from);
      if (expected && 'pong' in expected) await socket.waitFor((m) => m.type === 'pong', 5000, from);
      if (frame.kind === 'once' && mustFinish(frame)) finishing.push(id);
      // A client may complete an operation before its result: then none need come (PROTOCOL.md).
      if (frame.kind === 'complete' && finishing.includes(frame.id)) finishing.splice(finishing.indexOf(frame.id), 1);
    }
    // Everything sent was read, and the socket is still open.
    await socket.roundTrip();
    for (const id of finishing) {
      await socket.waitFor((m) => m.id === id && (m.type === 'complete' || m.type === 'error'), 5000);
    }
    for (const id of model.live) {
      // dashboardCounts answers at once; the log streams answer when something happens.
      if (socket.received.some((m) => m.id === id && m.type === 'error')) throw new Error(`live subscription ${id} failed`);
    }
    checkErrors(socket.received);
    expect(socket.isClosed).toBeNull();
    return 'open';
  } finally {
    await socket.close();
  }
}
