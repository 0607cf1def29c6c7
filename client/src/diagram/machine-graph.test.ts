import { describe, expect, it } from 'vitest';
import { createMachine } from 'xstate';
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

/** The task machine's states inside `active`, in document order. */
const UNDER_ACTIVE = [
  'task.active.received',
  'task.active.analyzing',
  'task.active.needs_clarification',
  'task.active.dispatched',
  'task.active.dispatched.openingIssue',
  'task.active.dispatched.queued',
  'task.active.dispatched.assigned',
  'task.active.coding',
  'task.active.pr_open',
  'task.active.held',
];

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
    ['xstate.after.0.task.active.received', 'after 0 ms'],
    ['xstate.after.staleAfter.agent.health.healthy', 'after staleAfter'],
    ['xstate.done.state.task.active.dispatched', 'dispatched done'],
    ['PR_OPENED', 'PR_OPENED'],
  ])('%s → %s', (eventType, expected) => {
    expect(prettyEvent(eventType)).toBe(expected);
  });
});

describe('toGraph', () => {
  it('draws every task state except the root, with dispatched nested in the active group', () => {
    const graph = toGraph(task);
    expect(graph.nodes.map((n) => n.id)).toEqual([
      'task.active',
      ...UNDER_ACTIVE,
      'task.merged',
      'task.failed',
      'task.cancelled',
    ]);
    expect(graph.nodes.map((n) => [n.id, n.kind, n.parentId])).toEqual([
      ['task.active', 'compound', undefined],
      ['task.active.received', 'atomic', 'task.active'],
      ['task.active.analyzing', 'atomic', 'task.active'],
      ['task.active.needs_clarification', 'atomic', 'task.active'],
      ['task.active.dispatched', 'compound', 'task.active'],
      ['task.active.dispatched.openingIssue', 'atomic', 'task.active.dispatched'],
      ['task.active.dispatched.queued', 'atomic', 'task.active.dispatched'],
      ['task.active.dispatched.assigned', 'atomic', 'task.active.dispatched'],
      ['task.active.coding', 'atomic', 'task.active'],
      ['task.active.pr_open', 'atomic', 'task.active'],
      ['task.active.held', 'atomic', 'task.active'],
      ['task.merged', 'final', undefined],
      ['task.failed', 'atomic', undefined],
      ['task.cancelled', 'final', undefined],
    ]);
    const byId = new Map(graph.nodes.map((n) => [n.id, n]));
    expect(byId.get('task.active')).toMatchObject({
      key: 'active',
      label: 'active',
      description: 'Being worked on. Can be cancelled or fail from any of these states.',
    });
    expect(byId.get('task.active.dispatched.queued')).toMatchObject({
      key: 'queued',
      label: 'queued',
      description: 'Waiting for an idle, healthy agent of the same org.',
    });
    expect(byId.get('task.active.dispatched.assigned')).toMatchObject({
      key: 'assigned',
      label: 'assigned',
      description: 'An agent has it; coding starts when that agent says so.',
    });
    expect(graph.nodes.filter((n) => n.isInitial).map((n) => n.id)).toEqual([
      'task.active',
      'task.active.received',
      'task.active.dispatched.openingIssue',
    ]);
    expect(graph.nodes.some((n) => n.isRegion)).toBe(false);
  });

  it('has one edge per transition target, labelled and with guards', () => {
    const graph = toGraph(task);
    expect(
      graph.edges.map((e) => ({
        id: e.id,
        source: e.source,
        target: e.target,
        eventType: e.eventType,
        label: e.label,
        guard: e.guard,
      })),
    ).toEqual([
      {
        id: 'task.active:CANCEL:task.cancelled',
        source: 'task.active',
        target: 'task.cancelled',
        eventType: 'CANCEL',
        label: 'CANCEL',
        guard: undefined,
      },
      {
        id: 'task.active:FAIL:task.failed',
        source: 'task.active',
        target: 'task.failed',
        eventType: 'FAIL',
        label: 'FAIL',
        guard: undefined,
      },
      {
        id: 'task.active:USAGE:task.active.held',
        source: 'task.active',
        target: 'task.active.held',
        eventType: 'USAGE',
        label: 'USAGE',
        guard: 'stopsAtBudget',
      },
      {
        id: 'task.active:SET_BUDGET:task.active.held',
        source: 'task.active',
        target: 'task.active.held',
        eventType: 'SET_BUDGET',
        label: 'SET_BUDGET',
        guard: 'stopsAtBudget',
      },
      {
        id: 'task.active.received:xstate.after.0.task.active.received:task.active.analyzing',
        source: 'task.active.received',
        target: 'task.active.analyzing',
        eventType: 'xstate.after.0.task.active.received',
        label: 'after 0 ms',
        guard: undefined,
      },
      {
        id: 'task.active.analyzing:xstate.done.actor.analyze:task.active.needs_clarification',
        source: 'task.active.analyzing',
        target: 'task.active.needs_clarification',
        eventType: 'xstate.done.actor.analyze',
        label: 'analyze done',
        guard: 'needsClarification',
      },
      {
        id: 'task.active.analyzing:xstate.done.actor.analyze:task.active.dispatched',
        source: 'task.active.analyzing',
        target: 'task.active.dispatched',
        eventType: 'xstate.done.actor.analyze',
        label: 'analyze done',
        guard: undefined,
      },
      {
        id: 'task.active.analyzing:xstate.error.actor.analyze:task.failed',
        source: 'task.active.analyzing',
        target: 'task.failed',
        eventType: 'xstate.error.actor.analyze',
        label: 'analyze failed',
        guard: undefined,
      },
      {
        id: 'task.active.needs_clarification:ANSWER:task.active.analyzing',
        source: 'task.active.needs_clarification',
        target: 'task.active.analyzing',
        eventType: 'ANSWER',
        label: 'ANSWER',
        guard: 'answersAllQuestions',
      },
      {
        id: 'task.active.dispatched.openingIssue:xstate.done.actor.openIssue:task.active.dispatched.queued',
        source: 'task.active.dispatched.openingIssue',
        target: 'task.active.dispatched.queued',
        eventType: 'xstate.done.actor.openIssue',
        label: 'openIssue done',
        guard: undefined,
      },
      {
        id: 'task.active.dispatched.openingIssue:xstate.error.actor.openIssue:task.failed',
        source: 'task.active.dispatched.openingIssue',
        target: 'task.failed',
        eventType: 'xstate.error.actor.openIssue',
        label: 'openIssue failed',
        guard: undefined,
      },
      {
        id: 'task.active.dispatched.queued:ASSIGN:task.active.dispatched.assigned',
        source: 'task.active.dispatched.queued',
        target: 'task.active.dispatched.assigned',
        eventType: 'ASSIGN',
        label: 'ASSIGN',
        guard: undefined,
      },
      {
        id: 'task.active.dispatched.assigned:START_CODING:task.active.coding',
        source: 'task.active.dispatched.assigned',
        target: 'task.active.coding',
        eventType: 'START_CODING',
        label: 'START_CODING',
        guard: 'isAssignedAgent',
      },
      {
        id: 'task.active.dispatched.assigned:REQUEUE:task.active.dispatched.queued',
        source: 'task.active.dispatched.assigned',
        target: 'task.active.dispatched.queued',
        eventType: 'REQUEUE',
        label: 'REQUEUE',
        guard: undefined,
      },
      {
        id: 'task.active.coding:REQUEUE:task.active.dispatched.queued',
        source: 'task.active.coding',
        target: 'task.active.dispatched.queued',
        eventType: 'REQUEUE',
        label: 'REQUEUE',
        guard: undefined,
      },
      {
        id: 'task.active.coding:PR_OPENED:task.active.pr_open',
        source: 'task.active.coding',
        target: 'task.active.pr_open',
        eventType: 'PR_OPENED',
        label: 'PR_OPENED',
        guard: undefined,
      },
      {
        id: 'task.active.pr_open:PR_MERGED:task.merged',
        source: 'task.active.pr_open',
        target: 'task.merged',
        eventType: 'PR_MERGED',
        label: 'PR_MERGED',
        guard: undefined,
      },
      {
        id: 'task.active.pr_open:PR_CLOSED:task.failed',
        source: 'task.active.pr_open',
        target: 'task.failed',
        eventType: 'PR_CLOSED',
        label: 'PR_CLOSED',
        guard: undefined,
      },
      {
        id: 'task.active.held:SET_BUDGET:task.active.dispatched.queued',
        source: 'task.active.held',
        target: 'task.active.dispatched.queued',
        eventType: 'SET_BUDGET',
        label: 'SET_BUDGET',
        guard: 'budgetAllows',
      },
      {
        id: 'task.failed:RETRY:task.active.analyzing',
        source: 'task.failed',
        target: 'task.active.analyzing',
        eventType: 'RETRY',
        label: 'RETRY',
        guard: undefined,
      },
      {
        id: 'task.failed:CANCEL:task.cancelled',
        source: 'task.failed',
        target: 'task.cancelled',
        eventType: 'CANCEL',
        label: 'CANCEL',
        guard: undefined,
      },
    ]);
    // CANCEL and FAIL are declared once on the active group, not repeated on its children.
    expect(graph.edges.filter((e) => e.eventType === 'FAIL').map((e) => e.source)).toEqual([
      'task.active',
    ]);
    expect(graph.edges.filter((e) => e.eventType === 'CANCEL').map((e) => e.source)).toEqual([
      'task.active',
      'task.failed',
    ]);
    expect(edgesBetween(graph, 'task.active.pr_open', 'task.failed')).toEqual([
      expect.objectContaining({ eventType: 'PR_CLOSED' }),
    ]);
    // Targetless transitions (HOLD/RESUME on active, PROGRESS on coding) change context only and
    // are not drawn.
    const targetless = new Set(['HOLD', 'RESUME', 'PROGRESS']);
    expect(graph.edges.filter((e) => targetless.has(e.eventType))).toEqual([]);
  });

  it('draws the parallel agent machine as two regions', () => {
    const graph = toGraph(agent);
    // work: idle, busy (working → stuck → abandoned); health: four states.
    expect(graph.nodes).toHaveLength(11);
    expect(graph.edges).toHaveLength(15);
    const regions = graph.nodes.filter((n) => n.isRegion);
    expect(regions.map((n) => [n.id, n.kind, n.parentId])).toEqual([
      ['agent.work', 'compound', undefined],
      ['agent.health', 'compound', undefined],
    ]);
    expect(
      graph.nodes.filter((n) => n.parentId === 'agent.health').map((n) => [n.id, n.kind]),
    ).toEqual([
      ['agent.health.healthy', 'atomic'],
      ['agent.health.stale', 'atomic'],
      ['agent.health.crashed', 'atomic'],
      ['agent.health.offline', 'atomic'],
    ]);
    expect(
      edgesBetween(graph, 'agent.health.healthy', 'agent.health.healthy').map((e) => e.eventType),
    ).toEqual(['HEARTBEAT', 'REGISTER']);
    expect(
      graph.edges.filter((e) => e.target === 'agent.health.offline').map((e) => e.id),
    ).toEqual([
      'agent.health.healthy:DEREGISTER:agent.health.offline',
      'agent.health.stale:DEREGISTER:agent.health.offline',
    ]);
    expect(
      graph.edges.filter((e) => e.source === 'agent.health.offline').map((e) => e.id),
    ).toEqual(['agent.health.offline:REGISTER:agent.health.healthy']);
    expect(edgesBetween(graph, 'agent.health.healthy', 'agent.health.stale')[0]?.label).toBe(
      'after staleAfter',
    );
    // The ASSIGN guard is an inline stateIn(), which JSON cannot carry.
    expect(edgesBetween(graph, 'agent.work.idle', 'agent.work.busy')[0]?.guard).toBeUndefined();
    expect(edgesBetween(graph, 'agent.work.busy', 'agent.work.idle')[0]?.guard).toBe('holdsTask');
    // The stuck watch: deadlines inside busy, and a report re-entering `working` from anywhere in it.
    expect(edgesBetween(graph, 'agent.work.busy.working', 'agent.work.busy.stuck')[0]?.label).toBe('after stuckAfter');
    expect(edgesBetween(graph, 'agent.work.busy.stuck', 'agent.work.busy.abandoned')[0]?.label).toBe('after stuckAfter');
    expect(edgesBetween(graph, 'agent.work.busy', 'agent.work.busy.working')[0]?.eventType).toBe('REPORT');
  });

  it('rejects something that is not a machine definition', () => {
    expect(() => toGraph(null)).toThrow(TypeError);
    expect(() => toGraph({ states: {} })).toThrow(TypeError);
  });
});

describe('activeLeafIds', () => {
  it('resolves string, nested and parallel values', () => {
    expect(activeLeafIds(task, { active: 'analyzing' })).toEqual(['task.active.analyzing']);
    expect(activeLeafIds(task, { active: { dispatched: 'queued' } })).toEqual([
      'task.active.dispatched.queued',
    ]);
    expect(activeLeafIds(task, { active: { dispatched: 'assigned' } })).toEqual([
      'task.active.dispatched.assigned',
    ]);
    expect(activeLeafIds(task, 'failed')).toEqual(['task.failed']);
    expect(activeLeafIds(agent, { work: 'idle', health: 'stale' })).toEqual([
      'agent.work.idle',
      'agent.health.stale',
    ]);
  });

  it('stops at a compound state rather than guessing, and ignores unknown states', () => {
    expect(activeLeafIds(task, 'active')).toEqual(['task.active']);
    expect(activeLeafIds(task, { active: 'dispatched' })).toEqual(['task.active.dispatched']);
    expect(activeLeafIds(task, 'no_such_state')).toEqual([]);
    expect(activeLeafIds(task, { active: 'gone' })).toEqual(['task.active']);
    expect(activeLeafIds(task, { active: { dispatched: 'gone' } })).toEqual([
      'task.active.dispatched',
    ]);
    // `ready` was replaced by queued/assigned; a value recorded before that stops at dispatched.
    expect(activeLeafIds(task, { active: { dispatched: 'ready' } })).toEqual([
      'task.active.dispatched',
    ]);
    // A flat value from before the working states moved under `active` names nothing now.
    expect(activeLeafIds(task, 'analyzing')).toEqual([]);
    expect(activeLeafIds(task, 42)).toEqual([]);
  });
});

describe('describeStateValue', () => {
  it('writes values as dotted paths', () => {
    expect(describeStateValue('failed')).toBe('failed');
    expect(describeStateValue({ active: 'coding' })).toBe('active.coding');
    expect(describeStateValue({ active: { dispatched: 'queued' } })).toBe(
      'active.dispatched.queued',
    );
    expect(describeStateValue({ work: 'busy', health: 'stale' })).toBe('work.busy, health.stale');
  });
});

describe('pathStates', () => {
  const graph = toGraph(task);
  const history = [
    { active: 'received' },
    { active: 'analyzing' },
    { active: 'needs_clarification' },
    { active: 'analyzing' },
    { active: { dispatched: 'openingIssue' } },
    { active: { dispatched: 'queued' } },
    { active: { dispatched: 'assigned' } },
    { active: 'coding' },
  ];

  it('marks the transitions a realistic task history took', () => {
    const path = pathStates(task, history);
    expect([...path.taken].sort()).toEqual(
      [
        edgeId(
          graph,
          'task.active.received',
          'task.active.analyzing',
          'xstate.after.0.task.active.received',
        ),
        edgeId(
          graph,
          'task.active.analyzing',
          'task.active.needs_clarification',
          'xstate.done.actor.analyze',
        ),
        edgeId(graph, 'task.active.needs_clarification', 'task.active.analyzing', 'ANSWER'),
        edgeId(
          graph,
          'task.active.analyzing',
          'task.active.dispatched',
          'xstate.done.actor.analyze',
        ),
        edgeId(
          graph,
          'task.active.dispatched.openingIssue',
          'task.active.dispatched.queued',
          'xstate.done.actor.openIssue',
        ),
        edgeId(graph, 'task.active.dispatched.queued', 'task.active.dispatched.assigned', 'ASSIGN'),
        edgeId(graph, 'task.active.dispatched.assigned', 'task.active.coding', 'START_CODING'),
      ].sort(),
    );
    expect([...path.latest]).toEqual([
      edgeId(graph, 'task.active.dispatched.assigned', 'task.active.coding', 'START_CODING'),
    ]);
  });

  it('marks a requeue back to the queue, from coding or from assigned', () => {
    const queued = 'task.active.dispatched.queued';
    const assigned = 'task.active.dispatched.assigned';
    const fromCodingEdge = edgeId(graph, 'task.active.coding', queued, 'REQUEUE');
    const fromAssignedEdge = edgeId(graph, assigned, queued, 'REQUEUE');

    // The full history, then the agent dropped out while coding.
    const fromCoding = pathStates(task, [...history, { active: { dispatched: 'queued' } }]);
    expect([...fromCoding.latest]).toEqual([fromCodingEdge]);
    // Exactly one edge more than the history without the requeue; assigned → queued stays dark.
    expect([...fromCoding.taken].sort()).toEqual(
      [...pathStates(task, history).taken, fromCodingEdge].sort(),
    );
    expect(fromCoding.taken.has(fromAssignedEdge)).toBe(false);

    const fromAssigned = pathStates(task, [
      { active: { dispatched: 'queued' } },
      { active: { dispatched: 'assigned' } },
      { active: { dispatched: 'queued' } },
    ]);
    expect([...fromAssigned.taken].sort()).toEqual(
      [edgeId(graph, queued, assigned, 'ASSIGN'), fromAssignedEdge].sort(),
    );
    expect([...fromAssigned.latest]).toEqual([fromAssignedEdge]);
    expect([...fromAssigned.visited].sort()).toEqual([
      'task.active',
      'task.active.dispatched',
      assigned,
      queued,
    ]);
  });

  it('marks visited leaves and their ancestors only', () => {
    const path = pathStates(task, history);
    expect([...path.visited].sort()).toEqual([
      'task.active',
      'task.active.analyzing',
      'task.active.coding',
      'task.active.dispatched',
      'task.active.dispatched.assigned',
      'task.active.dispatched.openingIssue',
      'task.active.dispatched.queued',
      'task.active.needs_clarification',
      'task.active.received',
    ]);
  });

  it('applies transitions declared on a parent to the leaves inside it', () => {
    const failed = pathStates(task, [{ active: 'coding' }, 'failed']);
    const fail = edgeId(graph, 'task.active', 'task.failed', 'FAIL');
    expect([...failed.taken]).toEqual([fail]);
    expect([...failed.latest]).toEqual([fail]);
    expect([...failed.visited].sort()).toEqual([
      'task.active',
      'task.active.coding',
      'task.failed',
    ]);

    // Two levels down: the leaf is inside dispatched, which is inside active.
    const cancelled = pathStates(task, [{ active: { dispatched: 'assigned' } }, 'cancelled']);
    expect([...cancelled.taken]).toEqual([
      edgeId(graph, 'task.active', 'task.cancelled', 'CANCEL'),
    ]);

    // Outside active the group's CANCEL does not apply; failed has its own.
    const gaveUp = pathStates(task, ['failed', 'cancelled']);
    expect([...gaveUp.taken]).toEqual([edgeId(graph, 'task.failed', 'task.cancelled', 'CANCEL')]);
  });

  it('marks every transition that fits when values alone cannot tell them apart', () => {
    const path = pathStates(task, [{ active: 'pr_open' }, 'failed']);
    expect([...path.taken].sort()).toEqual(
      [
        edgeId(graph, 'task.active', 'task.failed', 'FAIL'),
        edgeId(graph, 'task.active.pr_open', 'task.failed', 'PR_CLOSED'),
      ].sort(),
    );

    const issue = pathStates(task, [{ active: { dispatched: 'openingIssue' } }, 'failed']);
    expect([...issue.taken].sort()).toEqual(
      [
        edgeId(graph, 'task.active', 'task.failed', 'FAIL'),
        edgeId(
          graph,
          'task.active.dispatched.openingIssue',
          'task.failed',
          'xstate.error.actor.openIssue',
        ),
      ].sort(),
    );
  });

  it('follows a retry back into the active group', () => {
    const path = pathStates(task, [{ active: 'pr_open' }, 'failed', { active: 'analyzing' }]);
    const retry = edgeId(graph, 'task.failed', 'task.active.analyzing', 'RETRY');
    expect([...path.latest]).toEqual([retry]);
    expect([...path.taken].sort()).toEqual(
      [
        edgeId(graph, 'task.active', 'task.failed', 'FAIL'),
        edgeId(graph, 'task.active.pr_open', 'task.failed', 'PR_CLOSED'),
        retry,
      ].sort(),
    );
    expect([...path.visited].sort()).toEqual([
      'task.active',
      'task.active.analyzing',
      'task.active.pr_open',
      'task.failed',
    ]);
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

  it('marks an agent signing off and registering again', () => {
    const agentGraph = toGraph(agent);
    const path = pathStates(agent, [
      { work: 'idle', health: 'healthy' },
      { work: 'idle', health: 'offline' },
      { work: 'idle', health: 'healthy' },
    ]);
    const register = edgeId(agentGraph, 'agent.health.offline', 'agent.health.healthy', 'REGISTER');
    expect([...path.taken].sort()).toEqual(
      [
        edgeId(agentGraph, 'agent.health.healthy', 'agent.health.offline', 'DEREGISTER'),
        register,
      ].sort(),
    );
    // Coming back from offline is not a heartbeat: the healthy self-loops stay dark.
    expect([...path.latest]).toEqual([register]);
    expect([...path.visited].sort()).toEqual([
      'agent.health',
      'agent.health.healthy',
      'agent.health.offline',
      'agent.work',
      'agent.work.idle',
    ]);
  });

  it('lights a self-loop declared on a compound state only when the value did not change', () => {
    // The agent machine's heartbeat, moved from the leaf up to its region.
    const machine = createMachine({
      id: 'm',
      type: 'parallel',
      states: {
        work: { initial: 'idle', states: { idle: { on: { GO: 'busy' } }, busy: {} } },
        health: {
          initial: 'healthy',
          on: { HEARTBEAT: { target: 'health' } },
          states: { healthy: { on: { MISS: 'stale' } }, stale: {} },
        },
      },
    });
    const definition: unknown = JSON.parse(JSON.stringify(machine.toJSON()));
    const mGraph = toGraph(definition);
    const heartbeat = edgeId(mGraph, 'm.health', 'm.health', 'HEARTBEAT');
    const healthy = { work: 'idle', health: 'healthy' };

    expect([...pathStates(definition, [healthy, healthy]).taken]).toEqual([heartbeat]);
    // Another region moved: the unchanged health region took nothing.
    const assigned = pathStates(definition, [healthy, { work: 'busy', health: 'healthy' }]);
    expect([...assigned.taken]).toEqual([edgeId(mGraph, 'm.work.idle', 'm.work.busy', 'GO')]);
  });

  it('is empty for an empty or single-step history', () => {
    expect(pathStates(task, []).taken.size).toBe(0);
    const single = pathStates(task, [{ active: 'coding' }]);
    expect(single.taken.size).toBe(0);
    expect(single.latest.size).toBe(0);
    expect([...single.visited].sort()).toEqual(['task.active', 'task.active.coding']);
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

  it('nests dispatched inside active, every descendant within both groups', async () => {
    const layout = await layoutGraph(toGraph(task));
    const boxOf = (id: string) => {
      const node = layout.nodes.find((n) => n.id === id);
      if (!node) throw new Error(`no node ${id}`);
      return { ...absolute(layout, id), width: node.width, height: node.height };
    };
    const inside = (inner: string, outer: string) => {
      const a = boxOf(inner);
      const b = boxOf(outer);
      return (
        a.x >= b.x &&
        a.y >= b.y &&
        a.x + a.width <= b.x + b.width &&
        a.y + a.height <= b.y + b.height
      );
    };

    expect(layout.nodes.find((n) => n.id === 'task.active.dispatched')?.parentId).toBe(
      'task.active',
    );
    const underActive = layout.nodes.filter((n) => n.id.startsWith('task.active.'));
    expect(underActive.map((n) => n.id)).toEqual(UNDER_ACTIVE);
    for (const node of underActive) {
      expect(inside(node.id, 'task.active'), `${node.id} outside task.active`).toBe(true);
    }
    for (const id of [
      'task.active.dispatched.openingIssue',
      'task.active.dispatched.queued',
      'task.active.dispatched.assigned',
    ]) {
      expect(inside(id, 'task.active.dispatched'), `${id} outside dispatched`).toBe(true);
    }
    for (const id of ['task.merged', 'task.failed', 'task.cancelled']) {
      const a = boxOf(id);
      const b = boxOf('task.active');
      const apart =
        a.x + a.width <= b.x ||
        b.x + b.width <= a.x ||
        a.y + a.height <= b.y ||
        b.y + b.height <= a.y;
      expect(apart, `${id} overlaps task.active`).toBe(true);
    }
  });

  it('gives edges absolute coordinates that start at their source', async () => {
    const layout = await layoutGraph(toGraph(task));
    const startsOn = (edgeId: string, sourceId: string) => {
      const edge = layout.edges.find((e) => e.id === edgeId);
      const source = layout.nodes.find((n) => n.id === sourceId);
      if (!edge || !source) throw new Error(`missing ${edgeId}`);
      expect(edge.source).toBe(sourceId);
      const origin = absolute(layout, source.id);
      const [start] = edge.points;
      expect(start.x).toBeGreaterThanOrEqual(origin.x - 1);
      expect(start.x).toBeLessThanOrEqual(origin.x + source.width + 1);
      expect(start.y).toBeGreaterThanOrEqual(origin.y - 1);
      expect(start.y).toBeLessThanOrEqual(origin.y + source.height + 1);
    };
    // Inside two levels of groups.
    startsOn(
      'task.active.dispatched.openingIssue:xstate.done.actor.openIssue:task.active.dispatched.queued',
      'task.active.dispatched.openingIssue',
    );
    // Out of the dispatched group into a sibling of it.
    startsOn(
      'task.active.dispatched.assigned:START_CODING:task.active.coding',
      'task.active.dispatched.assigned',
    );
    // Out of a group: the shared FAIL edge leaves the active group's own box.
    startsOn('task.active:FAIL:task.failed', 'task.active');
  });

  it('keeps sibling states from overlapping at every level', async () => {
    const layout = await layoutGraph(toGraph(task), { direction: 'RIGHT' });
    const parents = new Set(layout.nodes.map((n) => n.parentId));
    expect([...parents]).toEqual([undefined, 'task.active', 'task.active.dispatched']);
    for (const parentId of parents) {
      const siblings = layout.nodes.filter((n) => n.parentId === parentId);
      for (const a of siblings) {
        for (const b of siblings) {
          if (a === b) continue;
          const apart =
            a.x + a.width <= b.x ||
            b.x + b.width <= a.x ||
            a.y + a.height <= b.y ||
            b.y + b.height <= a.y;
          expect(apart, `${a.id} overlaps ${b.id}`).toBe(true);
        }
      }
    }
  });
});
