/**
 * The handle at its edges (issue 9): calls in the creation tick, messages the WebSocket refuses,
 * binary data mutated after send(), status and events after stop(), duplicate listeners.
 */
import { SimulatedClock } from 'xstate';
import { describe, expect, it } from 'vitest';
import { createConnection, type Connection, type ConnectionEventMap, type ConnectionOptions } from '../src/index.js';
import { createFakeWebSocketServer, type FakeWebSocketServerOptions } from './support/fake-websocket.js';
import { connectWithFake } from './support/harness.js';

const flushMicrotasks = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

/** A connection created with `autoConnect: true`, every event recorded from the start. */
function autoConnecting(options: Partial<ConnectionOptions> = {}, fakeOptions: FakeWebSocketServerOptions = {}) {
  const server = createFakeWebSocketServer(fakeOptions);
  const conn = createConnection({ url: 'ws://test.invalid/', WebSocket: server.WebSocket, clock: new SimulatedClock(), ...options });
  const events: Array<[keyof ConnectionEventMap, unknown]> = [];
  for (const name of ['status', 'open', 'close', 'error', 'dropped'] as const) conn.on(name, (payload) => events.push([name, payload]));
  return { conn, server, events };
}

describe('calls in the creation tick are final (autoConnect)', () => {
  it('close() right after createConnection opens no socket and ends manuallyClosed', async () => {
    const { conn, server } = autoConnecting();
    conn.close();
    await flushMicrotasks();
    expect(server.sockets).toHaveLength(0);
    expect(conn.status).toBe('manuallyClosed');
    conn.stop();
  });

  it.each([
    ['reconnect', (conn: Connection) => conn.reconnect()],
    ['connect', (conn: Connection) => conn.connect()],
  ] as const)('%s(); close() in one tick ends manuallyClosed (through closing) and opens no second socket', async (_, call) => {
    const { conn, server } = autoConnecting();
    call(conn);
    conn.close();
    await flushMicrotasks();
    expect(conn.status).toBe('closing');
    server.latest().completeClose();
    await flushMicrotasks();
    expect(conn.status).toBe('manuallyClosed');
    expect(server.sockets).toHaveLength(1);
    conn.stop();
  });

  it('React StrictMode: mount → cleanup (stop) → mount opens exactly one socket', async () => {
    const server = createFakeWebSocketServer();
    const first = createConnection({ url: 'ws://test.invalid/', WebSocket: server.WebSocket });
    first.stop();
    const second = createConnection({ url: 'ws://test.invalid/', WebSocket: server.WebSocket });
    await flushMicrotasks();
    expect(server.sockets).toHaveLength(1);
    expect(second.status).toBe('connecting');
    second.stop();
  });

  it('reconnect() whose attempt gives up in the creation tick stays gaveUp (the deferred connect does not restart it)', async () => {
    const { conn, server } = autoConnecting({ maxRetries: 0 });
    conn.reconnect();
    server.latest().drop();
    expect(conn.status).toBe('gaveUp');
    await flushMicrotasks();
    expect(conn.status).toBe('gaveUp');
    expect(server.sockets).toHaveLength(1);
  });

  it('with no call in the creation tick, the first microtask connects', async () => {
    const { conn, server } = autoConnecting();
    expect(conn.status).toBe('idle');
    await flushMicrotasks();
    expect(conn.status).toBe('connecting');
    expect(server.sockets).toHaveLength(1);
    conn.stop();
  });
});

describe('a message the WebSocket refuses never stalls the queue', () => {
  const refuseX = { refuseSend: (data: unknown) => data === 'x' };

  it('on the direct path: send() returns false, dropped (refused, with the error) and error fire, later messages go out', () => {
    const h = connectWithFake({}, refuseX);
    const socket = h.server.latest();
    socket.accept();
    expect(h.conn.send('a')).toBe(true);
    expect(h.conn.send('x')).toBe(false);
    expect(h.conn.send('b')).toBe(true);
    expect(socket.sent).toEqual(['a', 'b']);
    const [dropped] = h.payloads('dropped');
    expect(dropped).toMatchObject({ data: 'x', reason: 'refused' });
    expect(dropped!.error).toBeInstanceOf(TypeError);
    expect(h.payloads('error')).toHaveLength(1);
    expect(h.payloads('error')[0]!.message).toMatch(/refused/);
  });

  it('during the flush on open: the refused one is reported, the ones after it go out in order', () => {
    const h = connectWithFake({}, refuseX);
    for (const m of ['a', 'x', 'b', 'c']) expect(h.conn.send(m)).toBe(true);
    h.server.latest().accept();
    h.conn.send('d');
    expect(h.server.latest().sent).toEqual(['a', 'b', 'c', 'd']);
    expect(h.payloads('dropped')).toMatchObject([{ data: 'x', reason: 'refused' }]);
  });

  it('a listener of the refusal that calls stop() during the flush drops only what was not sent', () => {
    const h = connectWithFake({}, refuseX);
    for (const m of ['a', 'x', 'b']) h.conn.send(m);
    h.conn.on('dropped', ({ reason }) => reason === 'refused' && h.conn.stop());
    h.server.latest().accept();
    expect(h.server.latest().sent).toEqual(['a']);
    expect(h.payloads('dropped')).toMatchObject([
      { data: 'x', reason: 'refused' },
      { data: 'b', reason: 'stopped' },
    ]);
  });

  it('a heartbeat ping the WebSocket refuses is reported as an error, and the connection goes on', () => {
    const h = connectWithFake({ heartbeat: { intervalMs: 100, timeoutMs: 100 } }, { refuseSend: (data) => data === 'ping' });
    h.server.latest().accept();
    h.advance(100);
    expect(h.server.latest().refused).toEqual(['ping']);
    expect(h.payloads('error').map((e) => e.message)).toEqual([expect.stringMatching(/refused the heartbeat ping/)]);
    h.conn.send('after');
    expect(h.server.latest().sent).toEqual(['after']);
  });

  it.runIf(typeof SharedArrayBuffer !== 'undefined')('send() throws a TypeError for a SharedArrayBuffer or a view on one, saying how to fix it', () => {
    const h = connectWithFake();
    const shared = new SharedArrayBuffer(4);
    for (const data of [shared, new Uint8Array(shared), new DataView(shared)]) {
      expect(() => h.conn.send(data as never)).toThrow(TypeError);
      expect(() => h.conn.send(data as never)).toThrow(/SharedArrayBuffer.*copy/);
    }
  });
});

describe('binary data is sent as it was at send()', () => {
  it('a queued Uint8Array, ArrayBuffer, DataView and Buffer mutated after send() arrive unmutated', () => {
    const h = connectWithFake();
    const bytes = new Uint8Array([1, 2, 3]);
    const buffer = new Uint8Array([4, 5]).buffer;
    const view = new DataView(new Uint8Array([6, 7, 8, 9]).buffer, 1, 2);
    const nodeBuffer = Buffer.from([10, 11]);
    for (const data of [bytes, buffer, view, nodeBuffer]) h.conn.send(data);
    bytes.fill(0);
    new Uint8Array(buffer).fill(0);
    new Uint8Array(view.buffer).fill(0);
    nodeBuffer.fill(0);
    h.server.latest().accept();
    const sent = h.server.latest().sent;
    expect(sent[0]).toBeInstanceOf(Uint8Array);
    expect([...(sent[0] as Uint8Array)]).toEqual([1, 2, 3]);
    expect([...new Uint8Array(sent[1] as ArrayBuffer)]).toEqual([4, 5]);
    expect(sent[2]).toBeInstanceOf(DataView);
    const copy = sent[2] as DataView;
    expect([copy.getUint8(0), copy.getUint8(1), copy.byteLength]).toEqual([7, 8, 2]);
    expect(Buffer.isBuffer(sent[3])).toBe(true);
    expect([...(sent[3] as Buffer)]).toEqual([10, 11]);
  });

  it('a dropped binary message reports the bytes as they were at send()', () => {
    const h = connectWithFake({ maxQueuedMessages: 1 });
    const bytes = new Uint8Array([1, 2]);
    h.conn.send(bytes);
    bytes.fill(9);
    h.conn.stop();
    const [dropped] = h.payloads('dropped');
    expect([...(dropped!.data as Uint8Array)]).toEqual([1, 2]);
  });
});

describe('status after stop() tells the truth', () => {
  it('stop() while open: status manuallyClosed, then close, status and dropped events in that order, once', () => {
    const h = connectWithFake();
    h.server.latest().accept();
    h.conn.close();
    h.conn.connect(); // reconnects after the close
    h.conn.send('queued');
    h.events.length = 0;
    h.conn.stop();
    expect(h.conn.status).toBe('manuallyClosed');
    expect(h.events).toEqual([
      ['close', { code: 1000, reason: 'client stopped', wasClean: false }],
      ['status', 'manuallyClosed'],
      ['dropped', { data: 'queued', reason: 'stopped' }],
    ]);
  });

  it('stop() in idle: one status event, no close event', () => {
    const h = connectWithFake({ autoConnect: false });
    h.conn.stop();
    expect(h.conn.status).toBe('manuallyClosed');
    expect(h.events).toEqual([['status', 'manuallyClosed']]);
  });

  it('stop() in manuallyClosed: no event at all', () => {
    const h = connectWithFake();
    h.conn.close();
    h.server.latest().completeClose();
    h.events.length = 0;
    h.conn.stop();
    h.conn.stop();
    expect(h.conn.status).toBe('manuallyClosed');
    expect(h.events).toEqual([]);
  });
});

describe('one on() registration, one removal', () => {
  it('the same function registered twice is called twice; each unsubscribe removes its own registration, once', () => {
    const h = connectWithFake({ autoConnect: false });
    const calls: string[] = [];
    const f = (status: string) => calls.push(`f:${status}`);
    const g = (status: string) => calls.push(`g:${status}`);
    const offF1 = h.conn.on('status', f);
    h.conn.on('status', g);
    const offF2 = h.conn.on('status', f);
    h.conn.connect();
    expect(calls).toEqual(['f:connecting', 'g:connecting', 'f:connecting']);
    offF2();
    offF2();
    calls.length = 0;
    h.conn.close();
    expect(calls).toEqual(['f:closing', 'g:closing']);
    offF1();
    calls.length = 0;
    h.server.latest().completeClose();
    expect(calls).toEqual(['g:manuallyClosed']);
  });
});

describe('methods taken off the handle (they live on its prototype)', () => {
  it.each(['connect', 'close', 'reconnect', 'send', 'on', 'stop'] as const)(
    '%s() called detached throws a TypeError that says how to call it, and changes nothing',
    (method) => {
      const { conn, server } = autoConnecting({ autoConnect: false });
      const detached = conn[method] as (...args: unknown[]) => unknown;
      expect(() => detached('x')).toThrow(
        new TypeError(
          `xstate-websocket: ${method}() was called without its connection (a method taken off the handle); ` +
            `call connection.${method}(...), or pass a wrapper such as (...args) => connection.${method}(...args).`,
        ),
      );
      expect(conn.status).toBe('idle');
      expect(server.sockets).toHaveLength(0);
      const bound = conn.connect.bind(conn);
      bound();
      expect(conn.status).toBe('connecting');
      conn.stop();
    },
  );
});
