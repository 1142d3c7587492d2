/** The handle: send queue, direct path, listeners, errors and disposal. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SimulatedClock } from 'xstate';
import { createConnection } from '../src/index.js';
import { createFakeWebSocketServer } from './support/fake-websocket.js';
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

describe('stop() from every status', () => {
  const reach: Array<[string, () => ReturnType<typeof connectWithFake>]> = [
    ['idle', () => connectWithFake({ ...fast, autoConnect: false })],
    ['connecting', () => connectWithFake(fast)],
    [
      'open',
      () => {
        const h = connectWithFake(fast);
        h.server.latest().accept();
        return h;
      },
    ],
    [
      'closing',
      () => {
        const h = connectWithFake(fast);
        h.server.latest().accept();
        h.conn.close();
        return h;
      },
    ],
    [
      'backoff',
      () => {
        const h = connectWithFake(fast);
        h.server.latest().accept();
        h.server.latest().drop();
        return h;
      },
    ],
    [
      'gaveUp',
      () => {
        const h = connectWithFake({ ...fast, maxRetries: 0 });
        h.server.latest().accept();
        h.server.latest().drop();
        return h;
      },
    ],
    [
      'manuallyClosed',
      () => {
        const h = connectWithFake(fast);
        h.conn.close();
        h.server.latest().completeClose();
        return h;
      },
    ],
  ];
  const socketLives = new Set(['connecting', 'open', 'closing']);

  it.each(reach)('from %s: a close event only if a socket lived, a status event unless already manuallyClosed, nothing left armed', (status, make) => {
    const h = make();
    expect(h.conn.status).toBe(status);
    h.events.length = 0;
    h.conn.stop();
    const expected: Array<[string, unknown]> = [];
    if (socketLives.has(status)) expected.push(['close', { code: 1000, reason: 'client stopped', wasClean: false }]);
    if (status !== 'manuallyClosed') expected.push(['status', 'manuallyClosed']);
    expect(h.events).toEqual(expected);
    expect(h.conn.status).toBe('manuallyClosed');
    expect(h.armedTimers()).toEqual([]);
    h.conn.stop();
    expect(h.events).toEqual(expected);
  });
});

describe('exact errors', () => {
  it.each(['connect', 'close', 'reconnect'] as const)('%s() after stop() names the method and says to create a new connection', (method) => {
    const h = connectWithFake(fast);
    h.conn.stop();
    expect(() => h.conn[method]()).toThrow(new Error(`xstate-websocket: ${method}() after stop(); create a new connection instead.`));
  });

  it('on() names an unknown event and lists the known ones, and names the event of a listener that is not a function', () => {
    const h = connectWithFake(fast);
    expect(() => h.conn.on('nope' as never, () => {})).toThrow(
      new TypeError('xstate-websocket: unknown event "nope"; use one of status, open, message, close, error, retry, gaveUp, dropped.'),
    );
    expect(() => h.conn.on('retry', 5 as never)).toThrow(new TypeError("xstate-websocket: the listener for 'retry' must be a function."));
  });

  it('close() names a code or reason of the wrong kind', () => {
    const h = connectWithFake(fast);
    expect(() => h.conn.close('1000' as never)).toThrow(new RangeError('xstate-websocket: close(code) takes 1000 or an integer in 3000–4999, got "1000".'));
    expect(() => h.conn.close(3000.5)).toThrow(new RangeError('xstate-websocket: close(code) takes 1000 or an integer in 3000–4999, got 3000.5.'));
    expect(() => h.conn.close(1000, 7 as never)).toThrow(new TypeError('xstate-websocket: close(code, reason) takes a string reason, got 7.'));
    expect(h.conn.status).toBe('connecting');
  });

  it.each<[string, unknown, string]>([
    ['an Error', new Error('socket busy'), 'socket busy'],
    ['a string', 'busy', 'busy'],
    ['a number', 42, '42'],
  ])('a refusal that throws %s is reported with what was thrown', (_, thrown, text) => {
    const { server } = connectWithFake({ ...fast, autoConnect: false });
    class Refusing extends server.WebSocket {
      override send(data: unknown): void {
        if (this.readyState === 1) throw thrown;
        super.send(data);
      }
    }
    const h = connectWithFake({ ...fast, WebSocket: Refusing as never });
    server.latest().accept();
    expect(h.conn.send('x')).toBe(false);
    expect(h.payloads('dropped')).toEqual([{ data: 'x', reason: 'refused', error: thrown }]);
    expect(h.payloads('error')).toEqual([{ message: `the WebSocket refused a message (dropped): ${text}`, error: thrown }]);
  });
});

describe('re-entrant calls and defaults', () => {
  it('a refusal listener that calls close() during the flush keeps the rest queued, and the next connect sends it', () => {
    const h = connectWithFake(fast, { refuseSend: (data) => data === 'x' });
    for (const m of ['a', 'x', 'b']) h.conn.send(m);
    h.conn.on('dropped', ({ reason }) => reason === 'refused' && h.conn.close());
    h.server.latest().accept();
    expect(h.server.latest().sent).toEqual(['a']);
    expect(h.payloads('dropped')).toEqual([{ data: 'x', reason: 'refused', error: expect.any(TypeError) }]);
    h.server.latest().completeClose();
    h.conn.connect();
    h.server.latest().accept();
    expect(h.server.latest().sent).toEqual(['b']);
  });

  it('a message sent by a listener during the flush goes out after the queued ones', () => {
    const h = connectWithFake(fast, { refuseSend: (data) => data === 'x' });
    for (const m of ['x', 'b']) h.conn.send(m);
    h.conn.on('dropped', ({ reason }) => reason === 'refused' && h.conn.send('from listener'));
    h.server.latest().accept();
    expect(h.server.latest().sent).toEqual(['b', 'from listener']);
  });

  it('a send() after stop() is reported dropped as stopped', () => {
    const h = connectWithFake(fast);
    h.conn.stop();
    expect(h.conn.send('late')).toBe(false);
    expect(h.payloads('dropped')).toEqual([{ data: 'late', reason: 'stopped' }]);
  });

  it('close() without arguments asks the socket for 1000 with an empty reason', () => {
    const h = connectWithFake(fast);
    h.server.latest().accept();
    h.conn.close();
    expect(h.server.latest().closeCall).toEqual({ code: 1000, reason: '' });
  });

  it('an unsubscribe called again after the last registration of its event was removed does nothing', () => {
    // Not the harness: it registers a listener for every event itself.
    const server = createFakeWebSocketServer();
    const conn = createConnection({ url: 'ws://test.invalid/', WebSocket: server.WebSocket, clock: new SimulatedClock(), autoConnect: false });
    const seen: unknown[] = [];
    const off = conn.on('open', (payload) => seen.push(payload));
    off();
    expect(() => off()).not.toThrow();
    const again = conn.on('open', (payload) => seen.push(payload));
    conn.connect();
    server.latest().accept();
    expect(seen).toEqual([{ protocol: '', reconnected: false, downtimeMs: 0 }]);
    again();
    conn.stop();
  });

  it('message listeners hear the socket only: a SOCKET.MESSAGE sent to the public actor by hand is not a handle message', () => {
    const h = connectWithFake(fast);
    h.server.latest().accept();
    h.conn.actor.send({ type: 'SOCKET.MESSAGE', data: 'by hand' });
    h.server.latest().receive('from the socket');
    expect(h.payloads('message')).toEqual(['from the socket']);
  });

  it('with autoConnect: false and no call, nothing connects', async () => {
    const h = connectWithFake({ ...fast, autoConnect: false });
    for (let i = 0; i < 5; i++) await Promise.resolve();
    expect(h.conn.status).toBe('idle');
    expect(h.server.sockets).toHaveLength(0);
  });
});
