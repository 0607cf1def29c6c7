/**
 * resume scenario: one graphql-ws client resuming a long backlog (`agentUpdated(after: "0")`)
 * from the real server: events per second replayed to it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { buildApp } from '../../src/server/app.js';
import { loadConfigOrExit } from '../../src/server/env.js';

const total = Number(process.argv[2] ?? 100_000);
const app = await buildApp(
  loadConfigOrExit({ DATA_DIR: mkdtempSync(join(tmpdir(), 'conveyor-resume-')), LOG_LEVEL: 'silent', NODE_ENV: 'production', JWT_SECRET: process.env.JWT_SECRET, AGENT_STALE_AFTER_MS: '3600000', AGENT_CRASH_AFTER_MS: '7200000' }),
);
const url = await app.start(0);
const host = app.services.host;
const at = () => new Date().toISOString();
const AGENTS = 500;
const ids = Array.from({ length: AGENTS }, (_, i) => `agent-${i}`);
await Promise.all(ids.map((id, i) => host.execute([{ kind: 'create', entityType: 'agent', id, input: { id, name: `a${i}`, org: 'acme', ownerId: 'acme/bench', registeredAt: at(), staleAfterMs: 3_600_000, crashAfterMs: 7_200_000 } }], 'bench')));
for (let made = AGENTS; made < total; made += AGENTS) {
  await Promise.all(ids.slice(0, Math.min(AGENTS, total - made)).map((id) => host.execute([{ kind: 'send', entityType: 'agent', id, event: { type: 'HEARTBEAT', at: at() } }], 'bench')));
}
const token = await app.auth.sign({ id: 'acme/bench', name: 'Bench', org: 'acme' }, Date.now() + 3_600_000);
const client = createClient({ url: `${url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` } });
const started = performance.now();
let received = 0;
let last = 0;
let outOfOrder = 0;
await new Promise<void>((resolve, reject) => {
  client.subscribe<{ agentUpdated: { cursor: string } }>(
    { query: `subscription { agentUpdated(after: "0") { cursor } }` },
    {
      next: ({ data }) => {
        const cursor = Number(data!.agentUpdated.cursor);
        if (cursor <= last) outOfOrder++;
        last = cursor;
        if (++received >= total) resolve();
      },
      error: (e) => reject(new Error(JSON.stringify(e))),
      complete: () => {},
    },
  );
});
const seconds = (performance.now() - started) / 1000;
await client.dispose();
await app.stop();
console.log(JSON.stringify({ events: received, outOfOrder, seconds: Number(seconds.toFixed(2)), eventsPerSecond: Math.round(received / seconds) }));
