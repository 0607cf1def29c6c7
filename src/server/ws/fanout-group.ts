/**
 * One fan-out group (see fanout.ts): the subscribers that share org, document, operation name and
 * variables. The engine's dispatcher hands it each event of its org once (`deliver`); the group
 * executes it once (per private owner), serialises it once, and writes the bytes to every live
 * member behind the member's own frame prefix. A new member first catches up on its own cursor,
 * at its socket's pace, and joins the live set when it reaches the dispatcher's position.
 */
import { execute, type DocumentNode, type ExecutionArgs, type ExecutionResult, type GraphQLError, type GraphQLSchema } from 'graphql';
import { compileQuery, isCompiledQuery } from 'graphql-jit';
import { isPromise } from 'node:util/types';
import type { WebSocket } from 'ws';
import type { FeedCursor } from '../../runtime/feed.js';
import type { GraphQLContext } from '../../schema/context.js';
import { CloseCode, ReadyState } from '../../shared/codes.js';
import type { LogEvent, Viewer } from '../../store/types.js';
import { flushSocket, queueFrame, writeFrame, type RawSocket } from './frame-writer.js';

/** RFC 6455 1013 Try Again Later: a subscriber too slow to read what it is sent. */
export const SLOW_CONSUMER_CLOSE = CloseCode.TryAgainLater;
export const SLOW_CONSUMER_REASON = 'Slow consumer: reconnect and resume from your last cursor';

/** What ws.ts hands the engine for an operation on a WebSocket. */
export interface FanoutTarget {
  socket: WebSocket;
  /** graphql-ws subscription id. */
  id: string;
  /** The operation's source text (part of the group key). */
  query: string;
}

export interface GroupOptions {
  /** Bytes a live member's socket may have queued before it is closed (SLOW_CONSUMER_CLOSE). */
  maxBufferedBytes: number;
  /** Turns an execution error into what clients see (the same tiers as every operation). */
  mask: (error: unknown) => GraphQLError;
  /** Called with the number of frames written, for metrics. */
  onSent?: (frames: number) => void;
}

export interface Member {
  socket: WebSocket;
  /** `{"id":<id>,"type":"next","payload":` as UTF-8: the part of a frame that is this member's. */
  prefix: Buffer;
  viewer: Viewer;
  source: FeedCursor;
  filter: (event: LogEvent) => boolean;
  /** Last cursor this member has been given (or passed over). */
  cursor: number;
  done: boolean;
  /** Ends the subscription, with a last result if given. */
  end: (last?: ExecutionResult) => void;
}

type Render = (event: LogEvent, context: GraphQLContext) => ExecutionResult | Promise<ExecutionResult>;

/** Frames are UTF-8 JSON: text frames, though built as bytes. */
const TEXT = { binary: false } as const;

/** Catch-up writes pause while a socket has more than this queued, until it flushes. */
const CATCH_UP_HIGH_WATER = 256 * 1024;

export class Group {
  closed = false;
  private readonly live = new Set<Member>();
  private readonly catchingUp = new Set<Member>();
  private readonly render: Render;

  constructor(
    private readonly options: GroupOptions,
    readonly org: string,
    args: ExecutionArgs,
    /** Context for events the whole org may see: a viewer of the org with no identity. */
    private readonly orgContext: GraphQLContext,
    /** The cursor of the last event the dispatcher took: members at or past it may join. */
    private readonly position: () => number,
    private readonly onClosed: (group: Group) => void,
    /** A member left (unsubscribed, closed as a slow consumer, failed). */
    private readonly onLeft: (group: Group, member: Member) => void,
  ) {
    this.render = compile(args.schema, args.document, args.operationName, args.variableValues);
  }

  get size(): number {
    return this.live.size + this.catchingUp.size;
  }

  get liveCount(): number {
    return this.live.size;
  }

  members(): Iterable<Member> {
    return [...this.live, ...this.catchingUp];
  }

  add(member: Member): void {
    this.catchingUp.add(member);
    void this.catchUp(member);
  }

  remove(member: Member): void {
    if (member.done) return;
    member.done = true;
    this.live.delete(member);
    this.catchingUp.delete(member);
    void member.source.return();
    flushOf(member); // its frames before graphql-ws's complete
    member.end();
    this.onLeft(this, member);
    if (this.size === 0) this.close();
  }

  /** End every member (the feed stopped), with the error if there is one. */
  endAll(error?: unknown): void {
    for (const member of this.members()) {
      if (error !== undefined) this.fail(member, error);
      else this.remove(member);
    }
    this.close();
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClosed(this);
  }

  /**
   * One event from the dispatcher: executed once (once per owner for a private event), written
   * to every live member it is for. Returns a promise only when a rendering was asynchronous
   * (a field that reads the store); the dispatcher then waits before its next event, so each
   * member still gets events in cursor order.
   */
  deliver(event: LogEvent): Promise<void> | undefined {
    let shared: Buffer | undefined;
    let privateFor: Map<string, Buffer> | undefined;
    let sent = 0;
    const members = this.live.values();
    for (let next = members.next(); !next.done; next = members.next()) {
      const member = next.value;
      if (event.cursor <= member.cursor) continue;
      member.cursor = event.cursor;
      if (!member.filter(event)) continue;
      let payload = event.scope.private ? privateFor?.get(member.viewer.id) : shared;
      if (!payload) {
        const result = this.renderFor(event, member);
        if (isPromise(result)) return this.deliverRest(event, member, result, members, sent);
        payload = Buffer.from(this.serialize(result));
        if (event.scope.private) (privateFor ??= new Map()).set(member.viewer.id, payload);
        else shared = payload;
      }
      if (this.write(member, payload)) sent++;
    }
    if (sent > 0) this.options.onSent?.(sent);
    return undefined;
  }

  /** `deliver` from the member whose rendering turned out asynchronous on. */
  private async deliverRest(
    event: LogEvent,
    first: Member,
    pending: Promise<ExecutionResult>,
    rest: IterableIterator<Member>,
    sentBefore: number,
  ): Promise<void> {
    let sent = sentBefore;
    const rendered = new Map<string, Buffer>(); // '' for the shared rendering, else the owner's id
    const keyOf = (member: Member) => (event.scope.private ? member.viewer.id : '');
    rendered.set(keyOf(first), Buffer.from(this.serialize(await pending)));
    const send = (member: Member, payload: Buffer) => {
      if (!member.done && this.write(member, payload)) sent++;
    };
    send(first, rendered.get(keyOf(first))!);
    for (let next = rest.next(); !next.done; next = rest.next()) {
      const member = next.value;
      if (event.cursor <= member.cursor) continue;
      member.cursor = event.cursor;
      if (!member.filter(event)) continue;
      let payload = rendered.get(keyOf(member));
      if (!payload) {
        payload = Buffer.from(this.serialize(await this.renderFor(event, member)));
        rendered.set(keyOf(member), payload);
      }
      send(member, payload);
    }
    if (sent > 0) this.options.onSent?.(sent);
  }

  /** The member reads on its own cursor until it reaches the dispatcher, then joins the live set. */
  private async catchUp(member: Member): Promise<void> {
    const source = member.source;
    let sent = 0;
    try {
      // The check and the join are one synchronous step: the dispatcher cannot move between.
      while (source.position < this.position()) {
        // A replay takes whole pages without an await per event: only a store read, an async
        // rendering or a backed-up socket waits.
        let event = source.poll(this.position());
        if (event === undefined) {
          event = await source.nextUntil(this.position); // reads the next page
          if (member.done) return;
        }
        if (event === null) {
          if (source.ended) return; // the feed stopped: the dispatcher ends every member
          continue; // at the dispatcher's position: the loop condition lets it join
        }
        member.cursor = event.cursor;
        const result = this.renderFor(event, member);
        const payload = this.serialize(isPromise(result) ? await result : result);
        if (member.done) return;
        sent++;
        const drained = this.writePaced(member, payload);
        if (drained) {
          await drained;
          if (member.done) return;
        }
      }
      member.cursor = Math.max(member.cursor, source.position);
      void source.return(); // from here on the dispatcher serves it
      this.catchingUp.delete(member);
      this.live.add(member);
    } catch (error) {
      this.fail(member, error);
    } finally {
      if (sent > 0) this.options.onSent?.(sent);
    }
  }

  private renderFor(event: LogEvent, member: Member): ExecutionResult | Promise<ExecutionResult> {
    // A private event is rendered as its owner sees it. Built on demand (private events are
    // few), so members do not each keep their operation's whole context alive.
    return this.render(event, event.scope.private ? { ...this.orgContext, viewer: member.viewer } : this.orgContext);
  }

  /** The payload and the frame's closing brace. */
  private serialize(result: ExecutionResult): string {
    if (!result.errors?.length) return JSON.stringify({ data: result.data }) + '}';
    return JSON.stringify({ data: result.data, errors: result.errors.map((e) => this.options.mask(e)) }) + '}';
  }

  /** Write to a live member, closing it as a slow consumer when its socket is backed up. */
  private write(member: Member, payload: Buffer): boolean {
    const socket = member.socket;
    if (socket.readyState !== ReadyState.Open) return false; // closing: graphql-ws will end the subscription
    if (socket.bufferedAmount > this.options.maxBufferedBytes) {
      flushOf(member); // what it was given goes before the close frame
      socket.close(SLOW_CONSUMER_CLOSE, SLOW_CONSUMER_REASON);
      this.remove(member);
      return false;
    }
    const raw = rawOf(member);
    if (raw) writeFrame(raw, member.prefix, payload);
    else socket.send(Buffer.concat([member.prefix, payload]), TEXT);
    return true;
  }

  /**
   * Write during catch-up: the member pulls, so it waits for its socket instead of being closed.
   * Returns a promise only when the socket is backed up (then wait for it to drain).
   */
  private writePaced(member: Member, payload: string): Promise<void> | null {
    const socket = member.socket;
    if (socket.readyState !== ReadyState.Open) return null;
    // A catch-up writes many small frames back to back: one writev per frame was a third of the
    // server's time replaying a backlog (profiled with bench/lib/resume.ts). queueFrame writes a
    // run's frames together.
    const raw = rawOf(member);
    if (socket.bufferedAmount < CATCH_UP_HIGH_WATER) {
      if (raw) queueFrame(raw, member.prefix, Buffer.from(payload));
      else socket.send(member.prefix.toString() + payload, TEXT);
      return null;
    }
    if (raw) flushSocket(raw); // what is queued goes first
    return new Promise<void>((resolve) => socket.send(member.prefix.toString() + payload, TEXT, () => resolve()));
  }

  /** End the member's subscription with the error (graphql-ws sends it as its last message). */
  private fail(member: Member, error: unknown): void {
    if (member.done) return;
    flushOf(member);
    member.end({ errors: [this.options.mask(error)] });
    this.remove(member);
  }
}

/**
 * Execute the operation for one event with the event as root value, as graphql-js does per
 * subscriber. Compiled once per group with graphql-jit (several times faster than `execute`);
 * an operation graphql-jit cannot compile falls back to graphql-js.
 */
function compile(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: ExecutionArgs['variableValues'],
): Render {
  const compiled = compileQuery(schema, document, operationName ?? undefined);
  if (isCompiledQuery(compiled)) {
    return (event, context) => compiled.query(event, context, variables ?? {}) as ExecutionResult | Promise<ExecutionResult>;
  }
  return (event, context) =>
    execute({ schema, document, operationName, variableValues: variables, rootValue: event, contextValue: context });
}

/** The member's TCP socket under `ws` (internal: frame-writer.ts writes frames straight to it). */
function rawOf(member: Member): RawSocket | undefined {
  return (member.socket as unknown as { _socket?: RawSocket })._socket;
}

/** Write the frames queued for the member's socket now. */
function flushOf(member: Member): void {
  const raw = rawOf(member);
  if (raw) flushSocket(raw);
}
