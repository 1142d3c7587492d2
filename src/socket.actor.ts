/**
 * The adapter: the only code that touches a WebSocket. It opens one socket per invocation,
 * reports what the socket does to the machine, and obeys the machine's commands. It never
 * decides whether to retry. Its disposer leaves no listener behind and no socket open.
 */
import { fromCallback } from 'xstate';
import { messageOf } from './describe.js';
import { connectionDepsOf, type SocketActorDeps, type SocketTransport } from './connection.deps.js';
import type { CloseInfo, ConnectionSettings, SocketCommand, SocketReport } from './connection.types.js';
import { upgradeCloseCode } from './close-codes.js';
import { closeWithin, letGo, safeClose } from './let-go.js';
import { createSilenceMeter } from './silence.js';
import { normaliseUrl, resolveUrlSource } from './url.js';
import { CLOSED, CONNECTING, OPEN, type OutgoingData, type WebSocketEventMapLike, type WebSocketLike } from './websocket.types.js';

export type { SocketActorDeps, SocketTransport } from './connection.deps.js';
export type { TimerClock } from './let-go.js';

/** Why an attempt fails when the adapter was given no dependencies and none are bound to its system. */
export const NO_DEPS =
  'no socket adapter dependencies: use createConnection, or provide createSocketActor(resolveOptions(options).adapter) to the machine';

/** Reported (with the app's verdict) when a socket does not close within `closeTimeoutMs`. */
export const ABANDONED_CLOSE = { code: 1006, reason: 'close timed out: socket abandoned', wasClean: false } as const;

/**
 * Creates the socket actor logic with `deps` (see `resolveOptions(options).adapter`), or, given
 * none, with the dependencies `createConnection` bound to its actor system (`connection.deps.ts`).
 * With neither, every attempt fails at once with an error saying what to provide.
 */
export function createSocketActor(explicitDeps?: SocketActorDeps) {
  return fromCallback<SocketCommand, ConnectionSettings, SocketReport>(({ input, sendBack, receive, system }) => {
    const found = explicitDeps ?? connectionDepsOf(system);
    if (found === undefined) {
      sendBack({ type: 'SOCKET.ERROR', message: NO_DEPS });
      sendBack({ type: 'SOCKET.CLOSED', code: 1006, reason: NO_DEPS, wasClean: false });
      return;
    }
    const deps: SocketActorDeps = found;
    const { ping, isPong } = deps;
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
      const { WebSocket } = deps;
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

    resolveUrlSource(deps.url, open, (how, error) => fail(`url function ${how}: ${messageOf(error)}`, error));

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
