import { TestWebSocket, type TestServerOptions } from './socket.js';

/** The constructor a {@link TestServer} hands to the app: `new server.WebSocket(url, protocols?)`. */
export type TestWebSocketConstructor<S extends TestWebSocket = TestWebSocket> = new (url: string, protocols?: string | string[]) => S;

/** A {@link TestWebSocket} subclass, constructed as the base class is. */
export type TestWebSocketClass<S extends TestWebSocket> = new (server: TestServer<S>, url: string, protocols?: string | string[]) => S;

/**
 * An in-memory WebSocket server: pass its {@link WebSocket} constructor to the code under test
 * (the `WebSocket` option of `createConnection`), then play the server with the sockets the app
 * opened ({@link latest}, {@link sockets}). No port, no network, no timer: a reconnect scenario
 * runs in microseconds, and the same way every time.
 *
 * @example
 * const server = createTestServer();
 * const conn = createConnection({ url: 'ws://app.test/live', WebSocket: server.WebSocket, clock });
 * server.latest().accept();            // the server accepts the handshake
 * server.latest().serverSend('hello'); // and sends
 */
export class TestServer<S extends TestWebSocket = TestWebSocket> {
  /** The WebSocket constructor to give the app; every socket it makes is this server's. */
  readonly WebSocket: TestWebSocketConstructor<S>;
  /** Every socket the app created, in order: one per connection attempt. */
  readonly sockets: S[] = [];
  /** The largest number of sockets CONNECTING or OPEN at once, counted at each socket's creation. */
  get peakLive(): number {
    return this.peak;
  }
  private peak = 0;

  /**
   * @param options - how the sockets behave where implementations differ
   * @param Socket - the socket class, {@link TestWebSocket} or a subclass that emulates an implementation
   */
  constructor(
    readonly options: TestServerOptions = {},
    Socket: TestWebSocketClass<S> = TestWebSocket as unknown as TestWebSocketClass<S>,
  ) {
    if (options.refuseSend !== undefined && typeof options.refuseSend !== 'function') {
      throw new TypeError(`test server: refuseSend must be a function (data) => boolean, got ${typeof options.refuseSend}`);
    }
    if (typeof Socket !== 'function' || !((Socket as unknown) === TestWebSocket || Socket.prototype instanceof TestWebSocket)) {
      throw new TypeError('test server: the socket class must be TestWebSocket or a subclass of it');
    }
    const server = this;
    const Base = Socket as unknown as new (server: TestServer<S>, url: string, protocols?: string | string[]) => TestWebSocket;
    this.WebSocket = class extends Base {
      constructor(url: string, protocols?: string | string[]) {
        super(server, url, protocols);
      }
    } as unknown as TestWebSocketConstructor<S>;
  }

  /** The most recently created socket: the app's current attempt. Throws if the app created none. */
  latest(): S {
    const socket = this.sockets.at(-1);
    if (!socket) throw new Error('test server: no socket was created yet; did the app connect with this server\'s WebSocket?');
    return socket;
  }

  /** The sockets CONNECTING or OPEN right now. */
  live(): S[] {
    return this.sockets.filter((s) => s.readyState === TestWebSocket.CONNECTING || s.readyState === TestWebSocket.OPEN);
  }

  /**
   * Registers a new socket; {@link TestWebSocket}'s constructor calls it. Returns its number.
   * @internal
   */
  adopt(socket: TestWebSocket): number {
    this.sockets.push(socket as S);
    this.peak = Math.max(this.peak, this.live().length);
    return this.sockets.length;
  }
}

/**
 * Creates an in-memory WebSocket server: see {@link TestServer}.
 * @param options - how its sockets behave where implementations differ (`ws`'s `terminate()`, undici's error without close)
 */
export function createTestServer(options: TestServerOptions = {}): TestServer {
  return new TestServer(options);
}
