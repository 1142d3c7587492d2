/**
 * The testing kit's in-memory server and WebSocket (src/testing/server.ts, src/testing/socket.ts):
 * the WHATWG readyState rules, every move the test can make as server and network, and the errors
 * for moves the socket's state does not allow.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTestServer, TestServer, TestWebSocket, type TestServerOptions } from '../src/testing/index.js';

/** A socket of a fresh server, with every event it fired recorded as [type, event]. */
function socketOf(options: TestServerOptions = {}) {
  const server = createTestServer(options);
  const socket = new server.WebSocket('ws://app.test/live', ['chat.v1', 'chat.v2']);
  const events: Array<[string, Record<string, unknown>]> = [];
  for (const type of ['open', 'message', 'error', 'close']) socket.addEventListener(type, (event) => events.push([type, event]));
  const types = () => events.map(([type]) => type);
  const last = (type: string) => events.filter(([t]) => t === type).at(-1)?.[1];
  return { server, socket, events, types, last };
}

describe('the client face keeps the WHATWG readyState rules', () => {
  it('starts CONNECTING with the url and protocols it was given, and hangs there until the server moves', () => {
    const { socket, types } = socketOf();
    expect(socket.readyState).toBe(TestWebSocket.CONNECTING);
    expect([socket.url, socket.protocols, socket.protocol, socket.extensions, socket.bufferedAmount]).toEqual(['ws://app.test/live', ['chat.v1', 'chat.v2'], '', '', 0]);
    expect([socket.CONNECTING, socket.OPEN, socket.CLOSING, socket.CLOSED]).toEqual([0, 1, 2, 3]);
    expect(types()).toEqual([]);
  });

  it('send while CONNECTING throws InvalidStateError and sends nothing', () => {
    const { socket } = socketOf();
    expect(() => socket.send('early')).toThrow(expect.objectContaining({ name: 'InvalidStateError' }));
    expect(socket.sent).toEqual([]);
  });

  it('send while OPEN is recorded in order, binary as it was at send (a later write to the buffer is not on the wire)', () => {
    const { socket } = socketOf();
    socket.accept();
    const bytes = new Uint8Array([1, 2, 3]);
    socket.send('a');
    socket.send(bytes);
    bytes[0] = 9;
    expect(socket.sent).toEqual(['a', new Uint8Array([1, 2, 3])]);
  });

  it('send after the socket left OPEN is discarded silently, as a real socket loses it', () => {
    const { socket } = socketOf();
    socket.accept();
    socket.close(1000);
    socket.send('while closing');
    socket.completeClose();
    socket.send('after close');
    expect(socket.sent).toEqual([]);
    expect(socket.discarded).toEqual(['while closing', 'after close']);
  });

  it('close with a code other than 1000 or 3000–4999 throws InvalidAccessError; a reason over 123 bytes throws SyntaxError', () => {
    const { socket } = socketOf();
    socket.accept();
    for (const code of [1001, 1006, 2999, 5000]) expect(() => socket.close(code)).toThrow(expect.objectContaining({ name: 'InvalidAccessError' }));
    expect(() => socket.close(1000, 'é'.repeat(62))).toThrow(expect.objectContaining({ name: 'SyntaxError' }));
    expect(socket.readyState).toBe(TestWebSocket.OPEN);
    expect(socket.closeCall).toBeNull();
  });

  it('close is CLOSING until the server answers, then CLOSED with the code and reason the client gave; 1005 when it gave none', () => {
    const { socket, types, last } = socketOf();
    socket.accept();
    socket.close(4001, 'bye');
    socket.close(1000, 'again'); // a second close does nothing
    expect(socket.readyState).toBe(TestWebSocket.CLOSING);
    expect(socket.closeCall).toEqual({ code: 4001, reason: 'bye' });
    socket.completeClose();
    expect(socket.readyState).toBe(TestWebSocket.CLOSED);
    expect(types()).toEqual(['open', 'close']);
    expect(last('close')).toEqual({ type: 'close', code: 4001, reason: 'bye', wasClean: true });
    const other = socketOf().socket;
    let close: unknown;
    other.addEventListener('close', (event) => (close = event));
    other.accept();
    other.close();
    other.completeClose();
    expect(close).toMatchObject({ code: 1005, reason: '', wasClean: true });
  });

  it('close while CONNECTING fails the connection: error, then close 1006, once the close completes', () => {
    const { socket, types, last } = socketOf();
    socket.close();
    expect(socket.readyState).toBe(TestWebSocket.CLOSING);
    socket.completeClose();
    expect(types()).toEqual(['error', 'close']);
    expect(last('close')).toMatchObject({ code: 1006, wasClean: false });
  });

  it('on* handlers are called after the listeners of their event, and count as listeners', () => {
    const { socket, events } = socketOf();
    const order: string[] = [];
    socket.addEventListener('message', () => order.push('listener'));
    socket.onmessage = (event: { data: unknown }) => order.push(`onmessage ${String(event.data)}`);
    socket.onopen = () => order.push('onopen');
    expect(socket.listenerCount()).toBe(4 + 1 + 2);
    socket.accept();
    socket.serverSend('hi');
    expect(order).toEqual(['onopen', 'listener', 'onmessage hi']);
    expect(events.map(([type]) => type)).toEqual(['open', 'message']);
  });

  it('a listener added twice is called once; a removed one is not called', () => {
    const { socket } = socketOf();
    const calls: string[] = [];
    const once = () => calls.push('once');
    const removed = () => calls.push('removed');
    socket.addEventListener('open', once);
    socket.addEventListener('open', once);
    socket.addEventListener('open', removed);
    socket.removeEventListener('open', removed);
    socket.accept();
    expect(calls).toEqual(['once']);
  });
});

describe('the server face: every move of the server and the network', () => {
  it('accept opens with the chosen subprotocol', () => {
    const { socket, types } = socketOf();
    socket.accept('chat.v2');
    expect([socket.readyState, socket.protocol]).toEqual([TestWebSocket.OPEN, 'chat.v2']);
    expect(types()).toEqual(['open']);
  });

  it('refuse() at the network: error, then close 1006', () => {
    const { socket, types, last } = socketOf();
    socket.refuse();
    expect(socket.readyState).toBe(TestWebSocket.CLOSED);
    expect(types()).toEqual(['error', 'close']);
    expect(last('close')).toMatchObject({ code: 1006, reason: '', wasClean: false });
  });

  it('refuse(status) answers the upgrade with an HTTP status, reported as ws does', () => {
    const { socket, types, last } = socketOf();
    socket.refuse(503);
    expect(types()).toEqual(['error', 'close']);
    expect(last('error')).toMatchObject({ message: 'Unexpected server response: 503' });
    expect((last('error')!.error as Error).message).toBe('Unexpected server response: 503');
    expect(last('close')).toMatchObject({ code: 1006, wasClean: false });
  });

  it('serverSend delivers text as is, and binary as the client binaryType asks, copied', () => {
    const { socket, events } = socketOf();
    socket.accept();
    const bytes = new Uint8Array([7, 8]);
    socket.serverSend('text');
    socket.binaryType = 'arraybuffer';
    socket.serverSend(bytes);
    socket.binaryType = 'blob';
    socket.serverSend(bytes.buffer);
    socket.binaryType = 'nodebuffer';
    socket.serverSend(new DataView(bytes.buffer, 1, 1));
    const data = events.filter(([type]) => type === 'message').map(([, event]) => event.data);
    expect(data[0]).toBe('text');
    expect(data[1]).toBeInstanceOf(ArrayBuffer);
    expect(new Uint8Array(data[1] as ArrayBuffer)).toEqual(new Uint8Array([7, 8]));
    expect(data[1]).not.toBe(bytes.buffer);
    expect(data[2]).toBeInstanceOf(Blob);
    expect((data[2] as Blob).size).toBe(2);
    expect(Buffer.isBuffer(data[3])).toBe(true);
    expect([...(data[3] as Buffer)]).toEqual([8]);
  });

  it('serverClose closes cleanly with the code and reason the server gave', () => {
    const { socket, types, last } = socketOf();
    socket.accept();
    socket.serverClose(4000, 'maintenance');
    expect(socket.readyState).toBe(TestWebSocket.CLOSED);
    expect(types()).toEqual(['open', 'close']);
    expect(last('close')).toEqual({ type: 'close', code: 4000, reason: 'maintenance', wasClean: true });
  });

  it('drop: the network fails and the client notices: error, then close 1006, from OPEN or CLOSING', () => {
    for (const closing of [false, true]) {
      const { socket, types, last } = socketOf();
      socket.accept();
      if (closing) socket.close();
      socket.drop();
      expect(types()).toEqual(['open', 'error', 'close']);
      expect(last('close')).toMatchObject({ code: 1006, wasClean: false });
    }
  });

  it('dropSilently: no event reaches the client, its sends are lost, the server cannot reach it; drop() ends it', () => {
    const { socket, types } = socketOf();
    socket.accept();
    socket.send('before');
    socket.dropSilently();
    socket.send('into the void');
    expect(socket.readyState).toBe(TestWebSocket.OPEN);
    expect(types()).toEqual(['open']);
    expect([socket.sent, socket.lost]).toEqual([['before'], ['into the void']]);
    expect(() => socket.serverSend('hi')).toThrow(/socket #1 \(ws:\/\/app\.test\/live\): serverSend\(\) after dropSilently\(\)/);
    socket.close(1000);
    expect(() => socket.completeClose()).toThrow(/completeClose\(\) after dropSilently\(\)/);
    socket.drop();
    expect(types()).toEqual(['open', 'error', 'close']);
  });
});

describe('moves the socket state does not allow throw at once, naming the socket and its state', () => {
  it.each([
    ['accept twice', (s: TestWebSocket) => (s.accept(), s.accept()), /test socket #1 \(ws:\/\/app\.test\/live\): accept\(\) while OPEN; only a CONNECTING socket can be accepted, once/],
    ['refuse an OPEN socket', (s: TestWebSocket) => (s.accept(), s.refuse()), /refuse\(\) while OPEN/],
    ['serverSend while CONNECTING', (s: TestWebSocket) => s.serverSend('x'), /serverSend\(\) while CONNECTING; the server can send to an OPEN socket only/],
    ['serverSend to a closed socket', (s: TestWebSocket) => (s.accept(), s.serverClose(), s.serverSend('x')), /serverSend\(\) while CLOSED/],
    ['serverClose a closed socket', (s: TestWebSocket) => (s.refuse(), s.serverClose()), /serverClose\(\) while CLOSED/],
    ['drop a closed socket', (s: TestWebSocket) => (s.refuse(), s.drop()), /drop\(\) while CLOSED/],
    ['completeClose with no close asked', (s: TestWebSocket) => (s.accept(), s.completeClose()), /completeClose\(\) while OPEN; only a socket the client is closing/],
    ['dropSilently while CONNECTING', (s: TestWebSocket) => s.dropSilently(), /dropSilently\(\) while CONNECTING/],
  ])('%s', (_, move, message) => {
    const { socket } = socketOf();
    expect(() => move(socket)).toThrow(message);
  });
});

describe('the server', () => {
  it('numbers the sockets the app opens, gives the latest, the live ones and the peak of live ones', () => {
    const server = createTestServer();
    expect(() => server.latest()).toThrow("test server: no socket was created yet; did the app connect with this server's WebSocket?");
    const first = new server.WebSocket('ws://a/');
    const second = new server.WebSocket('ws://b/');
    expect(server.sockets).toEqual([first, second]);
    expect([first.index, second.index]).toEqual([1, 2]);
    expect(server.latest()).toBe(second);
    expect(server.peakLive).toBe(2);
    first.refuse();
    expect(server.live()).toEqual([second]);
    new server.WebSocket('ws://c/');
    expect(server.peakLive).toBe(2);
  });

  it('terminate: true gives sockets ws\'s terminate(): the connection ends at once (error first while CONNECTING)', () => {
    const open = socketOf({ terminate: true });
    open.socket.accept();
    (open.socket as unknown as { terminate(): void }).terminate();
    expect([open.socket.terminated, open.types()]).toEqual([true, ['open', 'close']]);
    const connecting = socketOf({ terminate: true });
    (connecting.socket as unknown as { terminate(): void }).terminate();
    expect(connecting.types()).toEqual(['error', 'close']);
    expect('terminate' in socketOf().socket).toBe(false);
  });

  it('errorWithoutClose: a failed handshake or a close while CONNECTING errors and never closes, as Node 20\'s WebSocket does; nothing more happens on it', () => {
    const refused = socketOf({ errorWithoutClose: true });
    refused.socket.refuse();
    expect([refused.socket.readyState, refused.types()]).toEqual([TestWebSocket.CONNECTING, ['error']]);
    const closed = socketOf({ errorWithoutClose: true });
    closed.socket.close();
    expect(closed.types()).toEqual(['error']);
    expect(closed.last('error')).toMatchObject({ message: 'Connection was closed before it was established.' });
    closed.socket.close(); // nothing more happens on a socket whose handshake failed so
    expect(closed.types()).toEqual(['error']);
    expect(() => refused.socket.accept()).toThrow('test socket #1 (ws://app.test/live): accept() after its handshake failed with errorWithoutClose; nothing more happens on it');
  });

  it('refuseSend: send throws a TypeError for the data it refuses, which is kept apart and never sent', () => {
    const { socket } = socketOf({ refuseSend: (data) => data === 'no' });
    socket.accept();
    expect(() => socket.send('no')).toThrow(TypeError);
    socket.send('yes');
    expect([socket.sent, socket.refusedSends]).toEqual([['yes'], ['no']]);
  });

  it('misconfiguration throws a TypeError at once, naming what is wrong', () => {
    expect(() => createTestServer({ refuseSend: true as never })).toThrow(new TypeError('test server: refuseSend must be a function (data) => boolean, got boolean'));
    expect(() => new TestServer({}, class {} as never)).toThrow(new TypeError('test server: the socket class must be TestWebSocket or a subclass of it'));
  });

  it('a subclass of TestWebSocket given to the server makes its sockets, events routed through its dispatch', () => {
    const seen: string[] = [];
    class Noting extends TestWebSocket {
      protected override dispatch(type: string, init: object) {
        seen.push(type);
        super.dispatch(type, init);
      }
    }
    const server = new TestServer({}, Noting);
    const socket = new server.WebSocket('ws://x/');
    expect(socket).toBeInstanceOf(Noting);
    socket.accept();
    socket.serverClose();
    expect(seen).toEqual(['open', 'close']);
  });
});

describe('any sequence of moves, by the client, the server and the network', () => {
  type Move = { name: string; run: (s: TestWebSocket) => void };
  const moves: Move[] = [
    { name: 'accept', run: (s) => s.accept('p') },
    { name: 'refuse', run: (s) => s.refuse() },
    { name: 'refuse(503)', run: (s) => s.refuse(503) },
    { name: 'serverSend', run: (s) => s.serverSend('m') },
    { name: 'serverClose', run: (s) => s.serverClose(4000, 'bye') },
    { name: 'drop', run: (s) => s.drop() },
    { name: 'dropSilently', run: (s) => s.dropSilently() },
    { name: 'completeClose', run: (s) => s.completeClose() },
    { name: 'send', run: (s) => s.send('c') },
    { name: 'close()', run: (s) => s.close() },
    { name: 'close(1000)', run: (s) => s.close(1000, 'done') },
    { name: 'terminate', run: (s) => (s as unknown as { terminate?: () => void }).terminate?.() },
  ];

  it('readyState only moves forward, open fires at most once while OPEN, close at most once and last, and a refused move changes nothing', () => {
    fc.assert(
      fc.property(
        fc.record({ terminate: fc.boolean(), errorWithoutClose: fc.boolean() }),
        fc.array(fc.constantFrom(...moves), { maxLength: 12 }),
        (options, sequence) => {
          const server = createTestServer(options);
          const socket = new server.WebSocket('ws://app.test/');
          const seen: Array<[string, number]> = [];
          for (const type of ['open', 'message', 'error', 'close']) socket.addEventListener(type, () => seen.push([type, socket.readyState]));
          let before = socket.readyState;
          for (const move of sequence) {
            const events = seen.length;
            try {
              move.run(socket);
            } catch (error) {
              if (!(error instanceof Error) || error.name === 'InvalidStateError') {
                expect(move.name).toBe('send'); // only send while CONNECTING throws a DOMException here
              } else {
                expect((error as Error).message).toMatch(/^test socket #1 \(ws:\/\/app\.test\/\): /);
              }
              expect([socket.readyState, seen.length]).toEqual([before, events]);
            }
            expect(socket.readyState).toBeGreaterThanOrEqual(before);
            before = socket.readyState;
          }
          const types = seen.map(([type]) => type);
          expect(types.filter((t) => t === 'open').length).toBeLessThanOrEqual(1);
          expect(seen.filter(([t]) => t === 'open').every(([, state]) => state === TestWebSocket.OPEN)).toBe(true);
          expect(types.filter((t) => t === 'close').length).toBeLessThanOrEqual(1);
          if (types.includes('close')) {
            expect(types.at(-1)).toBe('close');
            expect(seen.at(-1)![1]).toBe(TestWebSocket.CLOSED);
          }
          expect(seen.filter(([t]) => t === 'message').every(([, state]) => state === TestWebSocket.OPEN)).toBe(true);
          expect(socket.readyState === TestWebSocket.CLOSED).toBe(types.includes('close'));
        },
      ),
      { numRuns: 2_000 },
    );
  });
});
