/**
 * The Redis doorbell rings other instances once a tick (issue 15): a group commit resolves
 * hundreds of requests in one tick, and each rings; the bus publishes the newest cursor of the
 * tick once. Local listeners still hear every ring at once, and a ring in a later tick is
 * published again.
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
  it('publishes the newest cursor of a tick once, and hears every ring locally', async () => {
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
  });
});
