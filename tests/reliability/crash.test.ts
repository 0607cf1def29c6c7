/**
 * Crash consistency (issue 7): kill -9 the real server process at random moments during bursts
 * of mutations from concurrent clients, restart it on the same data directory, and check that
 * every acknowledged mutation survived, the read model agrees with the log, nothing is
 * half-written, and effects the kill interrupted are resumed.
 *
 * RELIABILITY_SEED replays a run's client choices (the kill moments still depend on timing).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollUntil } from '../utils/poll.js';
import { AGENT, AGENT_TIMELINE, TASK, TIMELINE, allTasks, ok, signIn } from './client.js';
import { checkLog, isInFlight, openLog, viewAt } from './log-check.js';
import { buildServer, startServerProcess, type ServerProcess } from './server-process.js';
import { random, runClient, type Ack, type Member, type Tally } from './workload.js';

const SEED = Number(process.env.RELIABILITY_SEED ?? Date.now() % 1_000_000);
const CLIENTS = 6;

/** Quiet agents (no stale/crash deadlines firing mid-check) and no rate limit on the burst. */
const ENV = {
  RATE_LIMIT_MUTATIONS: '1000000',
  AGENT_STALE_AFTER_MS: '600000',
  AGENT_CRASH_AFTER_MS: '1200000',
};

beforeAll(() => buildServer());

interface CycleFigures {
  acks: number;
  unknown: number;
  refused: Record<string, number>;
  events: number;
  inFlightAtCrash: number;
  pendingEffectsAtCrash: number;
  restartMs: number;
}

describe.each([
  { synchronous: 'NORMAL', cycles: 8 },
  { synchronous: 'FULL', cycles: 3 },
])('kill -9 during bursts, SQLITE_SYNCHRONOUS=$synchronous', ({ synchronous, cycles }) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'conveyor-crash-'));
  const env = { ...ENV, SQLITE_SYNCHRONOUS: synchronous };
  const acks: Ack[] = [];
  const members: Member[] = [];
  const figures: CycleFigures[] = [];
  let server: ServerProcess | null = null;

  afterAll(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    console.log(`crash cycles (seed ${SEED}, ${synchronous}):`, JSON.stringify(figures));
  });

  it(`keeps every acknowledged mutation across ${cycles} kills`, async () => {
    const rand = random(SEED);
    server = await startServerProcess({ dataDir, env });
    for (let i = 0; i < CLIENTS; i++) {
      members.push({ name: `user${i}`, token: await signIn(server.url, `user${i}`, 'acme'), agentId: null, tasks: new Map() });
    }

    for (let cycle = 1; cycle <= cycles; cycle++) {
      const tally: Tally = { ack: 0, refused: {}, unknown: 0 };
      const before = acks.length;
      const url = server.url;
      const clients = members.map((m, i) => runClient(url, m, cycle, random(SEED * 31 + cycle * 7 + i), acks, tally));
      // A random moment mid-burst: the clients never stop on their own.
      await new Promise((resolve) => setTimeout(resolve, 200 + rand() * 900));
      await server.kill();
      await Promise.all(clients);
      const cycleAcks = acks.slice(before);
      expect(cycleAcks.length, `cycle ${cycle}: some mutations were acknowledged before the kill`).toBeGreaterThan(0);
      // Only refusals the workload can cause (cancelling a task that just finished, …).
      expect(Object.keys(tally.refused).filter((code) => code !== 'INVALID_TRANSITION'), JSON.stringify(tally.refused)).toEqual([]);

      // What the kill left on disk, before the server touches it again.
      const crashed = checkLog(dataDir);
      expect(crashed.problems, `cycle ${cycle}: the log after kill -9`).toEqual([]);
      expect(missingAcks(dataDir, acks), `cycle ${cycle}: acknowledged but not in the log`).toEqual([]);

      const restartedAt = Date.now();
      server = await startServerProcess({ dataDir, env });
      const restartMs = Date.now() - restartedAt;
      await expectAcksServed(server.url, members[0].token, cycleAcks);
      await expectEffectsResumed(server.url, members[0].token);
      const recovered = checkLog(dataDir);
      expect(recovered.problems, `cycle ${cycle}: the log after restart`).toEqual([]);
      figures.push({
        acks: cycleAcks.length,
        unknown: tally.unknown,
        refused: tally.refused,
        events: recovered.events,
        inFlightAtCrash: crashed.inFlight,
        pendingEffectsAtCrash: crashed.pendingEffects,
        restartMs,
      });
    }
    // The resume path was exercised, not just present: some kills caught tasks mid-effect.
    expect(figures.reduce((sum, f) => sum + f.inFlightAtCrash, 0)).toBeGreaterThan(0);
  }, 90_000);
});

/** Acknowledged mutations whose event is not in the log as acknowledged. */
function missingAcks(dataDir: string, acks: Ack[]): string[] {
  const db = openLog(dataDir);
  try {
    return acks.flatMap((ack) => {
      const view = viewAt(db, ack.entityId, ack.version);
      if (!view) return [`${ack.kind} ${ack.entityId} v${ack.version}: no such event`];
      const same =
        ack.state !== undefined
          ? isDeepStrictEqual(view.stateValue, ack.state)
          : view.lastHeartbeatAt === ack.lastHeartbeatAt;
      return same ? [] : [`${ack.kind} ${ack.entityId} v${ack.version}: logged ${JSON.stringify(view)}`];
    });
  } finally {
    db.close();
  }
}

/** Through the API after the restart: each acknowledged mutation's event and effect are there. */
async function expectAcksServed(url: string, token: string, acks: Ack[]): Promise<void> {
  const byEntity = new Map<string, Ack[]>();
  for (const ack of acks) byEntity.set(ack.entityId, [...(byEntity.get(ack.entityId) ?? []), ack]);
  for (const [id, entityAcks] of byEntity) {
    const newest = Math.max(...entityAcks.map((a) => a.version));
    if (entityAcks[0].kind === 'register' || entityAcks[0].kind === 'heartbeat') {
      const { agent } = await ok<{ agent: { version: number; lastHeartbeatAt: string } }>(url, AGENT, { id }, token);
      const versions = await agentVersions(url, token, id);
      expect(agent.version, id).toBeGreaterThanOrEqual(newest);
      const latestBeat = entityAcks.map((a) => a.lastHeartbeatAt!).sort().at(-1)!;
      expect(agent.lastHeartbeatAt >= latestBeat, `${id}: heartbeat ${latestBeat} kept`).toBe(true);
      expect(versions, `${id}: versions 1..n`).toEqual(versions.map((_, i) => i + 1));
      expect(versions.length).toBeGreaterThanOrEqual(newest);
      continue;
    }
    // The task first, then its timeline: the timeline can only have grown in between.
    const { task } = await ok<{ task: { version: number; status: string; state: unknown; clarifications: { answers: string[] | null }[] } }>(
      url,
      TASK,
      { id },
      token,
    );
    const { timeline } = await ok<{ timeline: { version: number; state: unknown }[] }>(url, TIMELINE, { taskId: id }, token);
    expect(task.version, id).toBeGreaterThanOrEqual(newest);
    expect(timeline.map((e) => e.version), `${id}: versions 1..n`).toEqual(timeline.map((_, i) => i + 1));
    // The read model is the state of its own version in the log.
    expect(timeline[task.version - 1].state, `${id}: read model = log`).toEqual(task.state);
    for (const ack of entityAcks) {
      expect(timeline[ack.version - 1]?.state, `${ack.kind} ${id} v${ack.version}`).toEqual(ack.state);
      if (ack.kind === 'cancel') expect(task.status).toBe('CANCELLED');
      if (ack.kind === 'answer') expect(task.clarifications.map((r) => r.answers)).toContainEqual(ack.answers);
    }
  }
}

/** Every version on an agent's timeline, page by page (heartbeats make it long). */
async function agentVersions(url: string, token: string, agentId: string): Promise<number[]> {
  const versions: number[] = [];
  let after: string | null = null;
  for (;;) {
    const { agentTimeline }: { agentTimeline: { cursor: string; version: number }[] } = await ok(
      url,
      AGENT_TIMELINE,
      { agentId, after },
      token,
    );
    if (agentTimeline.length === 0) return versions;
    versions.push(...agentTimeline.map((e) => e.version));
    after = agentTimeline.at(-1)!.cursor;
  }
}

/** Effects the kill interrupted (and the zero-delay analysis deadline) run again: nothing stays stuck. */
async function expectEffectsResumed(url: string, token: string): Promise<void> {
  const stuck = await pollUntil(
    async () => (await allTasks(url, token, ['RECEIVED', 'ANALYZING', 'DISPATCHED'])).filter((t) => isInFlight(t.state)),
    (tasks) => tasks.length === 0,
    15_000,
  );
  expect(stuck.map((t) => `${t.id} ${JSON.stringify(t.state)}`), 'still mid-effect after restart').toEqual([]);
}
