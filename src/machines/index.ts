export * from './task.js';
export * from './task-sessions.js';
export * from './agent.js';
export * from './describe.js';
export * from './message.js';

import { agentMachine } from './agent.js';
import { taskMachine } from './task.js';

/** Every machine the server runs, by the name visualizers and the `machines` query use. */
export const machines = { task: taskMachine, agent: agentMachine } as const;
export type EntityType = keyof typeof machines;
