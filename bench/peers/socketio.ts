/** Socket.IO broadcasting the same payload to a room, as a typical NestJS + Socket.IO gateway does. */
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { payload, publishHandler, ready, type PublishRequest } from './common.js';

const server = createServer();
const io = new Server(server, { transports: ['websocket'], perMessageDeflate: false, serveClient: false });
io.on('connection', (socket) => void socket.join('acme'));
server.on('request', publishHandler((p: PublishRequest) => io.to('acme').emit('taskUpdated', payload(p).taskUpdated), () => {}));
ready(server);
