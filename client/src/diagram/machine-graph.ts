/**
 * Pure projection of an XState v5 machine definition (`machine.toJSON()` after a JSON round trip)
 * into a flat node/edge graph, plus helpers that map state values onto that graph.
 *
 * The definition arrives over the network as `unknown`, so it is read defensively: anything that
 * is not shaped like a state node is ignored rather than trusted.
 */

export type NodeKind = 'atomic' | 'compound' | 'parallel' | 'final';

export interface GraphNode {
  /** XState's state node id, e.g. "task.active.dispatched.openingIssue". */
  id: string;
  key: string;
  label: string;
  /** Id of the enclosing drawn state; absent for the machine's top-level states. */
  parentId?: string;
  kind: NodeKind;
  isInitial: boolean;
  /** A child of a parallel state (or of a parallel machine): active alongside its siblings. */
  isRegion: boolean;
  description?: string;
}

export interface GraphEdge {
  id: string;
  source: string;
  target: string;
  eventType: string;
  label: string;
  guard?: string;
}

export interface MachineGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

interface StateNodeJson {
  id: string;
  key: string;
  type: string;
  states: Record<string, StateNodeJson>;
  initialTargets: string[];
  description?: string;
  transitions: TransitionJson[];
}

interface TransitionJson {
  eventType: string;
  target: string[];
  source: string;
  guard?: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringArray(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** Guards serialise as a name, as `{ type, params }`, or (inline functions) not at all. */
function guardName(guard: unknown): string | undefined {
  if (typeof guard === 'string') return guard;
  if (isRecord(guard) && typeof guard.type === 'string') return guard.type;
  return undefined;
}

function readTransition(raw: unknown): TransitionJson | null {
  if (!isRecord(raw) || typeof raw.eventType !== 'string' || typeof raw.source !== 'string') {
    return null;
  }
  return {
    eventType: raw.eventType,
    target: stringArray(raw.target),
    source: raw.source,
    guard: guardName(raw.guard),
  };
}

function readNode(raw: unknown): StateNodeJson | null {
  if (!isRecord(raw) || typeof raw.id !== 'string' || typeof raw.key !== 'string') return null;
  const states: Record<string, StateNodeJson> = {};
  if (isRecord(raw.states)) {
    for (const [key, child] of Object.entries(raw.states)) {
      const node = readNode(child);
      if (node) states[key] = node;
    }
  }
  const transitions = Array.isArray(raw.transitions)
    ? raw.transitions.map(readTransition).filter((t): t is TransitionJson => t !== null)
    : [];
  return {
    id: raw.id,
    key: raw.key,
    type: typeof raw.type === 'string' ? raw.type : 'atomic',
    states,
    // toJSON writes the initial state as a transition: `{ target: ['#task.active.received'] }`.
    initialTargets: isRecord(raw.initial) ? stringArray(raw.initial.target) : [],
    description: typeof raw.description === 'string' ? raw.description : undefined,
    transitions,
  };
}

function readRoot(definition: unknown): StateNodeJson {
  const root = readNode(definition);
  if (!root) throw new TypeError('Not an XState machine definition (expected id, key and states)');
  return root;
}

function toKind(type: string): NodeKind | null {
  if (type === 'atomic' || type === 'compound' || type === 'parallel' || type === 'final') {
    return type;
  }
  // History pseudo-states have no box of their own in this diagram.
  return null;
}

/** Human wording for XState's internal event names; user events are returned unchanged. */
export function prettyEvent(eventType: string): string {
  const parts = eventType.split('.');
  if (parts[0] !== 'xstate') return eventType;
  if (parts[1] === 'done' && parts[2] === 'actor') return `${parts.slice(3).join('.')} done`;
  if (parts[1] === 'error' && parts[2] === 'actor') return `${parts.slice(3).join('.')} failed`;
  // xstate.done.state.<state id>: a compound state reached its final child.
  if (parts[1] === 'done' && parts[2] === 'state') return `${parts.at(-1)} done`;
  if (parts[1] === 'after' && parts[2] !== undefined) {
    return /^\d+$/.test(parts[2]) ? `after ${parts[2]} ms` : `after ${parts[2]}`;
  }
  return eventType;
}

export function toGraph(definition: unknown): MachineGraph {
  const root = readRoot(definition);
  const nodes: GraphNode[] = [];
  const edges: Omit<GraphEdge, 'id'>[] = [];

  const visit = (node: StateNodeJson, parent: StateNodeJson, isTop: boolean): void => {
    const kind = toKind(node.type);
    if (!kind) return;
    nodes.push({
      id: node.id,
      key: node.key,
      label: node.key,
      parentId: isTop ? undefined : parent.id,
      kind,
      isInitial: parent.initialTargets.includes(`#${node.id}`),
      isRegion: parent.type === 'parallel',
      description: node.description,
    });
    for (const transition of node.transitions) {
      for (const target of transition.target) {
        edges.push({
          source: transition.source.replace(/^#/, ''),
          target: target.replace(/^#/, ''),
          eventType: transition.eventType,
          label: prettyEvent(transition.eventType),
          guard: transition.guard,
        });
      }
    }
    for (const child of Object.values(node.states)) visit(child, node, false);
  };
  for (const child of Object.values(root.states)) visit(child, root, true);

  // Edges must connect drawn nodes: transitions into the root or a history state are dropped.
  const drawn = new Set(nodes.map((n) => n.id));
  const seen = new Map<string, number>();
  const kept = edges
    .filter((e) => drawn.has(e.source) && drawn.has(e.target))
    .map((e): GraphEdge => {
      // Readable, stable ids; a suffix only when two transitions share event, source and target.
      const base = `${e.source}:${e.eventType}:${e.target}`;
      const count = (seen.get(base) ?? 0) + 1;
      seen.set(base, count);
      return { id: count === 1 ? base : `${base}#${count}`, ...e };
    });
  return { nodes, edges: kept };
}

/**
 * Ids of the innermost states a state value names: the atomic states for a fully resolved value
 * (several for a parallel one). A value that stops at a compound state (e.g. a bare
 * `{ active: "dispatched" }`) yields that compound state rather than guessing its child. Unknown
 * keys are ignored, so a history recorded under an older machine version still maps as far as it
 * can.
 */
export function activeLeafIds(definition: unknown, stateValue: unknown): string[] {
  return resolveValue(readRoot(definition), stateValue);
}

function resolveValue(node: StateNodeJson, value: unknown): string[] {
  if (typeof value === 'string') {
    const child = node.states[value];
    return child ? [child.id] : [];
  }
  if (!isRecord(value)) return [];
  return Object.entries(value).flatMap(([key, sub]) => {
    const child = node.states[key];
    if (!child) return [];
    const deeper = resolveValue(child, sub);
    return deeper.length > 0 ? deeper : [child.id];
  });
}

export interface PathStates {
  /** Every state entered along the history: active leaves and all their ancestors. */
  visited: Set<string>;
  /** Edges that explain a step between consecutive values. */
  taken: Set<string>;
  /** The subset of `taken` explaining the final step. */
  latest: Set<string>;
}

/**
 * Marks the states and transitions a history of state values went through. Only values are
 * known, not events, so every edge consistent with a step is marked (pr_open → failed marks both
 * PR_CLOSED and the FAIL declared on pr_open's parent `active`). A transition declared on a
 * compound state applies to every state inside it, so it fits any step out of one of them.
 */
export function pathStates(definition: unknown, history: readonly unknown[]): PathStates {
  const root = readRoot(definition);
  const graph = toGraph(definition);
  const parents = new Map(graph.nodes.map((n) => [n.id, n.parentId]));
  const lineage = (id: string): string[] => {
    const chain: string[] = [];
    for (let at: string | undefined = id; at !== undefined; at = parents.get(at)) chain.push(at);
    return chain;
  };
  const closure = (leaves: string[]) => new Set(leaves.flatMap(lineage));

  const visited = new Set<string>();
  const taken = new Set<string>();
  let latest = new Set<string>();
  let previous: string[] | null = null;

  for (const value of history) {
    const leaves = resolveValue(root, value);
    for (const id of closure(leaves)) visited.add(id);
    if (previous) {
      latest = new Set(stepEdges(graph.edges, previous, leaves, lineage, closure));
      for (const id of latest) taken.add(id);
    }
    previous = leaves;
  }
  return { visited, taken, latest };
}

function stepEdges(
  edges: GraphEdge[],
  before: string[],
  after: string[],
  lineage: (id: string) => string[],
  closure: (leaves: string[]) => Set<string>,
): string[] {
  const sameValue = before.length === after.length && before.every((id) => after.includes(id));
  const from = closure(before);
  // Nothing moved: only a self-transition that re-enters an active state (a heartbeat) fits,
  // whether it is declared on the active leaf or on a compound state around it.
  if (sameValue) {
    return edges.filter((e) => e.source === e.target && from.has(e.source)).map((e) => e.id);
  }
  const to = closure(after);
  return edges
    .filter((e) => from.has(e.source) && to.has(e.target))
    .filter((e) => {
      // The edge's scope is the deepest state containing both ends, either end included
      // (undefined = whole machine): a transition can only change the states inside it. In a
      // parallel machine a self-loop (on a leaf or on a whole region) must not light up just
      // because another region moved.
      const outer = lineage(e.target);
      const scope = lineage(e.source).find((id) => outer.includes(id));
      const within = (ids: string[]) =>
        ids.filter((id) => scope === undefined || lineage(id).includes(scope)).sort().join();
      return within(before) !== within(after);
    })
    .map((e) => e.id);
}

/**
 * A state value as readable paths: "failed", "active.dispatched.ready", "work.idle, health.stale".
 */
export function describeStateValue(value: unknown): string {
  return statePaths(value).join(', ');
}

function statePaths(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (!isRecord(value)) return [];
  return Object.entries(value).flatMap(([key, sub]) => {
    const inner = statePaths(sub);
    return inner.length > 0 ? inner.map((path) => `${key}.${path}`) : [key];
  });
}
