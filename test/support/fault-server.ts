/**
 * Fault-injecting WebSocket test server for the integration tests.
 *
 * Layout: clients connect to a raw TCP proxy (node:net) listening on 127.0.0.1:<ephemeral>; every
 * accepted TCP connection is piped to a `ws` WebSocketServer on another ephemeral 127.0.0.1 port.
 * Faults that live on the network path (kill, blackhole, refusing or resetting connections,
 * swallowing the client's close frame) are applied by the proxy; faults that live in the server
 * (hanging or rejecting the upgrade, flapping, close codes via `onConnection`) by the app server.
 * It echoes every message and answers the text 'ping' with 'pong', so the client's default
 * heartbeat is answered. The proxy splits each direction into the HTTP upgrade head and whole
 * WebSocket frames (ws-stream-splitter.ts), so dropping bytes never leaves a half frame on the wire.
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
import { setTimeout as delay } from 'node:timers/promises';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { OPCODE_CLOSE, WsStreamSplitter, type StreamUnit } from './ws-stream-splitter';

const HOST = '127.0.0.1';
/** Upper bound in ms for the waits inside killAll/close. */
const SETTLE_TIMEOUT_MS = 2000;

/** Run for every accepted WebSocket that is not flapped, after recording and echo are wired. */
/** How the app server answers a client's 'hello' (`FaultServer.answerHello`). */
export type HelloAnswer = 'ready' | 'denied' | 'denied-with-reason' | 'silent' | 'ready-then-drop';

/** What 'denied-with-reason' sends after `denied:`: multi-byte and 134 UTF-8 bytes, over a close reason's 123. */
export const DENIAL_REASON = `token expired ${'é'.repeat(60)}`;

export type OnConnection = (ws: WebSocket, req: http.IncomingMessage, conn: ServerConnection) => void;

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
  closeReason?: string;
}

type Direction = 'c2s' | 's2c';

/** Timeline entry; `t` is ms since the fault server started, `conn` the proxy connection id. */
export type FaultEvent =
  | { t: number; type: 'attempt' | 'reset' | 'hang' | 'open' | 'flap' | 'close-held'; conn: number }
  | { t: number; type: 'client-closed' | 'tcp-close'; conn: number }
  | { t: number; type: 'request' | 'upgrade'; conn: number; url: string }
  | { t: number; type: 'reject'; conn: number; status: number }
  | { t: number; type: 'message'; conn: number; data: string | Buffer }
  | { t: number; type: 'close'; conn: number; code: number; reason: string }
  | { t: number; type: 'drop'; conn: number; dir: Direction; bytes: number }
  | { t: number; type: 'kill'; count: number }
  | { t: number; type: 'down' | 'up' };

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** An `onConnection` hook: a socket that sends the text 'kill' is dropped at TCP level (its client sees 1006). */
export const killOnRequest: OnConnection = (ws) => {
  ws.on('message', (data: RawData) => {
    if (toBuffer(data).toString() === 'kill') ws.terminate();
  });
};

/** Starts the app server and the proxy in front of it. */
export async function startFaultServer(options: { onConnection?: OnConnection } = {}): Promise<FaultServer> {
  const server = new FaultServer(options.onConnection);
  await server.start();
  return server;
}

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
  wsOpen?: boolean;
  clientEnded?: boolean;
}

export class FaultServer {
  /** ws://127.0.0.1:PORT of the proxy; clients may append `/path?query`. */
  url = '';
  /** Proxy port (stable across restart/refuse/accept). */
  port = 0;
  /** TCP connections that reached the proxy (incl. hung, rejected, reset while down). */
  attempts = 0;
  /** Completed WebSocket handshakes. */
  upgrades = 0;
  /**
   * WebSockets currently open as the client sees them, measured at the proxy: from the moment the
   * 101 response is written to the client until the client's side of the TCP connection ends
   * (its FIN arrives or the socket goes away). Tighter than the server's view, so an immediate
   * reconnect after a close is never counted as overlapping.
   */
  open = 0;
  /** Maximum of `open` since start / last resetCounters(): 2 means the client had two sockets at once. */
  peakOpen = 0;
  /** WebSockets currently open in the app server (its own view; lags `open` by a proxy hop). */
  serverOpen = 0;
  /** Timeline of what happened, oldest first. */
  events: FaultEvent[] = [];
  /** Every accepted WebSocket, oldest first. */
  readonly connections: ServerConnection[] = [];
  /** URL (path and query) of every upgrade request that reached the app server. */
  requests: string[] = [];

  private readonly t0 = performance.now();
  private readonly httpServer = http.createServer((_req, res) => res.writeHead(426).end());
  private readonly wss = new WebSocketServer({ noServer: true, clientTracking: false });
  private appPort = 0;
  private listener: net.Server | undefined;
  /** While down in reset mode (restart), each connection is accepted, counted, then reset. */
  private resetting = false;
  private nextConnId = 0;
  private readonly proxyConns = new Map<number, ProxyConn>();
  private readonly connIdByBackendPort = new Map<number, number>();
  private readonly resetSockets = new Set<net.Socket>();
  private readonly appSockets = new Set<net.Socket>();
  private readonly wsClosed = new Map<WebSocket, Promise<void>>();
  private readonly faults = { hangHandshake: false, flap: false, blackhole: false, hangClose: false };
  /** How the app server answers the text 'hello' (the clients' handshake); `null`: echoed like any message. */
  private helloAnswer: HelloAnswer | null = null;
  private rejectStatus: number | null = null;
  /** Aborts the sleeps (restart, listen retry) when close() comes. */
  private readonly closeSignal = new AbortController();
  private closing: Promise<void> | undefined;

  /** @param onConnection replaceable hook run for each accepted, non-flapped WebSocket. */
  constructor(public onConnection: OnConnection | undefined) {
    this.httpServer.on('upgrade', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) =>
      this.onUpgrade(req, socket, head),
    );
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve, reject) => this.httpServer.once('error', reject).listen(0, HOST, resolve));
    this.appPort = (this.httpServer.address() as net.AddressInfo).port;
    await this.listen();
    this.url = `ws://${HOST}:${this.port}`;
  }

  // ----- controls ----------------------------------------------------------

  /** Destroys every proxied TCP connection (client sees 1006); resolves once they and their server sockets closed. */
  async killAll(): Promise<void> {
    const conns = [...this.proxyConns.values()];
    const wsClosed = [...this.wsClosed.values()];
    for (const conn of conns) this.destroyConn(conn);
    this.log({ type: 'kill', count: conns.length });
    await this.settle([...conns.map((c) => c.closed), ...wsClosed]);
  }

  /**
   * Goes down at once (existing connections killed; new ones accepted, counted in `attempts`, then
   * reset: the client sees ECONNRESET), stays down `downMs`, then is up on the same port.
   */
  async restart(opts: { downMs: number }): Promise<void> {
    this.resetting = true;
    this.log({ type: 'down' });
    await this.killAll();
    await this.sleep(opts.downMs);
    await this.accept();
  }

  /** Closes the listener (existing connections untouched): new connections are refused until accept(). */
  async refuse(): Promise<void> {
    // close() releases the listening socket synchronously: new connects are refused from here on.
    this.listener?.close();
    this.listener = undefined;
    this.log({ type: 'down' });
  }

  /** Accepts connections normally again, on the same port. */
  async accept(): Promise<void> {
    if (this.closing) return;
    this.resetting = false;
    if (this.listener === undefined) await this.listen();
    this.log({ type: 'up' });
  }

  /** While on, new connections get TCP but the HTTP upgrade is never answered. */
  hangHandshake(on: boolean): void {
    this.faults.hangHandshake = on;
  }

  /** Answers new upgrade requests with this HTTP status and closes; `null` stops. */
  rejectUpgrade(status: number | null): void {
    this.rejectStatus = status;
  }

  /** While on, each new WebSocket is dropped at TCP level right after the 101. */
  flap(on: boolean): void {
    this.faults.flap = on;
  }

  /**
   * How the app server answers a client's 'hello' from now on: 'ready', 'denied', nothing
   * ('silent'), or 'ready' and then a TCP reset ('ready-then-drop'); `null` echoes it.
   */
  answerHello(answer: HelloAnswer | null): void {
    this.helloAnswer = answer;
  }

  /**
   * While on, the proxy discards whole frames (and handshake bytes) both ways on existing and new
   * connections and closes nothing; a FIN/close from either end still passes, so teardown stays visible.
   */
  blackhole(on: boolean): void {
    this.faults.blackhole = on;
  }

  /** While on, a client-initiated close frame is swallowed by the proxy: the server never answers, TCP stays open. */
  hangClose(on: boolean): void {
    this.faults.hangClose = on;
  }

  /** Zeroes attempts/upgrades, sets peakOpen to open, clears events and requests (connections are kept). */
  resetCounters(): void {
    this.attempts = 0;
    this.upgrades = 0;
    this.peakOpen = this.open;
    this.events = [];
    this.requests = [];
  }

  /** Stops everything and resolves once every socket, listener and timer is gone. */
  close(): Promise<void> {
    this.closing ??= this.doClose();
    return this.closing;
  }

  private async doClose(): Promise<void> {
    this.closeSignal.abort();
    await this.refuse();
    const waits: Array<Promise<unknown>> = [...this.wsClosed.values()];
    for (const conn of this.proxyConns.values()) {
      this.destroyConn(conn);
      waits.push(conn.closed);
    }
    for (const socket of [...this.resetSockets, ...this.appSockets]) {
      socket.destroy();
      waits.push(closedPromise(socket));
    }
    for (const ws of this.wsClosed.keys()) ws.terminate();
    waits.push(new Promise((resolve) => this.wss.close(resolve)));
    waits.push(new Promise((resolve) => this.httpServer.close(resolve)));
    this.httpServer.closeAllConnections();
    if (!(await this.settle(waits))) throw new Error('fault server: close() did not finish in time');
    // A server's 'close' event fires before libuv has released its handle (released in the
    // close-callbacks phase, after the check phase): two setImmediate hops get past it.
    for (let i = 0; i < 2; i++) await new Promise<void>((resolve) => setImmediate(resolve));
  }

  // ----- proxy -------------------------------------------------------------

  /** Decides whether a unit travelling in `dir` is forwarded; called by the pipes. */
  private shouldDrop(conn: ProxyConn, dir: Direction, unit: StreamUnit): boolean {
    if (this.faults.blackhole || (dir === 'c2s' && conn.closeHeld)) {
      this.log({ type: 'drop', conn: conn.id, dir, bytes: unit.bytes.length });
      return true;
    }
    const isClose = unit.kind === 'frame' && unit.opcode === OPCODE_CLOSE;
    if (dir === 's2c') conn.serverCloseSent ||= isClose;
    else if (isClose && this.faults.hangClose && !conn.serverCloseSent) {
      conn.closeHeld = true;
      this.log({ type: 'close-held', conn: conn.id });
      return true;
    }
    return false;
  }

  /** One direction of a proxied connection: split into whole units, drop what the faults say, forward the rest. */
  private pipe(conn: ProxyConn, dir: Direction, src: net.Socket, dst: net.Socket): void {
    const splitter = new WsStreamSplitter(dir);
    src.on('data', (chunk: Buffer) => {
      for (const unit of splitter.push(chunk)) {
        if (this.shouldDrop(conn, dir, unit)) continue;
        if (conn.disposed || dst.destroyed || dst.writableEnded) return;
        if (!dst.write(unit.bytes)) {
          src.pause();
          dst.once('drain', () => src.resume());
        }
        if (dir === 's2c' && unit.kind === 'http' && /^HTTP\/1\.[01] 101 /.test(unit.head)) this.markOpen(conn);
      }
    });
    src.on('end', () => !conn.disposed && !dst.destroyed && dst.end());
    src.on('close', () => !conn.disposed && dst.destroy());
  }

  private async listen(): Promise<void> {
    const listener = net.createServer({ allowHalfOpen: true }, (socket) => this.onProxyConnection(socket));
    // Bounded retry: the port may be briefly unavailable right after closing the previous listener.
    for (let attempt = 0; ; attempt++) {
      try {
        await new Promise<void>((resolve, reject) => listener.once('error', reject).listen(this.port, HOST, resolve));
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 20) throw err;
        await this.sleep(25);
      }
    }
    if (this.closing) return void listener.close();
    listener.removeAllListeners('error');
    this.listener = listener;
    this.port = (listener.address() as net.AddressInfo).port;
  }

  private onProxyConnection(client: net.Socket): void {
    const id = ++this.nextConnId;
    this.attempts++;
    this.log({ type: 'attempt', conn: id });
    client.on('error', () => {});
    if (this.closing) return void client.destroy();
    if (this.resetting) {
      this.resetSockets.add(client);
      client.once('close', () => this.resetSockets.delete(client));
      client.resetAndDestroy();
      return this.log({ type: 'reset', conn: id });
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
    const conn: ProxyConn = { id, client, backend, closed, disposed: false, closeHeld: false, serverCloseSent: false };
    client.once('end', () => this.markClientEnded(conn));
    client.once('close', () => this.markClientEnded(conn));
    this.pipe(conn, 'c2s', client, backend);
    this.pipe(conn, 's2c', backend, client);
    this.proxyConns.set(id, conn);
  }

  /** Called by the s2c pipe once the 101 is written to the client. */
  private markOpen(conn: ProxyConn): void {
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
    if (this.faults.hangHandshake) return this.log({ type: 'hang', conn: id });
    const status = this.rejectStatus;
    if (status !== null) {
      const text = http.STATUS_CODES[status] ?? 'Error';
      const headers = `Content-Type: text/plain\r\nContent-Length: ${text.length}\r\nConnection: close`;
      socket.end(`HTTP/1.1 ${status} ${text}\r\n${headers}\r\n\r\n${text}`);
      return this.log({ type: 'reject', conn: id, status });
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onWebSocket(ws, req, socket, id));
  }

  private onWebSocket(ws: WebSocket, req: http.IncomingMessage, socket: net.Socket, id: number): void {
    this.upgrades++;
    this.serverOpen++;
    const record: ServerConnection = { id, url: req.url ?? '/', ws, messages: [], closeCode: undefined };
    this.connections.push(record);
    this.log({ type: 'upgrade', conn: id, url: record.url });
    const closed = new Promise<void>((resolve) => {
      ws.once('close', (code: number, reason: Buffer) => {
        this.serverOpen--;
        record.closeCode = code;
        record.closeReason = reason.toString();
        this.wsClosed.delete(ws);
        this.log({ type: 'close', conn: id, code, reason: record.closeReason });
        resolve();
      });
    });
    this.wsClosed.set(ws, closed);
    ws.on('error', () => {});
    if (this.faults.flap) {
      this.log({ type: 'flap', conn: id });
      // end() flushes the 101 already written, then sends FIN: the client opens, then sees 1006.
      return void socket.end();
    }
    ws.on('message', (raw: RawData, isBinary: boolean) => {
      const buf = toBuffer(raw);
      const data = isBinary ? buf : buf.toString('utf8');
      record.messages.push(data);
      this.log({ type: 'message', conn: id, data });
      if (ws.readyState !== WebSocket.OPEN) return;
      if (!isBinary && data === 'hello' && this.helloAnswer !== null) return void this.answer(ws, this.helloAnswer);
      if (!isBinary && data === 'ping') ws.send('pong');
      else ws.send(buf, { binary: isBinary });
    });
    this.onConnection?.(ws, req, record);
  }

  // ----- helpers -----------------------------------------------------------

  private answer(ws: WebSocket, answer: HelloAnswer): void {
    if (answer === 'silent') return;
    ws.send(answer === 'denied' ? 'denied' : answer === 'denied-with-reason' ? `denied:${DENIAL_REASON}` : 'ready');
    if (answer === 'ready-then-drop') ws.terminate();
  }

  private log(event: DistributiveOmit<FaultEvent, 't'>): void {
    this.events.push({ t: performance.now() - this.t0, ...event } as FaultEvent);
  }

  /** A delay that close() cuts short. */
  private sleep(ms: number): Promise<void> {
    if (ms <= 0 || this.closing) return Promise.resolve();
    return delay(ms, undefined, { signal: this.closeSignal.signal }).catch(() => {});
  }

  /** Waits for all promises, at most SETTLE_TIMEOUT_MS; true if they all settled. */
  private async settle(promises: Array<Promise<unknown>>): Promise<boolean> {
    const bound = new AbortController();
    const timeout = delay(SETTLE_TIMEOUT_MS, false, { signal: bound.signal }).catch(() => false);
    const settled = await Promise.race([Promise.all(promises).then(() => true), timeout]);
    bound.abort();
    return settled;
  }
}

function closedPromise(socket: net.Socket): Promise<void> {
  return socket.closed ? Promise.resolve() : new Promise<void>((resolve) => socket.once('close', () => resolve()));
}

function toBuffer(raw: RawData): Buffer {
  return Buffer.isBuffer(raw) ? raw : Array.isArray(raw) ? Buffer.concat(raw) : Buffer.from(raw);
}
