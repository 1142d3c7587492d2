/**
 * The adapter: the only code that touches a WebSocket. It opens one socket per invocation,
 * reports what the socket does to the machine, and obeys the machine's commands. It never
 * decides whether to retry. Its disposer leaves no listener behind and no socket open.
 */
import { fromCallback } from 'xstate';
import { messageOf } from './describe.js';
import { defaultIsPong, defaultPing } from './options.runtime.js';
import { connectionDepsOf } from './connection.deps.js';
import type { CloseInfo, ConnectionSettings, SocketCommand, SocketReport } from './connection.types.js';
import { upgradeCloseCode } from './close-codes.js';
import { closeWithin, letGo, safeClose, type TimerClock } from './let-go.js';
import { createSilenceMeter } from './silence.js';
import { normaliseUrl, resolveUrlSource, type UrlSource } from './url.js';
import {
  CLOSED,
  CONNECTING,
  OPEN,
  type OutgoingData,
  type WebSocketConstructor,
  type WebSocketEventMapLike,
  type WebSocketLike,
} from './websocket.types.js';

export type { TimerClock } from './let-go.js';

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

/** Reported (with the app's verdict) when a socket does not close within `closeTimeoutMs`. */
export const ABANDONED_CLOSE = { code: 1006, reason: 'close timed out: socket abandoned', wasClean: false } as const;

/**
 * Creates the socket actor logic. Given no deps, it uses those bound to its actor system by
 * `createConnection` (see `connection.deps.ts`), else the defaults: the global WebSocket, and
 * messages sent to the machine as SOCKET.MESSAGE events (emitted as `message`).
 */
export function createSocketActor(explicitDeps?: SocketActorDeps) {
  return fromCallback<SocketCommand, ConnectionSettings, SocketReport>(({ input, sendBack, receive, system }) => {
    const deps: SocketActorDeps = explicitDeps ?? connectionDepsOf(system) ?? {};
    const ping = deps.ping ?? defaultPing;
    const isPong = deps.isPong ?? defaultIsPong;
    const deliver = deps.onMessage ?? ((data: unknown) => sendBack({ type: 'SOCKET.MESSAGE', data }));

    let socket: WebSocketLike | null = null;
    let disposed = false;
    let closeRequested = false;
    let upgradeStatus: number | null = null;

    // Report: to the machine, and never after disposal.
    const report = (event: SocketReport) => {
      if (!disposed) sendBack(event);
    };
    const reportError = (message: string, error: unknown) => report({ type: 'SOCKET.ERROR', message, error });
    const reportClosed = (close: CloseInfo) => {
      const verdict = askShouldReconnect(close);
      report(verdict === undefined ? { type: 'SOCKET.CLOSED', ...close } : { type: 'SOCKET.CLOSED', ...close, shouldReconnect: verdict });
    };
    // Every failure before a socket exists is a close like any other: the app's policy is asked.
    const fail = (message: string, error?: unknown) => {
      reportError(message, error);
      reportClosed({ code: 1006, reason: message, wasClean: false });
    };
    function askShouldReconnect(close: CloseInfo): boolean | undefined {
      if (!deps.shouldReconnect || disposed) return undefined;
      try {
        return deps.shouldReconnect(close) === true;
      } catch (error) {
        reportError(`shouldReconnect threw: ${messageOf(error)}`, error);
        return undefined;
      }
    }

    const silence = createSilenceMeter(deps.now, (error) =>
      reportError(`clock.now threw: ${messageOf(error)}; performance.now() used instead`, error),
    );
    const transport: SocketTransport = {
      send(data) {
        if (disposed || socket === null || socket.readyState !== OPEN) return false;
        socket.send(data as never);
        return true;
      },
    };

    // The socket's events, reported.
    const onOpen = () => {
      if (disposed) return;
      silence.opened();
      deps.onTransport?.(transport);
      report({ type: 'SOCKET.OPENED', protocol: socket?.protocol ?? '' });
    };
    const onMessage =
      input.heartbeat !== null
        ? (event: WebSocketEventMapLike['message']) => {
            if (disposed) return;
            if (silence.heard()) sendBack({ type: 'SOCKET.ALIVE' });
            const data = event.data;
            if (!isPongSafe(data)) deliver(data);
          }
        : (event: WebSocketEventMapLike['message']) => {
            if (!disposed) deliver(event.data);
          };
    const onError = (event: WebSocketEventMapLike['error']) => {
      const message = errorMessage(event);
      upgradeStatus = upgradeStatusIn(message) ?? upgradeStatus;
      reportError(message, event?.error ?? event);
      if (isStuckConnecting(socket)) {
        detach();
        socket = null;
        reportClosed({ code: 1006, reason: message, wasClean: false });
      }
    };
    const onClose = (event: WebSocketEventMapLike['close']) => {
      detach();
      reportClosed(
        upgradeStatus === null
          ? { code: event.code, reason: event.reason ?? '', wasClean: event.wasClean ?? false }
          : { code: upgradeCloseCode(upgradeStatus), reason: `HTTP ${upgradeStatus} on upgrade`, wasClean: false },
      );
    };

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

    // Open: one socket, once this attempt's URL is known (unless closed or disposed meanwhile).
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

    function sendPing() {
      let data: OutgoingData;
      try {
        data = ping();
      } catch (error) {
        reportError(`heartbeat.ping threw: ${messageOf(error)}`, error);
        return;
      }
      try {
        transport.send(data);
      } catch (error) {
        reportError(`the WebSocket refused the heartbeat ping: ${messageOf(error)}`, error);
      }
    }

    // Obey: the machine's commands.
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
          silence.pinged();
          sendPing();
          return;
        case 'REPORT_SILENCE':
          report({ type: 'SOCKET.SILENCE', silentMs: silence.silentMs() });
          return;
      }
    });

    const source = deps.url ?? input.url;
    if (source === null) fail('no url: the machine input has none and the socket actor was given none');
    else resolveUrlSource(source, open, (how, error) => fail(`url function ${how}: ${messageOf(error)}`, error));

    return () => {
      disposed = true;
      deps.onTransport?.(null);
      const ws = socket;
      if (ws === null) return;
      detach();
      if (ws.readyState === CLOSED) return;
      if (ws.readyState === OPEN) closeWithin(ws, input.closeTimeoutMs, deps.clock);
      else letGo(ws);
    };
  });
}

/**
 * Whether an 'error' left the socket CONNECTING, which ends the attempt here. An error fails the
 * connection and a close event should follow, with readyState past CONNECTING. Node 20's built-in
 * WebSocket (undici) fires 'error' on a refused or rejected handshake, or on close() while
 * connecting, but stays CONNECTING and never fires 'close': without this the attempt would hang
 * until connectTimeoutMs or closeTimeoutMs.
 */
function isStuckConnecting(ws: WebSocketLike | null): boolean {
  return ws !== null && ws.readyState === CONNECTING;
}

/** The HTTP status of a rejected upgrade in `ws`'s error text ("Unexpected server response: 401"), or `null`. */
function upgradeStatusIn(message: string): number | null {
  const status = /Unexpected server response: (\d{3})/.exec(message);
  return status ? Number(status[1]) : null;
}

function errorMessage(event: WebSocketEventMapLike['error'] | undefined): string {
  const inner = event?.error as { message?: unknown } | undefined;
  if (inner && typeof inner.message === 'string' && inner.message) return inner.message;
  if (event && typeof event.message === 'string' && event.message) return event.message;
  return 'WebSocket error';
}
