/**
 * The model: what a user of the connection can know without reading the statechart — which
 * user actions happened, since when the retry budget is fresh, whether `close()` or `stop()`
 * was called, what was given to `send`. The invariants compare it, and the recorder's facts,
 * with the system after every command and at every instant virtual time passes through.
 */
import { backoffBudgetMs } from '../backoff-bound.js';
import { backoffCeilingMs, backoffDelayMs, backoffFloorMs } from '../../../src/backoff.js';
import { nextDraw } from '../../../src/jitter.js';
import type { ConnectionStatus } from '../../../src/index.js';
import { invariantName, type InvariantId } from '../invariants.js';
import { isRefusedByFake, messageId, type System } from './system.js';

/** The model's state at the start of a run that checks `checks`. */
export function createModel(checks: Iterable<InvariantId>) {
  return {
    /** Invariants checked in this run. */
    checks: new Set(checks) as ReadonlySet<InvariantId>,
    stopped: false,
    /** Virtual time of `stop()`. */
    stoppedAt: null as number | null,
    /** Whether the link is up (the server can accept). */
    online: true,
    /** What the environment said: offline since (sockets, retry events then), hidden since, cached since (sockets then). */
    environment: {
      offline: null as { sockets: number; retries: number } | null,
      hiddenAt: null as number | null,
      cached: null as { sockets: number; userActed: boolean } | null,
    },
    /** Attempt counts at which a user action (connect, reconnect) took effect: the next attempt is the user's. */
    userActionsAt: new Set<number>(),
    /** Attempts already checked by invariant 12. */
    attemptsChecked: 0,
    /** Set by `close()`, cleared by `connect()`/`reconnect()`: the socket count at the close. */
    closedByUser: null as { socketsAtClose: number } | null,
    /**
     * Where the current retry budget started: a user action, or a socket open for stableUptimeMs.
     * `surelyFreshFrom`: the socket count where the machine surely reset it (a user action, or a
     * socket open for longer than stableUptimeMs, so its timer has fired): a give-up on
     * max-retries needs maxRetries + 1 sockets from there.
     */
    budget: { socketsBefore: 0, backoffMsBefore: 0, stableSocket: null } as Budget,
    /** Messages given to `send`, in order (handle runs). */
    messages: [] as string[],
    /** Messages for which `send` returned false. */
    rejected: [] as string[],
    /** With `autoConnect`, until microtasks first run: whether the app called connect/close/reconnect/stop. */
    firstTick: null as { called: boolean } | null,
    /** Index in `sys.events` after the events `stop()` itself fired. */
    stopMark: null as number | null,
    /** `on('status', …)` registrations of the model listeners, in order (handle runs). */
    registrations: [] as Array<{ fn: number; active: boolean; off: () => void }>,
    /** Invariant 17: set when the server rejected the handshake (cleared by a user action): sockets and gaveUp events then, and the close reason expected. */
    rejection: null as { sockets: number; gaveUps: number; reason: string } | null,
    /** Invariant 13: the jitter generator as the model runs it from the config's seed, and the retries predicted so far. */
    jitter: null as { state: number; predicted: number } | null,
  };
}

interface Budget {
  socketsBefore: number;
  backoffMsBefore: number;
  stableSocket: number | null;
  surelyFreshFrom?: number;
}

export type ConnectionModel = ReturnType<typeof createModel>;

/** What the first microtasks may change: status, state, sockets. */
export function tickObservable(sys: System): string {
  return JSON.stringify({ status: sys.status(), value: sys.actor.getSnapshot().value, sockets: sys.server.sockets.length });
}

/**
 * Invariant 9, when microtasks first run after an `autoConnect` creation: a call made in the
 * creation tick is final (the deferred CONNECT changes nothing); with none, the connection connects.
 */
export function checkFirstTick(model: ConnectionModel, sys: System, before: string): void {
  const tick = model.firstTick;
  if (!tick) return;
  model.firstTick = null;
  const after = tickObservable(sys);
  if (tick.called && after !== before) fail(model, 9, `the deferred auto-connect undid the app's calls: ${before} → ${after}`);
  // With no call, the first microtask starts an attempt (which may already have failed: a url thenable that throws).
  // Offline, connecting means waiting for the network (backoff, no attempt: invariant 18).
  const waitsForNetwork = model.environment.offline !== null && sys.status() === 'backoff';
  if (!tick.called && !waitsForNetwork && (sys.status() === 'idle' || sys.attempts() === 0)) {
    fail(model, 9, `autoConnect with no call, yet ${sys.status()} and ${sys.attempts()} attempt(s) after the first microtask`);
  }
}

const SOCKET_STATUSES: ReadonlySet<ConnectionStatus> = new Set(['connecting', 'open', 'closing']);

/**
 * Invariant 10, right after `stop()` (handle): status `manuallyClosed`; listeners got one `close`
 * (when a socket's life ended) and one `status` (unless already manuallyClosed), in that order,
 * then only `dropped`.
 */
export function checkStop(model: ConnectionModel, sys: System, before: ConnectionStatus, mark: number): void {
  if (sys.kind !== 'handle') return;
  const fired = sys.events.slice(mark);
  const last = fired.filter(([name]) => name !== 'dropped');
  const expected: Array<[string, unknown]> = [];
  if (SOCKET_STATUSES.has(before)) expected.push(['close', { code: 1000, reason: 'client stopped', wasClean: false }]);
  if (before !== 'manuallyClosed') expected.push(['status', 'manuallyClosed']);
  if (JSON.stringify(last) !== JSON.stringify(expected)) {
    fail(model, 10, `stop() in ${before} fired ${JSON.stringify(last)}, expected ${JSON.stringify(expected)}`);
  }
  const firstDropped = fired.findIndex(([name]) => name === 'dropped');
  if (firstDropped !== -1 && firstDropped < last.length) fail(model, 10, `dropped reported before the last close/status: ${JSON.stringify(fired)}`);
  model.stopMark = sys.events.length;
}

/**
 * A user action that takes effect (`connect`, `reconnect`, the deferred auto-connect): the next
 * attempt is the user's, a close() is undone, and a fresh budget starts here. `keepsAttempt`:
 * reconnect() while connecting keeps the current attempt, which then counts in the new budget.
 */
export function userAction(model: ConnectionModel, sys: System, keepsAttempt = false): void {
  model.userActionsAt.add(sys.attempts());
  model.closedByUser = null;
  if (model.environment.cached) model.environment.cached.userActed = true;
  model.rejection = null;
  // The kept attempt counts only once its socket exists (an async url may still be pending).
  const keptSocket = keepsAttempt && sys.server.sockets.some((s) => s.listenerCount() > 0);
  const socketsBefore = sys.server.sockets.length - (keptSocket ? 1 : 0);
  model.budget = { socketsBefore, backoffMsBefore: sys.backoffMs(), stableSocket: null, surelyFreshFrom: socketsBefore };
}

/**
 * The network came back while a socket was wanted: the attempt it starts is not a retry (19), so
 * the sockets and backoff time of the budget count from here; the retries used are kept.
 */
export function environmentReturn(model: ConnectionModel, sys: System): void {
  model.budget = { ...model.budget, socketsBefore: sys.server.sockets.length, backoffMsBefore: sys.backoffMs(), stableSocket: null };
}

const QUIET: ReadonlySet<ConnectionStatus> = new Set(['idle', 'gaveUp', 'manuallyClosed']);

export class InvariantViolation extends Error {
  constructor(id: InvariantId, detail: string) {
    super(`Invariant ${id} (${invariantName(id)}) violated: ${detail}`);
  }
}

function fail(model: ConnectionModel, id: InvariantId, detail: string): void {
  if (model.checks.has(id)) throw new InvariantViolation(id, detail);
}

/** Checks every enabled invariant now. Called after every command and every step of time. */
export function checkInvariants(model: ConnectionModel, sys: System): void {
  const { server, sockets, config } = sys;
  const now = sys.clock.now();
  const status = sys.status();
  const snapshot = sys.actor.getSnapshot();
  // 15. Callbacks cannot kill the connection (whatever is checked: nothing else means anything then).
  if (!model.stopped && snapshot.status !== 'active') {
    throw new InvariantViolation(15, `actor is ${snapshot.status}: ${String(snapshot.error)}`);
  }

  // 13. The chart is closed: the n-th retry since creation waits what the n-th draw from `seed` gives.
  model.jitter ??= { state: config.seed, predicted: 0 };
  for (; model.jitter.predicted < sys.retries.length; model.jitter.predicted++) {
    const { attempt, delayMs } = sys.retries[model.jitter.predicted]!;
    const { draw, state } = nextDraw(model.jitter.state);
    model.jitter.state = state;
    const expected = backoffDelayMs(attempt, config.backoff, draw);
    if (delayMs !== expected) {
      fail(model, 13, `retry #${model.jitter.predicted + 1} (attempt ${attempt}) waits ${delayMs} ms; seed ${config.seed} gives ${expected} ms`);
    }
  }

  // 12. The app's policy decides every retry: with shouldReconnect given, an attempt no user action
  // started follows a close of the attempt before it that shouldReconnect was asked about and did not refuse.
  for (; model.attemptsChecked < sys.attempts(); model.attemptsChecked++) {
    const i = model.attemptsChecked;
    if (!config.policy || config.policy === 'absent' || i === 0 || model.userActionsAt.has(i)) continue;
    const asked = sys.verdicts.get(i);
    if (!asked) fail(model, 12, `attempt #${i} is a retry, but shouldReconnect was not asked about the close that ended attempt #${i - 1}`);
    else if (asked.verdict === false) fail(model, 12, `attempt #${i} is a retry, though shouldReconnect said false to close ${asked.code}`);
  }

  for (const v of sys.violations.splice(0)) fail(model, v.invariant as InvariantId, v.message);

  // 1. One socket.
  const live = server.live().length;
  if (live > 1) fail(model, 1, `${live} sockets are CONNECTING or OPEN at t=${now}`);
  const attached = server.sockets.filter((s) => s.listenerCount() > 0).length;
  if (attached > 1) fail(model, 1, `${attached} sockets have listeners attached at t=${now}`);

  // 2. Bounded retries: a socket open for stableUptimeMs starts a fresh budget, else count.
  const latest = server.sockets.length - 1;
  const latestLog = sockets[latest];
  // With a handshake, the session is up from the server's ready, not from the socket opening.
  const upAt = sys.handshake ? latestLog?.readyAt : latestLog?.openedAt;
  if (upAt != null && model.budget.stableSocket !== latest && latest >= model.budget.socketsBefore) {
    const uptime = (latestLog!.leftOpenAt ?? now) - upAt;
    if (uptime >= config.stableUptimeMs) model.budget = { socketsBefore: latest, backoffMsBefore: sys.backoffMs(), stableSocket: latest };
  }
  const created = server.sockets.length - model.budget.socketsBefore;
  if (created > config.maxRetries + 1) {
    fail(model, 2, `${created} sockets created since the last user action or stable uptime (maxRetries ${config.maxRetries})`);
  }
  // ... and a fresh budget is spent in full: no max-retries give-up before maxRetries retries.
  const surelyFreshFrom = model.budget.surelyFreshFrom ?? 0;
  if (upAt != null && latest >= surelyFreshFrom && (latestLog!.leftOpenAt ?? now) - upAt > config.stableUptimeMs) {
    model.budget.surelyFreshFrom = latest;
  }
  // Counted in sockets, so only where every attempt creates one (an async url can fail an attempt before).
  const attemptsAreSockets = (config.url ?? 'string') === 'string';
  for (const { reason, sockets } of sys.gaveUps.splice(0)) {
    const used = sockets - (model.budget.surelyFreshFrom ?? 0);
    if (attemptsAreSockets && reason === 'max-retries' && used < config.maxRetries + 1) {
      fail(model, 2, `gave up on max-retries after ${used} socket(s) since the last user action or stable uptime (maxRetries ${config.maxRetries})`);
    }
  }
  const backoffSpent = sys.backoffMs() - model.budget.backoffMsBefore;
  const backoffBound = backoffBudgetMs(config.maxRetries, config.backoff);
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

  // 5. Quiet when idle (and after stop(), but for the one timer that ends a hung socket, invariant 14).
  const socketDeadline = model.stoppedAt === null ? -Infinity : model.stoppedAt + config.closeTimeoutMs;
  if (QUIET.has(status) || model.stopped) {
    const where = model.stopped ? `after stop() (status ${status})` : `in ${status}`;
    if (live > 0) fail(model, 5, `${live} live socket(s) ${where}`);
    if (attached > 0) fail(model, 5, `a socket still has listeners ${where}`);
    const timers = sys.armedTimers().filter((due) => !(model.stopped && config.terminate && due <= socketDeadline));
    if (timers.length > 0) fail(model, 5, `timers armed ${where}: due at ${timers}`);
  }

  // 14. stop() ends every socket: closeTimeoutMs after it, none is CONNECTING, OPEN or CLOSING
  // where the implementation has terminate() (without, none is CONNECTING or OPEN: invariant 5).
  // Checked once the clock has fired what was due (right after stop() with closeTimeoutMs 0 it has not).
  const caughtUp = sys.armedTimers().every((due) => due > now);
  if (model.stopped && config.terminate && now >= socketDeadline && caughtUp) {
    const lingering = server.sockets.map((s, i) => `#${i} in readyState ${s.readyState}`).filter((_, i) => server.sockets[i]!.readyState !== 3);
    if (lingering.length > 0) fail(model, 14, `${config.closeTimeoutMs} ms after stop() at t=${model.stoppedAt}: ${lingering.join(', ')}`);
    const timers = sys.armedTimers();
    if (timers.length > 0) fail(model, 14, `timers still armed ${now - model.stoppedAt!} ms after stop(): due at ${timers}`);
  }

  // 6. Heartbeat: a dead connection is detected within intervalMs + timeoutMs.
  if (config.heartbeat && status === 'open' && latestLog && !model.stopped) {
    const silence = now - latestLog.lastInboundAt;
    const limit = config.heartbeat.intervalMs + config.heartbeat.timeoutMs;
    if (silence >= limit) fail(model, 6, `still open after ${silence} ms of silence (limit ${limit} ms)`);
  }

  // 16. Nothing before ready: with a handshake, open only once the server said ready on the current socket.
  if (sys.handshake && status === 'open' && !model.stopped && latestLog?.readyAt == null) {
    fail(model, 16, `status open at t=${now}, but the server never said ready on socket #${latest}`);
  }

  // 17. A rejection is final: no socket and no retry until a user action; gaveUp says handshake-rejected.
  if (model.rejection && !model.stopped) {
    if (server.sockets.length !== model.rejection.sockets) {
      fail(model, 17, `a socket was created after the server rejected the handshake (${model.rejection.sockets} → ${server.sockets.length})`);
    }
    if (status !== 'closing' && status !== 'gaveUp' && status !== 'manuallyClosed') fail(model, 17, `status ${status} after a rejected handshake`);
    const reasons = sys.gaveUpReasons.slice(model.rejection.gaveUps);
    if (reasons.some((r) => r !== 'handshake-rejected')) fail(model, 17, `gave up with ${reasons.join(', ')} after a rejected handshake`);
    const rejections = sys.gaveUpRejections.slice(model.rejection.gaveUps);
    if (rejections.some((r) => r !== model.rejection!.reason)) {
      fail(model, 17, `gaveUp said rejection ${rejections.map((r) => JSON.stringify(r)).join(', ')}, not ${JSON.stringify(model.rejection.reason)}`);
    }
  }

  // 18. Offline spends nothing: no socket, no retry event, nothing connecting or open.
  const offline = model.environment.offline;
  if (offline && !model.stopped) {
    if (server.sockets.length > offline.sockets) fail(model, 18, `socket #${server.sockets.length - 1} created at t=${now} while the environment says offline`);
    if (sys.retries.length > offline.retries) fail(model, 18, `a retry was scheduled while offline: ${JSON.stringify(sys.retries.slice(offline.retries))}`);
    if (status === 'connecting' || status === 'open') fail(model, 18, `status ${status} while the environment says offline`);
  }

  // 21. A cached page holds no socket: none is created until it is restored (or a user action).
  const cached = model.environment.cached;
  if (cached && !model.stopped && !cached.userActed && server.sockets.length > cached.sockets) {
    fail(model, 21, `socket #${server.sockets.length - 1} created at t=${now} while the page is in the back/forward cache`);
  }

  // 20. Nothing heard after stop(): the environment's listen was undone exactly once (handle).
  if (sys.kind === 'handle' && model.stopped) {
    const { listening, unlistens } = sys.environmentControl;
    if (listening !== 0 || unlistens !== 1) fail(model, 20, `after stop(): ${listening} environment listener(s) left, unlisten called ${unlistens} time(s)`);
  }

  // 7. Handed over or reported: what was handed to a socket is in order and once; nothing is both sent and dropped.
  if (sys.kind === 'handle') checkNothingLost(model, sys, false);

  // 10. Status after stop: manuallyClosed, and nothing but `dropped` after stop()'s own events.
  if (sys.kind === 'handle' && model.stopped && model.stopMark !== null) {
    if (status !== 'manuallyClosed') fail(model, 10, `status ${status} after stop()`);
    const later = sys.events.slice(model.stopMark).filter(([name]) => name !== 'dropped');
    if (later.length > 0) fail(model, 10, `events after stop(): ${JSON.stringify(later)}`);
  }

  // 11. One registration, one call: every status event reaches each active registration once, in order.
  if (sys.kind === 'handle') checkRegistrations(model, sys);
}

function checkRegistrations(model: ConnectionModel, sys: System): void {
  const expected = model.registrations.filter((r) => r.active).map((r) => `f${r.fn}`).join(' ');
  // Per status event: '*', then the model listeners it called.
  const [before, ...perEvent] = sys.listenerCalls.splice(0).join(' ').split('*').map((calls) => calls.trim());
  if (before) fail(model, 11, `model listeners called outside a status event: [${before}]`);
  for (const got of perEvent) {
    if (got !== expected) fail(model, 11, `a status event called [${got}], the active registrations are [${expected}]`);
  }
}

/** Invariant 7. With `complete` (after stop()), every message must be accounted for. */
export function checkNothingLost(model: ConnectionModel, sys: System, complete: boolean): void {
  const notApp = (d: unknown) => d !== 'ping' && d !== 'hello';
  const sent = sys.server.sockets.flatMap((s) => s.sent.filter(notApp)).map(messageId);
  const discarded = sys.server.sockets.flatMap((s) => s.discarded.filter(notApp)).map(messageId);
  if (discarded.length > 0) fail(model, 7, `messages given to a socket that was not OPEN (lost): ${discarded.join(', ')}`);
  const index = new Map(model.messages.map((m, i) => [m, i]));
  // Bytes as at send(): binary data is changed right after send(), so a kept reference shows.
  for (const m of [...sent, ...sys.dropped]) {
    if (!index.has(m)) fail(model, 7, `${JSON.stringify(m)} went out or was reported, but no send() was given those bytes (changed after send()?)`);
  }
  // Refused messages are reported (dropped 'refused' and an error), and none is sent.
  const refusedBySocket = sys.server.sockets.flatMap((s) => s.refused.map(messageId));
  const reportedRefused = sys.events.filter(([name, p]) => name === 'dropped' && (p as { reason: string }).reason === 'refused');
  const reportedIds = new Set(reportedRefused.map(([, p]) => messageId((p as { data: unknown }).data)));
  for (const m of refusedBySocket) if (!reportedIds.has(m)) fail(model, 7, `${m} was refused by the WebSocket but not reported dropped (refused)`);
  const refusalErrors = sys.events.filter(([name, p]) => name === 'error' && /refused a message/.test((p as { message: string }).message));
  if (refusalErrors.length !== reportedRefused.length) fail(model, 7, `${reportedRefused.length} refused message(s), ${refusalErrors.length} error event(s)`);
  for (const m of sent) if (isRefusedByFake(m)) fail(model, 7, `${m} is refused by the WebSocket, yet counted as sent`);
  // Never stalled: while open, nothing accepted waits in the queue (a refused message is not retried).
  const socket = sys.server.sockets.find((s) => s.listenerCount() > 0);
  if (!complete && sys.status() === 'open' && socket?.readyState === 1) {
    const accounted = new Set([...sent, ...sys.dropped, ...model.rejected]);
    const waiting = model.messages.filter((m) => !accounted.has(m));
    if (waiting.length > 0) fail(model, 7, `open, yet ${waiting.join(', ')} still wait(s) in the queue (stalled)`);
  }
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
