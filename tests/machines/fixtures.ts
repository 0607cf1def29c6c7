/**
 * What the machines are created with in the machine and runtime tests (the shape the services
 * build); each test overrides what it is about.
 */
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
