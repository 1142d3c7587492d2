/**
 * Demo chat server for xstate-websocket: rooms chat over `ws`, with faults that can be
 * injected on purpose (kill, restart, half-open, reject, offline) so a client's
 * reconnect, heartbeat and close-code policy can be watched doing their work.
 *
 * One HTTP server on 127.0.0.1 serves:
 * - `GET /chat?room=NAME&user=NAME&token=TOKEN` upgraded to a WebSocket (see protocol.ts), or
 *   `GET /chat?room=NAME&user=NAME&handshake` with the token in a first `hello` message, answered
 *   `ready` or `denied` with the reason (an app-level handshake, like xstate-websocket's `handshake`);
 * - `POST /fault/<kill|restart|half-open|reject|offline|heal>` with an optional JSON body
 *   `{ "downMs": n }` (restart, offline) or `{ "durationMs": n }` (half-open, reject);
 * - `GET /stats`;
 * - static files from `staticDir`, `index.html` at `/`, and from `staticMounts` under their prefixes.
 *
 * `half-open` affects the connections open when it starts; new connections are healthy, so a
 * client whose heartbeat notices the silence can recover by reconnecting.
 *
 * Outages (`restart`, `offline`) keep the HTTP listener up, so the port never changes and
 * the page and `/fault/heal` stay reachable; during the outage every WebSocket upgrade
 * is destroyed before the handshake, which a client sees as a failed connect (close 1006),
 * as it would with a server that is down.
 */
import { randomBytes } from 'node:crypto';
import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { FaultTimers, MAX_FAULT_MS, type ActiveFault, type FaultName } from './faults.js';
import { errorMessage, parseClientMessage, traceIdFor, type ErrorCode, type ServerMessage } from './protocol.js';
import { RateLimiter, type RateLimitOptions } from './rate-limiter.js';
import { Rooms } from './rooms.js';
import { serveStatic } from './static-files.js';

export type { ActiveFault, FaultName } from './faults.js';
export type { RateLimitOptions } from './rate-limiter.js';

/** How long each timed fault lasts when the caller does not say. */
export interface FaultDurations {
  /**
   * Outage after `restart`, in ms.
   * @default 2000
   */
  restartDownMs?: number;
  /**
   * Outage after `offline`, in ms.
   * @default 5000
   */
  offlineDownMs?: number;
  /**
   * How long `half-open` lasts unless healed, in ms.
   * @default 10000
   */
  halfOpenMs?: number;
  /**
   * How long `reject` keeps refusing new connections, in ms.
   * @default 5000
   */
  rejectMs?: number;
}

export interface ChatServerOptions {
  /**
   * Port on 127.0.0.1; 0 picks a free one (read it back from `ChatServer.port`).
   * @default 0
   */
  port?: number;
  /**
   * Tokens accepted in the `token` query parameter; any other (or none) is closed with 1008 'unauthorized'.
   * @default ['demo-token']
   */
  tokens?: readonly string[];
  /**
   * Origins allowed to open a WebSocket or post a fault (`'*'` allows any).
   * An upgrade from another origin is answered with HTTP 403.
   * @default the server's own origins: `http://127.0.0.1:PORT` and `http://localhost:PORT`
   */
  allowedOrigins?: readonly string[];
  /**
   * Whether requests without an `Origin` header (Node clients, curl) are allowed.
   * Browsers always send one on a WebSocket upgrade.
   * @default true
   */
  allowMissingOrigin?: boolean;
  /**
   * Directory served as static files, `index.html` at `/`. Without it only the API paths answer.
   * @default undefined
   */
  staticDir?: string;
  /**
   * More directories served as static files, by URL prefix (`'/dist/'` → a directory); a
   * prefix starts and ends with `/` and wins over `staticDir`. The demo page uses it for the
   * built package and xstate's ESM build.
   * @default {}
   */
  staticMounts?: Readonly<Record<string, string>>;
  /**
   * Largest message handled; a bigger one gets an `error` reply (`message-too-large`) and the
   * connection stays open.
   * @default 2048
   */
  maxMessageBytes?: number;
  /**
   * Hard frame limit (ws `maxPayload`); a bigger frame makes ws close the connection with 1009.
   * Kept well above `maxMessageBytes` so an oversize chat message is answered, not fatal.
   * @default 65536
   */
  maxFrameBytes?: number;
  /**
   * Longest chat text, in characters after trimming.
   * @default 500
   */
  maxTextLength?: number;
  /**
   * Per-connection rate limit, or `false` for none.
   * @default { ratePerSec: 10, burst: 20, abuseFactor: 3 }
   */
  rateLimit?: RateLimitOptions | false;
  /** Default durations of the timed faults. */
  faultDurations?: FaultDurations;
  /**
   * Whether `POST /fault/*` is served (the methods on `ChatServer` work either way).
   * @default true
   */
  faultEndpoints?: boolean;
  /**
   * Where one-line event logs go.
   * @default no logging
   */
  log?: (line: string) => void;
}

/** What `GET /stats` returns. */
export interface ChatServerStats {
  /** Open, authorized chat connections. */
  connections: number;
  /** Room name → members; empty rooms are gone. */
  rooms: Record<string, number>;
  /** WebSocket upgrade requests on `/chat` since start, refused ones included. */
  attempts: number;
  /** Upgrades destroyed during an outage. */
  refused: number;
  /** Upgrades answered with 403 for their Origin. */
  forbidden: number;
  /** Connections closed with 1008 at connect (bad token, revoked, bad room or user). */
  rejected: number;
  faults: {
    active: ActiveFault[];
    /** Connections currently held half-open. */
    halfOpenConnections: number;
  };
}

/** Per-call fault parameters, as in the JSON body of `POST /fault/<name>`. */
export interface FaultParams {
  /** For `restart` and `offline`. */
  downMs?: number;
  /** For `half-open` and `reject`. */
  durationMs?: number;
}

export interface ChatServer {
  readonly port: number;
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  /** `ws://127.0.0.1:PORT/chat` (add `?room=&user=&token=`). */
  readonly wsUrl: string;
  stats(): ChatServerStats;
  /** Destroy every WebSocket connection abruptly: clients see 1006. */
  kill(): void;
  /** Drop every connection and refuse new ones for `downMs`. */
  restart(params?: Pick<FaultParams, 'downMs'>): void;
  /** As `restart`, with a longer default outage. */
  offline(params?: Pick<FaultParams, 'downMs'>): void;
  /**
   * The connections open now go silent for `durationMs`: nothing is sent to them and
   * nothing they send (messages, pings, close frames) is read, yet they stay open.
   * New connections are healthy. When it ends, what they sent meanwhile is read, as when
   * a network path comes back.
   */
  halfOpen(params?: Pick<FaultParams, 'durationMs'>): void;
  /** Close every connection with 1008 'token revoked' and do the same to new ones for `durationMs`. */
  reject(params?: Pick<FaultParams, 'durationMs'>): void;
  /** End every active fault. */
  heal(): void;
  /** Any of the above by name, as `POST /fault/<name>` does. Throws RangeError on a bad duration. */
  fault(name: FaultName, params?: FaultParams): void;
  /** Close every connection and the listener; resolves when the port is released. */
  close(): Promise<void>;
}

const FAULT_NAMES: readonly FaultName[] = ['kill', 'restart', 'half-open', 'reject', 'offline', 'heal'];
const NAME = /^[\p{L}\p{N}_.-]{1,32}$/u;
/** `?handshake`: how long the server waits for the hello, in ms. */
const HELLO_TIMEOUT_MS = 10_000;
/** `?handshake`: how long after a `denied` the server waits for the client's close before closing itself, in ms. */
const HELLO_GRACE_MS = 1000;
const MAX_BODY_BYTES = 4096;

interface Client {
  ws: WebSocket;
  room: string;
  user: string;
  limiter: RateLimiter | undefined;
  halfOpen: boolean;
}

function isFaultName(name: string): name is FaultName {
  return (FAULT_NAMES as readonly string[]).includes(name);
}

function checkDuration(value: number | undefined, fallback: number, field: string): number {
  const ms = value ?? fallback;
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0 || ms > MAX_FAULT_MS) {
    throw new RangeError(`${field} must be a number of ms between 0 and ${MAX_FAULT_MS}`);
  }
  return ms;
}

function rawToBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

function writeUpgradeRefusal(socket: Duplex, status: number): void {
  const body = `${STATUS_CODES[status] ?? 'Error'}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
      'Connection: close\r\nContent-Type: text/plain; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
  });
  res.end(body);
}

function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        resolve(undefined);
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * Start the demo chat server on 127.0.0.1 and resolve once it listens.
 *
 * @example
 * const server = await startChatServer({ port: 0, staticDir: 'examples/demo/public' });
 * console.log(`${server.wsUrl}?room=lobby&user=alice&token=demo-token`);
 * server.fault('half-open', { durationMs: 5000 });
 * await server.close();
 */
export async function startChatServer(options: ChatServerOptions = {}): Promise<ChatServer> {
  const tokens = new Set(options.tokens ?? ['demo-token']);
  const allowMissingOrigin = options.allowMissingOrigin ?? true;
  const staticRoot = options.staticDir === undefined ? undefined : path.resolve(options.staticDir);
  const staticMounts = Object.entries(options.staticMounts ?? {}).map(([prefix, dir]) => {
    if (!prefix.startsWith('/') || !prefix.endsWith('/') || prefix.length < 3) {
      throw new RangeError(`staticMounts prefix "${prefix}" must start and end with "/", e.g. "/dist/"`);
    }
    return { prefix, root: path.resolve(dir) };
  });
  const maxMessageBytes = options.maxMessageBytes ?? 2048;
  const maxTextLength = options.maxTextLength ?? 500;
  const rateLimit = options.rateLimit ?? {};
  const durations = {
    restartDownMs: options.faultDurations?.restartDownMs ?? 2000,
    offlineDownMs: options.faultDurations?.offlineDownMs ?? 5000,
    halfOpenMs: options.faultDurations?.halfOpenMs ?? 10_000,
    rejectMs: options.faultDurations?.rejectMs ?? 5000,
  };
  const faultEndpoints = options.faultEndpoints ?? true;
  const log = options.log ?? (() => {});

  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    maxPayload: options.maxFrameBytes ?? 65_536,
  });
  /** Every WebSocket still open, authorized or not. */
  const sockets = new Set<WebSocket>();
  const clients = new Map<WebSocket, Client>();
  const rooms = new Rooms<Client>();
  const faults = new FaultTimers();
  const counters = { attempts: 0, refused: 0, forbidden: 0, rejected: 0 };
  let allowedOrigins = new Set<string>();
  let closing = false;

  // ---- sending -------------------------------------------------------------------------

  function sendRaw(client: Client, text: string): void {
    if (client.halfOpen || client.ws.readyState !== WebSocket.OPEN) return;
    client.ws.send(text);
  }

  function send(client: Client, message: ServerMessage): void {
    sendRaw(client, JSON.stringify(message));
  }

  function sendError(client: Client, code: ErrorCode, message: string, traceId?: string): void {
    send(client, errorMessage(code, message, traceId));
  }

  function broadcast(room: string, message: ServerMessage): void {
    const text = JSON.stringify(message);
    for (const member of rooms.members(room)) sendRaw(member, text);
  }

  function announce(client: Client, event: 'joined' | 'left'): void {
    const { room, user } = client;
    broadcast(room, {
      type: 'system',
      payload: { event, room, user, online: rooms.members(room).size, text: `${user} ${event} ${room}` },
      time: Date.now(),
      traceId: traceIdFor(undefined),
    });
  }

  /** A half-open connection cannot carry a close frame, so it is cut instead. */
  function closeClient(client: Client, code: number, reason: string): void {
    if (client.halfOpen) client.ws.terminate();
    else client.ws.close(code, reason);
  }

  // ---- connections ---------------------------------------------------------------------

  function originAllowed(origin: string | undefined): boolean {
    if (origin === undefined) return allowMissingOrigin;
    return allowedOrigins.has('*') || allowedOrigins.has(origin);
  }

  function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => {});
    if (closing) {
      socket.destroy();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/chat') {
      writeUpgradeRefusal(socket, 404);
      return;
    }
    counters.attempts += 1;
    if (faults.isActive('outage')) {
      counters.refused += 1;
      socket.destroy();
      return;
    }
    if (!originAllowed(req.headers.origin)) {
      counters.forbidden += 1;
      log(`refused upgrade from origin ${req.headers.origin}`);
      writeUpgradeRefusal(socket, 403);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, url));
  }

  function refuse(ws: WebSocket, reason: string): void {
    counters.rejected += 1;
    log(`closing new connection: ${reason}`);
    ws.close(1008, reason);
  }

  function onConnection(ws: WebSocket, url: URL): void {
    sockets.add(ws);
    ws.on('error', () => {}); // protocol errors end in 'close'; nothing more to do
    ws.on('close', () => sockets.delete(ws));

    const room = url.searchParams.get('room') || 'lobby';
    const user = url.searchParams.get('user') || `guest-${randomBytes(2).toString('hex')}`;
    if (url.searchParams.has('handshake')) return awaitHello(ws, room, user);
    if (faults.isActive('reject')) return refuse(ws, 'token revoked');
    const token = url.searchParams.get('token');
    if (token === null || !tokens.has(token)) return refuse(ws, 'unauthorized');
    if (!NAME.test(room)) return refuse(ws, 'invalid room');
    if (!NAME.test(user)) return refuse(ws, 'invalid user');
    admit(ws, room, user);
  }

  /**
   * `?handshake`: the token comes in the first message, `{ type: 'hello', payload: { token } }`,
   * answered with `ready` (then the client joins its room) or `denied` with the reason; the client
   * then closes (xstate-websocket sends 4403), or the server does after `HELLO_GRACE_MS`. No hello
   * within `HELLO_TIMEOUT_MS` closes with 1008.
   */
  function awaitHello(ws: WebSocket, room: string, user: string): void {
    let timer: ReturnType<typeof setTimeout> | undefined = setTimeout(() => refuse(ws, 'no hello'), HELLO_TIMEOUT_MS);
    const settle = () => {
      clearTimeout(timer);
      timer = undefined;
    };
    ws.on('close', settle);
    const deny = (reason: string) => {
      counters.rejected += 1;
      log(`denied the hello of ${user}: ${reason}`);
      ws.send(JSON.stringify({ type: 'denied', payload: { reason }, time: Date.now(), traceId: traceIdFor(undefined) } satisfies ServerMessage));
      settle();
      timer = setTimeout(() => ws.close(1008, reason), HELLO_GRACE_MS);
    };
    ws.once('message', (data, isBinary) => {
      if (timer === undefined) return;
      const result = isBinary ? undefined : parseClientMessage(rawToBuffer(data).toString('utf8'), maxTextLength);
      if (!result?.ok || result.message.type !== 'hello') return deny('hello first');
      if (faults.isActive('reject')) return deny('token revoked');
      if (!tokens.has(result.message.token)) return deny('unauthorized');
      if (!NAME.test(room)) return deny('invalid room');
      if (!NAME.test(user)) return deny('invalid user');
      settle();
      ws.send(JSON.stringify({ type: 'ready', time: Date.now(), traceId: traceIdFor(result.message.traceId) } satisfies ServerMessage));
      admit(ws, room, user);
    });
  }

  /** An authorized connection: it joins its room, and everyone there hears it. */
  function admit(ws: WebSocket, room: string, user: string): void {

    const client: Client = {
      ws,
      room,
      user,
      limiter: rateLimit === false ? undefined : new RateLimiter(rateLimit),
      halfOpen: false,
    };
    clients.set(ws, client);
    rooms.join(room, client);
    log(`${user} joined ${room}`);
    announce(client, 'joined');

    ws.on('message', (data, isBinary) => onMessage(client, data, isBinary));
    ws.on('close', () => {
      clients.delete(ws);
      rooms.leave(room, client);
      log(`${user} left ${room}`);
      announce(client, 'left');
    });
  }

  function onMessage(client: Client, data: RawData, isBinary: boolean): void {
    if (client.halfOpen) return;
    const verdict = client.limiter?.take() ?? 'ok';
    if (verdict === 'abuse') {
      log(`${client.user} closed for rate-limit abuse`);
      closeClient(client, 1008, 'rate limit');
      return;
    }
    if (verdict === 'limited') {
      sendError(client, 'rate-limited', 'too many messages, slow down');
      return;
    }
    if (isBinary) {
      sendError(client, 'binary-unsupported', 'binary frames are not supported');
      return;
    }
    const buffer = rawToBuffer(data);
    if (buffer.length > maxMessageBytes) {
      sendError(client, 'message-too-large', `message is larger than ${maxMessageBytes} bytes`);
      return;
    }
    const text = buffer.toString('utf8');
    if (text === 'ping') {
      sendRaw(client, 'pong');
      return;
    }
    const result = parseClientMessage(text, maxTextLength);
    if (!result.ok) {
      sendError(client, result.code, result.message, result.traceId);
      return;
    }
    const { message } = result;
    if (message.type === 'hello') {
      sendError(client, 'unknown-type', 'already authorized: hello is only the first message with ?handshake', message.traceId);
      return;
    }
    if (message.type === 'ping') {
      send(client, { type: 'pong', time: Date.now(), traceId: traceIdFor(message.traceId) });
      return;
    }
    broadcast(client.room, {
      type: 'chat',
      payload: { room: client.room, from: client.user, text: message.text },
      time: Date.now(),
      traceId: traceIdFor(message.traceId),
    });
  }

  // ---- faults --------------------------------------------------------------------------

  function kill(): void {
    log(`fault kill: destroying ${sockets.size} connection(s)`);
    for (const ws of sockets) ws.terminate();
  }

  function outage(name: 'restart' | 'offline', downMs: number): void {
    faults.start('outage', name, downMs, () => log(`${name} over: accepting connections`));
    log(`fault ${name}: down for ${downMs} ms`);
    for (const ws of sockets) ws.terminate();
  }

  function halfOpen(durationMs: number): void {
    for (const client of clients.values()) {
      client.halfOpen = true;
      client.ws.pause();
    }
    log(`fault half-open: ${clients.size} connection(s) silent for ${durationMs} ms`);
    faults.start('half-open', 'half-open', durationMs, () => {
      for (const client of clients.values()) {
        if (!client.halfOpen) continue;
        client.halfOpen = false;
        client.ws.resume();
      }
      log('half-open over');
    });
  }

  function reject(durationMs: number): void {
    faults.start('reject', 'reject', durationMs, () => log('reject over: accepting tokens again'));
    log(`fault reject: revoking ${clients.size} connection(s), refusing new ones for ${durationMs} ms`);
    for (const client of clients.values()) closeClient(client, 1008, 'token revoked');
  }

  function fault(name: FaultName, params: FaultParams = {}): void {
    if (closing) return;
    switch (name) {
      case 'kill':
        return kill();
      case 'restart':
        return outage('restart', checkDuration(params.downMs, durations.restartDownMs, 'downMs'));
      case 'offline':
        return outage('offline', checkDuration(params.downMs, durations.offlineDownMs, 'downMs'));
      case 'half-open':
        return halfOpen(checkDuration(params.durationMs, durations.halfOpenMs, 'durationMs'));
      case 'reject':
        return reject(checkDuration(params.durationMs, durations.rejectMs, 'durationMs'));
      case 'heal':
        log('fault heal');
        return faults.endAll();
    }
  }

  function stats(): ChatServerStats {
    let halfOpenConnections = 0;
    for (const client of clients.values()) if (client.halfOpen) halfOpenConnections += 1;
    return {
      connections: clients.size,
      rooms: rooms.summary(),
      ...counters,
      faults: { active: faults.snapshot(), halfOpenConnections },
    };
  }

  // ---- HTTP ----------------------------------------------------------------------------

  async function onFaultRequest(name: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      return sendJson(res, 405, { error: 'use POST' });
    }
    if (req.headers.origin !== undefined && !originAllowed(req.headers.origin)) {
      return sendJson(res, 403, { error: 'origin not allowed' });
    }
    if (!isFaultName(name)) return sendJson(res, 404, { error: `unknown fault "${name}"`, faults: FAULT_NAMES });
    const body = await readBody(req, MAX_BODY_BYTES);
    if (body === undefined) return sendJson(res, 413, { error: 'body too large' });
    let params: FaultParams = {};
    if (body.trim() !== '') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch {
        return sendJson(res, 400, { error: 'body is not valid JSON' });
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        return sendJson(res, 400, { error: 'body must be a JSON object' });
      }
      params = parsed as FaultParams;
    }
    try {
      fault(name, params);
    } catch (error) {
      if (error instanceof RangeError) return sendJson(res, 400, { error: error.message });
      throw error;
    }
    sendJson(res, 200, { ok: true, fault: name, stats: stats() });
  }

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/stats') {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.setHeader('Allow', 'GET, HEAD');
        return sendJson(res, 405, { error: 'use GET' });
      }
      return sendJson(res, 200, stats());
    }
    if (faultEndpoints && url.pathname.startsWith('/fault/')) {
      return onFaultRequest(url.pathname.slice('/fault/'.length), req, res);
    }
    if (url.pathname === '/chat') {
      res.setHeader('Upgrade', 'websocket');
      return sendJson(res, 426, { error: 'this path speaks WebSocket' });
    }
    const rawPath = (req.url ?? '/').split('?')[0] ?? '/';
    const mount = staticMounts.find(({ prefix }) => rawPath.startsWith(prefix));
    if (mount !== undefined) return serveStatic(mount.root, rawPath.slice(mount.prefix.length - 1), req, res);
    if (staticRoot !== undefined) {
      // The raw path, not url.pathname: URL parsing folds `..` and `%2e%2e` away, and the
      // static handler refuses those outright rather than quietly serving something else.
      return serveStatic(staticRoot, rawPath, req, res);
    }
    sendJson(res, 404, { error: 'not found' });
  }

  const server = createServer((req, res) => {
    onRequest(req, res).catch((error: unknown) => {
      log(`error serving ${req.method} ${req.url}: ${String(error)}`);
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  });
  server.on('upgrade', onUpgrade);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('server has no TCP address');
  const port = address.port;
  allowedOrigins = new Set(options.allowedOrigins ?? [`http://127.0.0.1:${port}`, `http://localhost:${port}`]);

  let closed: Promise<void> | undefined;
  function close(): Promise<void> {
    closed ??= new Promise<void>((resolve, reject) => {
      closing = true;
      faults.dispose();
      for (const ws of sockets) ws.terminate();
      wss.close();
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeAllConnections();
    });
    return closed;
  }

  return {
    port,
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/chat`,
    stats,
    kill: () => fault('kill'),
    restart: (params) => fault('restart', params),
    offline: (params) => fault('offline', params),
    halfOpen: (params) => fault('half-open', params),
    reject: (params) => fault('reject', params),
    heal: () => fault('heal'),
    fault,
    close,
  };
}
