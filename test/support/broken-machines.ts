/**
 * Deliberately broken variants of `connectionMachine`, each breaking one invariant the way a
 * plausible edit would. The proofs (model-based runs, graph exploration) must catch every one:
 * a check that passes on a broken machine proves nothing. Chart changes are made on a deep copy
 * of `connectionMachine.config` with the same implementations; implementation changes go
 * through `connectionMachine.provide(...)`.
 */
import { assign, createMachine, raise } from 'xstate';
import { backoffDelayMs, type BackoffSettings } from '../../src/backoff.js';
import { connectionMachine, drawJitter, retryPlanner } from '../../src/connection.machine.js';
import { ABANDONED_CLOSE } from '../../src/socket.actor.js';
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

type RetryPlan = (context: ConnectionContext, draw: number) => Pick<ConnectionContext, 'retries' | 'retryDelayMs'>;

/**
 * The machine with retry delays drawn from `draw`: by the shipped `retryPlanner`, or by `plan`
 * (a misbehaving draw then replaced, unreported), so a variant breaks only the invariant it names.
 */
function withDraws(machine: ConnectionMachine, plan?: RetryPlan): MachineUnderTest['build'] {
  if (plan === undefined) return (draw) => machine.provide({ actions: { planRetry: retryPlanner(() => draw) } });
  return (draw) => machine.provide({ actions: { planRetry: assign(({ context }) => plan(context, drawJitter(draw).draw)) } });
}

/** Invariant 2: the retry budget resets as soon as a socket opens, not after stableUptimeMs. */
export const resetsBudgetOnOpen: MachineUnderTest = {
  name: 'resets the retry budget on open (no stableUptimeMs rule)',
  build: withDraws(
    chartVariant((states) => {
      const connecting = states.session.states.connecting;
      connecting.on['SOCKET.OPENED'] = toArray(connecting.on['SOCKET.OPENED']).map((t: Json) => ({
        ...t,
        actions: [...toArray(t.actions), 'resetRetries'],
      }));
    }),
  ),
};

/** Invariant 1: reconnect() from open starts the next socket without waiting for the old one to close. */
export const reconnectsWithoutWaiting: MachineUnderTest = {
  name: 'reconnect() re-enters the session without closing the open socket first',
  build: withDraws(
    chartVariant((states) => {
      states.session.states.open.on.RECONNECT = { target: '#connection.session', reenter: true, actions: 'resetRetries' };
    }),
  ),
};

/** Invariant 1: `closing` leaves at once instead of waiting for CLOSED or closeTimeoutMs. */
export const closingDoesNotWait: MachineUnderTest = {
  name: 'closing leaves at once (the close timeout is 0 ms whatever closeTimeoutMs says)',
  build: withDraws(
    chartVariant((states) => {
      const closing = states.session.states.closing;
      closing.after = { 0: closing.after.closeTimeout };
    }),
  ),
};

/** Invariants 4 and 5: a timer stays armed in manuallyClosed and reconnects behind the user's back. */
export const timerAfterClose: MachineUnderTest = {
  name: 'manuallyClosed keeps a timer that reconnects',
  build: withDraws(
    chartVariant((states) => {
      states.manuallyClosed.after = { backoffDelay: 'session' };
    }),
  ),
};

/** Invariant 3: the backoff ceiling grows without the maxDelayMs cap. */
export function uncappedRetry(context: ConnectionContext, draw: number): Pick<ConnectionContext, 'retries' | 'retryDelayMs'> {
  const retries = context.retries + 1;
  const uncapped: BackoffSettings = { ...context.settings.backoff, maxDelayMs: Number.MAX_SAFE_INTEGER };
  return { retries, retryDelayMs: backoffDelayMs(retries, uncapped, draw) };
}
export const uncappedDelay: MachineUnderTest = {
  name: 'planRetry without the maxDelayMs cap',
  build: withDraws(connectionMachine, uncappedRetry),
};

/** Invariant 6: the heartbeat waits twice timeoutMs for the pong (a dead connection lingers). */
export const slowHeartbeat: MachineUnderTest = {
  name: 'heartbeatTimeout waits 2 × timeoutMs',
  build: withDraws(
    connectionMachine.provide({ delays: { heartbeatTimeout: ({ context }) => 2 * (context.settings.heartbeat?.timeoutMs ?? 0) } }),
  ),
};

/** Invariant 2: connect() from gaveUp starts without a fresh budget (survived every suite once, as a mutant). */
export const connectKeepsSpentBudget: MachineUnderTest = {
  name: 'gaveUp CONNECT without resetRetries',
  build: withDraws(
    chartVariant((states) => {
      states.gaveUp.on.CONNECT = { ...states.gaveUp.on.CONNECT, actions: toArray(states.gaveUp.on.CONNECT.actions).filter((a: unknown) => a !== 'resetRetries') };
    }),
  ),
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
  build: (draw) =>
    connectionMachine.provide({
      actions: { planRetry: retryPlanner(() => draw), abandonSocket: raise({ type: 'SOCKET.CLOSED' as const, ...ABANDONED_CLOSE }) },
    }),
};

/** Invariant 13 (issue 9, defect 5): the old planRetry calls `random` unguarded, so a throwing one kills the actor. */
export const unguardedRandom: MachineUnderTest = {
  name: 'planRetry calls random unguarded',
  build: (draw) =>
    connectionMachine.provide({
      actions: {
        planRetry: assign(({ context }) => {
          const retries = context.retries + 1;
          return { retries, retryDelayMs: backoffDelayMs(retries, context.settings.backoff, draw()) };
        }),
      },
    }),
};

/**
 * Broken variants only the model-based properties can see: the exploration is pure, with a
 * constant draw and no app callbacks, so it cannot express `shouldReconnect`'s verdict or a
 * misbehaving `random` (its ABANDON_SOCKET step takes the adapter's answer without a verdict).
 */
export const MODEL_ONLY_BROKEN_MACHINES = [
  { machine: abandonsWithoutAsking, breaks: 12 },
  { machine: unguardedRandom, breaks: 13 },
] as const;
