/**
 * What the machines are created with in the machine and runtime tests (the shape the services
 * build); each test overrides what it is about.
 */
import type { EventObject } from 'xstate';
import type { AgentInput, TaskInput } from '../../src/machines/index.js';

export const AT = '2026-01-01T00:00:00.000Z';

export const taskInput = (overrides: Partial<TaskInput> = {}): TaskInput => ({
  id: 't1',
  title: 'Dark mode',
  description: 'Add a dark theme',
  creator: { id: 'acme/ada', name: 'Ada' },
  org: 'acme',
  private: false,
  createdAt: AT,
  ...overrides,
});

export const agentInput = (overrides: Partial<AgentInput> = {}): AgentInput => ({
  id: 'a1',
  name: 'worker-a1',
  org: 'acme',
  ownerId: 'acme/ada',
  registeredAt: AT,
  staleAfterMs: 1000,
  crashAfterMs: 3000,
  ...overrides,
});

/**
 * A task's commands and effect results, valid or not in whatever state the actor is in: the
 * pool the runtime's differential test and the machine's fixed-keys property draw from.
 */
export const TASK_EVENTS: (EventObject & Record<string, unknown>)[] = [
  { type: 'ANSWER', answers: ['yes'] },
  { type: 'ANSWER', answers: ['yes', 'no'] },
  { type: 'ANSWER', answers: [' '] },
  { type: 'CANCEL', reason: 'not needed' },
  { type: 'RETRY' },
  { type: 'ASSIGN', agentId: 'a1', agentName: 'worker-1', agentOwnerId: 'acme/bob' },
  { type: 'ASSIGN', agentId: 'a2' },
  { type: 'WAIT', code: 'no_agent_online', reason: 'nobody', since: AT },
  { type: 'WAIT', code: 'all_agents_busy', reason: 'busy', since: AT },
  { type: 'START_CODING', agentId: 'a1', branch: 'conveyor/1' },
  { type: 'START_CODING', agentId: 'a2', branch: 'conveyor/2' },
  { type: 'PROGRESS', message: 'tests', percent: 40 },
  { type: 'REQUEUE', reason: 'agent crashed' },
  { type: 'REQUEUE', reason: 'agent worker-1 crashed (no heartbeat)', cause: 'crashed' },
  { type: 'ITERATION', agentId: 'a1', n: 1, summary: 'wrote the test' },
  { type: 'USAGE', agentId: 'a1', inputTokens: 1200, outputTokens: 300, costMicros: 4_000, model: 'gpt-x' },
  { type: 'USAGE', agentId: 'a2', inputTokens: 10, outputTokens: 1, costMicros: 100, model: null },
  { type: 'SET_BUDGET', budgetMicros: 5_000 },
  { type: 'SET_BUDGET', budgetMicros: null },
  { type: 'HOLD', reason: 'agent stale' },
  { type: 'RESUME' },
  { type: 'PR_OPENED', number: 7, url: 'https://example.test/pr/7', title: 'Dark theme' },
  { type: 'PR_MERGED', sha: 'abc123', mergedAt: AT },
  { type: 'PR_CLOSED' },
  { type: 'FAIL', error: 'boom' },
  { type: 'xstate.done.actor.analyze', output: { verdict: 'dispatch' } },
  { type: 'xstate.done.actor.analyze', output: { verdict: 'clarify', questions: ['Which pages?'] } },
  { type: 'xstate.error.actor.analyze', error: { message: 'model down' } },
  { type: 'xstate.done.actor.openIssue', output: { number: 12, url: 'https://example.test/issues/12' } },
  { type: 'xstate.error.actor.openIssue', error: 'tracker down' },
];
