/**
 * How the adapter lets go of a socket it no longer listens to: closed, terminated where the
 * implementation can, its errors swallowed, and (when stopped while OPEN) its close handshake
 * bounded in time. Nothing here reports to the machine.
 */
import { CLOSED, type WebSocketLike } from './websocket.types.js';

/** The timers the adapter may arm after it is disposed. */
export interface TimerClock {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
}

const noop = () => {};

/**
 * Closes an OPEN socket (1000, 'client stopped'). A server that never answers the close
 * handshake must not keep the socket (and a Node process) alive for the implementation's own
 * timeout (`ws`: 30 s): where it can be terminated, it is after `ms` at most, on `clock`.
 */
export function closeWithin(ws: WebSocketLike, ms: number, clock: TimerClock | undefined): void {
  swallowErrors(ws);
  safeClose(ws, 1000, 'client stopped');
  if (typeof ws.terminate === 'function') {
    const timer = later(clock, ms, () => ws.readyState !== CLOSED && terminate(ws));
    onceClosed(ws, () => timer.cancel());
  }
}

/**
 * Lets go of a socket that is not CLOSED and has no listener of ours: terminated where the
 * implementation can (`ws`), else closed.
 */
export function letGo(ws: WebSocketLike): void {
  swallowErrors(ws);
  if (!terminate(ws)) safeClose(ws, 1000, 'client stopped');
}

/** `close(code, reason)`, else `close()`, else nothing: a socket that refuses is let go of as it is. */
export function safeClose(ws: WebSocketLike, code: number, reason: string): void {
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
