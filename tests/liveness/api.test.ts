/**
 * The checker's I/O against a real server (src/liveness/api.ts, checker.ts, cli.ts): it sees every
 * task through its creators (private ones included), its counts reads line up with paged lists,
 * and a real wedge — an agent that takes a task and never starts it — is reported, by the library
 * and by `conveyor check`, which exits 1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiSampler, resolveUsers, type User } from '../../src/liveness/api.js';
import { LivenessChecker } from '../../src/liveness/checker.js';
import { countsComparable, countsDisagreement } from '../../src/liveness/invariants/counts.js';
import { runToExit } from '../utils/process.js';
import { seedUsers, type SeedUser } from '../utils/seed.js';
import { eventually, gqlOk, startServer, type TestServer } from '../utils/server.js';

let server: TestServer;
let users: User[];
let seeded: Record<'Ada' | 'Bob' | 'Mia', SeedUser>;
const tokens: Record<string, string> = {};
let heartbeat: NodeJS.Timeout | null = null;

beforeAll(async () => {
  server = await startServer({ env: { AGENT_STUCK_AFTER_MS: '600000' } });
  seeded = await seedUsers(server, { Ada: ['Ada', 'acme'], Bob: ['Bob', 'acme'], Mia: ['Mia', 'globex'] });
  const { Ada, Bob, Mia } = seeded;
  Object.assign(tokens, { Ada: Ada.token, Bob: Bob.token, Mia: Mia.token });
  for (let i = 0; i < 3; i++) await Ada.createTask(`Ada's task ${i}`);
  await Ada.createTask("Ada's private task", { private: true });
  await Bob.createTask("Bob's task 0");
  await Bob.createTask("Bob's task 1");
  await Mia.createTask("Mia's task");
  users = await resolveUsers(server.url, Object.values(tokens));
});
afterAll(async () => {
  if (heartbeat) clearInterval(heartbeat);
  await server.dispose();
});

describe('the checker against a real server', () => {
  it('samples every task through its creators, with counts that line up with paged lists', async () => {
    const sampler = new ApiSampler(server.url, users, { pageSize: 2 });
    const snapshot = await eventually(async () => {
      const s = await sampler.sample();
      return s.tasks.length === 7 && s.tasks.every((t) => t.phase === 'queued') ? s : null;
    }, 10_000, 100);
    const priv = snapshot.tasks.find((t) => t.private)!;
    expect(priv).toMatchObject({ title: "Ada's private task", creatorId: 'acme/Ada', status: 'DISPATCHED', phase: 'queued', org: 'acme' });
    expect(snapshot.agentOrgs.sort()).toEqual(['acme', 'globex']);
    expect(snapshot.agents).toEqual([]);
    // Ada lists 3 + 1 private + Bob's 2: three pages of two; every read was at one cursor.
    const ada = snapshot.counts.find((c) => c.user === 'Ada@acme' && c.scope === 'ALL')!;
    expect(ada.pages.map((p) => p.statuses.length)).toEqual([2, 2, 2]);
    expect(snapshot.counts).toHaveLength(6);
    for (const read of snapshot.counts) {
      expect(countsComparable(read), `${read.user} ${read.scope}`).toBe(true);
      expect(countsDisagreement(read)).toEqual([]);
    }
    expect(snapshot.counts.find((c) => c.user === 'Bob@acme' && c.scope === 'ALL')!.counts.total).toBe(5);
    // Every task's history, from its first entry.
    expect(Object.keys(snapshot.timelines)).toHaveLength(7);
    expect(snapshot.timelines[priv.id][0]).toMatchObject({ version: 1, type: 'CREATED' });
  });

  it('reports an agent that takes a task and never starts it, and `conveyor check` exits 1 on it', async () => {
    // A worker that registers and heartbeats but never calls startCoding: the orchestrator gives
    // it the oldest acme task, which then sits in `assigned`.
    const agentId = await seeded.Bob.registerAgent('wedge-bot');
    heartbeat = setInterval(() => void gqlOk(server, `mutation($a: ID!) { agentHeartbeat(agentId: $a) { id } }`, { a: agentId }, tokens.Bob).catch(() => {}), 500);
    const found: string[] = [];
    const checker = new LivenessChecker({
      url: server.url,
      users,
      intervalMs: 250,
      sampler: { pageSize: 3 },
      invariants: { assignedWithinMs: 1500, takeWithinMs: 1500, progressWindowMs: 2500, graceMs: 500 },
      onViolation: (v) => found.push(v.invariant),
    });
    const summary = await checker.runFor(4500);
    const taken = summary.violationList.find((v) => v.invariant === 'taken-task-moves');
    expect(taken, JSON.stringify(summary.violationList)).toMatchObject({ agentId });
    expect(taken!.message).toMatch(/"Ada's task 0"\) was taken \(agent .*\) but has not started coding/);
    // The rest of acme's queue waits behind it: nothing moves.
    expect(found).toContain('work-keeps-moving');
    // The agent is BUSY with a task it holds (taken, not started): not that invariant's business;
    // Mia's task has no agent at all: not a wait with an idle agent.
    expect(found).not.toContain('busy-agent-holds-task');
    expect(found).not.toContain('queued-task-taken');
    expect(summary).toMatchObject({ worked: 1, sampleErrors: 0, counts: { inconclusive: expect.any(Number) } });
    expect(summary.counts.compared).toBeGreaterThan(0);

    const { code, output: out } = await runToExit(
      process.execPath,
      ['bin/conveyor.mjs', 'check', '--url', server.url, ...Object.values(tokens).flatMap((t) => ['--token', t]), '--duration', '4s', '--interval', '250ms', '--assigned-within', '1s', '--grace', '500ms'],
      { env: process.env },
    );
    expect(code, out).toBe(1);
    expect(out).toMatch(new RegExp(`VIOLATION taken-task-moves at \\S+ \\[task \\S+, agent ${agentId}\\]`));
    expect(out).toMatch(/liveness summary: .*\n.*tasks created: 7 .*worked: 1/);
    expect(out).toMatch(/violations: [1-9]/);
  }, 30_000);
});
