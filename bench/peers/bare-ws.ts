/** The ceiling: a bare `ws` server broadcasting one pre-built graphql-ws "next" frame. */
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';
import { payload, publishHandler, ready } from './common.js';

const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
const server = createServer(
  publishHandler((p) => {
    // Serialised and encoded once, one buffer sent to every client: nothing per subscriber but
    // ws's framing and the write itself.
    const frame = Buffer.from(JSON.stringify({ id: '1', type: 'next', payload: { data: payload(p) } }));
    for (const client of wss.clients) client.send(frame, { binary: false });
  }),
);
server.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req)));
ready(server);
