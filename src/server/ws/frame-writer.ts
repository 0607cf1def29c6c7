/**
 * The frame writer of the fan-out engine (fanout-group.ts): one WebSocket text frame per
 * delivery, built from a member's prefix and the group's shared payload bytes.
 */
/** The part of `ws` the engine writes frames through (internal: see `writeFrame`). */
export interface RawSocket {
  write(chunk: Buffer): boolean;
}

/**
 * Write one unmasked, unfragmented text frame — WebSocket header, the member's prefix, the
 * shared payload — straight to the member's TCP socket as one buffer. Through `ws.send` a
 * delivery cost a copy into a frame body, then ws's per-message bookkeeping and a two-chunk
 * writev (header, body). Safe beside `ws`'s own sends (graphql-ws's acks, pongs, completes)
 * because its sender queues nothing without compression (off, ws.ts) and writes each of its
 * frames whole, so frames never interleave; callers check the socket is OPEN first.
 */
export function writeFrame(raw: RawSocket, prefix: Buffer, payload: Buffer): void {
  const length = prefix.length + payload.length;
  const headerLength = length < 126 ? 2 : length < 65536 ? 4 : 10;
  // One buffer, one write: Node's writev path (an array of chunks, a write request per call)
  // cost more than copying a few hundred bytes.
  const frame = Buffer.allocUnsafe(headerLength + length);
  frame[0] = 0x81; // FIN + text
  if (headerLength === 2) {
    frame[1] = length;
  } else if (headerLength === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
  prefix.copy(frame, headerLength);
  payload.copy(frame, headerLength + prefix.length);
  raw.write(frame);
}
