/**
 * The Redis doorbell rings other instances once a synchronous run (issue 15): a group commit
 * resolves hundreds of requests at once, and each one's continuation rings; the bus publishes the
 * newest cursor of the run once. Local listeners still hear every ring at once, and a ring in a
 * later run is published again.
 */
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { RedisBus } from '../../src/bus/redis.js';
import { eventually } from '../utils/server.js';
import { REDIS_URL } from './env.js';

const buses: RedisBus[] = [];
afterEach(async () => {
  for (const bus of buses.splice(0)) await bus.close();
});

describe.skipIf(!REDIS_URL)('RedisBus', () => {
  it('publishes the newest cursor of a run once, and hears every ring locally', async () => {
    const channel = `conveyor:test-${randomBytes(4).toString('hex')}`;
    const logger = pino({ level: 'silent' });
    const [ringing, other] = [new RedisBus({ url: REDIS_URL!, channel, logger }), new RedisBus({ url: REDIS_URL!, channel, logger })];
    buses.push(ringing, other);
    const heard: number[] = [];
    const local: number[] = [];
    other.onNotify((cursor) => heard.push(cursor));
    ringing.onNotify((cursor) => local.push(cursor));
    // Both subscribed: each bus rings its own listeners with "unknown cursor" once it is.
    await eventually(async () => heard.length > 0 && local.length > 0);
    heard.length = 0;
    local.length = 0;
    for (let cursor = 1; cursor <= 300; cursor++) ringing.notify(cursor);
    await eventually(async () => heard.includes(300));
    expect(ringing.publishes).toBe(1);
    // Every ring at once, in order (then its own PUBLISH comes back through Redis too).
    expect(local.slice(0, 300)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    ringing.notify(301);
    await eventually(async () => heard.includes(301));
    expect(ringing.publishes).toBe(2);
    expect(heard).toEqual([300, 301]);

    // As a group commit rings: every request's continuation, resolved together, rings once.
    const requests = Array.from({ length: 300 }, (_, i) => Promise.resolve(302 + i).then((cursor) => ringing.notify(cursor)));
    await Promise.all(requests);
    await eventually(async () => heard.includes(601));
    expect(ringing.publishes).toBe(3);
    expect(heard).toEqual([300, 301, 601]);

    // Published when the run ends, not in a later phase of the event loop (a busy loop's next
    // check phase came ~10 ms after the commit).
    ringing.notify(602);
    await Promise.resolve();
    expect(ringing.publishes).toBe(4);
  });
});
