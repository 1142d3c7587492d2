/**
 * The connection statechart. Pure: every effect goes through the invoked `socket` actor (the
 * adapter), every timer is an `after` with a named delay, and randomness is data (the input's
 * `seed` starts a generator whose state is in context, `jitter.ts`), so the chart is closed: the
 * same input and events give the same snapshots. The environment (network, page visibility, the
 * back/forward cache, a sleeping clock) arrives as events too (`EnvironmentChange`), so the chart
 * stays closed. Every transition but message delivery and the environment's bookkeeping (which
 * changes no state) ends with `recordReason`, so `context.reason` always says why the current state
 * was reached (see `reasons.ts`). Implementations are in `setup`; the chart follows it.
 */
import { assign, emit, not, sendTo, setup } from 'xstate';
import { backoffDelayMs } from './backoff.js';
import { HANDSHAKE_REJECTED_CLOSE_CODE, isRetryableCloseCode, TIMEOUT_CLOSE_CODE } from './close-codes.js';
import {
  CONNECTION_STATUSES,
  HIDDEN_CHECK_DEFAULT_MS,
  isReturningIntent,
  type ConnectionContext,
  type ConnectionEmitted,
  type ConnectionEvent,
  type ConnectionSettings,
  type ConnectionStatus,
} from './connection.types.js';
import { nextDraw } from './jitter.js';
import { formatReason, type ReasonLabel } from './reasons.js';
import { createSocketActor } from './socket.actor.js';

/** The next retry: counts it, draws its delay from the context's generator state, and advances that state. */
function nextRetry(context: ConnectionContext): Pick<ConnectionContext, 'retries' | 'retryDelayMs' | 'jitterState'> {
  const retries = context.retries + 1;
  const { draw, state } = nextDraw(context.jitterState);
  return { retries, retryDelayMs: backoffDelayMs(retries, context.settings.backoff, draw), jitterState: state };
}

/** The `recordReason` action of one transition: `context.reason` will read `label {details}`. */
const because = (reason: ReasonLabel) => ({ type: 'recordReason', params: { reason } }) as const;

/** Targets by id, for the transitions that leave their parent state. */
const STARTING = '#connection.starting';
const SESSION = '#connection.session';
const CLOSING = '#connection.session.closing';
const MANUALLY_CLOSED = '#connection.manuallyClosed';
const GAVE_UP = '#connection.gaveUp';
const AWAITING_PONG = '#connection.session.open.awaitingPong';

/** What connect() and reconnect() do where no socket exists (idle, gaveUp, manuallyClosed; backoff takes RECONNECT only). */
const CONNECT = { target: STARTING, actions: ['resetRetries', because('connect requested')] } as const;
const RECONNECT = { target: STARTING, actions: ['resetRetries', because('reconnect requested')] } as const;
/** What close() does wherever no socket exists. */
const DISCONNECT = { target: MANUALLY_CLOSED, actions: because('close requested') } as const;

/** A heartbeat that is not already waiting for a pong checks now: a ping, then `heartbeatTimeout`. */
const CHECK_AFTER_HIDDEN = { guard: 'wasHiddenPastInterval', target: AWAITING_PONG, actions: ['recordVisible', 'sendPing', because('page visible')] } as const;
const CHECK_AFTER_JUMP = { target: AWAITING_PONG, actions: ['sendPing', because('clock jumped')] } as const;

export const connectionMachine = setup({
  // Types only: one empty object at run time.
  types: {} as {
    context: ConnectionContext;
    events: ConnectionEvent;
    input: ConnectionSettings;
    emitted: ConnectionEmitted;
    tags: ConnectionStatus;
  },
  actors: {
    socket: createSocketActor(),
  },
  guards: {
    isRetryableClose: ({ event }) => event.type === 'SOCKET.CLOSED' && (event.shouldReconnect ?? isRetryableCloseCode(event.code)),
    hasRetriesLeft: ({ context }) => context.retries < context.settings.maxRetries,
    isManualIntent: ({ context }) => context.closeIntent === 'manual',
    isReconnectIntent: ({ context }) => context.closeIntent === 'reconnect',
    isRejectIntent: ({ context }) => context.closeIntent === 'reject',
    isCachedIntent: ({ context }) => context.closeIntent === 'cached',
    // The socket will be replaced or retried (not closed for good): a cached page comes back to it.
    isReturningIntent: ({ context }) => isReturningIntent(context.closeIntent),
    isOffline: ({ context }) => context.network === 'offline',
    // `=== true`: settings made before the option (no `pauseWhenHidden` field) never pause.
    isPausedWhileHidden: ({ context }) => context.settings.pauseWhenHidden === true && context.page === 'hidden',
    wasHiddenPastInterval: ({ context, event }) =>
      event.type === 'PAGE.VISIBLE' && event.hiddenMs >= (context.settings.heartbeat?.intervalMs ?? HIDDEN_CHECK_DEFAULT_MS),
    // `!= null`: settings made before the option (no `handshake` field) have none.
    hasHandshake: ({ context }) => context.settings.handshake != null,
    isRejected: ({ event }) => event.type === 'SOCKET.HANDSHAKE' && event.verdict === 'rejected',
    isHeartbeatEnabled: ({ context }) => context.settings.heartbeat !== null,
    isSilentForInterval: ({ context, event }) =>
      event.type === 'SOCKET.SILENCE' && event.silentMs >= (context.settings.heartbeat?.intervalMs ?? Infinity),
  },
  delays: {
    connectTimeout: ({ context }) => context.settings.connectTimeoutMs,
    handshakeTimeout: ({ context }) => context.settings.handshake?.timeoutMs ?? 0,
    closeTimeout: ({ context }) => context.settings.closeTimeoutMs,
    backoffDelay: ({ context }) => context.retryDelayMs,
    stableUptime: ({ context }) => context.settings.stableUptimeMs,
    heartbeatWait: ({ context }) => context.heartbeatWaitMs,
    heartbeatTimeout: ({ context }) => context.settings.heartbeat?.timeoutMs ?? 0,
  },
  actions: {
    resetRetries: assign({ retries: 0 }),
    planRetry: assign(({ context }) => nextRetry(context)),
    planManualClose: assign(({ event }) => ({
      closeIntent: 'manual' as const,
      closeRequest: event.type === 'DISCONNECT' ? { code: event.code ?? 1000, reason: event.reason ?? '' } : { code: 1000, reason: '' },
    })),
    planReconnect: assign({ closeIntent: 'reconnect' as const, closeRequest: { code: 1000, reason: 'reconnect' } }),
    // A retry close: the close-code policy and `shouldReconnect` still decide, and offline it waits for the network.
    planOfflineClose: assign({ closeIntent: 'retry' as const, closeRequest: { code: 1000, reason: 'network offline' } }),
    // 1001 (going away) is what a browser sends for a page it unloads, but scripts may only send 1000 or 3000–4999.
    planCachedClose: assign({ closeIntent: 'cached' as const, closeRequest: { code: 1000, reason: 'going away: page cached' } }),
    recordOffline: assign({ network: 'offline' as const }),
    recordOnline: assign({ network: 'online' as const }),
    recordHidden: assign({ page: 'hidden' as const }),
    recordVisible: assign({ page: 'visible' as const }),
    planConnectTimeoutClose: assign({
      closeIntent: 'retry' as const,
      closeRequest: { code: TIMEOUT_CLOSE_CODE, reason: 'connect timeout' },
    }),
    planHandshakeTimeoutClose: assign({
      closeIntent: 'retry' as const,
      closeRequest: { code: TIMEOUT_CLOSE_CODE, reason: 'handshake timeout' },
    }),
    planHelloFailedClose: assign({ closeIntent: 'retry' as const, closeRequest: { code: 1000, reason: 'hello failed' } }),
    planRejectedClose: assign(({ event }) => ({
      closeIntent: 'reject' as const,
      closeRequest: {
        code: HANDSHAKE_REJECTED_CLOSE_CODE,
        reason: (event.type === 'SOCKET.HANDSHAKE' && event.reason) || 'handshake rejected',
      },
    })),
    planHeartbeatClose: assign({
      closeIntent: 'retry' as const,
      closeRequest: { code: TIMEOUT_CLOSE_CODE, reason: 'heartbeat timeout' },
    }),
    planHeartbeatWait: assign(({ context, event }) => {
      // The next probe comes intervalMs after the last inbound message: now, unless the adapter
      // just reported how long the socket has already been silent.
      const silentMs = event.type === 'SOCKET.SILENCE' ? event.silentMs : 0;
      return { heartbeatWaitMs: Math.max(1, Math.ceil((context.settings.heartbeat?.intervalMs ?? 0) - silentMs)) };
    }),
    recordClose: assign(({ event }) =>
      event.type === 'SOCKET.CLOSED' ? { lastClose: { code: event.code, reason: event.reason, wasClean: event.wasClean } } : {},
    ),
    abandonSocket: sendTo('socket', { type: 'ABANDON_SOCKET' as const }),
    recordGaveUpMaxRetries: assign({ gaveUpReason: 'max-retries' as const }),
    recordGaveUpRejected: assign({ gaveUpReason: 'handshake-rejected' as const }),
    recordProtocol: assign(({ event }) => (event.type === 'SOCKET.OPENED' ? { protocol: event.protocol } : {})),
    recordOpened: assign({ hasBeenOpen: true }),
    recordGaveUpCloseCode: assign(({ event }) =>
      event.type === 'SOCKET.CLOSED' ? { gaveUpReason: `close-code ${event.code}` as const } : {},
    ),
    recordReason: assign(({ context, event }, params: { reason: ReasonLabel }) => ({ reason: formatReason(params.reason, context, event) })),
    requestSocketClose: sendTo('socket', ({ context }) => ({ type: 'CLOSE_SOCKET' as const, ...context.closeRequest })),
    sendPing: sendTo('socket', { type: 'SEND_PING' as const }),
    sendHello: sendTo('socket', { type: 'SEND_HELLO' as const }),
    requestSilenceReport: sendTo('socket', { type: 'REPORT_SILENCE' as const }),
    emitOpen: emit(({ context, event }) => ({
      type: 'open' as const,
      protocol: event.type === 'SOCKET.OPENED' ? event.protocol : context.protocol,
      reconnected: context.hasBeenOpen,
    })),
    // On `session`'s exit, after `recordClose`: `lastClose` is the close that ended this session.
    emitClose: emit(({ context }) => ({ type: 'close' as const, ...context.lastClose! })),
    emitError: emit(({ event }) =>
      event.type === 'SOCKET.ERROR' || event.type === 'SOCKET.HELLO_FAILED'
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
      // Reached through the reject intent only, so closeRequest is still the 4403 the rejection planned.
      ...(context.gaveUpReason === 'handshake-rejected' ? { rejection: context.closeRequest.reason } : {}),
    })),
  },
}).createMachine({
  id: 'connection',
  context: ({ input }) => ({
    settings: input,
    retries: 0,
    retryDelayMs: 0,
    jitterState: input.seed,
    heartbeatWaitMs: input.heartbeat?.intervalMs ?? 0,
    closeIntent: 'retry',
    closeRequest: { code: 1000, reason: '' },
    lastClose: null,
    gaveUpReason: null,
    protocol: '',
    hasBeenOpen: false,
    network: 'online',
    page: 'visible',
    reason: 'created',
  }),
  initial: 'idle',
  // The environment's bookkeeping, wherever a state does not act on the change itself.
  on: {
    'NETWORK.OFFLINE': { actions: 'recordOffline' },
    'NETWORK.ONLINE': { actions: 'recordOnline' },
    'PAGE.HIDDEN': { actions: 'recordHidden' },
    'PAGE.VISIBLE': { actions: 'recordVisible' },
  },
  states: {
    idle: {
      description: 'Created with `autoConnect: false` and never asked to connect.',
      tags: 'idle',
      on: { CONNECT, RECONNECT, DISCONNECT },
    },
    starting: {
      description:
        'Transient: an attempt is due. It starts at once, unless the environment says the network is offline: then it waits in `backoff.offline` and spends nothing.',
      always: [{ guard: 'isOffline', target: 'backoff.offline', actions: because('waiting for network') }, { target: 'session' }],
    },
    session: {
      description:
        'One socket exists: the invoked `socket` adapter lives exactly as long as this state, across connecting, open and closing, so the next socket is created only after this one is CLOSED or abandoned.',
      invoke: {
        id: 'socket',
        src: 'socket',
        input: ({ context }) => context.settings,
      },
      exit: ['recordClose', 'emitClose'],
      initial: 'connecting',
      on: {
        'SOCKET.ERROR': { actions: ['emitError', because('socket error')] },
        'SOCKET.MESSAGE': { actions: 'emitMessage' },
        'SOCKET.CLOSED': [
          { guard: not('isRetryableClose'), target: 'gaveUp', actions: ['recordGaveUpCloseCode', because('gave up')] },
          { guard: 'isOffline', target: 'backoff.offline', actions: because('waiting for network') },
          { guard: 'hasRetriesLeft', target: 'backoff', actions: ['planRetry', because('retry scheduled')] },
          { target: 'gaveUp', actions: ['recordGaveUpMaxRetries', because('gave up')] },
        ],
        DISCONNECT: { target: '.closing', actions: ['planManualClose', because('close requested')] },
        'NETWORK.OFFLINE': { target: '.closing', actions: ['recordOffline', 'planOfflineClose', because('network offline')] },
        'PAGE.CACHED': { target: '.closing', actions: ['planCachedClose', because('page cached')] },
      },
      states: {
        connecting: {
          description: 'The URL is resolved and the opening handshake is under way (the first attempt starts at once).',
          tags: 'connecting',
          after: {
            connectTimeout: { target: 'closing', actions: ['planConnectTimeoutClose', because('connect timeout')] },
          },
          on: {
            'SOCKET.OPENED': [
              { guard: 'hasHandshake', target: 'handshaking', actions: because('socket opened') },
              { guard: 'isHeartbeatEnabled', target: 'open.listening', actions: because('socket opened') },
              { target: 'open', actions: because('socket opened') },
            ],
            RECONNECT: { actions: ['resetRetries', because('reconnect requested')] },
          },
        },
        handshaking: {
          description:
            'The socket is OPEN, the session is not: the hello went first and nothing from the app goes out; waiting for the verdict `handshake.reply` reads in the server\'s messages, at most `handshakeTimeout`.',
          tags: 'connecting',
          entry: ['recordProtocol', 'sendHello'],
          after: {
            handshakeTimeout: { target: 'closing', actions: ['planHandshakeTimeoutClose', because('handshake timeout')] },
          },
          on: {
            'SOCKET.HANDSHAKE': [
              { guard: 'isRejected', target: 'closing', actions: ['planRejectedClose', because('handshake rejected')] },
              { guard: 'isHeartbeatEnabled', target: 'open.listening', actions: because('handshake ready') },
              { target: 'open', actions: because('handshake ready') },
            ],
            'SOCKET.HELLO_FAILED': { target: 'closing', actions: ['emitError', 'planHelloFailedClose', because('hello failed')] },
            RECONNECT: { actions: ['resetRetries', because('reconnect requested')] },
          },
        },
        open: {
          description:
            'The session is open (the socket OPEN and, with a handshake, the server ready): sends and messages take the direct path, not the statechart. After `stableUptime` the retry budget resets.',
          tags: 'open',
          entry: ['emitOpen', 'recordOpened'],
          after: {
            stableUptime: { actions: ['resetRetries', because('stable uptime')] },
          },
          on: {
            RECONNECT: { target: 'closing', actions: ['planReconnect', because('reconnect requested')] },
          },
          initial: 'unmonitored',
          states: {
            unmonitored: {
              description: 'Open with the heartbeat off.',
            },
            listening: {
              description:
                'Heartbeat: waiting `heartbeatWait` (`intervalMs` less the silence already seen) before asking how long the socket was silent. A page visible again after `intervalMs` hidden, or a clock that jumped (a sleep), checks at once.',
              entry: 'planHeartbeatWait',
              after: {
                heartbeatWait: { target: 'probingSilence', actions: because('heartbeat check') },
              },
              on: { 'PAGE.VISIBLE': CHECK_AFTER_HIDDEN, 'CLOCK.JUMPED': CHECK_AFTER_JUMP },
            },
            probingSilence: {
              description: 'Heartbeat: the adapter was asked how long the socket has been silent; its SOCKET.SILENCE answer decides.',
              entry: 'requestSilenceReport',
              on: {
                'PAGE.VISIBLE': CHECK_AFTER_HIDDEN,
                'CLOCK.JUMPED': CHECK_AFTER_JUMP,
                'SOCKET.SILENCE': [
                  { guard: 'isSilentForInterval', target: 'awaitingPong', actions: ['sendPing', because('ping sent')] },
                  { target: 'listening', actions: because('heartbeat ok') },
                ],
              },
            },
            awaitingPong: {
              description:
                'Heartbeat: a ping was sent; the first inbound message (SOCKET.ALIVE) proves the connection alive, none within `heartbeatTimeout` means it is dead.',
              after: {
                heartbeatTimeout: { target: CLOSING, actions: ['planHeartbeatClose', because('heartbeat timeout')] },
              },
              on: {
                'SOCKET.ALIVE': { target: 'listening', actions: because('pong received') },
              },
            },
          },
        },
        closing: {
          description:
            'A close was requested (close(), reconnect(), a connect, handshake or heartbeat timeout, a failed hello, a rejected handshake, the network gone offline, the page going into the back/forward cache); waiting for CLOSED, at most `closeTimeout`, then the socket is abandoned. `closeIntent` decides where CLOSED leads.',
          tags: 'closing',
          entry: 'requestSocketClose',
          after: {
            closeTimeout: { actions: ['abandonSocket', because('close timeout')] },
          },
          on: {
            'SOCKET.CLOSED': [
              { guard: 'isManualIntent', target: MANUALLY_CLOSED, actions: because('socket closed') },
              { guard: 'isReconnectIntent', target: STARTING, actions: ['resetRetries', because('socket closed')] },
              { guard: 'isCachedIntent', target: '#connection.backoff.cached', actions: because('socket closed') },
              { guard: 'isRejectIntent', target: GAVE_UP, actions: ['recordGaveUpRejected', because('gave up')] },
              // A retry close falls through to the session's SOCKET.CLOSED: policy, offline, then budget.
            ],
            DISCONNECT: { actions: ['planManualClose', because('close requested')] },
            'NETWORK.OFFLINE': { actions: 'recordOffline' },
            'PAGE.CACHED': [
              { guard: 'isReturningIntent', actions: ['planCachedClose', because('page cached')] },
              { description: 'Closing for good (close(), a rejected handshake): it stays so.' },
            ],
            'PAGE.RESTORED': { guard: 'isCachedIntent', actions: ['planReconnect', because('page restored')] },
            CONNECT: { guard: 'isManualIntent', actions: ['planReconnect', because('connect requested')] },
            RECONNECT: { actions: ['planReconnect', because('reconnect requested')] },
          },
        },
      },
    },
    backoff: {
      description:
        'No socket, and one is wanted: waiting for the retry delay, for the network, for a visible page (`pauseWhenHidden`), or for a page restored from the back/forward cache.',
      tags: 'backoff',
      initial: 'waiting',
      on: {
        RECONNECT,
        DISCONNECT,
        'PAGE.CACHED': { target: '.cached', actions: because('page cached') },
      },
      states: {
        waiting: {
          description: 'The last attempt failed or dropped; waiting `backoffDelay` (drawn by `planRetry`) before the next attempt.',
          entry: 'emitRetry',
          after: {
            backoffDelay: [
              { guard: 'isPausedWhileHidden', target: 'paused', actions: because('paused while hidden') },
              { target: SESSION, actions: because('backoff elapsed') },
            ],
          },
          on: {
            'NETWORK.ONLINE': { target: SESSION, actions: ['recordOnline', because('network online')] },
            'NETWORK.OFFLINE': { target: 'offline', actions: ['recordOffline', because('waiting for network')] },
            'PAGE.VISIBLE': { guard: 'wasHiddenPastInterval', target: SESSION, actions: ['recordVisible', because('page visible')] },
          },
        },
        offline: {
          description: 'The environment says the network is offline: no timer runs, no attempt is made and no retry is spent until it is online; then one attempt at once.',
          on: {
            'NETWORK.ONLINE': [
              { guard: 'isPausedWhileHidden', target: 'paused', actions: ['recordOnline', because('paused while hidden')] },
              { target: SESSION, actions: ['recordOnline', because('network online')] },
            ],
          },
        },
        paused: {
          description: 'A retry is due while the page is hidden and `pauseWhenHidden` is on: it waits for the page to be visible, then starts at once.',
          on: {
            'PAGE.VISIBLE': { target: SESSION, actions: ['recordVisible', because('page visible')] },
            'NETWORK.OFFLINE': { target: 'offline', actions: ['recordOffline', because('waiting for network')] },
          },
        },
        cached: {
          description: 'The page went into the back/forward cache (its socket closed so it could): a new attempt starts when the page is restored.',
          on: {
            'PAGE.RESTORED': { target: STARTING, actions: ['resetRetries', because('page restored')] },
          },
        },
      },
    },
    gaveUp: {
      description: 'Retries exhausted, a terminal close code, or the handshake rejected. Nothing happens until connect() or reconnect().',
      tags: 'gaveUp',
      entry: 'emitGaveUp',
      on: { CONNECT, RECONNECT, DISCONNECT },
    },
    manuallyClosed: {
      description: 'close() was called. Nothing happens until connect() or reconnect().',
      tags: 'manuallyClosed',
      on: { CONNECT, RECONNECT },
    },
  },
});

/** The public status of a snapshot of `connectionMachine` (or of a machine embedding its states). */
export function getStatus(snapshot: { hasTag(tag: ConnectionStatus): boolean }): ConnectionStatus {
  return CONNECTION_STATUSES.find((status) => snapshot.hasTag(status)) ?? 'idle';
}
