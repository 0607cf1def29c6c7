/**
 * The frame writer of the fan-out engine (fanout-group.ts): one WebSocket text frame per
 * delivery, built from a member's prefix and the group's shared payload bytes, and the frames
 * due to one socket within one synchronous run of the engine written together.
 */
/** The part of `ws` the engine writes frames through (internal: see `writeFrame`). */
export interface RawSocket {
  write(chunk: Buffer): boolean;
}

/** A socket's frames not yet written, and their bytes. */
interface Queued {
  frames: Buffer[];
  bytes: number;
}

/**
 * Frames due to a socket in one synchronous run: the dispatcher takes every event the feed has
 * before it waits, and a catch-up writes a page before it reads the next. One write for them
 * all: a write per frame, ~10 µs of the kernel's time each, is what bounds a fan-out to
 * thousands of sockets (issue 15), and a backlog's replay wrote 500 frames a page.
 */
const queued = new Map<RawSocket, Queued>();
let flushScheduled = false;
/** A socket's queue is written as soon as it holds this much, so a long run does not hold a lot. */
const FLUSH_AT = 64 * 1024;

/**
 * Queue one unmasked, unfragmented text frame — WebSocket header, the member's prefix, the
 * shared payload — for the member's TCP socket, written (with the socket's other queued frames,
 * as one buffer) when the current synchronous run ends: a microtask, so an idle delivery waits
 * for nothing. Through `ws.send` a delivery cost a copy into a frame body, then ws's
 * per-message bookkeeping and a two-chunk writev (header, body).
 *
 * Safe beside `ws`'s own sends (graphql-ws's acks, pongs, completes) because its sender queues
 * nothing without compression (off, ws.ts) and writes each of its frames whole, so frames never
 * interleave. Order with them holds as long as whatever the engine itself sends or closes
 * through `ws` in the same run first calls `flushSocket` (fanout-group.ts does: a slow
 * consumer's close, a member's end); graphql-ws's own sends come in later tasks or microtasks,
 * after the flush. Callers check the socket is OPEN first.
 */
export function writeFrame(raw: RawSocket, prefix: Buffer, payload: Buffer): void {
  const frame = encodeFrame(prefix, payload);
  let queue = queued.get(raw);
  if (!queue) {
    queue = { frames: [], bytes: 0 };
    queued.set(raw, queue);
    if (!flushScheduled) {
      flushScheduled = true;
      queueMicrotask(flushFrames);
    }
  }
  queue.frames.push(frame);
  queue.bytes += frame.length;
  if (queue.bytes >= FLUSH_AT) flushSocket(raw);
}

/** Write what is queued for this socket now (before anything else is sent on it or it is closed). */
export function flushSocket(raw: RawSocket): void {
  const queue = queued.get(raw);
  if (!queue) return;
  queued.delete(raw);
  raw.write(queue.frames.length === 1 ? queue.frames[0] : Buffer.concat(queue.frames, queue.bytes));
}

/** Write every socket's queue (the end of a run). */
export function flushFrames(): void {
  flushScheduled = false;
  for (const raw of queued.keys()) flushSocket(raw);
}

function encodeFrame(prefix: Buffer, payload: Buffer): Buffer {
  const length = prefix.length + payload.length;
  const headerLength = length < 126 ? 2 : length < 65536 ? 4 : 10;
  // One buffer: Node's writev path (an array of chunks, a write request per call) cost more
  // than copying a few hundred bytes.
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
  return frame;
}
