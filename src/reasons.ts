/**
 * Pure: the reason a transition records in `context.reason`, as one readable line.
 *
 * Every transition of the statechart that changes state ends with a `recordReason` action naming
 * one of the labels below (message delivery and the environment's bookkeeping change none); this module turns the label, the context the transition's earlier actions
 * produced and the event into `label {key: value, ...}`, e.g.
 * `retry scheduled {attempt: 2, delayMs: 3125, closeCode: 1006}`. The line is plain data, so it
 * shows in every snapshot (the Stately inspector, `actor.subscribe`, a log) and serialises.
 */
import type { ConnectionContext, ConnectionEvent } from './connection.types.js';

/** What each reason label means (the generated spec lists them). */
export const REASONS = {
  created: 'the actor was created and has not transitioned yet',
  'connect requested': '`connect()` (CONNECT): a new attempt with a fresh retry budget',
  'reconnect requested': '`reconnect()` (RECONNECT): retry now with a fresh budget, replacing an open socket',
  'close requested': '`close(code, reason)` (DISCONNECT): close for good',
  'network online': 'the network came back (NETWORK.ONLINE) during backoff: one attempt at once, with the retry budget it had',
  'network offline': 'the environment says the network is gone (NETWORK.OFFLINE): the socket is closed (1000 `network offline`), no retry spent',
  'waiting for network': 'offline (NETWORK.OFFLINE): no timer, no attempt and no retry spent until NETWORK.ONLINE',
  'page visible': 'the page is visible again after being hidden at least the heartbeat interval: an open connection is checked (a ping now), a retry wait is cut short',
  'paused while hidden': 'a retry fell due while the page is hidden and pauseWhenHidden is on: it waits for PAGE.VISIBLE',
  'page cached': 'pagehide with persisted (PAGE.CACHED): the socket is closed (1000 `going away: page cached`) so the page can enter the back/forward cache',
  'page restored': 'pageshow with persisted (PAGE.RESTORED): a new attempt at once, with a fresh retry budget',
  'clock jumped': 'a timer fired much later than due (the device slept, CLOCK.JUMPED): the open connection is checked at once (a ping now)',
  'backoff elapsed': 'the retry delay has passed: the next attempt starts',
  'socket opened': 'the opening handshake completed; the socket is OPEN (with `handshake`, the hello goes out and the verdict is awaited)',
  'handshake ready': "`handshake.reply` said 'ready': the session is open, the queue flushes",
  'handshake rejected': "`handshake.reply` said 'rejected': the socket is closed with 4403 and the connection gives up",
  'handshake timeout': 'no verdict within handshake.timeoutMs of the socket opening: the socket is closed with 3008',
  'hello failed': '`handshake.hello` threw or rejected: an error event, and the socket is closed and the attempt retried',
  'socket error': 'the socket reported an error (a close follows)',
  'socket closed': 'the socket reached CLOSED (or was abandoned after closeTimeoutMs)',
  'connect timeout': 'the handshake took longer than connectTimeoutMs: the socket is closed with 3008',
  'close timeout': 'the socket did not reach CLOSED within closeTimeoutMs: it is abandoned',
  'stable uptime': 'the socket stayed open for stableUptimeMs: the retry budget is reset',
  'heartbeat check': 'the heartbeat wait ended: the adapter is asked how long the socket was silent',
  'pong received': 'a message arrived after the ping: the connection is alive, wait intervalMs again',
  'heartbeat ok': 'a message arrived recently: no ping needed, wait again',
  'ping sent': 'the socket was silent for intervalMs: a ping was sent',
  'heartbeat timeout': 'no message within timeoutMs of the ping: the socket is closed with 3008',
  'retry scheduled': 'the socket closed with a retryable code and retries are left: waiting retryDelayMs',
  'gave up': 'a terminal close code, or no retries left: nothing happens until connect() or reconnect()',
} as const;

/** A reason label: the first words of `context.reason`. */
export type ReasonLabel = keyof typeof REASONS;

/** The line a transition records: the label, then the details that make it useful in a log. */
export function formatReason(label: ReasonLabel, context: ConnectionContext, event: ConnectionEvent): string {
  const details = detailsOf(label, context, event);
  return details ? `${label} {${Object.entries(details).map(([key, value]) => `${key}: ${JSON.stringify(value)}`).join(', ')}}` : label;
}

type Details = Record<string, string | number | boolean>;

function detailsOf(label: ReasonLabel, context: ConnectionContext, event: ConnectionEvent): Details | null {
  const { retries, retryDelayMs: delayMs, settings } = context;
  const closeCode: Details = event.type === 'SOCKET.CLOSED' ? { closeCode: event.code } : {};
  switch (label) {
    case 'close requested':
      return event.type === 'DISCONNECT' ? { code: event.code ?? 1000, reason: event.reason ?? '' } : null;
    case 'backoff elapsed':
      return { attempt: retries, delayMs };
    case 'waiting for network':
      return { retries };
    case 'page visible':
      return event.type === 'PAGE.VISIBLE' ? { hiddenMs: Math.round(event.hiddenMs) } : null;
    case 'clock jumped':
      return event.type === 'CLOCK.JUMPED' ? { lateMs: Math.round(event.lateMs) } : null;
    case 'socket opened':
      return event.type === 'SOCKET.OPENED' ? { protocol: event.protocol } : null;
    case 'socket error':
      return event.type === 'SOCKET.ERROR' ? { message: event.message } : null;
    case 'socket closed':
      return event.type === 'SOCKET.CLOSED' ? { code: event.code, reason: event.reason } : null;
    case 'connect timeout':
      return { timeoutMs: settings.connectTimeoutMs };
    case 'handshake rejected':
      return { reason: context.closeRequest.reason };
    case 'handshake timeout':
      return { timeoutMs: settings.handshake?.timeoutMs ?? 0 };
    case 'hello failed':
      return event.type === 'SOCKET.HELLO_FAILED' ? { message: event.message } : null;
    case 'close timeout':
      return { timeoutMs: settings.closeTimeoutMs };
    case 'stable uptime':
      return { uptimeMs: settings.stableUptimeMs };
    case 'heartbeat ok':
    case 'ping sent':
      return event.type === 'SOCKET.SILENCE' ? { silentMs: Math.round(event.silentMs) } : null;
    case 'heartbeat timeout':
      return { timeoutMs: settings.heartbeat?.timeoutMs ?? 0 };
    case 'retry scheduled':
      return { attempt: retries, delayMs, ...closeCode };
    case 'gave up':
      return context.gaveUpReason === 'handshake-rejected'
        ? { reason: context.gaveUpReason, rejection: context.closeRequest.reason, retries, ...closeCode }
        : { reason: context.gaveUpReason ?? 'max-retries', retries, ...closeCode };
    default:
      return null;
  }
}
