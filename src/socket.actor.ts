/**
 * The adapter: the only code that touches a WebSocket. It opens one socket per invocation,
 * reports what the socket does to the machine, and obeys the machine's commands. It never
 * decides whether to retry. Its disposer leaves no listener behind and no socket open.
 */
import { fromCallback } from 'xstate';
import { connectionDepsOf } from './connection.deps.js';
import type { CloseInfo, ConnectionSettings, SocketCommand, SocketReport } from './connection.types.js';
import { normaliseUrl, type UrlSource } from './options.js';
import {
  CLOSED,
  CONNECTING,
  OPEN,
  type OutgoingData,
  type WebSocketConstructor,
  type WebSocketEventMapLike,
  type WebSocketLike,
} from './websocket.types.js';

/** The direct send path the handle uses while the socket is open (bypasses the machine). */
export interface SocketTransport {
  /**
   * Hands `data` to the socket if it is OPEN and this adapter not disposed, and returns `true`;
   * returns `false` (nothing sent, keep the message for a later socket) otherwise. Throws what the
   * WebSocket's `send` threw when it refuses the data: that message will never go out as it is.
   */
  send(data: OutgoingData): boolean;
}

/** What the adapter needs from its host; everything is optional for the pure machine. */
export interface SocketActorDeps {
  /** @default globalThis.WebSocket, looked up when a socket is opened */
  WebSocket?: WebSocketConstructor;
  /** @default the machine input's `url` */
  url?: UrlSource;
  /** Monotonic milliseconds, for the heartbeat. @default performance.now() */
  now?: () => number;
  /**
   * Timers for what the adapter does after it is disposed (bounding a stopped socket's close
   * handshake by `closeTimeoutMs`); pass the same clock as `createActor`'s (e.g. `SimulatedClock`).
   * @default setTimeout/clearTimeout, unref'd so they keep no Node process alive
   */
  clock?: TimerClock;
  /** @default () => 'ping' */
  ping?: () => OutgoingData;
  /** @default (data) => data === 'pong' */
  isPong?: (data: unknown) => boolean;
  /** Fast path for inbound messages. @default each message is sent to the machine as SOCKET.MESSAGE */
  onMessage?: (data: unknown) => void;
  /** Told the direct send path when the socket opens, and `null` when this adapter is disposed. */
  onTransport?: (transport: SocketTransport | null) => void;
  /**
   * The app's override of the close-code policy. The adapter only runs it and reports its answer
   * with SOCKET.CLOSED (`shouldReconnect`); the chart's `isRetryableClose` guard decides.
   */
  shouldReconnect?: (close: CloseInfo) => boolean;
}

/** HTTP statuses on a rejected upgrade that mean "do not retry", mapped to app-range close codes. */
const FATAL_UPGRADE_STATUS: Readonly<Record<number, number>> = { 401: 4401, 403: 4403 };

const noop = () => {};

/** Reported (with the app's verdict) when a socket does not close within `closeTimeoutMs`. */
export const ABANDONED_CLOSE = { code: 1006, reason: 'close timed out: socket abandoned', wasClean: false } as const;

/** The timers the adapter may arm after it is disposed. */
export interface TimerClock {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
}

/**
 * Creates the socket actor logic. Given no deps, it uses those bound to its actor system by
 * `createConnection` (see `connection.deps.ts`), else the defaults: the global WebSocket, and
 * messages sent to the machine as SOCKET.MESSAGE events (emitted as `message`).
 */
export function createSocketActor(explicitDeps?: SocketActorDeps) {
  return fromCallback<SocketCommand, ConnectionSettings, SocketReport>(({ input, sendBack, receive, system }) => {
    const deps: SocketActorDeps = explicitDeps ?? connectionDepsOf(system) ?? {};
    const clock = deps.clock;
    // An injected clock.now that throws is reported once and replaced by performance.now().
    let nowBroken = false;
    const now = () => {
      if (deps.now && !nowBroken) {
        try {
          return deps.now();
        } catch (error) {
          nowBroken = true;
          report({ type: 'SOCKET.ERROR', message: `clock.now threw: ${messageOf(error)}; performance.now() used instead`, error });
        }
      }
      return performance.now();
    };
    const ping = deps.ping ?? (() => 'ping');
    const isPong = deps.isPong ?? ((data: unknown) => data === 'pong');
    const deliver = deps.onMessage ?? ((data: unknown) => sendBack({ type: 'SOCKET.MESSAGE', data }));
    const heartbeat = input.heartbeat !== null;

    let socket: WebSocketLike | null = null;
    let disposed = false;
    let closeRequested = false;
    let lastInboundAt = now();
    let awaitingPong = false;
    let upgradeStatus: number | null = null;

    const report = (event: SocketReport) => {
      if (!disposed) sendBack(event);
    };
    // Every failure before a socket exists is a close like any other: the app's policy is asked.
    const fail = (message: string, error?: unknown) => {
      report({ type: 'SOCKET.ERROR', message, error });
      reportClosed({ code: 1006, reason: message, wasClean: false });
    };

    const transport: SocketTransport = {
      send(data) {
        if (disposed || socket === null || socket.readyState !== OPEN) return false;
        socket.send(data as never);
        return true;
      },
    };

    const onOpen = () => {
      if (disposed) return;
      lastInboundAt = now();
      deps.onTransport?.(transport);
      report({ type: 'SOCKET.OPENED', protocol: socket?.protocol ?? '' });
    };
    const onMessage = heartbeat
      ? (event: WebSocketEventMapLike['message']) => {
          if (disposed) return;
          lastInboundAt = now();
          if (awaitingPong) {
            awaitingPong = false;
            sendBack({ type: 'SOCKET.ALIVE' });
          }
          const data = event.data;
          if (!isPongSafe(data)) deliver(data);
        }
      : (event: WebSocketEventMapLike['message']) => {
          if (!disposed) deliver(event.data);
        };
    const onError = (event: WebSocketEventMapLike['error']) => {
      const message = errorMessage(event);
      const status = /Unexpected server response: (\d{3})/.exec(message);
      if (status) upgradeStatus = Number(status[1]);
      report({ type: 'SOCKET.ERROR', message, error: event?.error ?? event });
      // An error fails the connection and a close event should follow, with readyState past
      // CONNECTING. Node 20's built-in WebSocket (undici) fires 'error' on a refused or rejected
      // handshake, or on close() while connecting, but stays CONNECTING and never fires 'close':
      // without this the attempt would hang until connectTimeoutMs or closeTimeoutMs.
      if (socket !== null && socket.readyState === CONNECTING) {
        detach();
        socket = null;
        reportClosed({ code: 1006, reason: message, wasClean: false });
      }
    };
    const onClose = (event: WebSocketEventMapLike['close']) => {
      detach();
      const close: CloseInfo =
        upgradeStatus === null
          ? { code: event.code, reason: event.reason ?? '', wasClean: event.wasClean ?? false }
          : { code: FATAL_UPGRADE_STATUS[upgradeStatus] ?? 1006, reason: `HTTP ${upgradeStatus} on upgrade`, wasClean: false };
      reportClosed(close);
    };

    function reportClosed(close: CloseInfo) {
      const verdict = askShouldReconnect(close);
      report(verdict === undefined ? { type: 'SOCKET.CLOSED', ...close } : { type: 'SOCKET.CLOSED', ...close, shouldReconnect: verdict });
    }

    function askShouldReconnect(close: CloseInfo): boolean | undefined {
      if (!deps.shouldReconnect || disposed) return undefined;
      try {
        return deps.shouldReconnect(close) === true;
      } catch (error) {
        report({ type: 'SOCKET.ERROR', message: `shouldReconnect threw: ${messageOf(error)}`, error });
        return undefined;
      }
    }

    function sendPing() {
      let data: OutgoingData;
      try {
        data = ping();
      } catch (error) {
        report({ type: 'SOCKET.ERROR', message: `heartbeat.ping threw: ${messageOf(error)}`, error });
        return;
      }
      try {
        transport.send(data);
      } catch (error) {
        report({ type: 'SOCKET.ERROR', message: `the WebSocket refused the heartbeat ping: ${messageOf(error)}`, error });
      }
    }

    function isPongSafe(data: unknown): boolean {
      try {
        return isPong(data);
      } catch {
        return false;
      }
    }

    function attach(ws: WebSocketLike) {
      ws.addEventListener('open', onOpen as never);
      ws.addEventListener('message', onMessage as never);
      ws.addEventListener('error', onError as never);
      ws.addEventListener('close', onClose as never);
    }
    function detach() {
      if (socket === null) return;
      socket.removeEventListener('open', onOpen as never);
      socket.removeEventListener('message', onMessage as never);
      socket.removeEventListener('error', onError as never);
      socket.removeEventListener('close', onClose as never);
    }

    function open(source: string | URL) {
      if (disposed || closeRequested) return;
      let url: string;
      try {
        url = normaliseUrl(source);
      } catch (error) {
        fail(messageOf(error), error);
        return;
      }
      const WebSocket = deps.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
      if (typeof WebSocket !== 'function') {
        fail('no WebSocket implementation: provide one (e.g. the `ws` package) to the socket actor');
        return;
      }
      try {
        socket = input.protocols.length > 0 ? new WebSocket(url, [...input.protocols]) : new WebSocket(url);
      } catch (error) {
        fail(`WebSocket constructor threw: ${messageOf(error)}`, error);
        return;
      }
      try {
        socket.binaryType = input.binaryType;
      } catch {
        // An implementation without this binaryType keeps its default.
      }
      try {
        attach(socket);
      } catch (error) {
        const ws = socket;
        detach();
        socket = null;
        letGo(ws);
        fail(`WebSocket addEventListener threw: ${messageOf(error)}`, error);
      }
    }

    function start(source: UrlSource | null) {
      if (source === null) {
        fail('no url: the machine input has none and the socket actor was given none');
        return;
      }
      if (typeof source !== 'function') {
        open(source);
        return;
      }
      // A thenable may call back twice, both ways, or after this attempt is over: only the
      // first answer counts, and none after a close request or disposal (see `open`).
      let settled = false;
      const once =
        <A>(fn: (arg: A) => void) =>
        (arg: A) => {
          if (settled) return;
          settled = true;
          fn(arg);
        };
      try {
        const result = source();
        if (isThenable(result)) {
          result.then(
            once(open),
            once((error: unknown) => fail(`url function rejected: ${messageOf(error)}`, error)),
          );
        } else {
          once(open)(result);
        }
      } catch (error) {
        once((e: unknown) => fail(`url function threw: ${messageOf(e)}`, e))(error);
      }
    }

    receive((command) => {
      switch (command.type) {
        case 'CLOSE_SOCKET':
          closeRequested = true;
          if (socket === null) {
            // No socket yet (an async url is pending): the attempt is over at once.
            reportClosed({ code: command.code, reason: command.reason, wasClean: true });
          } else if (socket.readyState !== CLOSED) {
            safeClose(socket, command.code, command.reason);
          }
          return;
        case 'ABANDON_SOCKET': {
          // The close did not complete within closeTimeoutMs: let the socket go and report the
          // close the machine waited for, with the app's verdict like any other close.
          closeRequested = true;
          const ws = socket;
          detach();
          socket = null;
          if (ws !== null && ws.readyState !== CLOSED) letGo(ws);
          reportClosed({ ...ABANDONED_CLOSE });
          return;
        }
        case 'SEND_PING':
          awaitingPong = true;
          sendPing();
          return;
        case 'REPORT_SILENCE':
          report({ type: 'SOCKET.SILENCE', silentMs: now() - lastInboundAt });
          return;
      }
    });

    start(deps.url ?? input.url);

    return () => {
      disposed = true;
      deps.onTransport?.(null);
      const ws = socket;
      if (ws === null) return;
      detach();
      if (ws.readyState === CLOSED) return;
      if (ws.readyState === OPEN) {
        swallowErrors(ws);
        safeClose(ws, 1000, 'client stopped');
        // A server that never answers the close handshake must not keep the socket (and a Node
        // process) alive for the implementation's own timeout (`ws`: 30 s): closeTimeoutMs at most.
        if (typeof ws.terminate === 'function') {
          const timer = later(clock, input.closeTimeoutMs, () => ws.readyState !== CLOSED && terminate(ws));
          onceClosed(ws, () => timer.cancel());
        }
      } else {
        letGo(ws);
      }
    };
  });
}

/** Runs `fn` after `ms` on the actor's clock, else on a real timer that keeps no process alive. */
function later(clock: TimerClock | undefined, ms: number, fn: () => void): { cancel(): void } {
  if (clock) {
    const id = clock.setTimeout(fn, ms);
    (id as { unref?: () => void } | null)?.unref?.();
    return { cancel: () => clock.clearTimeout(id) };
  }
  const id = setTimeout(fn, ms);
  id.unref?.();
  return { cancel: () => clearTimeout(id) };
}

/**
 * Calls `fn` when the socket closes, where the implementation has EventEmitter's `once` (`ws`):
 * a listener that removes itself, never counted among the adapter's. Elsewhere `fn` never runs.
 */
function onceClosed(ws: WebSocketLike, fn: () => void) {
  const emitter = ws as WebSocketLike & { once?: (type: string, fn: () => void) => void };
  if (typeof emitter.once === 'function') emitter.once('close', fn);
}

/**
 * Lets go of a socket that is not CLOSED and has no listener of ours: terminated where the
 * implementation can (`ws`), else closed.
 */
function letGo(ws: WebSocketLike) {
  swallowErrors(ws);
  if (!terminate(ws)) safeClose(ws, 1000, 'client stopped');
}

/**
 * The `ws` package throws an unhandled 'error' when a socket with no error listener fails (e.g.
 * closed while CONNECTING), so one no-op listener stays until 'close'.
 */
function swallowErrors(ws: WebSocketLike) {
  const emitter = ws as WebSocketLike & {
    on?: (type: string, fn: () => void) => void;
    once?: (type: string, fn: () => void) => void;
    off?: (type: string, fn: () => void) => void;
  };
  if (typeof emitter.on === 'function' && typeof emitter.once === 'function' && typeof emitter.off === 'function') {
    emitter.on('error', noop);
    emitter.once('close', () => emitter.off!('error', noop));
  }
}

/** `terminate()` where the implementation has it; `false` where it has not, or it threw. */
function terminate(ws: WebSocketLike): boolean {
  if (typeof ws.terminate !== 'function') return false;
  try {
    ws.terminate();
    return true;
  } catch {
    return false;
  }
}

function safeClose(ws: WebSocketLike, code: number, reason: string) {
  try {
    ws.close(code, reason);
  } catch {
    try {
      ws.close();
    } catch {
      // Nothing more can be done: the socket is let go of as it is.
    }
  }
}

function errorMessage(event: WebSocketEventMapLike['error'] | undefined): string {
  const inner = event?.error as { message?: unknown } | undefined;
  if (inner && typeof inner.message === 'string' && inner.message) return inner.message;
  if (event && typeof event.message === 'string' && event.message) return event.message;
  return 'WebSocket error';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isThenable(value: unknown): value is PromiseLike<string | URL> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}
