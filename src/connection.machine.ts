/**
 * The connection statechart. Pure: every effect goes through the invoked `socket` actor
 * (the adapter), every timer is an `after` with a named delay, randomness is an injected
 * implementation of `planRetry`. Read the chart first; implementations follow in `setup`.
 */
import { assign, emit, not, raise, sendTo, setup } from 'xstate';
import { backoffDelayMs } from './backoff.js';
import { isRetryableCloseCode } from './close-codes.js';
import type {
  ConnectionContext,
  ConnectionEmitted,
  ConnectionEvent,
  ConnectionSettings,
  ConnectionStatus,
} from './connection.types.js';
import { createSocketActor } from './socket.actor.js';

/** Close code the client sends when it closes a socket it gave up on (IANA registry: 3008 "Timeout"). */
export const TIMEOUT_CLOSE_CODE = 3008;

/** The next retry: counts it and draws its delay from `draw` (a random number in [0, 1)). */
export function nextRetry(context: ConnectionContext, draw: number): Pick<ConnectionContext, 'retries' | 'retryDelayMs'> {
  const retries = context.retries + 1;
  return { retries, retryDelayMs: backoffDelayMs(retries, context.settings.backoff, draw) };
}

/** Reported in place of a CLOSE event when a socket does not close within `closeTimeoutMs`. */
export const ABANDONED_CLOSE = { code: 1006, reason: 'close timed out: socket abandoned', wasClean: false } as const;

export const connectionMachine = setup({
  types: {
    context: {} as ConnectionContext,
    events: {} as ConnectionEvent,
    input: {} as ConnectionSettings,
    emitted: {} as ConnectionEmitted,
    tags: {} as ConnectionStatus,
  },
  actors: {
    socket: createSocketActor(),
  },
  guards: {
    isRetryableClose: ({ event }) => event.type === 'SOCKET.CLOSED' && isRetryableCloseCode(event.code),
    hasRetriesLeft: ({ context }) => context.retries < context.settings.maxRetries,
    isManualIntent: ({ context }) => context.closeIntent === 'manual',
    isReconnectIntent: ({ context }) => context.closeIntent === 'reconnect',
    isHeartbeatEnabled: ({ context }) => context.settings.heartbeat !== null,
    isSilentForInterval: ({ context, event }) =>
      event.type === 'SOCKET.SILENCE' && event.silentMs >= (context.settings.heartbeat?.intervalMs ?? Infinity),
    isPingUnanswered: ({ event }) => event.type === 'SOCKET.SILENCE' && !event.heardSincePing,
  },
  delays: {
    connectTimeout: ({ context }) => context.settings.connectTimeoutMs,
    closeTimeout: ({ context }) => context.settings.closeTimeoutMs,
    backoffDelay: ({ context }) => context.retryDelayMs,
    stableUptime: ({ context }) => context.settings.stableUptimeMs,
    heartbeatWait: ({ context }) => context.heartbeatWaitMs,
    heartbeatTimeout: ({ context }) => context.settings.heartbeat?.timeoutMs ?? 0,
  },
  actions: {
    resetRetries: assign({ retries: 0 }),
    planRetry: assign(({ context }) => nextRetry(context, Math.random())),
    planManualClose: assign(({ event }) => ({
      closeIntent: 'manual' as const,
      closeRequest: event.type === 'DISCONNECT' ? { code: event.code ?? 1000, reason: event.reason ?? '' } : { code: 1000, reason: '' },
    })),
    planReconnect: assign({ closeIntent: 'reconnect' as const, closeRequest: { code: 1000, reason: 'reconnect' } }),
    planConnectTimeoutClose: assign({
      closeIntent: 'retry' as const,
      closeRequest: { code: TIMEOUT_CLOSE_CODE, reason: 'connect timeout' },
    }),
    planHeartbeatClose: assign({
      closeIntent: 'retry' as const,
      closeRequest: { code: TIMEOUT_CLOSE_CODE, reason: 'heartbeat timeout' },
    }),
    resetHeartbeatWait: assign(({ context }) => ({ heartbeatWaitMs: context.settings.heartbeat?.intervalMs ?? 0 })),
    planHeartbeatWait: assign(({ context, event }) => ({
      heartbeatWaitMs:
        event.type === 'SOCKET.SILENCE'
          ? Math.max(1, Math.ceil((context.settings.heartbeat?.intervalMs ?? 0) - event.silentMs))
          : (context.settings.heartbeat?.intervalMs ?? 0),
    })),
    recordClose: assign(({ event }) =>
      event.type === 'SOCKET.CLOSED' ? { lastClose: { code: event.code, reason: event.reason, wasClean: event.wasClean } } : {},
    ),
    abandonSocket: raise({ type: 'SOCKET.CLOSED' as const, ...ABANDONED_CLOSE }),
    recordGaveUpMaxRetries: assign({ gaveUpReason: 'max-retries' as const }),
    recordGaveUpCloseCode: assign(({ event }) =>
      event.type === 'SOCKET.CLOSED' ? { gaveUpReason: `close-code ${event.code}` as const } : {},
    ),
    requestSocketClose: sendTo('socket', ({ context }) => ({ type: 'CLOSE_SOCKET' as const, ...context.closeRequest })),
    sendPing: sendTo('socket', { type: 'SEND_PING' as const }),
    requestSilenceReport: sendTo('socket', { type: 'REPORT_SILENCE' as const }),
    emitOpen: emit(({ event }) => ({ type: 'open' as const, protocol: event.type === 'SOCKET.OPENED' ? event.protocol : '' })),
    emitClose: emit(({ context }) => ({
      type: 'close' as const,
      ...(context.lastClose ?? { code: 1006, reason: '', wasClean: false }),
    })),
    emitError: emit(({ event }) =>
      event.type === 'SOCKET.ERROR'
        ? { type: 'error' as const, message: event.message, error: event.error }
        : { type: 'error' as const, message: 'unknown error' },
    ),
    emitMessage: emit(({ event }) => ({ type: 'message' as const, data: event.type === 'SOCKET.MESSAGE' ? event.data : undefined })),
    emitRetry: emit(({ context }) => ({ type: 'retry' as const, attempt: context.retries, delayMs: context.retryDelayMs })),
    emitGaveUp: emit(({ context }) => ({
      type: 'gaveUp' as const,
      reason: context.gaveUpReason ?? 'max-retries',
      close: context.lastClose,
      retries: context.retries,
    })),
  },
}).createMachine({
  id: 'connection',
  context: ({ input }) => ({
    settings: input,
    retries: 0,
    retryDelayMs: 0,
    heartbeatWaitMs: input.heartbeat?.intervalMs ?? 0,
    closeIntent: 'retry',
    closeRequest: { code: 1000, reason: '' },
    lastClose: null,
    gaveUpReason: null,
  }),
  initial: 'idle',
  states: {
    idle: {
      tags: 'idle',
      on: {
        CONNECT: { target: 'session', actions: 'resetRetries' },
        RECONNECT: { target: 'session', actions: 'resetRetries' },
        DISCONNECT: 'manuallyClosed',
      },
    },
    session: {
      invoke: {
        id: 'socket',
        src: 'socket',
        input: ({ context }) => context.settings,
      },
      initial: 'connecting',
      on: {
        'SOCKET.ERROR': { actions: 'emitError' },
        'SOCKET.MESSAGE': { actions: 'emitMessage' },
        'SOCKET.CLOSED': [
          { guard: not('isRetryableClose'), target: 'gaveUp', actions: ['recordClose', 'emitClose', 'recordGaveUpCloseCode'] },
          { guard: 'hasRetriesLeft', target: 'backoff', actions: ['recordClose', 'emitClose', 'planRetry'] },
          { target: 'gaveUp', actions: ['recordClose', 'emitClose', 'recordGaveUpMaxRetries'] },
        ],
        DISCONNECT: { target: '.closing', actions: 'planManualClose' },
      },
      states: {
        connecting: {
          tags: 'connecting',
          after: {
            connectTimeout: { target: 'closing', actions: 'planConnectTimeoutClose' },
          },
          on: {
            'SOCKET.OPENED': [
              { guard: 'isHeartbeatEnabled', target: 'open.listening', actions: ['resetHeartbeatWait', 'emitOpen'] },
              { target: 'open', actions: 'emitOpen' },
            ],
            RECONNECT: { actions: 'resetRetries' },
          },
        },
        open: {
          tags: 'open',
          after: {
            stableUptime: { actions: 'resetRetries' },
          },
          on: {
            RECONNECT: { target: 'closing', actions: 'planReconnect' },
          },
          initial: 'unmonitored',
          states: {
            unmonitored: {},
            listening: {
              after: { heartbeatWait: 'probingSilence' },
            },
            probingSilence: {
              entry: 'requestSilenceReport',
              on: {
                'SOCKET.SILENCE': [
                  { guard: 'isSilentForInterval', target: 'awaitingPong', actions: 'sendPing' },
                  { target: 'listening', actions: 'planHeartbeatWait' },
                ],
              },
            },
            awaitingPong: {
              after: { heartbeatTimeout: 'probingPong' },
            },
            probingPong: {
              entry: 'requestSilenceReport',
              on: {
                'SOCKET.SILENCE': [
                  { guard: 'isPingUnanswered', target: '#connection.session.closing', actions: 'planHeartbeatClose' },
                  { target: 'listening', actions: 'planHeartbeatWait' },
                ],
              },
            },
          },
        },
        closing: {
          tags: 'closing',
          entry: 'requestSocketClose',
          after: {
            closeTimeout: { actions: 'abandonSocket' },
          },
          on: {
            'SOCKET.CLOSED': [
              { guard: 'isManualIntent', target: '#connection.manuallyClosed', actions: ['recordClose', 'emitClose'] },
              { guard: 'isReconnectIntent', target: '#connection.session', reenter: true, actions: ['recordClose', 'emitClose', 'resetRetries'] },
              { guard: 'hasRetriesLeft', target: '#connection.backoff', actions: ['recordClose', 'emitClose', 'planRetry'] },
              { target: '#connection.gaveUp', actions: ['recordClose', 'emitClose', 'recordGaveUpMaxRetries'] },
            ],
            DISCONNECT: { actions: 'planManualClose' },
            CONNECT: { guard: 'isManualIntent', actions: 'planReconnect' },
            RECONNECT: { actions: 'planReconnect' },
          },
        },
      },
    },
    backoff: {
      tags: 'backoff',
      entry: 'emitRetry',
      after: {
        backoffDelay: 'session',
      },
      on: {
        RECONNECT: { target: 'session', actions: 'resetRetries' },
        'NETWORK.ONLINE': 'session',
        DISCONNECT: 'manuallyClosed',
      },
    },
    gaveUp: {
      tags: 'gaveUp',
      entry: 'emitGaveUp',
      on: {
        CONNECT: { target: 'session', actions: 'resetRetries' },
        RECONNECT: { target: 'session', actions: 'resetRetries' },
        DISCONNECT: 'manuallyClosed',
      },
    },
    manuallyClosed: {
      tags: 'manuallyClosed',
      on: {
        CONNECT: { target: 'session', actions: 'resetRetries' },
        RECONNECT: { target: 'session', actions: 'resetRetries' },
      },
    },
  },
});

/** The public status of a snapshot of `connectionMachine` (or of a machine embedding its states). */
export function getStatus(snapshot: { hasTag(tag: ConnectionStatus): boolean }): ConnectionStatus {
  if (snapshot.hasTag('open')) return 'open';
  if (snapshot.hasTag('connecting')) return 'connecting';
  if (snapshot.hasTag('closing')) return 'closing';
  if (snapshot.hasTag('backoff')) return 'backoff';
  if (snapshot.hasTag('gaveUp')) return 'gaveUp';
  if (snapshot.hasTag('manuallyClosed')) return 'manuallyClosed';
  return 'idle';
}
