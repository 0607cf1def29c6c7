/**
 * The fan-out engine: WebSocket subscribers of log-event streams (taskUpdated, timeline,
 * agentUpdated) are served in groups (fanout-group.ts). Subscribers that share document,
 * operation name, variables and org form one group; each event is executed once (graphql-jit),
 * serialised once, and the bytes are written to every member's socket behind a per-member
 * `{"id":…,"type":"next","payload":` prefix. Vanilla graphql-ws executes and serialises once per
 * subscriber, which is what limits it to a few thousand deliveries per second.
 *
 * One dispatcher reads the feed for every group and hands each event only to the groups that
 * can be concerned: those of the event's org, and those with a member who created it (a task is
 * visible to its creator whatever org they are signed in with). With a reader per group, 100
 * orgs meant every event was pulled and filtered 100 times; the latency benchmark's server spent
 * its time there.
 *
 * Correctness is kept per member:
 * - Visibility and filters: each member keeps its own FeedCursor filter (viewer, scope, status…),
 *   evaluated per event. Rendering depends only on the org (Task/Agent fields resolve through the
 *   org), so one rendering serves every member; a private event, which only its owner may see, is
 *   rendered with the owner's own context.
 * - Order and resume: a member starts on its own cursor (from `after`, possibly deep in the store)
 *   and catches up at its socket's pace, then joins the group at the dispatcher's position. Both
 *   use cursors, so nothing is skipped or sent twice at the seam.
 * - Bounded memory: a live member whose socket has more than `maxBufferedBytes` queued is closed
 *   with 1013 (Try Again Later, see SLOW_CONSUMER_CLOSE). graphql-ws clients retry 1013 by
 *   default; resuming from the last cursor they saw loses nothing.
 *
 * graphql-ws still owns the protocol (init, ids, complete, errors, pings): for a grouped
 * subscription it iterates an iterable that yields nothing and ends when the member leaves, while
 * the engine writes the `next` frames to the socket itself. ws.ts routes such operations here
 * (`serves`, `subscribe`) after parsing and validating them.
 */
import {
  TypeInfo,
  createSourceEventStream,
  getOperationAST,
  visit,
  visitWithTypeInfo,
  BREAK,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLSchema,
} from 'graphql';
import { isPromise } from 'node:util/types';
import type { Feed, FeedCursor } from '../../runtime/feed.js';
import type { GraphQLContext } from '../../schema/context.js';
import { EventStream } from '../../services/stream.js';
import type { LogEvent, Viewer } from '../../store/types.js';
import { Group, type FanoutTarget, type GroupOptions, type Member } from './fanout-group.js';
import { withCodes } from '../plugins/use-error-codes.js';

export { SLOW_CONSUMER_CLOSE, SLOW_CONSUMER_REASON, type FanoutTarget } from './fanout-group.js';

/** Root fields whose stream is a plain log-event stream, served by the engine. */
const GROUPED_FIELDS = new Set(['taskUpdated', 'timeline', 'agentUpdated']);

/** `Type.field` coordinates marked `@viewerDependent` in the SDL, per schema. */
const viewerDependentFields = new WeakMap<GraphQLSchema, Set<string>>();

function markedFields(schema: GraphQLSchema): Set<string> {
  let marked = viewerDependentFields.get(schema);
  if (!marked) {
    marked = new Set();
    for (const type of Object.values(schema.getTypeMap())) {
      if (!('getFields' in type) || type.name.startsWith('__')) continue;
      for (const field of Object.values(type.getFields())) {
        if (field.astNode?.directives?.some((d: { name: { value: string } }) => d.name.value === 'viewerDependent')) marked.add(`${type.name}.${field.name}`);
      }
    }
    viewerDependentFields.set(schema, marked);
  }
  return marked;
}

/**
 * Whether the document selects a field whose answer depends on who asks (anywhere, fragments
 * included). The schema says so (`@viewerDependent`), not a comment: a field added with the
 * directive is served per viewer without touching the engine.
 */
export function viewerDependent(schema: GraphQLSchema, document: DocumentNode): boolean {
  const marked = markedFields(schema);
  if (marked.size === 0) return false;
  const typeInfo = new TypeInfo(schema);
  let found = false;
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field() {
        const parent = typeInfo.getParentType();
        const field = typeInfo.getFieldDef();
        if (parent && field && marked.has(`${parent.name}.${field.name}`)) {
          found = true;
          return BREAK;
        }
        return undefined;
      },
    }),
  );
  return found;
}

export interface FanoutOptions extends GroupOptions {
  feed: Feed;
}

export class FanoutEngine {
  private readonly groups = new Map<string, Group>();
  /** Groups by org: an event goes to its org's groups… */
  private readonly byOrg = new Map<string, Set<Group>>();
  /** …and to groups in other orgs with a member who is the event's owner (creator). */
  private readonly byMember = new Map<string, Map<Group, number>>();
  private dispatcher: FeedCursor | null = null;
  /** Cursor of the last event the dispatcher took: members at or past it are served live. */
  private position = 0;

  constructor(private readonly options: FanoutOptions) {}

  /**
   * Groups, members, members served live by the dispatcher (caught up), and whether the
   * dispatcher runs (its feed cursor is the engine's, not a subscriber's), for /healthz.
   */
  get stats(): { groups: number; members: number; live: number; dispatchers: number } {
    let members = 0;
    let live = 0;
    for (const group of this.groups.values()) {
      members += group.size;
      live += group.liveCount;
    }
    return { groups: this.groups.size, members, live, dispatchers: this.dispatcher ? 1 : 0 };
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
    this.startDispatcher();
    const viewer = (args.contextValue as GraphQLContext).viewer!;
    return this.member(this.groupFor(target, args), target, viewer, stream);
  }

  /** The group that answers this operation, made if there is none. */
  private groupFor(target: FanoutTarget, args: ExecutionArgs): Group {
    const { fanout: _marker, ...context } = args.contextValue as GraphQLContext & { fanout?: unknown };
    const viewer = context.viewer!;
    // Keyed by everything the answer depends on: the org, or the viewer when the document
    // selects a @viewerDependent field (then one execution serves that viewer's subscriptions).
    const perViewer = viewerDependent(args.schema, args.document);
    const key = [perViewer ? `viewer:${viewer.id}@${viewer.org}` : viewer.org, args.operationName ?? '', JSON.stringify(args.variableValues ?? {}), target.query].join('\n');
    const found = this.groups.get(key);
    if (found && !found.closed) return found;
    const orgContext = { ...context, viewer: perViewer ? viewer : { id: '', name: '', org: viewer.org } };
    const group = new Group(
      this.options,
      viewer.org,
      args,
      orgContext,
      () => this.position,
      (closed) => this.forget(key, closed),
      (left, member) => this.countMember(member.viewer.id, left, -1),
    );
    this.groups.set(key, group);
    let inOrg = this.byOrg.get(viewer.org);
    if (!inOrg) this.byOrg.set(viewer.org, (inOrg = new Set()));
    inOrg.add(group);
    return group;
  }

  /**
   * A member of `owner` and the iterator graphql-ws reads for it: nothing until the member ends
   * (then maybe one error). A function of its own, apart from `groupFor`: the closures made here
   * live as long as the subscription, and V8 gives every closure of a call the variables any of
   * them uses. Made in `join`, they kept each subscription's operation (its parsed document, its
   * variables, a copy of its context) and its group key: ~1.5 KB an idle subscriber
   * (bench/lib/idle-heap.ts).
   */
  private member(owner: Group, target: FanoutTarget, viewer: Viewer, stream: EventStream): AsyncIterableIterator<ExecutionResult> {
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
    const member: Member = {
      socket: target.socket,
      prefix: Buffer.from(`{"id":${JSON.stringify(target.id)},"type":"next","payload":`),
      viewer,
      source: stream.cursor,
      filter: stream.cursor.filter,
      cursor: stream.cursor.position,
      done: false,
      end: finish,
    };
    this.countMember(viewer.id, owner, +1);
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

  private countMember(viewerId: string, group: Group, delta: number): void {
    let groups = this.byMember.get(viewerId);
    if (!groups) this.byMember.set(viewerId, (groups = new Map()));
    const count = (groups.get(group) ?? 0) + delta;
    if (count > 0) groups.set(group, count);
    else groups.delete(group);
    if (groups.size === 0) this.byMember.delete(viewerId);
  }

  private forget(key: string, group: Group): void {
    if (this.groups.get(key) === group) this.groups.delete(key);
    const inOrg = this.byOrg.get(group.org);
    inOrg?.delete(group);
    if (inOrg?.size === 0) this.byOrg.delete(group.org);
  }

  /** One reader of the feed for every group, from the first group on. */
  private startDispatcher(): void {
    if (this.dispatcher) return;
    this.position = this.options.feed.head;
    this.dispatcher = this.options.feed.subscribe({ after: this.position, internal: true });
    void this.dispatch(this.dispatcher);
  }

  private async dispatch(reader: FeedCursor): Promise<void> {
    let failure: unknown;
    try {
      for (;;) {
        let event = reader.poll(Infinity);
        if (!event) {
          const next = await reader.next(); // waits at the head, or reads a page when behind
          if (next.done) break;
          event = next.value;
        }
        this.position = event.cursor;
        const waits = this.route(event);
        if (waits) await Promise.all(waits);
      }
    } catch (error) {
      failure = error;
    } finally {
      // The feed stopped (shutdown) or failed: end every member (with the error, if any).
      this.dispatcher = null;
      for (const group of [...this.groups.values()]) group.endAll(failure);
    }
  }

  /** Hand the event to the groups it may concern; the asynchronous deliveries to wait for. */
  private route(event: LogEvent): Promise<void>[] | null {
    let waits: Promise<void>[] | null = null;
    const deliver = (group: Group) => {
      const pending = group.deliver(event);
      if (pending && isPromise(pending)) (waits ??= []).push(pending);
    };
    const inOrg = this.byOrg.get(event.scope.org);
    if (inOrg) for (const group of inOrg) deliver(group);
    const ofOwner = this.byMember.get(event.scope.ownerId);
    if (ofOwner) for (const group of ofOwner.keys()) if (group.org !== event.scope.org) deliver(group);
    return waits;
  }
}
