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
export function chartVariant(edit: (states: Json) => void): ConnectionMachine {
  const config = deepCopy(connectionMachine.config) as Json;
  edit(config.states);
  return createMachine(config as never, connectionMachine.implementations as never) as unknown as ConnectionMachine;
}

const toArray = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

type RetryPlan = Pick<ConnectionContext, 'retries' | 'retryDelayMs' | 'jitterState'>;

/** Invariant 2: the retry budget resets as soon as a socket opens, not after stableUptimeMs. */
export const resetsBudgetOnOpen: MachineUnderTest = {
  name: 'resets the retry budget on open (no stableUptimeMs rule)',
  machine: chartVariant((states) => {
    const connecting = states.session.states.connecting;
    connecting.on['SOCKET.OPENED'] = toArray(connecting.on['SOCKET.OPENED']).map((t: Json) => ({
      ...t,
      actions: [...toArray(t.actions), 'resetRetries'],
    }));
  }),
};

/** Invariant 1: reconnect() from open starts the next socket without waiting for the old one to close. */
export const reconnectsWithoutWaiting: MachineUnderTest = {
  name: 'reconnect() re-enters the session without closing the open socket first',
  machine: chartVariant((states) => {
    states.session.states.open.on.RECONNECT = { target: '#connection.session', reenter: true, actions: 'resetRetries' };
  }),
};

/** Invariant 1: `closing` leaves at once instead of waiting for CLOSED or closeTimeoutMs. */
export const closingDoesNotWait: MachineUnderTest = {
  name: 'closing leaves at once (the close timeout is 0 ms whatever closeTimeoutMs says)',
  machine: chartVariant((states) => {
    const closing = states.session.states.closing;
    closing.after = { 0: closing.after.closeTimeout };
  }),
};

/** Invariants 4 and 5: a timer stays armed in manuallyClosed and reconnects behind the user's back. */
export const timerAfterClose: MachineUnderTest = {
  name: 'manuallyClosed keeps a timer that reconnects',
  machine: chartVariant((states) => {
    states.manuallyClosed.after = { backoffDelay: 'session' };
  }),
};

/** Invariant 3: the backoff ceiling grows without the maxDelayMs cap. */
function uncappedRetry(context: ConnectionContext): RetryPlan {
  const retries = context.retries + 1;
  const uncapped: BackoffSettings = { ...context.settings.backoff, maxDelayMs: Number.MAX_SAFE_INTEGER };
  const { draw, state } = nextDraw(context.jitterState);
  return { retries, retryDelayMs: backoffDelayMs(retries, uncapped, draw), jitterState: state };
}
export const uncappedDelay: MachineUnderTest = {
  name: 'planRetry without the maxDelayMs cap',
  machine: connectionMachine.provide({ actions: { planRetry: assign(({ context }) => uncappedRetry(context)) } }),
};

/** Invariant 6: the heartbeat waits twice timeoutMs for the pong (a dead connection lingers). */
export const slowHeartbeat: MachineUnderTest = {
  name: 'heartbeatTimeout waits 2 × timeoutMs',
  machine: connectionMachine.provide({ delays: { heartbeatTimeout: ({ context }) => 2 * (context.settings.heartbeat?.timeoutMs ?? 0) } }),
};

/** Invariant 2: connect() from gaveUp starts without a fresh budget (survived every suite once, as a mutant). */
export const connectKeepsSpentBudget: MachineUnderTest = {
  name: 'gaveUp CONNECT without resetRetries',
  machine: chartVariant((states) => {
    states.gaveUp.on.CONNECT = { ...states.gaveUp.on.CONNECT, actions: toArray(states.gaveUp.on.CONNECT.actions).filter((a: unknown) => a !== 'resetRetries') };
  }),
};

/** Every broken variant, with the invariant it breaks. */
export const BROKEN_MACHINES = [
  { machine: resetsBudgetOnOpen, breaks: 2 },
  { machine: reconnectsWithoutWaiting, breaks: 1 },
  { machine: closingDoesNotWait, breaks: 1 },
  { machine: timerAfterClose, breaks: 4 },
  { machine: uncappedDelay, breaks: 3 },
  { machine: slowHeartbeat, breaks: 6 },
  { machine: connectKeepsSpentBudget, breaks: 2 },
] as const;

/**
 * Invariant 12 (issue 9, defect 4): the old abandon path. On closeTimeout the machine raises the
 * abandoned close itself, so the app's `shouldReconnect` is never asked and the client retries.
 */
export const abandonsWithoutAsking: MachineUnderTest = {
  name: 'closeTimeout raises SOCKET.CLOSED itself (shouldReconnect is not asked)',
  machine: connectionMachine.provide({ actions: { abandonSocket: raise({ type: 'SOCKET.CLOSED' as const, ...ABANDONED_CLOSE }) } }),
};

/**
 * Broken variants only the model-based properties can see: the exploration is pure, with no app
 * callbacks and a stub adapter, so it cannot express `shouldReconnect`'s verdict (its
 * ABANDON_SOCKET step takes the adapter's answer without a verdict) or a `url` function.
 */
/**
 * Invariant 15 (issue 9): a broken adapter that, before the real one starts, subscribes to a
 * `url` function's thenable without a guard, so a `then` that throws escapes into the actor.
 */
export const unguardedUrlThen: MachineUnderTest = {
  name: "the adapter subscribes to a url thenable unguarded (a throwing then kills the actor)",
  machine: connectionMachine,
  socketActor: (deps) => {
    const real = createSocketActor(deps);
    return {
      ...real,
      start(snapshot, scope) {
        const url = deps!.url;
        if (typeof url === 'function') (url() as PromiseLike<unknown>).then?.(() => {}, () => {});
        real.start!(snapshot, scope);
      },
    };
  },
};

export const MODEL_ONLY_BROKEN_MACHINES = [
  { machine: abandonsWithoutAsking, breaks: 12 },
  { machine: unguardedUrlThen, breaks: 15 },
] as const;

/** Invariant 13: planRetry draws from `Math.random`, a channel outside input and events (the chart is open). */
export const readsMathRandom: MachineUnderTest = {
  name: 'planRetry draws from Math.random',
  machine: connectionMachine.provide({
    actions: {
      planRetry: assign(({ context }) => {
        const retries = context.retries + 1;
        return { retries, retryDelayMs: backoffDelayMs(retries, context.settings.backoff, Math.random()) };
      }),
    },
  }),
};

/** Invariant 13: planRetry draws from the seed every time, ignoring (never advancing) the generator state in context. */
export const redrawsTheSeed: MachineUnderTest = {
  name: "planRetry ignores the context's generator state",
  machine: connectionMachine.provide({
    actions: {
      planRetry: assign(({ context }) => {
        const retries = context.retries + 1;
        return { retries, retryDelayMs: backoffDelayMs(retries, context.settings.backoff, nextDraw(context.settings.seed).draw) };
      }),
    },
  }),
};

/**
 * Variants that open the chart. Exploring them is pointless (a `Math.random` delay makes every
 * visit a new state): the model's delay prediction and the replay property (test/connection.closed.test.ts) catch them.
 */
export const OPEN_CHART_BROKEN_MACHINES = [
  { machine: readsMathRandom, breaks: 13 },
  { machine: redrawsTheSeed, breaks: 13 },
] as const;
