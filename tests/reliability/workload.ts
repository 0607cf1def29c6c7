/**
 * A burst of real mutations from several concurrent clients, each keeping a ledger of what the
 * server acknowledged (a 200 with data) and what it returned, to be checked against the log
 * after a crash.
 */
import { ANSWER, CANCEL, CREATE, HEARTBEAT, REGISTER, TASK, request, type Outcome } from './client.js';

export type AckKind = 'create' | 'answer' | 'cancel' | 'register' | 'heartbeat';

export interface Ack {
  kind: AckKind;
  cycle: number;
  entityId: string;
  version: number;
  /** Tasks: the machine state value the server returned. */
  state?: unknown;
  /** Agents: the heartbeat time the server returned. */
  lastHeartbeatAt?: string;
  /** Answers: what was answered. */
  answers?: string[];
}

export interface Member {
  name: string;
  token: string;
  agentId: string | null;
  /** Own tasks and their last known status. */
  tasks: Map<string, string>;
}

export interface Tally {
  ack: number;
  refused: Record<string, number>;
  unknown: number;
}

export { random } from '../utils/random.js';

const CLEAR = 'Add a dark theme toggle to the settings page, persisted per user, following the system preference.';
const VAGUE = 'fix it';
const ACTIVE = new Set(['RECEIVED', 'ANALYZING', 'NEEDS_CLARIFICATION', 'DISPATCHED']);

interface TaskData {
  id: string;
  version: number;
  status: string;
  state: unknown;
}

/**
 * One client: mutations one after another until a request's outcome is unknown (the server is
 * gone). Every acknowledged one goes into `acks`.
 */
export async function runClient(
  url: string,
  member: Member,
  cycle: number,
  rand: () => number,
  acks: Ack[],
  tally: Tally,
): Promise<void> {
  const pick = <T>(items: T[]): T | undefined => items[Math.floor(rand() * items.length)];
  const recordTask = (kind: AckKind, outcome: Outcome<Record<string, TaskData>>, extra: Partial<Ack> = {}) => {
    if (outcome.kind !== 'ack') return;
    const task = Object.values(outcome.data)[0];
    member.tasks.set(task.id, task.status);
    acks.push({ kind, cycle, entityId: task.id, version: task.version, state: task.state, ...extra });
  };
  for (;;) {
    const roll = rand();
    let outcome: Outcome<Record<string, any>>;
    if (member.agentId === null) {
      outcome = await request(url, REGISTER, { name: `${member.name}-agent` }, member.token);
      if (outcome.kind === 'ack') {
        const agent = outcome.data.registerAgent as { id: string; version: number; lastHeartbeatAt: string };
        member.agentId = agent.id;
        acks.push({ kind: 'register', cycle, entityId: agent.id, version: agent.version, lastHeartbeatAt: agent.lastHeartbeatAt });
      }
    } else if (roll < 0.3) {
      outcome = await request(url, HEARTBEAT, { agentId: member.agentId }, member.token);
      if (outcome.kind === 'ack') {
        const agent = outcome.data.agentHeartbeat as { id: string; version: number; lastHeartbeatAt: string };
        acks.push({ kind: 'heartbeat', cycle, entityId: agent.id, version: agent.version, lastHeartbeatAt: agent.lastHeartbeatAt });
      }
    } else if (roll < 0.65) {
      const vague = rand() < 0.5;
      outcome = await request(url, CREATE, { title: `${member.name} c${cycle} ${vague ? 'vague' : 'clear'}`, description: vague ? VAGUE : CLEAR }, member.token);
      recordTask('create', outcome);
    } else if (roll < 0.85) {
      // Answer the open questions of one of my tasks that has some (a read first, as a UI would).
      const id = pick([...member.tasks].filter(([, s]) => s !== 'CANCELLED').map(([id]) => id));
      if (!id) continue;
      outcome = await request(url, TASK, { id }, member.token);
      if (outcome.kind === 'ack') {
        const task = outcome.data.task as TaskData & { openQuestions: string[] };
        member.tasks.set(id, task.status);
        if (task.openQuestions.length === 0) continue;
        const answers = task.openQuestions.map((_, i) => `answer ${i + 1}: the settings page, tested by a screenshot`);
        outcome = await request(url, ANSWER, { taskId: id, answers }, member.token);
        recordTask('answer', outcome, { answers });
      }
    } else {
      const id = pick([...member.tasks].filter(([, s]) => ACTIVE.has(s)).map(([id]) => id));
      if (!id) continue;
      outcome = await request(url, CANCEL, { taskId: id }, member.token);
      recordTask('cancel', outcome);
    }
    if (outcome.kind === 'ack') tally.ack++;
    else if (outcome.kind === 'refused') tally.refused[outcome.code] = (tally.refused[outcome.code] ?? 0) + 1;
    else {
      tally.unknown++;
      return; // the server is gone (killed): this client's burst is over
    }
  }
}
