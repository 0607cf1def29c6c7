/**
 * The resume scenario's client, in its own process (a client and the server sharing one process
 * would split one core between them): subscribes with `after: "0"` and reports events/s. The
 * selection is `cursor` (what the transport can do) or `agent` (the agent's fields too, as a
 * dashboard catching up would ask).
 */
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const [url, token, totalArg, selection = 'cursor'] = process.argv.slice(2);
const fields = selection === 'agent' ? 'cursor event agent { id name status health lastHeartbeatAt currentTaskId version updatedAt }' : 'cursor';
const total = Number(totalArg);
const client = createClient({ url, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` } });
const started = performance.now();
const cpu0 = process.cpuUsage();
let received = 0;
let last = 0;
let outOfOrder = 0;
await new Promise<void>((resolve, reject) => {
  client.subscribe<{ agentUpdated: { cursor: string } }>(
    { query: `subscription { agentUpdated(after: "0") { ${fields} } }` },
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
const cpu = process.cpuUsage(cpu0);
const clientCpuSeconds = Number(((cpu.user + cpu.system) / 1e6).toFixed(2));
await client.dispose();
console.log(JSON.stringify({ selection, events: received, outOfOrder, seconds: Number(seconds.toFixed(2)), eventsPerSecond: Math.round(received / seconds), clientCpuSeconds }));
