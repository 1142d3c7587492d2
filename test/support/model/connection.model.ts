/**
 * The model: what a user of the connection can know without reading the statechart — which
 * user actions happened, since when the retry budget is fresh, whether `close()` or `stop()`
 * was called, what was given to `send`. The invariants compare it, and the recorder's facts,
 * with the system after every command and at every instant virtual time passes through.
 */
import { backoffCeilingMs, backoffFloorMs } from '../../../src/backoff.js';
import type { ConnectionStatus } from '../../../src/index.js';
import { sumOfCeilings, type System } from './system.js';

/** The eight invariants of the README, by number. */
export const INVARIANTS = {
  1: 'One socket',
  2: 'Bounded retries',
  3: 'Delays in bounds',
  4: 'Manual close is final',
  5: 'Quiet when idle',
  6: 'Heartbeat',
  7: 'Nothing lost',
  8: 'Late events are harmless',
} as const;
export type InvariantId = keyof typeof INVARIANTS;

export interface ConnectionModel {
  /** Invariants checked in this run. */
  readonly checks: ReadonlySet<InvariantId>;
  stopped: boolean;
  online: boolean;
  /** Set by `close()`, cleared by `connect()`/`reconnect()`: the socket count at the close. */
  closedByUser: { socketsAtClose: number } | null;
  /**
   * Where the current retry budget started: a user action, or a socket open for stableUptimeMs.
   * `surelyFreshFrom`: the socket count where the machine surely reset it (a user action, or a
   * socket open for longer than stableUptimeMs, so its timer has fired): a give-up on
   * max-retries needs maxRetries + 1 sockets from there.
   */
  budget: { socketsBefore: number; backoffMsBefore: number; stableSocket: number | null; surelyFreshFrom?: number };
  /** Messages given to `send`, in order (handle runs). */
  readonly messages: string[];
  /** Messages for which `send` returned false. */
  readonly rejected: string[];
}

export function createModel(checks: Iterable<InvariantId>): ConnectionModel {
  return {
    checks: new Set(checks),
    stopped: false,
    online: true,
    closedByUser: null,
    budget: { socketsBefore: 0, backoffMsBefore: 0, stableSocket: null },
    messages: [],
    rejected: [],
  };
}

/**
 * A user action (`connect`, `reconnect`): a fresh budget from here. `keepsAttempt`: reconnect()
 * while connecting keeps the current attempt, which then counts in the new budget.
 */
export function startBudget(model: ConnectionModel, sys: System, keepsAttempt = false): void {
  const socketsBefore = sys.server.sockets.length - (keepsAttempt ? 1 : 0);
  model.budget = { socketsBefore, backoffMsBefore: sys.backoffMs(), stableSocket: null, surelyFreshFrom: socketsBefore };
}

const QUIET: ReadonlySet<ConnectionStatus> = new Set(['idle', 'gaveUp', 'manuallyClosed']);

export class InvariantViolation extends Error {
  constructor(id: InvariantId, detail: string) {
    super(`Invariant ${id} (${INVARIANTS[id]}) violated: ${detail}`);
  }
}

function fail(model: ConnectionModel, id: InvariantId, detail: string): void {
  if (model.checks.has(id)) throw new InvariantViolation(id, detail);
}

/** Checks every enabled invariant now. Called after every command and every step of time. */
export function checkInvariants(model: ConnectionModel, sys: System): void {
  const { server, logs, config } = sys;
  const now = sys.clock.now();
  const status = sys.status();
  const snapshot = sys.actor.getSnapshot();
  if (!model.stopped && snapshot.status !== 'active') throw new Error(`actor is ${snapshot.status}: ${String(snapshot.error)}`);

  for (const v of sys.violations.splice(0)) fail(model, v.invariant as InvariantId, v.message);

  // 1. One socket.
  const live = server.live().length;
  if (live > 1) fail(model, 1, `${live} sockets are CONNECTING or OPEN at t=${now}`);
  const attached = server.sockets.filter((s) => s.listenerCount() > 0).length;
  if (attached > 1) fail(model, 1, `${attached} sockets have listeners attached at t=${now}`);

  // 2. Bounded retries: a socket open for stableUptimeMs starts a fresh budget, else count.
  const latest = server.sockets.length - 1;
  const latestLog = logs[latest];
  if (latestLog?.openedAt != null && model.budget.stableSocket !== latest && latest >= model.budget.socketsBefore) {
    const uptime = (latestLog.leftOpenAt ?? now) - latestLog.openedAt;
    if (uptime >= config.stableUptimeMs) model.budget = { socketsBefore: latest, backoffMsBefore: sys.backoffMs(), stableSocket: latest };
  }
  const created = server.sockets.length - model.budget.socketsBefore;
  if (created > config.maxRetries + 1) {
    fail(model, 2, `${created} sockets created since the last user action or stable uptime (maxRetries ${config.maxRetries})`);
  }
  // ... and a fresh budget is spent in full: no max-retries give-up before maxRetries retries.
  const surelyFreshFrom = model.budget.surelyFreshFrom ?? 0;
  if (latestLog?.openedAt != null && latest >= surelyFreshFrom && (latestLog.leftOpenAt ?? now) - latestLog.openedAt > config.stableUptimeMs) {
    model.budget.surelyFreshFrom = latest;
  }
  for (const { reason, sockets } of sys.gaveUps.splice(0)) {
    const used = sockets - (model.budget.surelyFreshFrom ?? 0);
    if (reason === 'max-retries' && used < config.maxRetries + 1) {
      fail(model, 2, `gave up on max-retries after ${used} socket(s) since the last user action or stable uptime (maxRetries ${config.maxRetries})`);
    }
  }
  const backoffSpent = sys.backoffMs() - model.budget.backoffMsBefore;
  const backoffBound = sumOfCeilings(config, (n) => backoffCeilingMs(n, config.backoff));
  if (backoffSpent > backoffBound) fail(model, 2, `${backoffSpent} ms spent in backoff in one budget, bound ${backoffBound} ms`);

  // 3. Delays in bounds (every retry event; the time actually waited is recorded by the system).
  for (const { attempt, delayMs } of sys.retries) {
    const floor = backoffFloorMs(attempt, config.backoff);
    const ceiling = backoffCeilingMs(attempt, config.backoff);
    if (!Number.isSafeInteger(delayMs) || delayMs < floor || delayMs > ceiling || attempt < 1 || attempt > config.maxRetries) {
      fail(model, 3, `retry ${attempt} got delay ${delayMs} ms, bounds [${floor}, ${ceiling}], maxRetries ${config.maxRetries}`);
    }
  }

  // 4. Manual close is final.
  if (model.closedByUser && !model.stopped) {
    if (server.sockets.length !== model.closedByUser.socketsAtClose) {
      fail(model, 4, `a socket was created after close() (${model.closedByUser.socketsAtClose} → ${server.sockets.length})`);
    }
    if (status !== 'closing' && status !== 'manuallyClosed') fail(model, 4, `status ${status} after close()`);
    const timers = sys.armedTimers();
    if (status === 'manuallyClosed' && timers.length > 0) fail(model, 4, `timers armed in manuallyClosed: due at ${timers}`);
    if (status === 'closing' && timers.length > 1) fail(model, 4, `${timers.length} timers armed while closing after close()`);
  }

  // 5. Quiet when idle (and after stop()).
  if (QUIET.has(status) || model.stopped) {
    const where = model.stopped ? `after stop() (status ${status})` : `in ${status}`;
    if (live > 0) fail(model, 5, `${live} live socket(s) ${where}`);
    if (attached > 0) fail(model, 5, `a socket still has listeners ${where}`);
    const timers = sys.armedTimers();
    if (timers.length > 0) fail(model, 5, `timers armed ${where}: due at ${timers}`);
  }

  // 6. Heartbeat: a dead connection is detected within intervalMs + timeoutMs.
  if (config.heartbeat && status === 'open' && latestLog && !model.stopped) {
    const silence = now - latestLog.lastInboundAt;
    const limit = config.heartbeat.intervalMs + config.heartbeat.timeoutMs;
    if (silence >= limit) fail(model, 6, `still open after ${silence} ms of silence (limit ${limit} ms)`);
  }

  // 7. Nothing lost: what was sent is in order and once; nothing is both sent and dropped.
  if (sys.kind === 'handle') checkNothingLost(model, sys, false);
}

/** Invariant 7. With `complete` (after stop()), every message must be accounted for. */
export function checkNothingLost(model: ConnectionModel, sys: System, complete: boolean): void {
  const sent = sys.server.sockets.flatMap((s) => s.sent.filter((d) => d !== 'ping')) as string[];
  const discarded = sys.server.sockets.flatMap((s) => s.discarded.filter((d) => d !== 'ping'));
  if (discarded.length > 0) fail(model, 7, `messages given to a socket that was not OPEN (lost): ${discarded.join(', ')}`);
  const index = new Map(model.messages.map((m, i) => [m, i]));
  let previous = -1;
  for (const m of sent) {
    const i = index.get(m) ?? -1;
    if (i <= previous) fail(model, 7, `sent out of order or twice: [${sent.join(', ')}]`);
    previous = i;
  }
  const dropped = new Set(sys.dropped);
  if (dropped.size !== sys.dropped.length) fail(model, 7, `a message was reported dropped twice: [${sys.dropped.join(', ')}]`);
  for (const m of sent) if (dropped.has(m)) fail(model, 7, `${m} was both sent and reported dropped`);
  // After stop() the handle has no listeners left, so a rejected send is reported by its return value only.
  const unreported = model.rejected.filter((m) => !dropped.has(m) && !model.stopped);
  if (unreported.length > 0) fail(model, 7, `send returned false without a dropped event: ${unreported.join(', ')}`);
  if (complete) {
    const accounted = new Set([...sent, ...dropped, ...model.rejected]);
    const missing = model.messages.filter((m) => !accounted.has(m));
    if (missing.length > 0) fail(model, 7, `neither sent nor reported dropped: ${missing.join(', ')}`);
  }
}
