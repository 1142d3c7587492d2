/**
 * Deliberately broken variants of `connectionMachine`, each breaking one invariant the way a
 * plausible edit would. The proofs (model-based runs, graph exploration) must catch every one:
 * a check that passes on a broken machine proves nothing. Chart changes are made on a deep copy
 * of `connectionMachine.config` with the same implementations; implementation changes go
 * through `connectionMachine.provide(...)`.
 */
import { assign, createMachine, raise } from 'xstate';
import { backoffDelayMs, type BackoffSettings } from '../../src/backoff.js';
import { connectionMachine } from '../../src/connection.machine.js';
import { nextDraw } from '../../src/jitter.js';
import { ABANDONED_CLOSE, createSocketActor } from '../../src/socket.actor.js';
import type { ConnectionContext } from '../../src/index.js';
import type { InvariantId } from './invariants.js';
import type { ConnectionMachine, MachineUnderTest } from './model/system.js';

// The config is plain data plus the context factory: copy objects and arrays, keep functions.
function deepCopy<T>(value: T): T {
  if (Array.isArray(value)) return value.map(deepCopy) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, deepCopy(v)])) as T;
  }
  return value;
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A variant of the chart: `edit` changes a copy of the config; implementations are unchanged. */
function chartVariant(edit: (states: Json) => void): ConnectionMachine {
  const config = deepCopy(connectionMachine.config) as Json;
  edit(config.states);
  return createMachine(config as never, connectionMachine.implementations as never) as unknown as ConnectionMachine;
}

const toArray = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** `planRetry` as shipped, but taking its jitter draw from `draw` and its settings from `backoff`. */
function planRetryWith(
  draw: (context: ConnectionContext) => { draw: number; state?: number },
  backoff = (context: ConnectionContext): BackoffSettings => context.settings.backoff,
): ConnectionMachine {
  return connectionMachine.provide({
    actions: {
      planRetry: assign(({ context }) => {
        const retries = context.retries + 1;
        const next = draw(context);
        const retryDelayMs = backoffDelayMs(retries, backoff(context), next.draw);
        return { retries, retryDelayMs, jitterState: next.state ?? context.jitterState };
      }),
    },
  });
}

/** Invariant 15: a socket actor that subscribes to the url thenable itself, unguarded, before the real one starts. */
function unguarded(deps: Parameters<typeof createSocketActor>[0]): ReturnType<typeof createSocketActor> {
  const real = createSocketActor(deps);
  return {
    ...real,
    start(snapshot, scope) {
      const url = deps!.url;
      if (typeof url === 'function') (url() as PromiseLike<unknown>).then?.(() => {}, () => {});
      real.start!(snapshot, scope);
    },
  };
}

/** A broken variant and the invariant it breaks. */
function variant(breaks: InvariantId, name: string, machine: ConnectionMachine, socketActor?: typeof unguarded) {
  return { breaks, machine: { name, machine, ...(socketActor ? { socketActor } : {}) } as MachineUnderTest };
}

/** Every broken variant that both the model and the exploration must catch. */
export const BROKEN_MACHINES = [
  // Invariant 2: the retry budget resets as soon as a socket opens, not after stableUptimeMs.
  variant(
    2,
    'resets the retry budget on open (no stableUptimeMs rule)',
    chartVariant((states) => {
      const on = states.session.states.connecting.on;
      const withReset = (t: Json) => ({ ...t, actions: [...toArray(t.actions), 'resetRetries'] });
      on['SOCKET.OPENED'] = toArray(on['SOCKET.OPENED']).map(withReset);
    }),
  ),
  // Invariant 1: reconnect() from open starts the next socket without waiting for the old one to close.
  variant(
    1,
    'reconnect() re-enters the session without closing the open socket first',
    chartVariant(({ session }) => {
      session.states.open.on.RECONNECT = { target: '#connection.session', reenter: true, actions: 'resetRetries' };
    }),
  ),
  // Invariant 1: `closing` leaves at once instead of waiting for CLOSED or closeTimeoutMs.
  variant(
    1,
    'closing leaves at once (the close timeout is 0 ms whatever closeTimeoutMs says)',
    chartVariant(({ session: { states } }) => {
      states.closing.after = { 0: states.closing.after.closeTimeout };
    }),
  ),
  // Invariants 4 and 5: a timer stays armed in manuallyClosed and reconnects behind the user's back.
  variant(
    4,
    'manuallyClosed keeps a timer that reconnects',
    chartVariant((states) => {
      states.manuallyClosed.after = { backoffDelay: 'session' };
    }),
  ),
  // Invariant 3: the backoff ceiling grows without the maxDelayMs cap.
  variant(
    3,
    'planRetry without the maxDelayMs cap',
    planRetryWith(
      ({ jitterState }) => nextDraw(jitterState),
      ({ settings }) => ({ ...settings.backoff, maxDelayMs: Number.MAX_SAFE_INTEGER }),
    ),
  ),
  // Invariant 6: the heartbeat waits twice timeoutMs for the pong (a dead connection lingers).
  variant(
    6,
    'heartbeatTimeout waits 2 × timeoutMs',
    connectionMachine.provide({
      delays: { heartbeatTimeout: ({ context }) => 2 * (context.settings.heartbeat?.timeoutMs ?? 0) },
    }),
  ),
  // Invariant 2: connect() from gaveUp starts without a fresh budget (survived every suite once, as a mutant).
  variant(
    2,
    'gaveUp CONNECT without resetRetries',
    chartVariant(({ gaveUp }) => {
      const connect = gaveUp.on.CONNECT;
      gaveUp.on.CONNECT = { ...connect, actions: toArray(connect.actions).filter((a) => a !== 'resetRetries') };
    }),
  ),
  // Invariant 18: the environment's offline is only noted; an open socket stays up until the heartbeat finds it dead.
  variant(
    18,
    'offline leaves an open socket up (only the heartbeat would notice)',
    chartVariant(({ session }) => {
      delete session.on['NETWORK.OFFLINE'];
    }),
  ),
  // Invariant 18: a socket that closes while offline is retried as usual, spending the budget with no network.
  variant(
    18,
    'a close while offline schedules a retry',
    chartVariant(({ session }) => {
      session.on['SOCKET.CLOSED'] = toArray(session.on['SOCKET.CLOSED']).filter((t: Json) => t.guard !== 'isOffline');
    }),
  ),
  // Invariant 19: back online, the connection waits out a backoff delay instead of trying at once.
  variant(
    19,
    'online after offline waits a backoff delay',
    chartVariant(({ backoff }) => {
      backoff.states.offline.on['NETWORK.ONLINE'] = { target: 'waiting', actions: 'recordOnline' };
    }),
  ),
  // Invariant 21: pagehide is ignored while a socket exists, so the page keeps its socket (and is never cached).
  variant(
    21,
    'pagehide leaves the socket open',
    chartVariant(({ session }) => {
      delete session.on['PAGE.CACHED'];
    }),
  ),
];

/**
 * Broken handshakes (issue 12): caught by the model with a handshake in every run
 * (`HANDSHAKE_RUNS`) and by the exploration with a handshake (`explorationSettings({ handshake: true })`).
 */
export const HANDSHAKE_BROKEN_MACHINES = [
  // Invariant 16 (socket.io-client #305): the session opens when the socket does, so the queue
  // would flush before the server said ready.
  variant(
    16,
    'opens the session on SOCKET.OPENED even with a handshake (open before ready)',
    chartVariant(({ session: { states } }) => {
      states.connecting.on['SOCKET.OPENED'] = toArray(states.connecting.on['SOCKET.OPENED']).filter((t: Json) => t.guard !== 'hasHandshake');
    }),
  ),
  // Invariant 17: a rejection closes with a retry intent, so the policy and the budget decide.
  variant(
    17,
    'retries a rejected handshake like a failed attempt',
    connectionMachine.provide({
      actions: { planRejectedClose: assign({ closeIntent: 'retry' as const, closeRequest: { code: 4403, reason: 'handshake rejected' } }) },
    }),
  ),
  // Invariant 2 (subscriptions-transport-ws #135): time in the handshake counts toward stable
  // uptime, so a server that accepts and never says ready resets the budget forever.
  variant(
    2,
    'resets the retry budget after stableUptimeMs in the handshake (before ready)',
    chartVariant(({ session: { states } }) => {
      states.handshaking.after = { ...states.handshaking.after, stableUptime: { actions: ['resetRetries'] } };
    }),
  ),
];

/**
 * Broken variants only the model-based properties can see: the exploration is pure, with no app
 * callbacks and a stub adapter, so it cannot express `shouldReconnect`'s verdict (its
 * ABANDON_SOCKET step takes the adapter's answer without a verdict) or a `url` function.
 */
export const MODEL_ONLY_BROKEN_MACHINES = [
  // Invariant 12 (issue 9, defect 4): the old abandon path; shouldReconnect is never asked and the client retries.
  variant(
    12,
    'closeTimeout raises SOCKET.CLOSED itself (shouldReconnect is not asked)',
    connectionMachine.provide({
      actions: { abandonSocket: raise({ type: 'SOCKET.CLOSED' as const, ...ABANDONED_CLOSE }) },
    }),
  ),
  // Invariant 15 (issue 9): a `then` that throws escapes into the actor.
  variant(
    15,
    'the adapter subscribes to a url thenable unguarded (a throwing then kills the actor)',
    connectionMachine,
    unguarded,
  ),
];

/**
 * Variants that open the chart. Exploring them is pointless (a `Math.random` delay makes every
 * visit a new state): the model's delay prediction and the replay property (test/connection.closed.test.ts) catch them.
 */
export const OPEN_CHART_BROKEN_MACHINES = [
  // Invariant 13: planRetry draws from `Math.random`, a channel outside input and events.
  variant(13, 'planRetry draws from Math.random', planRetryWith(() => ({ draw: Math.random() }))),
  // Invariant 13: planRetry draws from the seed every time, ignoring (never advancing) the generator state in context.
  variant(13, "planRetry ignores the context's generator state", planRetryWith((c) => nextDraw(c.settings.seed))),
];

/** The variant that reads `Math.random` (test/connection.closed.test.ts: the replay property catches it). */
export const readsMathRandom = OPEN_CHART_BROKEN_MACHINES[0]!.machine;
