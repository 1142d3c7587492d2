/** The handle: send queue, direct path, listeners, errors and disposal. */
import { describe, expect, it } from 'vitest';
import { connectWithFake } from './support/harness.js';

const fast = { backoff: { initialDelayMs: 100, maxDelayMs: 1000, factor: 2, jitter: 0 }, maxRetries: 3 };

describe('send', () => {
  it('queues while not open and flushes in order on open, before later sends', () => {
    const h = connectWithFake(fast);
    expect(h.conn.send('a')).toBe(true);
    expect(h.conn.send('b')).toBe(true);
    const socket = h.server.latest();
    h.conn.on('open', () => h.conn.send('c'));
    socket.accept();
    h.conn.send('d');
    expect(socket.sent).toEqual(['a', 'b', 'c', 'd']);
  });

  it('sends directly while open, without an event through the machine', () => {
    const h = connectWithFake(fast);
    h.server.latest().accept();
    const before = h.conn.actor.getSnapshot();
    h.conn.send('x');
    h.server.latest().receive('y');
    expect(h.conn.actor.getSnapshot()).toBe(before);
    expect(h.server.latest().sent).toEqual(['x']);
    expect(h.payloads('message')).toEqual(['y']);
  });

  it('keeps messages sent after the socket left OPEN and delivers them on the next socket', () => {
    const h = connectWithFake(fast);
    const first = h.server.latest();
    first.accept();
    h.conn.close();
    h.conn.send('during closing');
    first.completeClose();
    h.conn.send('while closed');
    h.conn.connect();
    h.server.latest().accept();
    expect(first.discarded).toEqual([]);
    expect(h.server.latest().sent).toEqual(['during closing', 'while closed']);
  });

  it('delivers queued messages exactly once, in order, across a reconnect', () => {
    const h = connectWithFake(fast);
    h.server.latest().drop();
    for (let i = 0; i < 5; i++) h.conn.send(`m${i}`);
    h.advance(100);
    h.server.latest().accept();
    expect(h.server.latest().sent).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
    expect(h.server.sockets[0]!.sent).toEqual([]);
  });

  it('reports a message it cannot queue: returns false and fires dropped', () => {
    const h = connectWithFake({ ...fast, maxQueuedMessages: 2 });
    expect(h.conn.send('1')).toBe(true);
    expect(h.conn.send('2')).toBe(true);
    expect(h.conn.send('3')).toBe(false);
    expect(h.payloads('dropped')).toEqual([{ data: '3', reason: 'queue-full' }]);
  });

  it('reports every queued message as dropped on stop(), and later sends too', () => {
    const h = connectWithFake(fast);
    h.conn.send('1');
    h.conn.send('2');
    const dropped: unknown[] = [];
    h.conn.on('dropped', (d) => dropped.push(d));
    h.conn.stop();
    expect(dropped).toEqual([
      { data: '1', reason: 'stopped' },
      { data: '2', reason: 'stopped' },
    ]);
    expect(h.conn.send('3')).toBe(false);
  });

  it('accepts binary data and rejects a plain object with advice to serialise it', () => {
    const h = connectWithFake(fast);
    h.server.latest().accept();
    const bytes = new Uint8Array([1, 2, 3]);
    h.conn.send(bytes);
    h.conn.send(bytes.buffer);
    h.conn.send(new DataView(bytes.buffer));
    h.conn.send(new Blob(['x']));
    expect(h.server.latest().sent).toHaveLength(4);
    expect(() => h.conn.send({ type: 'chat' } as never)).toThrow(TypeError);
    expect(() => h.conn.send({ type: 'chat' } as never)).toThrow(/JSON\.stringify/);
    expect(() => h.conn.send(42 as never)).toThrow(TypeError);
  });
});

describe('listeners', () => {
  it('unsubscribes with the returned function', () => {
    const h = connectWithFake(fast);
    const seen: unknown[] = [];
    const off = h.conn.on('message', (m) => seen.push(m));
    h.server.latest().accept();
    h.server.latest().receive('1');
    off();
    h.server.latest().receive('2');
    expect(seen).toEqual(['1']);
  });

  it('keeps delivering to other listeners when one throws, and rethrows it asynchronously', async () => {
    const h = connectWithFake(fast);
    const seen: unknown[] = [];
    h.conn.on('message', () => {
      throw new Error('listener bug');
    });
    h.conn.on('message', (m) => seen.push(m));
    const uncaught: unknown[] = [];
    const onUncaught = (e: unknown) => uncaught.push(e);
    process.on('uncaughtException', onUncaught);
    try {
      h.server.latest().accept();
      h.server.latest().receive('1');
      expect(seen).toEqual(['1']);
      await new Promise((r) => setTimeout(r, 0));
    } finally {
      process.off('uncaughtException', onUncaught);
    }
    expect(uncaught.map((e) => (e as Error).message)).toEqual(['listener bug']);
  });

  it('rejects unknown events and non-function listeners', () => {
    const h = connectWithFake(fast);
    expect(() => h.conn.on('nope' as never, () => {})).toThrow(/unknown event "nope"/);
    expect(() => h.conn.on('open', 5 as never)).toThrow(TypeError);
  });

  it('fires status for every change', () => {
    const h = connectWithFake({ ...fast, maxRetries: 0 });
    h.server.latest().accept();
    h.server.latest().drop();
    expect(h.statuses()).toEqual(['connecting', 'open', 'gaveUp']);
  });
});

describe('close arguments and lifecycle errors', () => {
  it('rejects close codes a WebSocket cannot send and over-long reasons', () => {
    const h = connectWithFake(fast);
    expect(() => h.conn.close(1006)).toThrow(RangeError);
    expect(() => h.conn.close(2999)).toThrow(/3000–4999/);
    expect(() => h.conn.close(1000, 'x'.repeat(124))).toThrow(/123/);
    expect(h.conn.status).toBe('connecting');
  });

  it('names an over-long close reason and its UTF-8 byte length, and accepts one of exactly 123 bytes', () => {
    const h = connectWithFake(fast);
    expect(() => h.conn.close(1000, 'é'.repeat(62))).toThrow(
      new RangeError('xstate-websocket: close(code, reason) takes a reason of at most 123 UTF-8 bytes, got "' + 'é'.repeat(62) + '" (124 bytes); shorten it.'),
    );
    expect(() => h.conn.close(4000, 'x'.repeat(200))).toThrow(/, got "x{77}\.\.\." \(200 bytes\)/);
    expect(h.conn.status).toBe('connecting');
    h.conn.close(1000, 'x'.repeat(121) + 'é');
    expect(h.conn.status).toBe('closing');
  });

  it('refuses to be used after stop()', () => {
    const h = connectWithFake(fast);
    h.conn.stop();
    expect(() => h.conn.connect()).toThrow(/after stop/);
    expect(() => h.conn.close()).toThrow(/after stop/);
    h.conn.stop();
  });
});

describe('url', () => {
  it('calls a url function once per attempt and awaits an async one', async () => {
    let calls = 0;
    const h = connectWithFake({
      ...fast,
      url: async () => {
        calls++;
        return `ws://test.invalid/socket?token=t${calls}`;
      },
    });
    await Promise.resolve();
    await Promise.resolve();
    expect(h.server.sockets.map((s) => s.url)).toEqual(['ws://test.invalid/socket?token=t1']);
    h.server.latest().drop();
    h.advance(100);
    await Promise.resolve();
    await Promise.resolve();
    expect(calls).toBe(2);
    expect(h.server.latest().url).toBe('ws://test.invalid/socket?token=t2');
  });

  it('treats a rejecting url function as a failed attempt and reports why', async () => {
    const h = connectWithFake({ ...fast, maxRetries: 0, url: () => Promise.reject(new Error('auth server down')) });
    await new Promise((r) => setTimeout(r, 0));
    expect(h.conn.status).toBe('gaveUp');
    expect(h.payloads('error').map((e) => e.message)).toEqual(['url function rejected: auth server down']);
    expect(h.server.sockets).toHaveLength(0);
  });

  it('creates no socket when close() comes while the url is still being resolved', async () => {
    let resolve!: (url: string) => void;
    const h = connectWithFake({ ...fast, url: () => new Promise<string>((r) => (resolve = r)) });
    h.conn.close();
    expect(h.conn.status).toBe('manuallyClosed');
    resolve('ws://test.invalid/late');
    await new Promise((r) => setTimeout(r, 0));
    expect(h.server.sockets).toHaveLength(0);
  });
});

describe('status', () => {
  it('is already the new status inside close, retry and gaveUp listeners', () => {
    const h = connectWithFake({ ...fast, maxRetries: 1 });
    const seen: string[] = [];
    h.conn.on('close', () => seen.push(`close:${h.conn.status}`));
    h.conn.on('retry', () => seen.push(`retry:${h.conn.status}`));
    h.conn.on('gaveUp', () => seen.push(`gaveUp:${h.conn.status}`));
    h.server.latest().drop();
    h.advance(100);
    h.server.latest().drop();
    expect(seen).toEqual(['close:backoff', 'retry:backoff', 'close:gaveUp', 'gaveUp:gaveUp']);
  });
});
