import { describe, expect, it } from 'vitest';
import { machines } from '../../../src/machines/index.js';
import { layoutGraph } from './layout.js';
import type { Layout } from './layout.js';
import {
  activeLeafIds,
  describeStateValue,
  pathStates,
  prettyEvent,
  toGraph,
} from './machine-graph.js';
import type { MachineGraph } from './machine-graph.js';

// Exactly what the server sends: toJSON() after a JSON round trip.
const task: unknown = JSON.parse(JSON.stringify(machines.task.toJSON()));
const agent: unknown = JSON.parse(JSON.stringify(machines.agent.toJSON()));

function edgesBetween(graph: MachineGraph, source: string, target: string) {
  return graph.edges.filter((e) => e.source === source && e.target === target);
}

function edgeId(graph: MachineGraph, source: string, target: string, eventType: string): string {
  const edge = graph.edges.find(
    (e) => e.source === source && e.target === target && e.eventType === eventType,
  );
  if (!edge) throw new Error(`no edge ${source} -${eventType}-> ${target}`);
  return edge.id;
}

describe('prettyEvent', () => {
  it.each([
    ['xstate.done.actor.analyze', 'analyze done'],
    ['xstate.error.actor.openIssue', 'openIssue failed'],
    ['xstate.after.0.task.received', 'after 0 ms'],
    ['xstate.after.staleAfter.agent.health.healthy', 'after staleAfter'],
    ['xstate.done.state.task.dispatched', 'dispatched done'],
    ['PR_OPENED', 'PR_OPENED'],
  ])('%s → %s', (eventType, expected) => {
    expect(prettyEvent(eventType)).toBe(expected);
  });
});

describe('toGraph', () => {
  it('draws every task state except the root, with dispatched as a group', () => {
    const graph = toGraph(task);
    expect(graph.nodes.map((n) => n.id)).toEqual([
      'task.received',
      'task.analyzing',
      'task.needs_clarification',
      'task.dispatched',
      'task.dispatched.openingIssue',
      'task.dispatched.ready',
      'task.coding',
      'task.pr_open',
      'task.merged',
      'task.failed',
      'task.cancelled',
    ]);
    const byId = new Map(graph.nodes.map((n) => [n.id, n]));
    expect(byId.get('task.dispatched')).toMatchObject({ kind: 'compound', parentId: undefined });
    expect(byId.get('task.dispatched.ready')).toMatchObject({
      kind: 'atomic',
      parentId: 'task.dispatched',
      label: 'ready',
      description: 'Waiting for an agent to start coding.',
    });
    expect(byId.get('task.merged')?.kind).toBe('final');
    expect(graph.nodes.filter((n) => n.isInitial).map((n) => n.id)).toEqual([
      'task.received',
      'task.dispatched.openingIssue',
    ]);
    expect(graph.nodes.some((n) => n.isRegion)).toBe(false);
  });

  it('has one edge per transition target, labelled and with guards', () => {
    const graph = toGraph(task);
    expect(graph.edges).toHaveLength(25);
    expect(new Set(graph.edges.map((e) => e.id)).size).toBe(25);

    expect(edgesBetween(graph, 'task.analyzing', 'task.needs_clarification')).toEqual([
      expect.objectContaining({
        eventType: 'xstate.done.actor.analyze',
        label: 'analyze done',
        guard: 'needsClarification',
      }),
    ]);
    expect(edgesBetween(graph, 'task.analyzing', 'task.dispatched')).toEqual([
      expect.objectContaining({ label: 'analyze done', guard: undefined }),
    ]);
    expect(edgesBetween(graph, 'task.dispatched.openingIssue', 'task.failed')).toEqual([
      expect.objectContaining({
        eventType: 'xstate.error.actor.openIssue',
        label: 'openIssue failed',
      }),
    ]);
    expect(edgesBetween(graph, 'task.received', 'task.analyzing')[0]?.label).toBe('after 0 ms');
    // CANCEL and FAIL are declared on the group itself, not repeated on its children.
    expect(edgesBetween(graph, 'task.dispatched', 'task.cancelled')[0]?.eventType).toBe('CANCEL');
    expect(edgesBetween(graph, 'task.pr_open', 'task.failed').map((e) => e.label).sort()).toEqual([
      'FAIL',
      'PR_CLOSED',
    ]);
  });

  it('draws the parallel agent machine as two regions', () => {
    const graph = toGraph(agent);
    expect(graph.nodes).toHaveLength(7);
    expect(graph.edges).toHaveLength(9);
    const regions = graph.nodes.filter((n) => n.isRegion);
    expect(regions.map((n) => [n.id, n.kind, n.parentId])).toEqual([
      ['agent.work', 'compound', undefined],
      ['agent.health', 'compound', undefined],
    ]);
    expect(
      edgesBetween(graph, 'agent.health.healthy', 'agent.health.healthy').map((e) => e.eventType),
    ).toEqual(['HEARTBEAT', 'REGISTER']);
    expect(edgesBetween(graph, 'agent.health.healthy', 'agent.health.stale')[0]?.label).toBe(
      'after staleAfter',
    );
    // The ASSIGN guard is an inline stateIn(), which JSON cannot carry.
    expect(edgesBetween(graph, 'agent.work.idle', 'agent.work.busy')[0]?.guard).toBeUndefined();
    expect(edgesBetween(graph, 'agent.work.busy', 'agent.work.idle')[0]?.guard).toBe('holdsTask');
  });

  it('rejects something that is not a machine definition', () => {
    expect(() => toGraph(null)).toThrow(TypeError);
    expect(() => toGraph({ states: {} })).toThrow(TypeError);
  });
});

describe('activeLeafIds', () => {
  it('resolves string, nested and parallel values', () => {
    expect(activeLeafIds(task, 'analyzing')).toEqual(['task.analyzing']);
    expect(activeLeafIds(task, { dispatched: 'ready' })).toEqual(['task.dispatched.ready']);
    expect(activeLeafIds(agent, { work: 'idle', health: 'stale' })).toEqual([
      'agent.work.idle',
      'agent.health.stale',
    ]);
  });

  it('stops at a compound state rather than guessing, and ignores unknown states', () => {
    expect(activeLeafIds(task, 'dispatched')).toEqual(['task.dispatched']);
    expect(activeLeafIds(task, 'no_such_state')).toEqual([]);
    expect(activeLeafIds(task, { dispatched: 'gone' })).toEqual(['task.dispatched']);
    expect(activeLeafIds(task, 42)).toEqual([]);
  });
});

describe('describeStateValue', () => {
  it('writes values as dotted paths', () => {
    expect(describeStateValue('coding')).toBe('coding');
    expect(describeStateValue({ dispatched: 'ready' })).toBe('dispatched.ready');
    expect(describeStateValue({ work: 'busy', health: 'stale' })).toBe('work.busy, health.stale');
  });
});

describe('pathStates', () => {
  const graph = toGraph(task);
  const history = [
    'received',
    'analyzing',
    'needs_clarification',
    'analyzing',
    { dispatched: 'openingIssue' },
    { dispatched: 'ready' },
    'coding',
  ];

  it('marks the transitions a realistic task history took', () => {
    const path = pathStates(task, history);
    expect([...path.taken].sort()).toEqual(
      [
        edgeId(graph, 'task.received', 'task.analyzing', 'xstate.after.0.task.received'),
        edgeId(graph, 'task.analyzing', 'task.needs_clarification', 'xstate.done.actor.analyze'),
        edgeId(graph, 'task.needs_clarification', 'task.analyzing', 'ANSWER'),
        edgeId(graph, 'task.analyzing', 'task.dispatched', 'xstate.done.actor.analyze'),
        edgeId(
          graph,
          'task.dispatched.openingIssue',
          'task.dispatched.ready',
          'xstate.done.actor.openIssue',
        ),
        edgeId(graph, 'task.dispatched.ready', 'task.coding', 'START_CODING'),
      ].sort(),
    );
    expect([...path.latest]).toEqual([
      edgeId(graph, 'task.dispatched.ready', 'task.coding', 'START_CODING'),
    ]);
  });

  it('marks visited leaves and their ancestors only', () => {
    const path = pathStates(task, history);
    expect([...path.visited].sort()).toEqual([
      'task.analyzing',
      'task.coding',
      'task.dispatched',
      'task.dispatched.openingIssue',
      'task.dispatched.ready',
      'task.needs_clarification',
      'task.received',
    ]);
  });

  it('marks every transition that fits when values alone cannot tell them apart', () => {
    const path = pathStates(task, ['pr_open', 'failed']);
    const events = [...path.taken].map((id) => graph.edges.find((e) => e.id === id)?.eventType);
    expect(events.sort()).toEqual(['FAIL', 'PR_CLOSED']);
  });

  it('lights a self-loop only when the value did not change', () => {
    const agentGraph = toGraph(agent);
    const healthy = { work: 'idle', health: 'healthy' };
    const heartbeat = pathStates(agent, [healthy, healthy]);
    expect([...heartbeat.taken].sort()).toEqual([
      edgeId(agentGraph, 'agent.health.healthy', 'agent.health.healthy', 'HEARTBEAT'),
      edgeId(agentGraph, 'agent.health.healthy', 'agent.health.healthy', 'REGISTER'),
    ]);

    // Another region moved: the unchanged health region took nothing.
    const assigned = pathStates(agent, [healthy, { work: 'busy', health: 'healthy' }]);
    expect([...assigned.taken]).toEqual([
      edgeId(agentGraph, 'agent.work.idle', 'agent.work.busy', 'ASSIGN'),
    ]);
  });

  it('is empty for an empty or single-step history', () => {
    expect(pathStates(task, []).taken.size).toBe(0);
    const single = pathStates(task, ['coding']);
    expect(single.taken.size).toBe(0);
    expect([...single.visited]).toEqual(['task.coding']);
  });
});

describe('layoutGraph', () => {
  function absolute(layout: Layout, id: string): { x: number; y: number } {
    const node = layout.nodes.find((n) => n.id === id);
    if (!node) throw new Error(`no node ${id}`);
    const parent = node.parentId ? absolute(layout, node.parentId) : { x: 0, y: 0 };
    return { x: parent.x + node.x, y: parent.y + node.y };
  }

  it.each([
    ['task', task],
    ['agent', agent],
  ])('lays out the %s machine with children inside their parents', async (_name, definition) => {
    const graph = toGraph(definition);
    const layout = await layoutGraph(graph);

    expect(layout.nodes.map((n) => n.id)).toEqual(graph.nodes.map((n) => n.id));
    expect(layout.width).toBeGreaterThan(0);
    expect(layout.height).toBeGreaterThan(0);
    for (const node of layout.nodes) {
      for (const value of [node.x, node.y, node.width, node.height]) {
        expect(Number.isFinite(value)).toBe(true);
      }
      expect(node.width).toBeGreaterThan(0);
      expect(node.height).toBeGreaterThan(0);
      const parent = layout.nodes.find((n) => n.id === node.parentId);
      // Relative to the parent (or the canvas), and inside it.
      const bounds = parent ?? { width: layout.width, height: layout.height };
      expect(node.x).toBeGreaterThanOrEqual(0);
      expect(node.y).toBeGreaterThanOrEqual(0);
      expect(node.x + node.width).toBeLessThanOrEqual(bounds.width);
      expect(node.y + node.height).toBeLessThanOrEqual(bounds.height);
    }

    for (const edge of layout.edges) {
      expect(edge.points.length).toBeGreaterThanOrEqual(2);
      for (const point of edge.points) {
        expect(Number.isFinite(point.x) && Number.isFinite(point.y)).toBe(true);
      }
      expect(edge.labelBox).toBeDefined();
    }
  });

  it('gives edges absolute coordinates that start at their source', async () => {
    const layout = await layoutGraph(toGraph(task));
    const edge = layout.edges.find(
      (e) => e.source === 'task.dispatched.openingIssue' && e.target === 'task.dispatched.ready',
    );
    const source = layout.nodes.find((n) => n.id === 'task.dispatched.openingIssue');
    if (!edge || !source) throw new Error('missing openingIssue → ready');
    const origin = absolute(layout, source.id);
    const [start] = edge.points;
    expect(start.x).toBeGreaterThanOrEqual(origin.x - 1);
    expect(start.x).toBeLessThanOrEqual(origin.x + source.width + 1);
    expect(start.y).toBeGreaterThanOrEqual(origin.y - 1);
    expect(start.y).toBeLessThanOrEqual(origin.y + source.height + 1);
  });

  it('keeps sibling states from overlapping', async () => {
    const layout = await layoutGraph(toGraph(task), { direction: 'RIGHT' });
    const top = layout.nodes.filter((n) => n.parentId === undefined);
    for (const a of top) {
      for (const b of top) {
        if (a === b) continue;
        const apart =
          a.x + a.width <= b.x ||
          b.x + b.width <= a.x ||
          a.y + a.height <= b.y ||
          b.y + b.height <= a.y;
        expect(apart, `${a.id} overlaps ${b.id}`).toBe(true);
      }
    }
  });
});
