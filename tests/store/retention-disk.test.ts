/**
 * Retention's disk target (issue 14: "with retention on, a steady state"), on SQLite: rounds of
 * a busy log — agents heartbeating, tasks created and taken to merged — each followed by an
 * archive pass. With retention the database file stops growing with the log: what it keeps is
 * the final state (tasks' rows and compact timelines, agents' rows and newest events), and the
 * pages the passes free go back to the file system (incremental vacuum). The same rounds
 * without passes grow with every event. Prints the figures; the bound is generous.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite.js';
import type { Change } from '../../src/store/types.js';
import { agentBeat, taskStep } from './retention-log.js';

const ROUNDS = 10;
const AGENTS = 40;
const BEATS = 25; // per agent per round: 1,000 agent events a round
const TASKS = 50; // per round, five events each, ending merged
const DESCRIPTION = 'Add the export button to the settings page, with a CSV download of every task of the org, '.repeat(3);

/**
 * The database file's size once the write-ahead log is checkpointed into it, its free pages, and
 * the log's own share (the `log` table behind the `events` view, and its indexes, from SQLite's dbstat).
 */
function dbBytes(file: string): { bytes: number; freelist: number; log: number } {
  const db = new Database(file);
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
    const log = db.prepare(`SELECT sum(pgsize) AS bytes FROM dbstat WHERE name IN ('log', 'log_kind', 'sqlite_autoindex_log_1')`).get() as { bytes: number };
    return { bytes: statSync(file).size, freelist: db.pragma('freelist_count', { simple: true }) as number, log: log.bytes };
  } finally {
    db.close();
  }
}

async function rounds(archive: boolean) {
  const dir = mkdtempSync(join(tmpdir(), 'retention-disk-'));
  const file = join(dir, 'conveyor.db');
  const store = new SqliteStore({ file });
  const views = new Map<string, Change['view']>();
  const versions = new Map<string, number>();
  const commit = async (make: (id: string, expected: number) => Change, id: string) => {
    const expected = versions.get(id) ?? 0;
    const change = make(id, expected);
    const base = views.get(id);
    versions.set(id, expected + 1);
    views.set(id, change.view);
    await store.commit([base ? { ...change, base } : change]);
  };
  const sizes: { round: number; bytes: number; freelist: number; log: number; archived: number; freedPages: number }[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const at = new Date().toISOString();
    for (let beat = 0; beat < BEATS; beat++) {
      await Promise.all(Array.from({ length: AGENTS }, (_, a) => commit((id, v) => agentBeat(id, v, at), `agent-${a}`)));
    }
    for (const [step, status, prev] of [[0, 'received', null], [1, 'analyzing', 'received'], [2, 'dispatched', 'analyzing'], [3, 'coding', 'dispatched'], [4, 'merged', 'coding']] as const) {
      await Promise.all(
        Array.from({ length: TASKS }, (_, t) =>
          commit((id, v) => {
            const change = taskStep(id, v, status, at, prev, status.toUpperCase());
            Object.assign(change.view, { description: DESCRIPTION });
            return change;
          }, `task-${round}-${t}`),
        ),
      );
      void step;
    }
    const pass = archive ? await store.archive({ before: new Date(Date.now() + 86_400_000).toISOString() }) : null;
    sizes.push({ round, ...dbBytes(file), archived: pass?.archived ?? 0, freedPages: pass?.freedPages ?? 0 });
  }
  const files = archive ? readdirSync(join(dir, 'archive')) : [];
  await store.close();
  return { sizes, files, autoVacuum: new Database(file, { readonly: true }).pragma('auto_vacuum', { simple: true }) };
}

describe('retention on disk (SQLite)', () => {
  it('keeps the database file at a steady size while the log goes on growing', { timeout: 120_000 }, async () => {
    const kept = await rounds(true);
    const grown = await rounds(false);
    const perRound = (sizes: { bytes: number }[], from: number) => (sizes.at(-1)!.bytes - sizes[from - 1].bytes) / (sizes.length - from);
    console.log(
      [
        `retention disk figures: ${ROUNDS} rounds of ${AGENTS * BEATS} agent events and ${TASKS} tasks (${TASKS * 5} events) each`,
        'round | with retention: file bytes, of which the log, free pages, events archived, pages freed | without: file bytes, of which the log',
        ...kept.sizes.map((s, i) => `${s.round} | ${s.bytes}, ${s.log}, ${s.freelist}, ${s.archived}, ${s.freedPages} | ${grown.sizes[i].bytes}, ${grown.sizes[i].log}`),
        `growth per round over rounds 4–${ROUNDS}: with retention ${Math.round(perRound(kept.sizes, 4))} B (${Math.round(perRound(kept.sizes, 4) / TASKS)} B per task kept), without ${Math.round(perRound(grown.sizes, 4))} B`,
      ].join('\n'),
    );
    expect(kept.autoVacuum).toBe(2); // INCREMENTAL, set before the first table of a new database
    expect(kept.files).toHaveLength(ROUNDS); // one archive file per pass
    for (const s of kept.sizes) {
      expect(s.freelist).toBe(0); // every page a pass freed went back to the file system
      expect(s.archived).toBeGreaterThan(AGENTS * (BEATS - 1));
    }
    // The log itself stays flat (what it keeps: each agent's newest event, and the head)…
    const logs = kept.sizes.map((s) => s.log);
    expect(Math.max(...logs.slice(1))).toBeLessThanOrEqual(logs[1] + 4 * 4096);
    expect(grown.sizes.at(-1)!.log).toBeGreaterThan(ROUNDS * 0.8 * (grown.sizes[0].log));
    // …and the file grows only with the tasks' final state: generously, 4 KB a task (their rows,
    // search index, counters and compact timelines), well below what it grows without (measured
    // with the lean log of schema version 12: 112 KB a round with retention, 220 KB without).
    expect(perRound(kept.sizes, 4)).toBeLessThan(TASKS * 4096);
    expect(perRound(kept.sizes, 4)).toBeLessThan(perRound(grown.sizes, 4) * 0.6);
  });
});
