import { describe, expect, it } from 'vitest';
import { cursorExpired, resumingForwarder } from './resume.js';
import type { LiveTransport, Payload, Result } from './transport.js';

/** A transport that records each stream it starts and lets the test answer it. */
function fakeTransport() {
  const streams: { payload: () => Payload; next: (r: Result) => void; stopped: boolean }[] = [];
  const live: LiveTransport = {
    subscribe(payload, sink) {
      const stream = { payload, next: (r: Result) => sink.next(r), stopped: false };
      streams.push(stream);
      return () => void (stream.stopped = true);
    },
  };
  return { live, streams };
}

function sinkOf() {
  const got: { next: unknown[]; completed: boolean; errors: unknown[] } = { next: [], completed: false, errors: [] };
  return { got, sink: { next: (v: unknown) => void got.next.push(v), error: (e: unknown) => void got.errors.push(e), complete: () => void (got.completed = true) } };
}

const expired = (after: string): Result => ({
  errors: [{ message: `Cursor ${after} is older than the history this server keeps`, extensions: { code: 'CURSOR_EXPIRED', horizon: '40', cursor: '90' } }],
});
const update = (cursor: string): Result => ({ data: { taskUpdated: { cursor } } });
/** A request as urql hands it to the forwarder. */
const request = (query: string, variables: Record<string, unknown>) => ({ query, variables, operationName: undefined, extensions: undefined });

describe('the resume forwarder', () => {
  it('resumes a stream from the last cursor it saw', () => {
    const { live, streams } = fakeTransport();
    const { sink } = sinkOf();
    resumingForwarder(live)(request('subscription { taskUpdated { cursor } }', { after: '10' }), {} as never).subscribe(sink as never);
    expect(streams[0].payload().variables).toEqual({ after: '10' });
    streams[0].next(update('11'));
    expect(streams[0].payload().variables).toEqual({ after: '11' });
  });

  it('stops a stream whose cursor expired instead of retrying it, and hands its owner the error', () => {
    const { live, streams } = fakeTransport();
    const { got, sink } = sinkOf();
    resumingForwarder(live)(request('subscription { taskUpdated { cursor } }', { after: '10' }), {} as never).subscribe(sink as never);
    streams[0].next(update('11'));
    streams[0].next(expired('11'));
    expect(streams[0].stopped).toBe(true); // a reconnect will not send cursor 11 again
    expect(streams).toHaveLength(1);
    expect(got.next.at(-1)).toEqual(expired('11'));
    expect(got.completed).toBe(true);
    expect(cursorExpired((got.next.at(-1) as Result).errors)).toBe(true);
  });

  it('starts a stream that began without a cursor again, from its first variables: it reads its own state again', () => {
    const { live, streams } = fakeTransport();
    const { got, sink } = sinkOf();
    resumingForwarder(live)(request('subscription { timeline(taskId: "t") { cursor } }', { taskId: 't', after: null }), {} as never).subscribe(sink as never);
    streams[0].next({ data: { timeline: { cursor: '5' } } });
    streams[0].next(expired('5'));
    expect(streams[0].stopped).toBe(true);
    expect(streams).toHaveLength(2);
    expect(streams[1].payload().variables).toEqual({ taskId: 't', after: null });
    expect(got.completed).toBe(false);
    // Expiring again before anything arrived is not retried in a loop: the error goes to the owner.
    streams[1].next(expired('0'));
    expect(streams).toHaveLength(2);
    expect(got.completed).toBe(true);
  });

  it('starts counts (no cursor at all) again when their stream expires mid-way', () => {
    const { live, streams } = fakeTransport();
    const { sink } = sinkOf();
    resumingForwarder(live)(request('subscription { dashboardCounts { cursor } }', {}), {} as never).subscribe(sink as never);
    streams[0].next({ data: { dashboardCounts: { cursor: '7' } } });
    streams[0].next(expired('7'));
    expect(streams).toHaveLength(2);
    expect(streams[1].payload().variables).toEqual({});
  });

  it('tells CURSOR_EXPIRED from other errors', () => {
    expect(cursorExpired(undefined)).toBe(false);
    expect(cursorExpired([{ extensions: { code: 'BAD_USER_INPUT' } }])).toBe(false);
    expect(cursorExpired([{ extensions: { code: 'BAD_USER_INPUT' } }, { extensions: { code: 'CURSOR_EXPIRED' } }])).toBe(true);
  });
});
