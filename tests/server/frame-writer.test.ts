/**
 * The fan-out's frame writer (src/server/ws/frame-writer.ts): a catch-up's frames queued for one
 * socket in one synchronous run go out as one write, in order, when the run ends; a socket's
 * queue is written early once it holds 64 KB, or at once by `flushSocket` (before the engine
 * closes or ends through `ws`), and a live frame (`writeFrame`) goes at once, after what is
 * queued. Frames are parsed back here as a WebSocket client reads them.
 */
import { describe, expect, it } from 'vitest';
import { flushSocket, queueFrame, writeFrame, type RawSocket } from '../../src/server/ws/frame-writer.js';

/**
 * The socket's writes, as what a WebSocket client would read from each: its frames' texts. What
 * is written while corked is one write, as the kernel gets it (one writev).
 */
function socket(): RawSocket & { writes: string[][] } {
  const writes: string[][] = [];
  let corked: Buffer[] | null = null;
  const self = {
    writes,
    cork() {
      corked = [];
    },
    uncork() {
      const chunks = corked!;
      corked = null;
      self.write(Buffer.concat(chunks));
    },
    write(chunk: Buffer) {
      if (corked) {
        corked.push(chunk);
        return true;
      }
      const frames: string[] = [];
      for (let at = 0; at < chunk.length; ) {
        expect(chunk[at]).toBe(0x81); // FIN + text, unmasked
        let length = chunk[at + 1];
        let header = 2;
        if (length === 126) [length, header] = [chunk.readUInt16BE(at + 2), 4];
        else if (length === 127) [length, header] = [chunk.readUInt32BE(at + 6), 10];
        frames.push(chunk.subarray(at + header, at + header + length).toString());
        at += header + length;
      }
      writes.push(frames);
      return true;
    },
  };
  return self;
}

const microtask = () => new Promise<void>((resolve) => queueMicrotask(resolve));

describe('frame writer', () => {
  it("writes a run's frames for a socket as one write, in order, once the run ends; each socket its own", async () => {
    const [a, b] = [socket(), socket()];
    for (let i = 0; i < 100; i++) queueFrame(i % 3 === 0 ? b : a, Buffer.from(`{"id":"${i % 3 === 0 ? 'b' : 'a'}",`), Buffer.from(`"n":${i}}`));
    expect(a.writes).toEqual([]); // nothing before the run ends
    await microtask();
    expect(a.writes).toHaveLength(1);
    expect(b.writes).toHaveLength(1);
    expect(a.writes[0]).toEqual(Array.from({ length: 100 }, (_, i) => i).filter((i) => i % 3 !== 0).map((i) => `{"id":"a","n":${i}}`));
    expect(b.writes[0]).toEqual(Array.from({ length: 100 }, (_, i) => i).filter((i) => i % 3 === 0).map((i) => `{"id":"b","n":${i}}`));
    // A later run is a later write.
    queueFrame(a, Buffer.from('{'), Buffer.from('"late":1}'));
    await microtask();
    expect(a.writes.at(-1)).toEqual(['{"late":1}']);
  });

  it('writes a queue early once it holds 64 KB, and at once on flushSocket; frames of every header size', async () => {
    const s = socket();
    const big = 'x'.repeat(70_000); // a 10-byte header
    const mid = 'y'.repeat(300); // a 4-byte header
    queueFrame(s, Buffer.from('1'), Buffer.from(mid));
    queueFrame(s, Buffer.from('2'), Buffer.from(big));
    expect(s.writes).toEqual([[`1${mid}`, `2${big}`]]); // over 64 KB: written in the run
    queueFrame(s, Buffer.from('3'), Buffer.from('z'));
    flushSocket(s);
    expect(s.writes.at(-1)).toEqual(['3z']);
    await microtask();
    expect(s.writes).toHaveLength(2); // nothing left for the end of the run
  });

  it('writes a live frame at once, after what was queued for the socket', async () => {
    const s = socket();
    queueFrame(s, Buffer.from('q'), Buffer.from('1'));
    queueFrame(s, Buffer.from('q'), Buffer.from('2'));
    writeFrame(s, Buffer.from('l'), Buffer.from('3'));
    expect(s.writes).toEqual([['q1', 'q2'], ['l3']]);
    await microtask();
    expect(s.writes).toHaveLength(2);
  });
});
