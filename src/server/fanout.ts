/**
 * The fan-out engine: WebSocket subscribers of log-event streams (taskUpdated, timeline,
 * agentUpdated) are served in groups. Subscribers that share document, operation name, variables
 * and org form one group with one shared feed reader; each event is executed once (graphql-jit),
 * serialised once, and the bytes are written to every member's socket behind a per-member
 * `{"id":…,"type":"next","payload":` prefix. Vanilla graphql-ws executes and serialises once per
 * subscriber, which is what limits it to a few thousand deliveries per second.
 *
 * Correctness is kept per member:
 * - Visibility and filters: each member keeps its own FeedCursor filter (viewer, scope, status…),
 *   evaluated per event. Rendering depends only on the org (Task/Agent fields resolve through the
 *   org), so one rendering serves every member; a private event, which only its owner may see, is
 *   rendered with the owner's own context.
 * - Order and resume: a member starts on its own cursor (from `after`, possibly deep in the store)
 *   and catches up at its socket's pace, then joins the group at the group's position. Both use
 *   cursors, so nothing is skipped or sent twice at the seam.
 * - Bounded memory: a live member whose socket has more than `maxBufferedBytes` queued is closed
 *   with 1013 (Try Again Later, see SLOW_CONSUMER_CLOSE). graphql-ws clients retry 1013 by
 *   default; resuming from the last cursor they saw loses nothing.
 *
 * graphql-ws still owns the protocol (init, ids, complete, errors, pings): for a grouped
 * subscription it iterates an iterable that yields nothing and ends when the member leaves, while
 * the engine writes the `next` frames to the socket itself. ws.ts routes such operations here
 * (`serves`, `subscribe`) after parsing and validating them.
 */
import { createSourceEventStream, execute, getOperationAST, type DocumentNode, type ExecutionArgs, type ExecutionResult, type GraphQLError, type GraphQLSchema } from 'graphql';
import { compileQuery, isCompiledQuery } from 'graphql-jit';
import { isPromise } from 'node:util/types';
import type { WebSocket } from 'ws';
import type { Feed, FeedCursor } from '../runtime/feed.js';
import type { GraphQLContext } from '../schema/context.js';
import { EventStream } from '../services/stream.js';
import type { LogEvent, Viewer } from '../store/types.js';
import { withCodes } from './yoga.js';

/** RFC 6455 1013 Try Again Later: a subscriber too slow to read what it is sent. */
export const SLOW_CONSUMER_CLOSE = 1013;
export const SLOW_CONSUMER_REASON = 'Slow consumer: reconnect and resume from your last cursor';

/** Root fields whose stream is a plain log-event stream, served by the engine. */
const GROUPED_FIELDS = new Set(['taskUpdated', 'timeline', 'agentUpdated']);

/** What ws.ts puts in `rootValue.fanout` for an operation on a WebSocket. */
export interface FanoutTarget {
  socket: WebSocket;
  /** graphql-ws subscription id. */
  id: string;
  /** The operation's source text (part of the group key). */
  query: string;
}

export interface FanoutOptions {
  feed: Feed;
  /** Bytes a live member's socket may have queued before it is closed (SLOW_CONSUMER_CLOSE). */
  maxBufferedBytes: number;
  /** Turns an execution error into what clients see (the same tiers as every operation). */
  mask: (error: unknown) => GraphQLError;
  /** Called with the number of frames written, for metrics. */
  onSent?: (frames: number) => void;
}

type Render = (event: LogEvent, context: GraphQLContext) => ExecutionResult | Promise<ExecutionResult>;

interface Member {
  target: FanoutTarget;
  /** `{"id":<id>,"type":"next","payload":`: the part of a frame that is this member's. */
  prefixText: string;
  /** The same as UTF-8, for frames built from shared payload bytes. */
  prefix: Buffer;
  viewer: Viewer;
  source: FeedCursor;
  filter: (event: LogEvent) => boolean;
  /** Last cursor this member has been given (or passed over). */
  cursor: number;
  done: boolean;
  /** Catch-up writes are being gathered into one system call (see writePaced). */
  corked: boolean;
  /** Ends the subscription, with a last result if given. */
  end: (last?: ExecutionResult) => void;
}

/** Frames are UTF-8 JSON: text frames, though built as bytes. */
const TEXT = { binary: false } as const;

/** One member's frame: its prefix, then the shared payload bytes (encoded once per event). */
function frameOf(member: Member, payload: Buffer): Buffer {
  const frame = Buffer.allocUnsafe(member.prefix.length + payload.length);
  member.prefix.copy(frame, 0);
  payload.copy(frame, member.prefix.length);
  return frame;
}

/** Catch-up writes pause while a socket has more than this queued, until it flushes. */
const CATCH_UP_HIGH_WATER = 256 * 1024;

export class FanoutEngine {
  private readonly groups = new Map<string, Group>();

  constructor(private readonly options: FanoutOptions) {}

  /** Groups, members, and members served by their group's reader (caught up), for /healthz. */
  get stats(): { groups: number; members: number; live: number } {
    let members = 0;
    let live = 0;
    for (const group of this.groups.values()) {
      members += group.size;
      live += group.liveCount;
    }
    return { groups: this.groups.size, members, live };
  }

  /** Whether the engine serves this operation: a subscription to one grouped field, nothing else. */
  serves(document: DocumentNode, operationName: string | null | undefined): boolean {
    const op = getOperationAST(document, operationName);
    if (op?.operation !== 'subscription') return false;
    const selections = op.selectionSet.selections;
    return selections.length === 1 && selections[0].kind === 'Field' && GROUPED_FIELDS.has(selections[0].name.value);
  }

  /**
   * Subscribe a WebSocket operation that `serves()`. ws.ts calls this directly instead of going
   * through envelop's subscribe pipeline: its per-subscription hook state (handler lists, result
   * wrappers, generators) was a third of an idle subscriber's memory, and the engine does what
   * those hooks did for these fields itself — errors are coded and masked here, frames are
   * written here. Validation (limits included) still ran in ws.ts, through envelop.
   */
  async subscribe(target: FanoutTarget, args: ExecutionArgs): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
    const source = await createSourceEventStream(args);
    if (source instanceof EventStream) return this.join(target, args, source);
    if (Symbol.asyncIterator in source) {
      // Every grouped field's resolver returns an EventStream; anything else is our bug.
      void (source as AsyncIterableIterator<unknown>).return?.();
      throw new Error('a grouped subscription field did not return an EventStream');
    }
    return { errors: withCodes(source.errors ?? []).map((e) => this.options.mask(e)) };
  }

  private join(target: FanoutTarget, args: ExecutionArgs, stream: EventStream): AsyncIterableIterator<ExecutionResult> {
    const context = args.contextValue as GraphQLContext;
    const viewer = context.viewer!;
    const key = [viewer.org, args.operationName ?? '', JSON.stringify(args.variableValues ?? {}), target.query].join('\n');
    let group = this.groups.get(key);
    if (!group || group.closed) {
      group = new Group(this.options, args, { ...context, viewer: { id: '', name: '', org: viewer.org } }, stream.cursor, () => {
        if (this.groups.get(key) === group) this.groups.delete(key);
      });
      this.groups.set(key, group);
    }
    // The iterator graphql-ws reads: nothing until the member ends (then maybe one error).
    let finish!: (last?: ExecutionResult) => void;
    let ended = false;
    let last: ExecutionResult | undefined;
    const finished = new Promise<void>((resolve) => {
      finish = (result) => {
        if (ended) return;
        ended = true;
        last = result;
        resolve();
      };
    });
    // A `.then` rather than an async function: graphql-ws waits on this for the member's whole
    // life, and a suspended async function keeps a generator and its registers (~500 bytes).
    const next = (): Promise<IteratorResult<ExecutionResult>> =>
      finished.then(() => {
        const value = last;
        last = undefined;
        return value ? { value, done: false } : { value: undefined, done: true };
      });
    const prefixText = `{"id":${JSON.stringify(target.id)},"type":"next","payload":`;
    const member: Member = {
      target,
      prefixText,
      prefix: Buffer.from(prefixText),
      viewer,
      source: stream.cursor,
      filter: stream.cursor.filter,
      cursor: stream.cursor.position,
      done: false,
      corked: false,
      end: finish,
    };
    const owner = group;
    owner.add(member);
    const iterator: AsyncIterableIterator<ExecutionResult> = {
      [Symbol.asyncIterator]: () => iterator,
      next,
      return: async () => {
        owner.remove(member);
        return { value: undefined, done: true };
      },
    };
    return iterator;
  }
}

class Group {
  closed = false;
  /** The cursor of the last event the shared reader took: members at or past it may join. */
  private position: number;
  private readonly live = new Set<Member>();
  private readonly catchingUp = new Set<Member>();
  private readonly reader: FeedCursor;
  private readonly render: Render;

  constructor(
    private readonly options: FanoutOptions,
    args: ExecutionArgs,
    /** Context for events the whole org may see: a viewer of the org with no identity. */
    private readonly orgContext: GraphQLContext,
    first: FeedCursor,
    private readonly onClosed: () => void,
  ) {
    this.position = options.feed.head;
    this.reader = options.feed.subscribe({ after: this.position, ...first.narrowing });
    this.render = compile(args.schema, args.document, args.operationName, args.variableValues);
    void this.run();
  }

  get size(): number {
    return this.live.size + this.catchingUp.size;
  }

  get liveCount(): number {
    return this.live.size;
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
    member.end();
    if (this.size === 0) this.close();
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClosed();
    void this.reader.return();
  }

  /** The member reads on its own cursor until it reaches the shared reader, then joins it. */
  private async catchUp(member: Member): Promise<void> {
    const source = member.source;
    let sent = 0;
    try {
      // The check and the join are one synchronous step: the shared reader cannot move between.
      while (source.position < this.position) {
        // A replay takes whole pages without an await per event: only a store read, an async
        // rendering (private events) or a backed-up socket waits.
        let event = source.poll(this.position);
        if (event === undefined) {
          event = await source.nextUntil(() => this.position); // reads the next page
          if (member.done) return;
        }
        if (event === null) {
          if (source.ended) return; // the feed stopped: the group's reader ends every member
          continue; // at the group's position: the loop condition lets it join
        }
        member.cursor = event.cursor;
        const result = this.renderFor(event, member);
        const payload = this.serialize(isPromise(result) ? await result : result);
        if (member.done) return;
        sent++;
        const drained = this.writePaced(member, member.prefixText + payload);
        if (drained) {
          await drained;
          if (member.done) return;
        }
      }
      member.cursor = Math.max(member.cursor, source.position);
      void source.return(); // from here on the shared reader serves it
      this.catchingUp.delete(member);
      this.live.add(member);
    } catch (error) {
      this.fail(member, error);
    } finally {
      if (sent > 0) this.options.onSent?.(sent);
    }
  }

  /** The shared reader: one rendering per event (per private owner), the bytes to every member. */
  private async run(): Promise<void> {
    try {
      for await (const event of this.reader) {
        this.position = event.cursor;
        let shared: Buffer | undefined;
        let privateFor: Map<string, Buffer> | undefined;
        let sent = 0;
        for (const member of this.live) {
          if (event.cursor <= member.cursor) continue;
          member.cursor = event.cursor;
          if (!member.filter(event)) continue;
          let payload: Buffer;
          if (!event.scope.private) {
            shared ??= Buffer.from(this.serialize(await this.renderFor(event, member)));
            payload = shared;
          } else {
            privateFor ??= new Map();
            payload = privateFor.get(member.viewer.id) ?? Buffer.from(this.serialize(await this.renderFor(event, member)));
            privateFor.set(member.viewer.id, payload);
          }
          if (member.done) continue;
          if (this.write(member, frameOf(member, payload))) sent++;
        }
        if (sent > 0) this.options.onSent?.(sent);
      }
    } catch (error) {
      for (const member of [...this.live, ...this.catchingUp]) this.fail(member, error);
    } finally {
      // The feed stopped (shutdown) or the last member left: end whoever is still here.
      for (const member of [...this.live, ...this.catchingUp]) this.remove(member);
      this.close();
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
  private write(member: Member, frame: Buffer): boolean {
    const socket = member.target.socket;
    if (socket.readyState !== 1) return false; // closing: graphql-ws will end the subscription
    if (socket.bufferedAmount > this.options.maxBufferedBytes) {
      socket.close(SLOW_CONSUMER_CLOSE, SLOW_CONSUMER_REASON);
      this.remove(member);
      return false;
    }
    socket.send(frame, TEXT);
    return true;
  }

  /**
   * Write during catch-up: the member pulls, so it waits for its socket instead of being closed.
   * Returns a promise only when the socket is backed up (then wait for it to drain).
   */
  private writePaced(member: Member, frame: string): Promise<void> | null {
    const socket = member.target.socket;
    if (socket.readyState !== 1) return null;
    // A catch-up writes many small frames back to back: one writev per frame was a third of the
    // server's time replaying a backlog (profiled with bench/lib/resume.ts). Corking the TCP
    // socket until the event loop turns sends them together. `ws` has no public handle for this.
    const raw = (socket as unknown as { _socket?: { cork(): void; uncork(): void } })._socket;
    if (raw && !member.corked) {
      raw.cork();
      member.corked = true;
      setImmediate(() => {
        member.corked = false;
        raw.uncork();
      });
    }
    if (socket.bufferedAmount < CATCH_UP_HIGH_WATER) {
      socket.send(frame, TEXT);
      return null;
    }
    return new Promise<void>((resolve) => socket.send(frame, TEXT, () => resolve()));
  }

  /** End the member's subscription with the error (graphql-ws sends it as its last message). */
  private fail(member: Member, error: unknown): void {
    if (member.done) return;
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
