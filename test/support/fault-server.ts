/**
 * Fault-injecting WebSocket test server for the integration tests.
 *
 * Layout: clients connect to a raw TCP proxy (node:net) listening on
 * 127.0.0.1:<ephemeral>; every accepted TCP connection is piped to a `ws`
 * WebSocketServer on another ephemeral 127.0.0.1 port. Faults that live on the
 * network path (kill, blackhole, refusing connections, swallowing the
 * client's close frame) are applied by the proxy; faults that live in the
 * server (hanging or rejecting the upgrade, flapping, close codes via `onConnection`)
 * are applied by the app server. It echoes every message and answers the text 'ping' with
 * 'pong', so the client's default heartbeat is answered.
 *
 * The proxy splits each direction into the HTTP upgrade head and whole
 * WebSocket frames (see ws-stream-splitter.ts), so dropping bytes
 * never leaves a half frame on the wire.
 *
 * @example
 * const server = await startFaultServer();
 * afterEach(() => server.close());
 * const client = createClient({ url: `${server.url}/live?token=t1` });
 * await waitFor(() => server.open === 1);
 * await server.killAll(); // client sees 1006 and should reconnect
 * await waitFor(() => server.upgrades === 2);
 * expect(server.peakOpen).toBe(1); // never two sockets at once
 */
import http from 'node:http';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { OPCODE_CLOSE, WsStreamSplitter, type StreamUnit } from './ws-stream-splitter';

const HOST = '127.0.0.1';
/** Upper bound in ms for the waits inside killAll/close. */
const SETTLE_TIMEOUT_MS = 2000;

/** How the proxy behaves while it is "down" (restart or refuse). */
export type DownMode =
  /** Listener closed: connection attempts fail with ECONNREFUSED (not counted in `attempts`). */
  | 'refuse'
  /** Listener kept: each connection is accepted, counted, then reset (client sees ECONNRESET). */
  | 'reset';

export interface FaultServerOptions {
  /** Called for every accepted WebSocket that is not flapped, after recording and echo are wired. */
  onConnection?: OnConnection;
}

export type OnConnection = (
  ws: WebSocket,
  req: http.IncomingMessage,
  conn: ServerConnection,
) => void;

/** One WebSocket accepted by the app server. `id` is the proxy connection id. */
export interface ServerConnection {
  readonly id: number;
  /** Request URL (path and query) of the upgrade request. */
  readonly url: string;
  /** Server-side socket, e.g. to push messages or close from a test. */
  readonly ws: WebSocket;
  /** Messages received: text as string, binary as Buffer. */
  readonly messages: Array<string | Buffer>;
  /** Close code as seen by the server (1006 when the TCP connection just went away). */
  closeCode: number | undefined;
  closeReason: string | undefined;
}

type Direction = 'c2s' | 's2c';

/** Timeline entry; `t` is ms since the fault server started, `conn` the proxy connection id. */
export type FaultEvent =
  | { t: number; type: 'attempt'; conn: number }
  | { t: number; type: 'reset'; conn: number }
  | { t: number; type: 'request'; conn: number; url: string }
  | { t: number; type: 'hang'; conn: number }
  | { t: number; type: 'reject'; conn: number; status: number }
  | { t: number; type: 'upgrade'; conn: number; url: string }
  | { t: number; type: 'open'; conn: number }
  | { t: number; type: 'client-closed'; conn: number }
  | { t: number; type: 'flap'; conn: number }
  | { t: number; type: 'message'; conn: number; data: string | Buffer }
  | { t: number; type: 'close'; conn: number; code: number; reason: string }
  | { t: number; type: 'close-held'; conn: number }
  | { t: number; type: 'drop'; conn: number; dir: Direction; bytes: number }
  | { t: number; type: 'tcp-close'; conn: number }
  | { t: number; type: 'kill'; count: number }
  | { t: number; type: 'down'; mode: DownMode }
  | { t: number; type: 'up' };

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export interface FaultServer {
  /** ws://127.0.0.1:PORT of the proxy; clients may append `/path?query`. */
  readonly url: string;
  /** Proxy port (stable across restart/refuse/accept). */
  readonly port: number;

  /** TCP connections that reached the proxy (incl. hung, rejected, reset-while-down). */
  readonly attempts: number;
  /** Completed WebSocket handshakes. */
  readonly upgrades: number;
  /**
   * WebSockets currently open as the client sees them, measured at the proxy: from the moment the
   * 101 response is written to the client until the client's side of the TCP connection ends
   * (its FIN arrives or the socket goes away). Tighter than the server's view, so an immediate
   * reconnect after a close is never counted as overlapping.
   */
  readonly open: number;
  /** Maximum of `open` since start / last resetCounters(): 2 means the client had two sockets at once. */
  readonly peakOpen: number;
  /** WebSockets currently open in the app server (its own view; lags `open` by a proxy hop). */
  readonly serverOpen: number;
  /** Timeline of what happened, oldest first. */
  readonly events: readonly FaultEvent[];
  /** Every accepted WebSocket, oldest first. */
  readonly connections: readonly ServerConnection[];
  /** URL (path and query) of every upgrade request that reached the app server. */
  readonly requests: readonly string[];
  /** Whether the proxy currently accepts connections normally. */
  readonly up: boolean;
  /** Replaceable hook run for each accepted, non-flapped WebSocket. */
  onConnection: OnConnection | undefined;

  /** Destroys every proxied TCP connection (client sees 1006); resolves once they and their server sockets are closed. */
  killAll(): Promise<void>;
  /** Goes down at once (existing connections killed), stays down `downMs`, then listens again on the same port; resolves when up. */
  restart(opts: { downMs: number; mode?: DownMode }): Promise<void>;
  /** Closes the listener (existing connections untouched): new connections are refused until accept(). */
  refuse(): Promise<void>;
  /** Accepts connections again on the same port. */
  accept(): Promise<void>;
  /** While on, new connections get TCP but the HTTP upgrade is never answered. */
  hangHandshake(on: boolean): void;
  /** Answers new upgrade requests with this HTTP status and closes; `null` stops. */
  rejectUpgrade(status: number | null): void;
  /** While on, each new WebSocket is dropped at TCP level right after the 101. */
  flap(on: boolean): void;
  /**
   * While on, the proxy discards whole frames (and handshake bytes) both ways on existing and new
   * connections and closes nothing; a FIN/close from either end still passes, so teardown stays visible.
   */
  blackhole(on: boolean): void;
  /** While on, a client-initiated close frame is swallowed by the proxy: the server never answers, TCP stays open. */
  hangClose(on: boolean): void;
  /** Zeroes attempts/upgrades, sets peakOpen to open, clears events and requests (connections are kept). */
  resetCounters(): void;
  /** Stops everything and resolves once every socket, listener and timer is gone. */
  close(): Promise<void>;
}

/** An `onConnection` hook: a socket that sends the text 'kill' is dropped at TCP level (its client sees 1006). */
export const killOnRequest: OnConnection = (ws) => {
  ws.on('message', (data: RawData) => {
    if (toBuffer(data).toString() === 'kill') ws.terminate();
  });
};

/** Starts the app server and the proxy in front of it. */
export async function startFaultServer(options: FaultServerOptions = {}): Promise<FaultServer> {
  const server = new FaultServerImpl(options);
  await server.start();
  return server;
}

// ---------------------------------------------------------------------------

interface ProxyConn {
  readonly id: number;
  readonly client: net.Socket;
  readonly backend: net.Socket;
  /** Set once the connection is torn down: the pipes forward nothing more. */
  disposed: boolean;
  readonly closed: Promise<void>;
  /** A client close frame was swallowed (hangClose): drop everything client→server from now on. */
  closeHeld: boolean;
  /** The server's close frame went out to the client, so a client close frame is a reply. */
  serverCloseSent: boolean;
  /** Counted in `open`: 101 written to the client, client side not ended yet. */
  wsOpen: boolean;
  clientEnded: boolean;
}

interface ConnState {
  readonly record: ServerConnection;
  readonly closed: Promise<void>;
}

/** One direction of a proxied connection: split into whole units, drop what the faults say, forward the rest. */
function pipe(owner: FaultServerImpl, conn: ProxyConn, dir: Direction, src: net.Socket, dst: net.Socket): void {
  const splitter = new WsStreamSplitter(dir);
  src.on('data', (chunk: Buffer) => {
    for (const unit of splitter.push(chunk)) {
      if (owner.shouldDrop(conn, dir, unit)) continue;
      if (conn.disposed || dst.destroyed || dst.writableEnded) return;
      if (!dst.write(unit.bytes)) {
        src.pause();
        dst.once('drain', () => src.resume());
      }
      if (dir === 's2c' && unit.kind === 'http' && /^HTTP\/1\.[01] 101 /.test(unit.head)) owner.markOpen(conn);
    }
  });
  src.on('end', () => {
    if (!conn.disposed && !dst.destroyed) dst.end();
  });
  src.on('close', () => {
    if (!conn.disposed) dst.destroy();
  });
}

class FaultServerImpl implements FaultServer {
  url = '';
  port = 0;
  attempts = 0;
  upgrades = 0;
  open = 0;
  peakOpen = 0;
  serverOpen = 0;
  events: FaultEvent[] = [];
  connections: ServerConnection[] = [];
  requests: string[] = [];
  onConnection: OnConnection | undefined;

  private readonly t0 = performance.now();

  private readonly httpServer: http.Server;
  private readonly wss: WebSocketServer;
  private appPort = 0;

  private listener: net.Server | undefined;
  private downMode: DownMode | undefined;
  private nextConnId = 0;
  private readonly proxyConns = new Map<number, ProxyConn>();
  private readonly connIdByBackendPort = new Map<number, number>();
  private readonly resetSockets = new Set<net.Socket>();
  private readonly appSockets = new Set<net.Socket>();
  private readonly wsStates = new Map<WebSocket, ConnState>();

  private hangHandshakeOn = false;
  private rejectStatus: number | undefined;
  private flapOn = false;
  private blackholeOn = false;
  private hangCloseOn = false;

  /** Every sleep the server is in (restart, listen retry), with what wakes it if close() cancels it. */
  private readonly timers = new Map<NodeJS.Timeout, () => void>();
  private closing: Promise<void> | undefined;

  constructor(options: FaultServerOptions) {
    this.onConnection = options.onConnection;

    this.httpServer = http.createServer((_req, res) => {
      res.writeHead(426, { 'Content-Type': 'text/plain', Connection: 'close' });
      res.end('Upgrade Required');
    });
    this.httpServer.on('upgrade', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) =>
      this.onUpgrade(req, socket, head),
    );
    this.wss = new WebSocketServer({ noServer: true, autoPong: false, clientTracking: false });
  }

  get up(): boolean {
    return this.downMode === undefined && this.listener !== undefined;
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.httpServer.once('error', reject);
      this.httpServer.listen(0, HOST, () => {
        this.httpServer.off('error', reject);
        resolve();
      });
    });
    this.appPort = (this.httpServer.address() as net.AddressInfo).port;
    await this.listen();
    this.url = `ws://${HOST}:${this.port}`;
  }

  // ----- controls ----------------------------------------------------------

  async killAll(): Promise<void> {
    const conns = [...this.proxyConns.values()];
    const wsClosed = [...this.wsStates.values()].map((s) => s.closed);
    for (const conn of conns) this.destroyConn(conn);
    this.log({ type: 'kill', count: conns.length });
    await this.settle([...conns.map((c) => c.closed), ...wsClosed]);
  }

  async restart(opts: { downMs: number; mode?: DownMode }): Promise<void> {
    const downAt = performance.now();
    await this.goDown(opts.mode ?? 'refuse');
    await this.killAll();
    await this.sleep(opts.downMs - (performance.now() - downAt));
    if (this.closing) return;
    await this.accept();
  }

  async refuse(): Promise<void> {
    await this.goDown('refuse');
  }

  async accept(): Promise<void> {
    if (this.closing) return;
    this.downMode = undefined;
    if (this.listener === undefined) await this.listen();
    this.log({ type: 'up' });
  }

  hangHandshake(on: boolean): void {
    this.hangHandshakeOn = on;
  }

  rejectUpgrade(status: number | null): void {
    this.rejectStatus = status ?? undefined;
  }

  flap(on: boolean): void {
    this.flapOn = on;
  }

  blackhole(on: boolean): void {
    this.blackholeOn = on;
  }

  hangClose(on: boolean): void {
    this.hangCloseOn = on;
  }

  resetCounters(): void {
    this.attempts = 0;
    this.upgrades = 0;
    this.peakOpen = this.open;
    this.events = [];
    this.requests = [];
  }

  close(): Promise<void> {
    this.closing ??= this.doClose();
    return this.closing;
  }

  private async doClose(): Promise<void> {
    // Wake pending sleeps (restart) so nothing waits on a cleared timer.
    for (const [timer, onCancel] of this.timers) {
      clearTimeout(timer);
      onCancel();
    }
    this.timers.clear();
    this.stopListening();
    const waits: Array<Promise<unknown>> = [];
    for (const conn of this.proxyConns.values()) {
      this.destroyConn(conn);
      waits.push(conn.closed);
    }
    for (const socket of this.resetSockets) {
      socket.destroy();
      waits.push(closedPromise(socket));
    }
    for (const [ws, state] of this.wsStates) {
      ws.terminate();
      waits.push(state.closed);
    }
    for (const socket of this.appSockets) {
      socket.destroy();
      waits.push(closedPromise(socket));
    }
    waits.push(new Promise<void>((resolve) => this.wss.close(() => resolve())));
    waits.push(new Promise<void>((resolve) => this.httpServer.close(() => resolve())));
    this.httpServer.closeAllConnections();
    const ok = await this.settle(waits);
    if (!ok) throw new Error('fault server: close() did not finish in time');
    // A server's 'close' event fires before libuv has released its handle (released in the
    // close-callbacks phase, after the check phase): two setImmediate hops get past it.
    for (let i = 0; i < 2; i++) await new Promise<void>((resolve) => setImmediate(resolve));
  }

  // ----- proxy -------------------------------------------------------------

  /** Decides whether a unit travelling in `dir` is forwarded; called by the pipes. */
  shouldDrop(conn: ProxyConn, dir: Direction, unit: StreamUnit): boolean {
    if (this.blackholeOn) {
      this.log({ type: 'drop', conn: conn.id, dir, bytes: unit.bytes.length });
      return true;
    }
    const isClose = unit.kind === 'frame' && unit.opcode === OPCODE_CLOSE;
    if (dir === 's2c') {
      if (isClose) conn.serverCloseSent = true;
      return false;
    }
    if (conn.closeHeld) {
      this.log({ type: 'drop', conn: conn.id, dir, bytes: unit.bytes.length });
      return true;
    }
    if (isClose && this.hangCloseOn && !conn.serverCloseSent) {
      conn.closeHeld = true;
      this.log({ type: 'close-held', conn: conn.id });
      return true;
    }
    return false;
  }

  private async listen(): Promise<void> {
    const listener = net.createServer({ allowHalfOpen: true }, (socket) => this.onProxyConnection(socket));
    // Bounded retry: the port may be briefly unavailable right after closing the previous listener.
    for (let attempt = 0; ; attempt++) {
      try {
        await new Promise<void>((resolve, reject) => {
          listener.once('error', reject);
          listener.listen(this.port, HOST, () => {
            listener.off('error', reject);
            resolve();
          });
        });
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 20) throw err;
        await this.sleep(25);
        if (this.closing) return;
      }
    }
    if (this.closing) {
      listener.close();
      return;
    }
    this.listener = listener;
    this.port = (listener.address() as net.AddressInfo).port;
  }

  private stopListening(): void {
    // close() releases the listening socket synchronously: new connects are refused from here on.
    this.listener?.close();
    this.listener = undefined;
  }

  private async goDown(mode: DownMode): Promise<void> {
    this.downMode = mode;
    if (mode === 'refuse') this.stopListening();
    this.log({ type: 'down', mode });
    if (mode === 'reset' && this.listener === undefined) await this.listen();
  }

  private onProxyConnection(client: net.Socket): void {
    const id = ++this.nextConnId;
    this.attempts++;
    this.log({ type: 'attempt', conn: id });
    client.on('error', () => {});
    if (this.closing) {
      client.destroy();
      return;
    }
    if (this.downMode === 'reset') {
      this.resetSockets.add(client);
      client.once('close', () => this.resetSockets.delete(client));
      client.resetAndDestroy();
      this.log({ type: 'reset', conn: id });
      return;
    }
    client.setNoDelay(true);
    const backend = net.connect({ host: HOST, port: this.appPort, allowHalfOpen: true });
    backend.setNoDelay(true);
    backend.on('error', () => {});
    // Registered before any write, so the mapping exists before the app server sees the request.
    let backendPort: number | undefined;
    backend.once('connect', () => {
      backendPort = backend.localPort;
      if (backendPort !== undefined) this.connIdByBackendPort.set(backendPort, id);
    });
    const closed = Promise.all([closedPromise(client), closedPromise(backend)]).then(() => {
      this.proxyConns.delete(id);
      if (backendPort !== undefined) this.connIdByBackendPort.delete(backendPort);
      conn.disposed = true;
      this.log({ type: 'tcp-close', conn: id });
    });
    const conn: ProxyConn = {
      id,
      client,
      backend,
      disposed: false,
      closed,
      closeHeld: false,
      serverCloseSent: false,
      wsOpen: false,
      clientEnded: false,
    };
    client.once('end', () => this.markClientEnded(conn));
    client.once('close', () => this.markClientEnded(conn));
    pipe(this, conn, 'c2s', client, backend);
    pipe(this, conn, 's2c', backend, client);
    this.proxyConns.set(id, conn);
  }

  /** Called by the s2c pipe once the 101 is written to the client. */
  markOpen(conn: ProxyConn): void {
    if (conn.wsOpen || conn.clientEnded) return;
    conn.wsOpen = true;
    this.open++;
    this.peakOpen = Math.max(this.peakOpen, this.open);
    this.log({ type: 'open', conn: conn.id });
  }

  private markClientEnded(conn: ProxyConn): void {
    if (conn.clientEnded) return;
    conn.clientEnded = true;
    if (!conn.wsOpen) return;
    conn.wsOpen = false;
    this.open--;
    this.log({ type: 'client-closed', conn: conn.id });
  }

  private destroyConn(conn: ProxyConn): void {
    this.markClientEnded(conn);
    conn.disposed = true;
    conn.client.destroy();
    conn.backend.destroy();
  }

  // ----- app server --------------------------------------------------------

  private onUpgrade(req: http.IncomingMessage, socket: net.Socket, head: Buffer): void {
    const id = this.connIdByBackendPort.get(socket.remotePort ?? -1) ?? -1;
    const url = req.url ?? '/';
    socket.on('error', () => {});
    this.appSockets.add(socket);
    socket.once('close', () => this.appSockets.delete(socket));
    this.requests.push(url);
    this.log({ type: 'request', conn: id, url });

    if (this.hangHandshakeOn) {
      this.log({ type: 'hang', conn: id });
      return;
    }
    const status = this.rejectStatus;
    if (status !== undefined) {
      const text = http.STATUS_CODES[status] ?? 'Error';
      const lines = [
        `HTTP/1.1 ${status} ${text}`,
        'Content-Type: text/plain',
        `Content-Length: ${Buffer.byteLength(text)}`,
        'Connection: close',
      ];
      socket.end(`${lines.join('\r\n')}\r\n\r\n${text}`);
      this.log({ type: 'reject', conn: id, status });
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onWebSocket(ws, req, socket, id));
  }

  private onWebSocket(ws: WebSocket, req: http.IncomingMessage, socket: net.Socket, id: number): void {
    this.upgrades++;
    this.serverOpen++;
    const record: ServerConnection = {
      id,
      url: req.url ?? '/',
      ws,
      messages: [],
      closeCode: undefined,
      closeReason: undefined,
    };
    this.connections.push(record);
    this.log({ type: 'upgrade', conn: id, url: record.url });

    const closed = new Promise<void>((resolve) => {
      ws.once('close', (code: number, reason: Buffer) => {
        this.serverOpen--;
        record.closeCode = code;
        record.closeReason = reason.toString();
        this.wsStates.delete(ws);
        this.log({ type: 'close', conn: id, code, reason: record.closeReason });
        resolve();
      });
    });
    this.wsStates.set(ws, { record, closed });
    ws.on('error', () => {});

    if (this.flapOn) {
      this.log({ type: 'flap', conn: id });
      // end() flushes the 101 already written, then sends FIN: the client opens, then sees 1006.
      socket.end();
      return;
    }

    ws.on('ping', (data: Buffer) => {
      if (ws.readyState === WebSocket.OPEN) ws.pong(data);
    });
    ws.on('message', (raw: RawData, isBinary: boolean) => {
      const buf = toBuffer(raw);
      const data = isBinary ? buf : buf.toString('utf8');
      record.messages.push(data);
      this.log({ type: 'message', conn: id, data });
      if (ws.readyState !== WebSocket.OPEN) return;
      if (!isBinary && data === 'ping') ws.send('pong');
      else ws.send(buf, { binary: isBinary });
    });
    this.onConnection?.(ws, req, record);
  }

  // ----- helpers -----------------------------------------------------------

  private now(): number {
    return performance.now() - this.t0;
  }

  private log(event: DistributiveOmit<FaultEvent, 't'>): void {
    this.events.push({ t: this.now(), ...event } as FaultEvent);
  }

  /** Cancellable delay: close() wakes it early. */
  private sleep(ms: number): Promise<void> {
    if (ms <= 0 || this.closing) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.set(timer, resolve);
    });
  }

  /** Waits for all promises, at most settleTimeoutMs; true if they all settled. */
  private async settle(promises: Array<Promise<unknown>>): Promise<boolean> {
    if (promises.length === 0) return true;
    // Not a tracked timer: close() itself waits here and must not cancel its own bound.
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), SETTLE_TIMEOUT_MS);
    });
    try {
      return await Promise.race([Promise.all(promises).then(() => true), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

function closedPromise(socket: net.Socket): Promise<void> {
  if (socket.closed) return Promise.resolve();
  return new Promise<void>((resolve) => socket.once('close', () => resolve()));
}

function toBuffer(raw: RawData): Buffer {
  if (Buffer.isBuffer(raw)) return raw;
  if (Array.isArray(raw)) return Buffer.concat(raw);
  return Buffer.from(raw);
}
