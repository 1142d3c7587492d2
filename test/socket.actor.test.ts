/**
 * The adapter (src/socket.actor.ts): what it does with the socket it owns and what it reports, also
 * on implementations that bend the WHATWG rules. Driven through the handle's harness where that is
 * the shortest way to a code path, and on its own (`createSocketActor(deps)`).
 */
import { EventEmitter } from 'node:events';
import { createActor, sendTo, setup, SimulatedClock } from 'xstate';
import { describe, expect, it, vi } from 'vitest';
import { connectionMachine, createSocketActor, getStatus, resolveOptions, type ConnectionOptions, type SocketActorDeps, type SocketTransport } from '../src/index.js';
import { connectWithFake } from './support/harness.js';
import { advance } from './support/virtual-time.js';
import { createFakeWebSocketServer, type FakeWebSocket, type FakeWebSocketServerOptions } from './support/fake-websocket.js';
import { NO_DEPS } from '../src/socket.actor.js';

// Node 20's built-in WebSocket (undici): a failed handshake, or close() while connecting, fires
// 'error' and stays CONNECTING; 'close' never comes.
const undici20 = { errorWithoutClose: true };

describe('an implementation that reports only an error while CONNECTING (Node 20 undici)', () => {
  it('treats an error while CONNECTING as the close an implementation never reports', () => {
    const h = connectWithFake({ maxRetries: 2, backoff: { initialDelayMs: 100, factor: 1, jitter: 0 }, connectTimeoutMs: 10_000 }, undici20);
    for (let i = 0; i < 3; i++) {
      h.server.sockets[i]!.drop();
      h.advance(100);
    }
    // Three attempts, each over at once: no wait for connectTimeoutMs.
    expect(h.conn.status).toBe('gaveUp');
    expect(h.clock.now()).toBe(300);
    expect(h.payloads('close').map((c) => c.code)).toEqual([1006, 1006, 1006]);
    expect(h.server.sockets.map((s) => s.listenerCount())).toEqual([0, 0, 0]);
  });

  it('closes while CONNECTING at once when the implementation reports only an error', () => {
    const h = connectWithFake({}, undici20);
    h.conn.close();
    expect(h.conn.status).toBe('manuallyClosed');
    expect(h.server.sockets).toHaveLength(1);
    expect(h.server.latest().listenerCount()).toBe(0);
  });
});

describe('shouldReconnect is asked on every close the adapter reports, its own included', () => {
  const never = { maxRetries: 5, backoff: { initialDelayMs: 100, factor: 1, jitter: 0 } };

  it('asks on a connect timeout while an async url is still pending, and gives up when told', () => {
    const asked: number[] = [];
    const h = connectWithFake({ ...never, connectTimeoutMs: 500, url: () => new Promise<string>(() => {}), shouldReconnect: ({ code }) => (asked.push(code), false) });
    h.advance(500);
    expect(asked).toEqual([3008]);
    expect(h.conn.status).toBe('gaveUp');
    expect(h.server.sockets).toHaveLength(0);
  });

  it('asks on a socket abandoned after closeTimeoutMs (heartbeat timeout on a blackholed link), and gives up when told', () => {
    const asked: Array<{ code: number; reason: string }> = [];
    const h = connectWithFake(
      { ...never, closeTimeoutMs: 300, heartbeat: { intervalMs: 1_000, timeoutMs: 500 }, shouldReconnect: ({ code, reason }) => (asked.push({ code, reason }), false) },
      { terminate: true },
    );
    h.server.latest().accept();
    h.advance(1_000 + 500); // ping unanswered: closing
    expect(h.conn.status).toBe('closing');
    h.advance(300); // the close handshake never completes: abandoned
    expect(asked).toEqual([{ code: 1006, reason: 'close timed out: socket abandoned' }]);
    expect(h.server.latest().terminated).toBe(true);
    expect(h.conn.status).toBe('gaveUp');
    expect(h.server.sockets).toHaveLength(1);
    expect(h.payloads('close')).toEqual([{ code: 1006, reason: 'close timed out: socket abandoned', wasClean: false }]);
  });

  it.each([
    ['the url function throws', { url: () => { throw new Error('no token'); } }],
    ['the url promise rejects', { url: () => Promise.reject(new Error('no token')) }],
    ['the WebSocket constructor throws', { WebSocket: class { constructor() { throw new Error('blocked'); } } as never }],
    ['the url function returns an invalid url', { url: () => 'http://[' }],
  ])('asks when %s, and gives up when told', async (_, options) => {
    const asked: number[] = [];
    const h = connectWithFake({ ...never, ...options, shouldReconnect: ({ code }) => (asked.push(code), false) });
    await Promise.resolve();
    await Promise.resolve();
    expect(asked).toEqual([1006]);
    expect(h.conn.status).toBe('gaveUp');
    expect(h.payloads('close').map((c) => c.code)).toEqual([1006]);
  });
});

describe('url callbacks and terminate() that misbehave cannot kill the actor', () => {
  const drop = { maxRetries: 2, backoff: { initialDelayMs: 100, factor: 1, jitter: 1 } };

  it('a url thenable whose then throws is reported and retried', () => {
    const h = connectWithFake({ ...drop, url: () => ({ then() { throw new Error('bad thenable'); } }) as never });
    expect(h.conn.actor.getSnapshot().status).toBe('active');
    expect(h.payloads('error').map((e) => e.message)).toContain('url function threw: bad thenable');
    expect(h.conn.status).toBe('backoff');
  });

  it('a url thenable that fulfils twice opens one socket', () => {
    const h = connectWithFake({ url: () => ({ then(ok: (url: string) => void) { ok('ws://a.invalid/'); ok('ws://b.invalid/'); } }) as never });
    expect(h.server.sockets.map((s) => s.url)).toEqual(['ws://a.invalid/']);
    expect(h.conn.status).toBe('connecting');
  });

  it('a url promise that resolves after its attempt was abandoned opens nothing', async () => {
    let resolve!: (url: string) => void;
    const h = connectWithFake({ ...drop, connectTimeoutMs: 500, url: () => new Promise<string>((r) => (resolve = r)) });
    h.advance(500); // connect timeout: the attempt is over, backoff
    expect(h.conn.status).toBe('backoff');
    const late = resolve;
    h.advance(100); // the next attempt asks for a new url
    late('ws://late.invalid/');
    await Promise.resolve();
    expect(h.server.sockets).toHaveLength(0);
    resolve('ws://fresh.invalid/');
    await Promise.resolve();
    expect(h.server.sockets.map((s) => s.url)).toEqual(['ws://fresh.invalid/']);
  });

  it('a socket whose terminate() throws is still let go of', () => {
    const h = connectWithFake({ closeTimeoutMs: 300 }, { terminate: true });
    const first = h.server.latest();
    (first as unknown as { terminate: () => void }).terminate = () => {
      throw new Error('terminate failed');
    };
    first.accept();
    h.conn.reconnect();
    h.advance(300);
    expect(h.conn.actor.getSnapshot().status).toBe('active');
    expect(first.listenerCount()).toBe(0);
    expect(h.server.sockets).toHaveLength(2);
  });
});

describe('after stop() the adapter bounds every socket’s life', () => {
  it('terminates an OPEN socket whose close handshake hangs, closeTimeoutMs after stop()', () => {
    const h = connectWithFake({ closeTimeoutMs: 300 }, { terminate: true });
    const socket = h.server.latest();
    socket.accept();
    h.conn.stop();
    expect(socket.closeCall).toEqual({ code: 1000, reason: 'client stopped' });
    expect(socket.readyState).toBe(2);
    h.advance(299);
    expect(socket.terminated).toBe(false);
    h.advance(1);
    expect(socket.terminated).toBe(true);
    expect(socket.readyState).toBe(3);
    expect(h.armedTimers()).toEqual([]);
  });

  it('leaves a socket that closed in time alone', () => {
    const h = connectWithFake({ closeTimeoutMs: 300 }, { terminate: true });
    const socket = h.server.latest();
    socket.accept();
    h.conn.stop();
    socket.completeClose();
    h.advance(300);
    expect(socket.terminated).toBe(false);
    expect(h.armedTimers()).toEqual([]);
  });
});

describe('a clock.now that throws cannot kill the actor', () => {
  it('a clock.now that throws is reported once and replaced by performance.now(); the connection goes on', () => {
    const sim = new SimulatedClock();
    let calls = 0;
    const clock = {
      setTimeout: (fn: () => void, ms: number) => sim.setTimeout(fn, ms),
      clearTimeout: (id: number) => sim.clearTimeout(id),
      now: () => {
        if (++calls > 1) throw new Error('clock broken');
        return 0;
      },
    };
    const h = connectWithFake({ clock, heartbeat: { intervalMs: 1_000, timeoutMs: 500 } });
    h.server.latest().accept();
    advance(sim, 1_000); // the heartbeat asks how long the socket was silent
    expect(h.conn.actor.getSnapshot().status).toBe('active');
    expect(h.payloads('error').filter((e) => e.message.startsWith('clock.now threw'))).toHaveLength(1);
    h.conn.reconnect();
    expect(h.conn.status).toBe('closing');
  });
});

describe('a rejected upgrade: 401/403 are final, any other status is retried', () => {
  const once = { maxRetries: 1, backoff: { initialDelayMs: 100, factor: 1, jitter: 0 } };

  it.each([
    [401, { code: 4401, reason: 'HTTP 401 on upgrade', wasClean: false }, 'gaveUp'],
    [403, { code: 4403, reason: 'HTTP 403 on upgrade', wasClean: false }, 'gaveUp'],
    [500, { code: 1006, reason: 'HTTP 500 on upgrade', wasClean: false }, 'backoff'],
    [404, { code: 1006, reason: 'HTTP 404 on upgrade', wasClean: false }, 'backoff'],
  ] as const)('HTTP %i on upgrade closes as %j and leads to %s', (status, close, next) => {
    const h = connectWithFake(once);
    h.server.latest().rejectUpgrade(status);
    expect(h.payloads('error').map((e) => e.message)).toEqual([`Unexpected server response: ${status}`]);
    expect(h.payloads('close')).toEqual([close]);
    expect(h.conn.status).toBe(next);
    expect(h.server.latest().listenerCount()).toBe(0);
    if (next === 'gaveUp') expect(h.payloads('gaveUp')).toEqual([{ reason: `close-code ${close.code}`, close, retries: 0 }]);
  });

  it('the status of one rejected attempt does not stick to the next attempt’s close', () => {
    const h = connectWithFake(once);
    h.server.latest().rejectUpgrade(500);
    h.advance(100);
    h.server.latest().accept();
    h.server.latest().serverClose(1001, 'going away');
    expect(h.payloads('close').at(-1)).toEqual({ code: 1001, reason: 'going away', wasClean: true });
  });

  it('an error whose message is not an HTTP status leaves the close as the socket reports it', () => {
    const h = connectWithFake(once);
    h.server.latest().accept();
    h.server.latest().drop();
    expect(h.payloads('error').map((e) => e.message)).toEqual(['connection failed']);
    expect(h.payloads('close')).toEqual([{ code: 1006, reason: '', wasClean: false }]);
  });

  it('the app’s shouldReconnect sees the mapped close and can retry a 401', () => {
    const asked: number[] = [];
    const h = connectWithFake({ ...once, shouldReconnect: ({ code }) => (asked.push(code), true) });
    h.server.latest().rejectUpgrade(401);
    expect(asked).toEqual([4401]);
    expect(h.conn.status).toBe('backoff');
  });
});

describe('the abandon path: a close that does not complete within closeTimeoutMs', () => {
  it('records "close timeout", then the adapter reports the abandoned close in a later step', () => {
    const h = connectWithFake({ closeTimeoutMs: 700 }, { terminate: false });
    const socket = h.server.latest();
    socket.accept();
    const reasons: string[] = [];
    h.conn.actor.subscribe((s) => reasons.push(s.context.reason));
    h.conn.close();
    h.advance(700);
    expect(reasons).toEqual([
      'close requested {code: 1000, reason: ""}',
      'close timeout {timeoutMs: 700}',
      'socket closed {code: 1006, reason: "close timed out: socket abandoned"}',
    ]);
    expect(h.conn.status).toBe('manuallyClosed');
    expect(socket.listenerCount()).toBe(0);
  });

  it.each([
    ['ws-like: terminated', { terminate: true }, { terminated: true, closeCall: { code: 1000, reason: '' } }],
    ['browser-like: already closing, left alone', { terminate: false }, { terminated: false, closeCall: { code: 1000, reason: '' } }],
  ] as const)('an OPEN socket whose close hangs is let go of (%s), no listener left', (_, fake, expected) => {
    const h = connectWithFake({ closeTimeoutMs: 300 }, fake);
    const socket = h.server.latest();
    socket.accept();
    h.conn.close();
    h.advance(300);
    expect({ terminated: socket.terminated, closeCall: socket.closeCall }).toEqual(expected);
    expect(socket.listenerCount()).toBe(0);
    expect(h.payloads('close')).toEqual([{ code: 1006, reason: 'close timed out: socket abandoned', wasClean: false }]);
    expect(h.conn.status).toBe('manuallyClosed');
  });

  it('is not taken when close() on a CONNECTING socket only errors (undici): the attempt ends at once', () => {
    const h = connectWithFake({ connectTimeoutMs: 500, closeTimeoutMs: 300, maxRetries: 0 }, { errorWithoutClose: true });
    h.advance(500);
    expect(h.conn.status).toBe('gaveUp');
    expect(h.clock.now()).toBe(500);
    expect(h.armedTimers()).toEqual([]);
    expect(h.payloads('close')).toEqual([{ code: 1006, reason: 'Connection was closed before it was established.', wasClean: false }]);
    expect(h.server.latest().listenerCount()).toBe(0);
  });
});

/**
 * A fake with `ws`'s EventEmitter side (`on`/`once`/`off`, and 'error' throws when nobody
 * listens), next to its addEventListener side the adapter uses while it owns the socket.
 */
function wsLikeServer() {
  const server = createFakeWebSocketServer({ terminate: true });
  const Base = server.WebSocket as unknown as new (url: string, protocols?: string | string[]) => object;
  class WsLike extends Base {
    readonly emitter = new EventEmitter();
    on(type: string, fn: (...args: unknown[]) => void) {
      this.emitter.on(type, fn);
    }
    once(type: string, fn: (...args: unknown[]) => void) {
      this.emitter.once(type, fn);
    }
    off(type: string, fn: (...args: unknown[]) => void) {
      this.emitter.off(type, fn);
    }
    dispatch(type: string, event: object) {
      (Base.prototype as unknown as { dispatch: (this: unknown, t: string, e: object) => void }).dispatch.call(this, type, event);
      this.emitter.emit(type, event);
    }
  }
  const latest = () => server.latest() as FakeWebSocket & { emitter: EventEmitter };
  return { WebSocket: WsLike as never, latest };
}

describe('on a ws-like implementation (EventEmitter, terminate()), after stop()', () => {
  it('stop() while OPEN: a late error is swallowed until close, the terminate timer is cancelled when the close completes', () => {
    const ws = wsLikeServer();
    const h = connectWithFake({ closeTimeoutMs: 300, WebSocket: ws.WebSocket });
    const socket = ws.latest();
    socket.accept();
    h.conn.stop();
    expect(socket.closeCall).toEqual({ code: 1000, reason: 'client stopped' });
    expect(() => socket.emitter.emit('error', new Error('late'))).not.toThrow();
    expect(h.armedTimers()).toEqual([300]);
    socket.completeClose();
    expect(h.armedTimers()).toEqual([]);
    expect(socket.emitter.listenerCount('error')).toBe(0);
    expect(socket.emitter.listenerCount('close')).toBe(0);
    expect(socket.terminated).toBe(false);
  });

  it('stop() while CONNECTING: terminated, its error swallowed, and its close still emitted', () => {
    const ws = wsLikeServer();
    const h = connectWithFake({ WebSocket: ws.WebSocket });
    const socket = ws.latest();
    let closes = 0;
    socket.emitter.on('close', () => closes++);
    h.conn.stop();
    expect(socket.terminated).toBe(true);
    expect(socket.readyState).toBe(3);
    expect(closes).toBe(1);
    expect(socket.emitter.listenerCount('error')).toBe(0);
    expect(socket.closeCall).toBeNull();
    expect(h.armedTimers()).toEqual([]);
  });
});

/** Fires a raw event at the adapter's listeners, as an implementation might shape it. */
const fire = (socket: FakeWebSocket, type: string, event: object) =>
  (socket as unknown as { dispatch(type: string, event: object): void }).dispatch(type, event);

describe('what the adapter reports from the events an implementation fires', () => {
  it.each([
    ['error.message', { error: new Error('inner'), message: 'outer' }, 'inner'],
    ['message when error.message is empty', { error: new Error(''), message: 'outer' }, 'outer'],
    ['message when error has no message', { error: {}, message: 'outer' }, 'outer'],
    ['a fixed text when neither says anything', { message: '' }, 'WebSocket error'],
    ['a fixed text for a bare event', {}, 'WebSocket error'],
  ])('an error event reports %s', (_, event, message) => {
    const h = connectWithFake({});
    const socket = h.server.latest();
    socket.accept();
    fire(socket, 'error', event);
    expect(h.payloads('error')).toEqual([{ message, error: 'error' in event ? event.error : { type: 'error', ...event } }]);
    expect(h.conn.status).toBe('open');
  });

  it.each([
    ['code, reason and wasClean as given', { code: 4000, reason: 'bye', wasClean: true }, { code: 4000, reason: 'bye', wasClean: true }],
    ['no reason as "" and no wasClean as false', { code: 1001 }, { code: 1001, reason: '', wasClean: false }],
  ])('a close event reports %s', (_, event, close) => {
    const h = connectWithFake({ shouldReconnect: () => true });
    const socket = h.server.latest();
    socket.accept();
    socket.readyState = 3;
    fire(socket, 'close', event);
    expect(h.payloads('close')).toEqual([close]);
    expect(socket.listenerCount()).toBe(0);
  });

  it('reports the protocol the server chose, and "" when the implementation has none', () => {
    const h = connectWithFake({});
    h.server.latest().accept('chat.v2');
    expect(h.payloads('open')).toEqual([{ protocol: 'chat.v2', reconnected: false, downtimeMs: 0 }]);
    const g = connectWithFake({});
    const socket = g.server.latest();
    socket.protocol = undefined as never;
    socket.readyState = 1;
    fire(socket, 'open', {});
    expect(g.payloads('open')).toEqual([{ protocol: '', reconnected: false, downtimeMs: 0 }]);
  });
});

describe('an implementation that throws where it should not cannot kill the actor', () => {
  it('a binaryType it does not support keeps its default, and the socket connects', () => {
    const server = createFakeWebSocketServer();
    class Picky extends (server.WebSocket as unknown as new (url: string) => FakeWebSocket) {
      constructor(url: string) {
        super(url);
        // An own accessor: one on the prototype would be shadowed by the fake's binaryType field.
        Object.defineProperty(this, 'binaryType', {
          get: () => 'blob',
          set: (value: string) => {
            if (value !== 'blob') throw new SyntaxError(`binaryType ${value} not supported`);
          },
        });
      }
    }
    const h = connectWithFake({ WebSocket: Picky as never, binaryType: 'arraybuffer' });
    expect(h.payloads('error')).toEqual([]);
    server.latest().accept();
    expect(h.conn.status).toBe('open');
  });

  it('an addEventListener that throws: reported, the socket let go of, the attempt closed 1006 and retried', () => {
    const server = createFakeWebSocketServer({ terminate: true });
    let created = 0;
    class Deaf extends (server.WebSocket as unknown as new (url: string) => FakeWebSocket) {
      override addEventListener(type: string, listener: (event: unknown) => void) {
        if (created === 1 && type === 'error') throw new Error('no listeners today');
        super.addEventListener(type, listener);
      }
      constructor(url: string) {
        super(url);
        created++;
      }
    }
    const h = connectWithFake({ WebSocket: Deaf as never, maxRetries: 1, backoff: { initialDelayMs: 100, factor: 1, jitter: 0 } });
    const first = server.sockets[0]!;
    expect(h.payloads('error').map((e) => e.message)).toEqual(['WebSocket addEventListener threw: no listeners today']);
    expect(h.payloads('close')).toEqual([{ code: 1006, reason: 'WebSocket addEventListener threw: no listeners today', wasClean: false }]);
    expect(first.terminated).toBe(true);
    expect(first.listenerCount()).toBe(0);
    expect(h.conn.status).toBe('backoff');
    h.advance(100);
    expect(server.sockets).toHaveLength(2);
  });

  it('a close(code, reason) that throws is retried as close(), so a reconnect still completes', () => {
    const server = createFakeWebSocketServer();
    class Strict extends (server.WebSocket as unknown as new (url: string) => FakeWebSocket) {
      override close(code?: number, reason?: string) {
        if (code !== undefined) throw new DOMException('no code accepted', 'InvalidAccessError');
        super.close(code, reason);
      }
    }
    const h = connectWithFake({ WebSocket: Strict as never });
    server.latest().accept();
    h.conn.reconnect();
    expect(server.latest().closeCall).toEqual({ code: undefined, reason: undefined });
    server.latest().completeClose();
    expect(h.payloads('close')).toEqual([{ code: 1005, reason: '', wasClean: true }]);
    expect(server.sockets).toHaveLength(2);
  });

  it('a close() that always throws leaves the socket as it is; closeTimeoutMs still ends the close', () => {
    const server = createFakeWebSocketServer();
    class Stuck extends (server.WebSocket as unknown as new (url: string) => FakeWebSocket) {
      override close() {
        throw new Error('cannot close');
      }
    }
    const h = connectWithFake({ WebSocket: Stuck as never, closeTimeoutMs: 300 });
    server.latest().accept();
    h.conn.close();
    expect(h.conn.status).toBe('closing');
    h.advance(300);
    expect(h.conn.status).toBe('manuallyClosed');
    expect(h.payloads('close')).toEqual([{ code: 1006, reason: 'close timed out: socket abandoned', wasClean: false }]);
  });
});

describe('the heartbeat on the adapter side', () => {
  const heartbeat = { intervalMs: 1_000, timeoutMs: 500 };

  it('an isPong that throws counts as "not a pong": the message is delivered, and it still proves the link alive', () => {
    const h = connectWithFake({ heartbeat: { ...heartbeat, isPong: () => { throw new Error('bad parser'); } } });
    const socket = h.server.latest();
    socket.accept();
    h.advance(1_000);
    expect(socket.sent).toEqual(['ping']);
    socket.receive('pong');
    expect(h.payloads('message')).toEqual(['pong']);
    h.advance(500);
    expect(h.conn.status).toBe('open');
  });

  it('the default ping is "ping" and the default pong "pong", which is not delivered', () => {
    const h = connectWithFake({ heartbeat });
    const socket = h.server.latest();
    socket.accept();
    h.advance(1_000);
    expect(socket.sent).toEqual(['ping']);
    socket.receive('pong');
    socket.receive('hello');
    expect(h.payloads('message')).toEqual(['hello']);
  });

  it('any inbound message restarts the silence: the next ping goes out intervalMs after it', () => {
    const h = connectWithFake({ heartbeat });
    const socket = h.server.latest();
    socket.accept();
    h.advance(400);
    socket.receive('early');
    h.advance(600); // the check at 1000: silent for 600 only, so no ping yet
    expect(socket.sent).toEqual([]);
    h.advance(399);
    expect(socket.sent).toEqual([]);
    h.advance(1); // 1000 after the message
    expect(socket.sent).toEqual(['ping']);
    expect(h.payloads('message')).toEqual(['early']);
  });

  it('a ping function that throws is reported; with no pong the heartbeat timeout closes the socket', () => {
    const h = connectWithFake({ heartbeat: { ...heartbeat, ping: () => { throw new Error('no ping today'); } } });
    const socket = h.server.latest();
    socket.accept();
    h.advance(1_000);
    expect(h.payloads('error').map((e) => e.message)).toEqual(['heartbeat.ping threw: no ping today']);
    expect(socket.sent).toEqual([]);
    h.advance(500);
    expect(h.conn.status).toBe('closing');
    expect(socket.closeCall).toEqual({ code: 3008, reason: 'heartbeat timeout' });
  });
});

/** The chart with the adapter given explicit deps (no handle): what `createSocketActor(deps)` does on its own. */
function withAdapter(deps: Partial<SocketActorDeps>, options: Partial<ConnectionOptions> = {}, fake: FakeWebSocketServerOptions = {}) {
  const server = createFakeWebSocketServer(fake);
  const clock = new SimulatedClock();
  const { settings, adapter } = resolveOptions({ url: 'ws://test.invalid/', WebSocket: server.WebSocket, clock, ...options });
  const machine = connectionMachine.provide({ actors: { socket: createSocketActor({ ...adapter, ...deps }) } });
  const actor = createActor(machine, { input: settings, clock }).start();
  const emitted: Array<{ type: string } & Record<string, unknown>> = [];
  actor.on('*', (event) => emitted.push(event as never));
  actor.send({ type: 'CONNECT' });
  return { actor, server, clock, emitted, of: (type: string) => emitted.filter((e) => e.type === type) };
}

describe('createSocketActor(deps) on its own', () => {
  it('without onMessage, each message goes to the machine and is emitted as a message event', () => {
    const a = withAdapter({});
    a.server.latest().accept();
    a.server.latest().receive('hello');
    expect(a.of('message')).toEqual([{ type: 'message', data: 'hello' }]);
  });

  it('with the heartbeat off, a "pong" is a message like any other', () => {
    const h = connectWithFake({ heartbeat: false });
    h.server.latest().accept();
    h.server.latest().receive('pong');
    expect(h.payloads('message')).toEqual(['pong']);
  });

  it('the machine alone (no createConnection bound deps, none provided) fails each attempt with a message saying what to provide', () => {
    const { settings } = resolveOptions({ url: 'ws://never.invalid/', WebSocket: class {} as never, maxRetries: 0 });
    const actor = createActor(connectionMachine, { input: settings }).start();
    const emitted: unknown[] = [];
    actor.on('*', (e) => emitted.push(e));
    actor.send({ type: 'CONNECT' });
    expect(emitted).toEqual([
      { type: 'error', message: NO_DEPS },
      { type: 'close', code: 1006, reason: NO_DEPS, wasClean: false },
      { type: 'gaveUp', reason: 'max-retries', close: { code: 1006, reason: NO_DEPS, wasClean: false }, retries: 0 },
    ]);
    expect(NO_DEPS).toContain('createSocketActor(resolveOptions(options).adapter)');
    actor.stop();
  });

  it('the transport sends only while the socket is OPEN and the adapter alive', () => {
    let transport: SocketTransport | null = null;
    const server = createFakeWebSocketServer();
    class Stuck extends (server.WebSocket as unknown as new (url: string) => FakeWebSocket) {
      override close() {
        throw new Error('cannot close');
      }
    }
    const a = withAdapter({ WebSocket: Stuck as never, onTransport: (t) => (transport = t ?? transport) });
    const socket = server.latest();
    socket.accept();
    expect(transport!.send('a')).toBe(true);
    socket.readyState = 2;
    expect(transport!.send('b')).toBe(false);
    socket.readyState = 1;
    a.actor.stop(); // close() throws: the socket stays OPEN, but this adapter is done with it
    expect(socket.readyState).toBe(1);
    expect(transport!.send('c')).toBe(false);
    expect(socket.sent).toEqual(['a']);
  });

  it('a clock whose setTimeout returns nothing still bounds a stopped socket', () => {
    const sim = new SimulatedClock();
    const clock = { setTimeout: (fn: () => void, ms: number) => void sim.setTimeout(fn, ms), clearTimeout: () => {} };
    const server = createFakeWebSocketServer({ terminate: true });
    const a = withAdapter({ WebSocket: server.WebSocket, clock }, { closeTimeoutMs: 300 });
    server.latest().accept();
    a.actor.stop();
    advance(sim, 299);
    expect(server.latest().terminated).toBe(false);
    advance(sim, 1);
    expect(server.latest().terminated).toBe(true);
  });

  it('with no clock, a stopped socket is bounded on real timers (here vitest’s fake ones)', () => {
    vi.useFakeTimers();
    try {
      const server = createFakeWebSocketServer({ terminate: true });
      const a = withAdapter({ WebSocket: server.WebSocket, clock: undefined }, { closeTimeoutMs: 300 });
      const socket = server.latest();
      socket.accept();
      a.actor.stop();
      vi.advanceTimersByTime(299);
      expect(socket.terminated).toBe(false);
      vi.advanceTimersByTime(1);
      expect(socket.terminated).toBe(true);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('with no clock, a socket that closes in time cancels its real timer', () => {
    vi.useFakeTimers();
    try {
      const ws = wsLikeServer();
      const a = withAdapter({ WebSocket: ws.WebSocket, clock: undefined }, { closeTimeoutMs: 300 });
      const socket = ws.latest();
      socket.accept();
      a.actor.stop();
      expect(vi.getTimerCount()).toBe(1);
      socket.completeClose();
      expect(vi.getTimerCount()).toBe(0);
      expect(socket.terminated).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('what the adapter does to the socket it owns', () => {
  it('opens without a protocols argument when there are none, with a copy of them when there are', () => {
    const h = connectWithFake({});
    expect(h.server.latest().protocols).toBeUndefined();
    const g = connectWithFake({ protocols: ['a', 'b'] });
    expect(g.server.latest().protocols).toEqual(['a', 'b']);
  });

  it('a WebSocket constructor that throws is reported with what it threw', () => {
    const h = connectWithFake({ maxRetries: 0, WebSocket: class { constructor() { throw new Error('blocked'); } } as never });
    expect(h.payloads('error').map((e) => e.message)).toEqual(['WebSocket constructor threw: blocked']);
    expect(h.payloads('close')).toEqual([{ code: 1006, reason: 'WebSocket constructor threw: blocked', wasClean: false }]);
  });

  it('a url function that throws closes the attempt as an unclean 1006 with what it threw', () => {
    const h = connectWithFake({ maxRetries: 0, url: () => { throw new Error('no token'); } });
    expect(h.payloads('close')).toEqual([{ code: 1006, reason: 'url function threw: no token', wasClean: false }]);
  });

  it('a url function that returns a string opens it at once, before any microtask', () => {
    const h = connectWithFake({ url: () => 'ws://sync.invalid/' });
    expect(h.server.sockets.map((s) => s.url)).toEqual(['ws://sync.invalid/']);
  });

  it('a url function that returns nothing is reported as a url that does not parse', () => {
    const h = connectWithFake({ maxRetries: 0, url: () => null as never });
    expect(h.payloads('error').map((e) => e.message)).toEqual([expect.stringContaining('does not parse as a URL')]);
    expect(h.server.sockets).toHaveLength(0);
  });

  it('close() while the url is still pending ends the attempt at once, as a clean close with the requested code', async () => {
    const h = connectWithFake({ url: () => new Promise<string>(() => {}) });
    h.conn.close(4000, 'bye');
    expect(h.conn.status).toBe('manuallyClosed');
    expect(h.payloads('close')).toEqual([{ code: 4000, reason: 'bye', wasClean: true }]);
  });

  it('a socket that closed is not touched again when its session ends', () => {
    const ws = wsLikeServer();
    const h = connectWithFake({ WebSocket: ws.WebSocket, maxRetries: 0 });
    const socket = ws.latest();
    socket.accept();
    socket.serverClose(1008, 'policy');
    expect(h.conn.status).toBe('gaveUp');
    expect(socket.terminated).toBe(false);
    expect(socket.closeCall).toBeNull();
  });

  it('stop() while CONNECTING on a browser-like socket (no terminate()) closes it with 1000 "client stopped"', () => {
    const h = connectWithFake({}, { terminate: false });
    h.conn.stop();
    expect(h.server.latest().closeCall).toEqual({ code: 1000, reason: 'client stopped' });
  });

  it('a socket whose terminate() throws is closed instead', () => {
    const h = connectWithFake({ closeTimeoutMs: 300 }, { terminate: true });
    const first = h.server.latest();
    (first as unknown as { terminate: () => void }).terminate = () => {
      throw new Error('terminate failed');
    };
    h.conn.stop(); // CONNECTING: let go of
    expect(first.closeCall).toEqual({ code: 1000, reason: 'client stopped' });
  });
});

describe('createSocketActor(deps) on its own: defaults and odd shapes', () => {
  it('without isPong or ping, the heartbeat sends "ping" and takes "pong" as the pong, which is not delivered', () => {
    const a = withAdapter({}, { heartbeat: { intervalMs: 1_000, timeoutMs: 500 } });
    const socket = a.server.latest();
    socket.accept();
    advance(a.clock, 1_000);
    expect(socket.sent).toEqual(['ping']);
    socket.receive('pong');
    socket.receive('hello');
    advance(a.clock, 500);
    expect(getStatus(a.actor.getSnapshot())).toBe('open');
    expect(a.of('message')).toEqual([{ type: 'message', data: 'hello' }]);
    a.actor.stop();
  });

  it('without isPong, a message other than "pong" is delivered and still proves the link alive', () => {
    const a = withAdapter({}, { heartbeat: { intervalMs: 1_000, timeoutMs: 500 } });
    const socket = a.server.latest();
    socket.accept();
    advance(a.clock, 1_000);
    socket.receive('other');
    advance(a.clock, 500);
    expect(getStatus(a.actor.getSnapshot())).toBe('open');
    expect(a.of('message')).toEqual([{ type: 'message', data: 'other' }]);
    a.actor.stop();
  });

  it.each([
    ['error.message that is not a string', { error: { message: 42 }, message: 'outer' }, 'outer'],
    ['message that is not a string', { message: 42 }, 'WebSocket error'],
  ])('an error event with an %s is not taken as the message', (_, event, message) => {
    const h = connectWithFake({});
    const socket = h.server.latest();
    socket.accept();
    fire(socket, 'error', event);
    expect(h.payloads('error').map((e) => e.message)).toEqual([message]);
  });

  // Only an object with all of on, once and off is treated as an EventEmitter (`ws`).
  it.each([
    ['on and once', ['on', 'once']],
    ['on and off', ['on', 'off']],
    ['once and off', ['once', 'off']],
    ['off only', ['off']],
  ])('a socket with %s but not all three gets no error listener (on/off are never called)', (_, methods) => {
    const server = createFakeWebSocketServer({ terminate: true });
    const called: string[] = [];
    class Partial extends (server.WebSocket as unknown as new (url: string) => FakeWebSocket) {
      constructor(url: string) {
        super(url);
        for (const m of methods) (this as unknown as Record<string, unknown>)[m] = () => called.push(m);
      }
    }
    const h = connectWithFake({ WebSocket: Partial as never, closeTimeoutMs: 300 });
    h.conn.stop(); // CONNECTING: let go of (terminated)
    expect(server.latest().terminated).toBe(true);
    const g = connectWithFake({ WebSocket: Partial as never, closeTimeoutMs: 300 });
    server.latest().accept();
    g.conn.stop(); // OPEN: closed, bounded by closeTimeoutMs
    expect(server.latest().closeCall).toEqual({ code: 1000, reason: 'client stopped' });
    g.advance(300);
    expect(server.latest().terminated).toBe(true);
    expect(called.filter((m) => m !== 'once')).toEqual([]); // once('close') only bounds the timer
  });

  it('a clock whose setTimeout returns nothing: the timer of a socket that closes in time is still cleared', () => {
    const sim = new SimulatedClock();
    const cleared: unknown[] = [];
    const clock = { setTimeout: (fn: () => void, ms: number) => void sim.setTimeout(fn, ms), clearTimeout: (id: unknown) => cleared.push(id) };
    const ws = wsLikeServer();
    const a = withAdapter({ WebSocket: ws.WebSocket, clock }, { closeTimeoutMs: 300 });
    ws.latest().accept();
    a.actor.stop();
    ws.latest().completeClose();
    expect(cleared).toEqual([undefined]);
  });

  it('with no clock where setTimeout returns a number (a browser), a stopped socket is still bounded and its timer cleared', () => {
    const timers: Array<{ fn: () => void; ms: number }> = [];
    const cleared: unknown[] = [];
    vi.stubGlobal('setTimeout', (fn: () => void, ms: number) => timers.push({ fn, ms }));
    vi.stubGlobal('clearTimeout', (id: unknown) => cleared.push(id));
    try {
      const ws = wsLikeServer();
      const a = withAdapter({ WebSocket: ws.WebSocket, clock: undefined }, { closeTimeoutMs: 300 });
      const socket = ws.latest();
      socket.accept();
      a.actor.stop();
      expect(timers.map((t) => t.ms)).toEqual([300]);
      socket.completeClose();
      expect(cleared).toEqual([1]);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe('createSocketActor in an embedding chart that keeps it after a close', () => {
  function embedded(url: () => Promise<string>) {
    const server = createFakeWebSocketServer({ terminate: true });
    const seen: string[] = [];
    const { settings, adapter } = resolveOptions({ url, WebSocket: server.WebSocket });
    const machine = setup({
      types: { events: {} as { type: 'CLOSE' } | { type: 'ABANDON' } | { type: string } },
      actors: { socket: createSocketActor(adapter) },
    }).createMachine({
      invoke: { id: 'socket', src: 'socket', input: settings },
      on: {
        CLOSE: { actions: sendTo('socket', { type: 'CLOSE_SOCKET', code: 1000, reason: 'done' }) },
        ABANDON: { actions: sendTo('socket', { type: 'ABANDON_SOCKET' }) },
        '*': { actions: ({ event }) => seen.push(event.type === 'SOCKET.CLOSED' ? `${event.type} ${(event as unknown as { code: number }).code}` : event.type) },
      },
    });
    const actor = createActor(machine).start();
    return { actor, server, seen };
  }

  it.each([
    ['CLOSE_SOCKET', 'CLOSE', 'SOCKET.CLOSED 1000'],
    ['ABANDON_SOCKET', 'ABANDON', 'SOCKET.CLOSED 1006'],
  ])('%s while the url is pending: the close is reported, and the url arriving later opens nothing', async (_, command, closed) => {
    let resolve!: (url: string) => void;
    const e = embedded(() => new Promise<string>((r) => (resolve = r)));
    e.actor.send({ type: command });
    expect(e.actor.getSnapshot().status).toBe('active');
    expect(e.seen).toEqual([closed]);
    resolve('ws://late.invalid/');
    await Promise.resolve();
    await Promise.resolve();
    expect(e.server.sockets).toHaveLength(0);
    e.actor.stop();
  });

  it('ABANDON_SOCKET after the socket closed leaves it alone and reports the abandoned close', async () => {
    const e = embedded(() => Promise.resolve('ws://test.invalid/'));
    await Promise.resolve();
    await Promise.resolve();
    const socket = e.server.latest();
    socket.accept();
    socket.serverClose(1001);
    e.actor.send({ type: 'ABANDON' });
    expect(socket.terminated).toBe(false);
    expect(e.seen).toEqual(['SOCKET.OPENED', 'SOCKET.CLOSED 1001', 'SOCKET.CLOSED 1006']);
    e.actor.stop();
  });
});

describe('listeners called the way an implementation may call them', () => {
  it('an error listener called with no event reports "WebSocket error" and the attempt goes on', () => {
    const server = createFakeWebSocketServer();
    let onError: ((event?: unknown) => void) | undefined;
    class Bare extends (server.WebSocket as unknown as new (url: string) => FakeWebSocket) {
      override addEventListener(type: string, listener: (event: unknown) => void) {
        if (type === 'error') onError = listener;
        super.addEventListener(type, listener);
      }
    }
    const h = connectWithFake({ WebSocket: Bare as never });
    server.latest().accept();
    onError!();
    expect(h.payloads('error')).toEqual([{ message: 'WebSocket error', error: undefined }]);
    expect(h.conn.actor.getSnapshot().status).toBe('active');
    expect(h.conn.status).toBe('open');
  });
});
