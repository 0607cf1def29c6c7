/**
 * graphql-transport-ws frames for the fuzz tests, and a model of what the protocol
 * (graphql-ws PROTOCOL.md) says the server must do with each, given what came before:
 *
 * - a message that is not JSON, not an object, of an unknown type or a server-to-client type,
 *   or of a known type in the wrong shape: close 4400;
 * - `subscribe` before `connection_ack`: 4401; a second `connection_init`: 4429; `subscribe` with
 *   the id of an operation still running: 4409; a missing or bad token at init: 4403 (ours);
 * - a frame larger than WS_MAX_PAYLOAD_BYTES: 1009 (RFC 6455 "message too big");
 * - `ping` at any time: `pong`; `pong` and `complete` of unknown ids: ignored.
 *
 * Binary frames are read as their UTF-8 text, as the graphql-ws reference server does (the
 * protocol speaks of JSON messages, not of frame opcodes): garbage is 4400, a valid message works.
 */
import { CloseCode } from 'graphql-ws';
import fc from 'fast-check';
import { operationNameArb, queryArb, variablesArb } from './documents.js';

/** Long-running subscriptions: each stays active until completed or the socket closes. */
export const LIVE_QUERIES = [
  `subscription { dashboardCounts { total active } }`,
  `subscription Live { taskUpdated { cursor event task { id status } } }`,
  `subscription { agentUpdated { cursor event } }`,
];

export type Token = 'valid' | 'bad' | 'expired' | 'none' | 'no-payload';

export type Frame =
  | { kind: 'init'; token: Token }
  | { kind: 'ping' | 'pong'; binary: boolean }
  | { kind: 'live'; id: string; query: number }
  | { kind: 'once'; query: string; variables: unknown; operationName: unknown }
  | { kind: 'complete'; id: string }
  | { kind: 'invalid'; text: string; binary: boolean }
  | { kind: 'oversized' };

/** Frames the protocol forbids outright (close 4400). */
export const invalidFrameArb: fc.Arbitrary<string> = fc.oneof(
  // Not JSON at all, or cut short.
  fc.string({ maxLength: 60 }).filter((text) => !isJson(text)),
  fc.constantFrom('{', '{"type":"ping"', '{"type":"subscribe","id":"1","payload":{"query":"{ viewer { id } }"}', '\u0000', ''),
  // JSON, but not an object.
  fc.jsonValue({ maxDepth: 2 }).filter((v) => v === null || typeof v !== 'object' || Array.isArray(v)).map((v) => JSON.stringify(v)),
  // No type, a type that is not a string, an unknown type, or one only the server may send.
  fc.constantFrom({}, { id: '1' }, { type: 1 }, { type: null }, { type: ['ping'] }, { type: '' }, { type: 'PING' }, { type: 'start', id: '1' }, { type: 'stop', id: '1' }, { type: 'connection_terminate' }, { type: 'ka' }).map((m) => JSON.stringify(m)),
  fc.string({ minLength: 1, maxLength: 12 }).filter((t) => !CLIENT_TYPES.has(t) && !SERVER_TYPES.has(t)).map((type) => JSON.stringify({ type })),
  fc.constantFrom(
    { type: 'connection_ack' },
    { type: 'connection_ack', payload: {} },
    { type: 'next', id: 'a', payload: { data: {} } },
    { type: 'error', id: 'a', payload: [{ message: 'x' }] },
  ).map((m) => JSON.stringify(m)),
  // Known types in the wrong shape.
  fc.constantFrom(
    { type: 'connection_init', payload: [1] },
    { type: 'connection_init', payload: 'token' },
    { type: 'ping', payload: 7 },
    { type: 'pong', payload: ['x'] },
    { type: 'subscribe', payload: { query: '{ viewer { id } }' } },
    { type: 'subscribe', id: '', payload: { query: '{ viewer { id } }' } },
    { type: 'subscribe', id: 7, payload: { query: '{ viewer { id } }' } },
    { type: 'subscribe', id: 'x' },
    { type: 'subscribe', id: 'x', payload: '{ viewer { id } }' },
    { type: 'subscribe', id: 'x', payload: {} },
    { type: 'subscribe', id: 'x', payload: { query: 5 } },
    { type: 'subscribe', id: 'x', payload: { query: '{ viewer { id } }', variables: [1] } },
    { type: 'subscribe', id: 'x', payload: { query: '{ viewer { id } }', variables: 'x' } },
    { type: 'subscribe', id: 'x', payload: { query: '{ viewer { id } }', operationName: 3 } },
    { type: 'subscribe', id: 'x', payload: { query: '{ viewer { id } }', extensions: 'x' } },
    { type: 'complete' },
    { type: 'complete', id: '' },
    { type: 'complete', id: 1 },
  ).map((m) => JSON.stringify(m)),
);

const CLIENT_TYPES = new Set(['connection_init', 'ping', 'pong', 'subscribe', 'complete']);
const SERVER_TYPES = new Set(['connection_ack', 'next', 'error']);

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

const LIVE_IDS = ['a', 'b', 'c'];

const isObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A `subscribe` payload graphql-ws accepts: variables an object (or absent), a string name. */
export function wellFormedPayload(frame: { variables: unknown; operationName: unknown }): boolean {
  return (frame.variables == null || isObject(frame.variables)) && (frame.operationName == null || typeof frame.operationName === 'string');
}

export const frameArb: fc.Arbitrary<Frame> = fc.oneof(
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('init' as const), token: fc.constantFrom<Token>('valid', 'valid', 'valid', 'bad', 'expired', 'none', 'no-payload') }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constantFrom('ping' as const, 'pong' as const), binary: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('live' as const), id: fc.constantFrom(...LIVE_IDS), query: fc.nat(LIVE_QUERIES.length - 1) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('once' as const), query: queryArb, variables: variablesArb, operationName: operationNameArb }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('complete' as const), id: fc.constantFrom(...LIVE_IDS, 'never-used', 'o1') }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('invalid' as const), text: invalidFrameArb, binary: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'oversized' as const }) },
);

/** What the model expects after a frame: nothing in particular, or the socket closed with a code. */
export type Expectation = { close: number } | { ack: true } | { pong: true } | null;

/** The protocol's state as the client can know it. */
export class ProtocolModel {
  initialised = false;
  acknowledged = false;
  /** Ids of live subscriptions the server must consider running. */
  readonly live = new Set<string>();

  step(frame: Frame): Expectation {
    switch (frame.kind) {
      case 'init':
        if (this.initialised) return { close: CloseCode.TooManyInitialisationRequests };
        this.initialised = true;
        if (frame.token !== 'valid') return { close: CloseCode.Forbidden };
        this.acknowledged = true;
        return { ack: true };
      case 'ping':
        return { pong: true };
      case 'pong':
        return null;
      case 'live':
        if (!this.acknowledged) return { close: CloseCode.Unauthorized };
        if (this.live.has(frame.id)) return { close: CloseCode.SubscriberAlreadyExists };
        this.live.add(frame.id);
        return null;
      case 'once':
        // graphql-ws checks a message's shape before anything else.
        if (!wellFormedPayload(frame)) return { close: CloseCode.BadRequest };
        return this.acknowledged ? null : { close: CloseCode.Unauthorized };
      case 'complete':
        this.live.delete(frame.id);
        return null;
      case 'invalid':
        return { close: CloseCode.BadRequest };
      case 'oversized':
        return { close: 1009 };
    }
  }
}

/**
 * Sequences of frames. Most start the way clients do (a valid `connection_init`), so that the
 * rules after the handshake get their share; the rest start anywhere.
 */
export const sequenceArb: fc.Arbitrary<Frame[]> = fc
  .tuple(fc.nat(9), fc.array(frameArb, { minLength: 1, maxLength: 25 }))
  .map(([start, frames]) => (start < 7 ? [{ kind: 'init', token: 'valid' } as Frame, ...frames] : frames));
