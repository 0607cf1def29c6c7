/**
 * The frame writer of the fan-out engine (fanout-group.ts): one WebSocket text frame per
 * delivery, built from a member's prefix and the group's shared payload bytes; a catch-up's
 * frames due to one socket within one synchronous run written together.
 */
/** The part of `ws` the engine writes frames through (internal: see `writeFrame`). */
export interface RawSocket {
  write(chunk: Buffer): boolean;
  cork(): void;
  uncork(): void;
}

/** A socket's frames not yet written, and their bytes. */
interface Queued {
  frames: Buffer[];
  bytes: number;
}

/**
 * A catch-up's frames due to one socket within one synchronous run (a page of a backlog is
 * written before the next is read), written together. A write per frame was a third of the
 * server's time replaying a backlog.
 */
const queued = new Map<RawSocket, Queued>();
let flushScheduled = false;
/** A socket's queue is written as soon as it holds this much, so a long run does not hold a lot. */
const FLUSH_AT = 64 * 1024;

/**
 * Write one unmasked, unfragmented text frame — WebSocket header, the member's prefix, the
 * shared payload — straight to the member's TCP socket as one buffer: a live delivery. Through
 * `ws.send` a delivery cost a copy into a frame body, then ws's per-message bookkeeping and a
 * two-chunk writev (header, body).
 *
 * Live deliveries are not queued like a catch-up's: queued to the end of the dispatcher's run,
 * six stalled subscribers of a 10,000-event burst raised the server's peak RSS by 76–108 MB over
 * the same burst without them, where writing at once adds ~5 MB
 * (tests/reliability/slow-consumer.test.ts; why, not yet found).
 *
 * Safe beside `ws`'s own sends (graphql-ws's acks, pongs, completes) because its sender queues
 * nothing without compression (off, ws.ts) and writes each of its frames whole, so frames never
 * interleave; callers check the socket is OPEN first, and flush a socket's queued catch-up
 * frames (`flushSocket`) before they write to it any other way.
 */
export function writeFrame(raw: RawSocket, prefix: Buffer, payload: Buffer): void {
  if (queued.size > 0) flushSocket(raw); // nothing to look up while no catch-up is writing
  raw.write(encodeFrame(prefix, payload));
}

/**
 * Queue a frame as `writeFrame` builds it, for a catch-up: written, with the socket's other
 * queued frames, when the current synchronous run ends (a microtask, so nothing waits when
 * idle), or at once when the queue reaches 64 KB.
 */
export function queueFrame(raw: RawSocket, prefix: Buffer, payload: Buffer): void {
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
  if (queue.frames.length === 1) {
    raw.write(queue.frames[0]);
    return;
  }
  // Corked, the frames go down in one writev, without a copy of them into one buffer.
  raw.cork();
  for (const frame of queue.frames) raw.write(frame);
  raw.uncork();
}

/** Write every socket's queue (the end of a run). */
function flushFrames(): void {
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
