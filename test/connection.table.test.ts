/**
 * The transition table, from the pure `initialTransition()` / `transition()`: every situation ×
 * every event → the next state, asserted cell by cell, so an accidental new (or lost) transition
 * fails loudly. Delayed transitions are columns too, and the timers each situation arms are
 * listed with their delays in milliseconds, as data.
 */
import { initialTransition, transition as pureTransition } from 'xstate';
import { getStateNodes } from 'xstate/graph';
import { describe, expect, it } from 'vitest';
import type { ConnectionEvent } from '../src/index.js';
import { armedDelays, explorationSettings, pureMachine, transitionWithAdapter } from './support/graph-exploration.js';
import { shippedMachine } from './support/model/system.js';
import { REASONS } from '../src/reasons.js';

const machine = pureMachine(shippedMachine);
const settings = explorationSettings({ maxRetries: 2, heartbeat: true }); // heartbeat 1000/500, close 300, backoff 100..150
type Snapshot = ReturnType<typeof machine.getInitialSnapshot>;

const EVENTS: Record<string, ConnectionEvent> = {
  CONNECT: { type: 'CONNECT' },
  RECONNECT: { type: 'RECONNECT' },
  DISCONNECT: { type: 'DISCONNECT', code: 1000, reason: '' },
  'NETWORK.ONLINE': { type: 'NETWORK.ONLINE' },
  'SOCKET.OPENED': { type: 'SOCKET.OPENED', protocol: '' },
  'SOCKET.CLOSED 1006': { type: 'SOCKET.CLOSED', code: 1006, reason: '', wasClean: false },
  'SOCKET.CLOSED 1008': { type: 'SOCKET.CLOSED', code: 1008, reason: 'policy', wasClean: true },
  'SOCKET.ERROR': { type: 'SOCKET.ERROR', message: 'error' },
  'SOCKET.MESSAGE': { type: 'SOCKET.MESSAGE', data: 'hello' },
  'SOCKET.SILENCE silent': { type: 'SOCKET.SILENCE', silentMs: 1_000 },
  'SOCKET.SILENCE heard': { type: 'SOCKET.SILENCE', silentMs: 400 },
  'SOCKET.ALIVE': { type: 'SOCKET.ALIVE' },
  'SOCKET.HANDSHAKE ready': { type: 'SOCKET.HANDSHAKE', verdict: 'ready' },
  'SOCKET.HANDSHAKE rejected': { type: 'SOCKET.HANDSHAKE', verdict: 'rejected', reason: 'denied' },
  'SOCKET.HELLO_FAILED': { type: 'SOCKET.HELLO_FAILED', message: 'no token' },
  'NETWORK.OFFLINE': { type: 'NETWORK.OFFLINE' },
  'PAGE.HIDDEN': { type: 'PAGE.HIDDEN' },
  'PAGE.VISIBLE brief': { type: 'PAGE.VISIBLE', hiddenMs: 400 },
  'PAGE.VISIBLE long': { type: 'PAGE.VISIBLE', hiddenMs: 1_000 },
  'PAGE.CACHED': { type: 'PAGE.CACHED' },
  'PAGE.RESTORED': { type: 'PAGE.RESTORED' },
  'CLOCK.JUMPED': { type: 'CLOCK.JUMPED', lateMs: 2_000 },
};
const DELAYS = ['connectTimeout', 'handshakeTimeout', 'stableUptime', 'heartbeatWait', 'heartbeatTimeout', 'closeTimeout', 'backoffDelay'] as const;
const COLUMNS = [...Object.keys(EVENTS), ...DELAYS.map((d) => `after ${d}`)];

const label = (s: Snapshot): string => {
  const flat = (v: unknown): string => (typeof v === 'string' ? v : Object.entries(v as object).map(([k, w]) => `${k}.${flat(w)}`)[0]!);
  return flat(s.value).replace(/^session\./, '');
};
// One step is the machine's transition plus the adapter's synchronous answer (ABANDON_SOCKET → SOCKET.CLOSED).
const transition = (m: typeof machine, s: Snapshot, event: ConnectionEvent) => transitionWithAdapter(m, s, event);
const step = (s: Snapshot, ...events: string[]) => events.reduce((acc, e) => transition(machine, acc, fire(acc, e))[0], s);
function fire(s: Snapshot, column: string): ConnectionEvent {
  if (column in EVENTS) return EVENTS[column]!;
  const armed = armedDelays(machine, s).find((a) => `after ${a.delay}` === column);
  return { type: armed?.event ?? 'xstate.after.not-armed' } as ConnectionEvent;
}

const [idle] = initialTransition(machine, settings);
const connecting = step(idle, 'CONNECT');
const backoff1 = step(connecting, 'SOCKET.CLOSED 1006');
// From retry 1 on, so that a budget reset (resetRetries) shows as a change.
const connecting1 = step(backoff1, 'after backoffDelay');
const listening = step(connecting1, 'SOCKET.OPENED');
const probingSilence = step(listening, 'after heartbeatWait');
const awaitingPong = step(probingSilence, 'SOCKET.SILENCE silent');
const [idleNoHeartbeat] = initialTransition(machine, explorationSettings({ maxRetries: 2, heartbeat: false }));
// With a handshake (timeoutMs 700): the open socket waits in handshaking for the verdict.
const [idleHandshake] = initialTransition(machine, explorationSettings({ maxRetries: 2, heartbeat: true, handshake: true }));
const handshaking = step(idleHandshake, 'CONNECT', 'SOCKET.CLOSED 1006', 'after backoffDelay', 'SOCKET.OPENED');
// With pauseWhenHidden: a retry that falls due while the page is hidden waits for it to be visible.
const [idlePausing] = initialTransition(machine, explorationSettings({ maxRetries: 2, heartbeat: true, pauseWhenHidden: true }));
const SITUATIONS: Record<string, Snapshot> = {
  idle,
  'connecting (first attempt)': connecting,
  'connecting (retry 1)': connecting1,
  'open.unmonitored (heartbeat off)': step(idleNoHeartbeat, 'CONNECT', 'SOCKET.CLOSED 1006', 'after backoffDelay', 'SOCKET.OPENED'),
  'open.listening': listening,
  'open.probingSilence': probingSilence,
  'open.awaitingPong': awaitingPong,
  'handshaking (retry 1)': handshaking,
  'closing (retry: connect timeout)': step(connecting1, 'after connectTimeout'),
  'closing (handshake rejected)': step(handshaking, 'SOCKET.HANDSHAKE rejected'),
  'closing (close())': step(listening, 'DISCONNECT'),
  'closing (reconnect())': step(listening, 'RECONNECT'),
  'closing (network offline)': step(listening, 'NETWORK.OFFLINE'),
  'closing (page cached)': step(listening, 'PAGE.CACHED'),
  'backoff (retry 1 of 2)': backoff1,
  'backoff (retry 2 of 2)': step(connecting1, 'SOCKET.CLOSED 1006'),
  'backoff (retry 1, hidden page)': step(backoff1, 'PAGE.HIDDEN'),
  'backoff.offline (retry 1)': step(backoff1, 'NETWORK.OFFLINE'),
  'backoff.offline (idle, then connect())': step(idle, 'NETWORK.OFFLINE', 'CONNECT'),
  'backoff (retry 1, hidden page, pauseWhenHidden)': step(idlePausing, 'CONNECT', 'SOCKET.CLOSED 1006', 'PAGE.HIDDEN'),
  'backoff.paused (pauseWhenHidden)': step(idlePausing, 'CONNECT', 'SOCKET.CLOSED 1006', 'PAGE.HIDDEN', 'after backoffDelay'),
  'backoff.cached': step(listening, 'PAGE.CACHED', 'SOCKET.CLOSED 1006'),
  gaveUp: step(connecting, 'SOCKET.CLOSED 1008'),
  manuallyClosed: step(idle, 'DISCONNECT'),
};

/**
 * `·` = nothing that matters changed (same state, same context but for the `reason` line, only
 * emits); `=` = same state, context or actions changed; `—` = timer not armed.
 */
function cell(s: Snapshot, column: string): string {
  const event = fire(s, column);
  if ((event.type as string) === 'xstate.after.not-armed') return '—';
  const [next, executed] = transition(machine, s, event);
  const actions = executed as unknown as Array<{ type: string }>;
  const spawned = actions.some((a) => a.type === 'xstate.spawnChild');
  if (label(next) === label(s) && !spawned) {
    const unchanged = JSON.stringify({ ...next.context, reason: '' }) === JSON.stringify({ ...s.context, reason: '' });
    return unchanged && actions.every((a) => a.type === 'xstate.emit') ? '·' : '=';
  }
  return label(next) + (spawned ? ' (new socket)' : '');
}

// Only the cells that differ from the default: `·` for events, `—` (not armed) for timers.
// prettier-ignore
const TABLE: Record<string, Record<string, string>> = {
  'idle': { CONNECT: 'connecting (new socket)', RECONNECT: 'connecting (new socket)', DISCONNECT: 'manuallyClosed', 'NETWORK.OFFLINE': '=', 'PAGE.HIDDEN': '=' },
  'connecting (first attempt)': { DISCONNECT: 'closing', 'SOCKET.OPENED': 'open.listening', 'SOCKET.CLOSED 1006': 'backoff.waiting', 'SOCKET.CLOSED 1008': 'gaveUp', 'NETWORK.OFFLINE': 'closing', 'PAGE.HIDDEN': '=', 'PAGE.CACHED': 'closing', 'after connectTimeout': 'closing' },
  'connecting (retry 1)': { RECONNECT: '=', DISCONNECT: 'closing', 'SOCKET.OPENED': 'open.listening', 'SOCKET.CLOSED 1006': 'backoff.waiting', 'SOCKET.CLOSED 1008': 'gaveUp', 'NETWORK.OFFLINE': 'closing', 'PAGE.HIDDEN': '=', 'PAGE.CACHED': 'closing', 'after connectTimeout': 'closing' },
  'open.unmonitored (heartbeat off)': { RECONNECT: 'closing', DISCONNECT: 'closing', 'SOCKET.CLOSED 1006': 'backoff.waiting', 'SOCKET.CLOSED 1008': 'gaveUp', 'NETWORK.OFFLINE': 'closing', 'PAGE.HIDDEN': '=', 'PAGE.CACHED': 'closing', 'after stableUptime': '=' },
  'open.listening': { RECONNECT: 'closing', DISCONNECT: 'closing', 'SOCKET.CLOSED 1006': 'backoff.waiting', 'SOCKET.CLOSED 1008': 'gaveUp', 'NETWORK.OFFLINE': 'closing', 'PAGE.HIDDEN': '=', 'PAGE.VISIBLE long': 'open.awaitingPong', 'PAGE.CACHED': 'closing', 'CLOCK.JUMPED': 'open.awaitingPong', 'after stableUptime': '=', 'after heartbeatWait': 'open.probingSilence' },
  'open.probingSilence': { RECONNECT: 'closing', DISCONNECT: 'closing', 'SOCKET.CLOSED 1006': 'backoff.waiting', 'SOCKET.CLOSED 1008': 'gaveUp', 'SOCKET.SILENCE silent': 'open.awaitingPong', 'SOCKET.SILENCE heard': 'open.listening', 'NETWORK.OFFLINE': 'closing', 'PAGE.HIDDEN': '=', 'PAGE.VISIBLE long': 'open.awaitingPong', 'PAGE.CACHED': 'closing', 'CLOCK.JUMPED': 'open.awaitingPong', 'after stableUptime': '=' },
  'open.awaitingPong': { RECONNECT: 'closing', DISCONNECT: 'closing', 'SOCKET.CLOSED 1006': 'backoff.waiting', 'SOCKET.CLOSED 1008': 'gaveUp', 'SOCKET.ALIVE': 'open.listening', 'NETWORK.OFFLINE': 'closing', 'PAGE.HIDDEN': '=', 'PAGE.CACHED': 'closing', 'after stableUptime': '=', 'after heartbeatTimeout': 'closing' },
  'handshaking (retry 1)': { RECONNECT: '=', DISCONNECT: 'closing', 'SOCKET.CLOSED 1006': 'backoff.waiting', 'SOCKET.CLOSED 1008': 'gaveUp', 'SOCKET.HANDSHAKE ready': 'open.listening', 'SOCKET.HANDSHAKE rejected': 'closing', 'SOCKET.HELLO_FAILED': 'closing', 'NETWORK.OFFLINE': 'closing', 'PAGE.HIDDEN': '=', 'PAGE.CACHED': 'closing', 'after handshakeTimeout': 'closing' },
  'closing (retry: connect timeout)': { RECONNECT: '=', DISCONNECT: '=', 'SOCKET.CLOSED 1006': 'backoff.waiting', 'SOCKET.CLOSED 1008': 'gaveUp', 'NETWORK.OFFLINE': '=', 'PAGE.HIDDEN': '=', 'PAGE.CACHED': '=', 'after closeTimeout': 'backoff.waiting' },
  'closing (handshake rejected)': { RECONNECT: '=', DISCONNECT: '=', 'SOCKET.CLOSED 1006': 'gaveUp', 'SOCKET.CLOSED 1008': 'gaveUp', 'NETWORK.OFFLINE': '=', 'PAGE.HIDDEN': '=', 'after closeTimeout': 'gaveUp' },
  'closing (close())': { CONNECT: '=', RECONNECT: '=', 'SOCKET.CLOSED 1006': 'manuallyClosed', 'SOCKET.CLOSED 1008': 'manuallyClosed', 'NETWORK.OFFLINE': '=', 'PAGE.HIDDEN': '=', 'after closeTimeout': 'manuallyClosed' },
  'closing (reconnect())': { DISCONNECT: '=', 'SOCKET.CLOSED 1006': 'connecting (new socket)', 'SOCKET.CLOSED 1008': 'connecting (new socket)', 'NETWORK.OFFLINE': '=', 'PAGE.HIDDEN': '=', 'PAGE.CACHED': '=', 'after closeTimeout': 'connecting (new socket)' },
  'closing (network offline)': { RECONNECT: '=', DISCONNECT: '=', 'NETWORK.ONLINE': '=', 'SOCKET.CLOSED 1006': 'backoff.offline', 'SOCKET.CLOSED 1008': 'gaveUp', 'PAGE.HIDDEN': '=', 'PAGE.CACHED': '=', 'after closeTimeout': 'backoff.offline' },
  'closing (page cached)': { RECONNECT: '=', DISCONNECT: '=', 'SOCKET.CLOSED 1006': 'backoff.cached', 'SOCKET.CLOSED 1008': 'backoff.cached', 'NETWORK.OFFLINE': '=', 'PAGE.HIDDEN': '=', 'PAGE.RESTORED': '=', 'after closeTimeout': 'backoff.cached' },
  'backoff (retry 1 of 2)': { RECONNECT: 'connecting (new socket)', DISCONNECT: 'manuallyClosed', 'NETWORK.ONLINE': 'connecting (new socket)', 'NETWORK.OFFLINE': 'backoff.offline', 'PAGE.HIDDEN': '=', 'PAGE.VISIBLE long': 'connecting (new socket)', 'PAGE.CACHED': 'backoff.cached', 'after backoffDelay': 'connecting (new socket)' },
  'backoff (retry 2 of 2)': { RECONNECT: 'connecting (new socket)', DISCONNECT: 'manuallyClosed', 'NETWORK.ONLINE': 'connecting (new socket)', 'NETWORK.OFFLINE': 'backoff.offline', 'PAGE.HIDDEN': '=', 'PAGE.VISIBLE long': 'connecting (new socket)', 'PAGE.CACHED': 'backoff.cached', 'after backoffDelay': 'connecting (new socket)' },
  'backoff (retry 1, hidden page)': { RECONNECT: 'connecting (new socket)', DISCONNECT: 'manuallyClosed', 'NETWORK.ONLINE': 'connecting (new socket)', 'NETWORK.OFFLINE': 'backoff.offline', 'PAGE.VISIBLE brief': '=', 'PAGE.VISIBLE long': 'connecting (new socket)', 'PAGE.CACHED': 'backoff.cached', 'after backoffDelay': 'connecting (new socket)' },
  'backoff.offline (retry 1)': { RECONNECT: '=', DISCONNECT: 'manuallyClosed', 'NETWORK.ONLINE': 'connecting (new socket)', 'PAGE.HIDDEN': '=', 'PAGE.CACHED': 'backoff.cached' },
  'backoff.offline (idle, then connect())': { DISCONNECT: 'manuallyClosed', 'NETWORK.ONLINE': 'connecting (new socket)', 'PAGE.HIDDEN': '=', 'PAGE.CACHED': 'backoff.cached' },
  'backoff (retry 1, hidden page, pauseWhenHidden)': { RECONNECT: 'connecting (new socket)', DISCONNECT: 'manuallyClosed', 'NETWORK.ONLINE': 'connecting (new socket)', 'NETWORK.OFFLINE': 'backoff.offline', 'PAGE.VISIBLE brief': '=', 'PAGE.VISIBLE long': 'connecting (new socket)', 'PAGE.CACHED': 'backoff.cached', 'after backoffDelay': 'backoff.paused' },
  'backoff.paused (pauseWhenHidden)': { RECONNECT: 'connecting (new socket)', DISCONNECT: 'manuallyClosed', 'NETWORK.OFFLINE': 'backoff.offline', 'PAGE.VISIBLE brief': 'connecting (new socket)', 'PAGE.VISIBLE long': 'connecting (new socket)', 'PAGE.CACHED': 'backoff.cached' },
  'backoff.cached': { RECONNECT: 'connecting (new socket)', DISCONNECT: 'manuallyClosed', 'NETWORK.OFFLINE': '=', 'PAGE.HIDDEN': '=', 'PAGE.RESTORED': 'connecting (new socket)' },
  'gaveUp': { CONNECT: 'connecting (new socket)', RECONNECT: 'connecting (new socket)', DISCONNECT: 'manuallyClosed', 'NETWORK.OFFLINE': '=', 'PAGE.HIDDEN': '=' },
  'manuallyClosed': { CONNECT: 'connecting (new socket)', RECONNECT: 'connecting (new socket)', 'NETWORK.OFFLINE': '=', 'PAGE.HIDDEN': '=' },
};

/** The timers each situation has armed, with their delays in ms (settings above), as data. */
const ARMED: Record<string, string[]> = {
  'idle': [],
  'connecting (first attempt)': ['connectTimeout 1000'],
  'connecting (retry 1)': ['connectTimeout 1000'],
  'open.unmonitored (heartbeat off)': ['stableUptime 5000'],
  'open.listening': ['stableUptime 5000', 'heartbeatWait 1000'],
  'open.probingSilence': ['stableUptime 5000'],
  'open.awaitingPong': ['stableUptime 5000', 'heartbeatTimeout 500'],
  'handshaking (retry 1)': ['handshakeTimeout 700'],
  'closing (retry: connect timeout)': ['closeTimeout 300'],
  'closing (handshake rejected)': ['closeTimeout 300'],
  'closing (close())': ['closeTimeout 300'],
  'closing (reconnect())': ['closeTimeout 300'],
  'closing (network offline)': ['closeTimeout 300'],
  'closing (page cached)': ['closeTimeout 300'],
  'backoff (retry 1 of 2)': ['backoffDelay 100'],
  'backoff (retry 2 of 2)': ['backoffDelay 150'],
  'backoff (retry 1, hidden page)': ['backoffDelay 100'],
  'backoff.offline (retry 1)': [],
  'backoff.offline (idle, then connect())': [],
  'backoff (retry 1, hidden page, pauseWhenHidden)': ['backoffDelay 100'],
  'backoff.paused (pauseWhenHidden)': [],
  'backoff.cached': [],
  'gaveUp': [],
  'manuallyClosed': [],
};

describe('transition table (pure transition())', () => {
  it.each(Object.keys(SITUATIONS))('%s: every event leads where the table says', (name) => {
    const snapshot = SITUATIONS[name]!;
    const expected = Object.fromEntries(COLUMNS.map((c) => [c, TABLE[name]![c] ?? (c.startsWith('after ') ? '—' : '·')]));
    const actual = Object.fromEntries(COLUMNS.map((c) => [c, cell(snapshot, c)]));
    expect(actual).toEqual(expected);
  });

  it('arms exactly the listed timers, with their delays as data', () => {
    const armed = Object.fromEntries(Object.entries(SITUATIONS).map(([name, s]) => [name, armedDelays(machine, s).map((a) => `${a.delay} ${a.ms}`)]));
    expect(armed).toEqual(ARMED);
  });

  it('covers every event the machine accepts and every atomic state', () => {
    const eventTypes = new Set(Object.values(EVENTS).map((e) => e.type));
    const uncovered = machine.events.filter((type) => !eventTypes.has(type as never) && !DELAYS.some((d) => type.startsWith(`xstate.after.${d}.`)));
    expect(uncovered).toEqual([]);
    const rows = new Set(Object.values(SITUATIONS).map(label));
    // `starting` is transient (eventless transitions only): no snapshot rests there.
    const atomic = getStateNodes(machine.root).filter((n) => n.type === 'atomic' && n.always === undefined).map((n) => n.path.join('.').replace(/^session\./, ''));
    expect(atomic.filter((id) => !rows.has(id))).toEqual([]);
  });

  // Once a bug: `closing` did not consult the close-code policy, so a terminal code (1008, 4xxx)
  // reported while closing after a connect or heartbeat timeout was retried.
  it('a terminal close code reported while closing for a retry ends in gaveUp', () => {
    expect(cell(SITUATIONS['closing (retry: connect timeout)']!, 'SOCKET.CLOSED 1008')).toBe('gaveUp');
  });
});

/**
 * The `context.reason` line a cell records, or `·` when the reason line did not change. The
 * machine's own step only: the adapter answers ABANDON_SOCKET in a later step (the SOCKET.CLOSED
 * it sends back is queued), so `close timeout` is the reason a listener sees in between.
 */
function reasonCell(s: Snapshot, column: string): string {
  const event = fire(s, column);
  if ((event.type as string) === 'xstate.after.not-armed') return '—';
  const [next] = pureTransition(machine, s, event);
  return next.context.reason === s.context.reason ? '·' : next.context.reason;
}

// The reason every transition records (src/reasons.ts): label and details, cell by cell; `·`
// (reason unchanged) elsewhere. Environment bookkeeping (a change no state acts on) records none.
// prettier-ignore
const REASON_TABLE: Record<string, Record<string, string>> = {
  'idle': { CONNECT: 'connect requested', RECONNECT: 'reconnect requested', DISCONNECT: 'close requested {code: 1000, reason: ""}' },
  'connecting (first attempt)': { RECONNECT: 'reconnect requested', DISCONNECT: 'close requested {code: 1000, reason: ""}', 'SOCKET.OPENED': 'socket opened {protocol: ""}', 'SOCKET.CLOSED 1006': 'retry scheduled {attempt: 1, delayMs: 100, closeCode: 1006}', 'SOCKET.CLOSED 1008': 'gave up {reason: "close-code 1008", retries: 0, closeCode: 1008}', 'SOCKET.ERROR': 'socket error {message: "error"}', 'NETWORK.OFFLINE': 'network offline', 'PAGE.CACHED': 'page cached', 'after connectTimeout': 'connect timeout {timeoutMs: 1000}' },
  'connecting (retry 1)': { RECONNECT: 'reconnect requested', DISCONNECT: 'close requested {code: 1000, reason: ""}', 'SOCKET.OPENED': 'socket opened {protocol: ""}', 'SOCKET.CLOSED 1006': 'retry scheduled {attempt: 2, delayMs: 150, closeCode: 1006}', 'SOCKET.CLOSED 1008': 'gave up {reason: "close-code 1008", retries: 1, closeCode: 1008}', 'SOCKET.ERROR': 'socket error {message: "error"}', 'NETWORK.OFFLINE': 'network offline', 'PAGE.CACHED': 'page cached', 'after connectTimeout': 'connect timeout {timeoutMs: 1000}' },
  'open.unmonitored (heartbeat off)': { RECONNECT: 'reconnect requested', DISCONNECT: 'close requested {code: 1000, reason: ""}', 'SOCKET.CLOSED 1006': 'retry scheduled {attempt: 2, delayMs: 150, closeCode: 1006}', 'SOCKET.CLOSED 1008': 'gave up {reason: "close-code 1008", retries: 1, closeCode: 1008}', 'SOCKET.ERROR': 'socket error {message: "error"}', 'NETWORK.OFFLINE': 'network offline', 'PAGE.CACHED': 'page cached', 'after stableUptime': 'stable uptime {uptimeMs: 5000}' },
  'open.listening': { RECONNECT: 'reconnect requested', DISCONNECT: 'close requested {code: 1000, reason: ""}', 'SOCKET.CLOSED 1006': 'retry scheduled {attempt: 2, delayMs: 150, closeCode: 1006}', 'SOCKET.CLOSED 1008': 'gave up {reason: "close-code 1008", retries: 1, closeCode: 1008}', 'SOCKET.ERROR': 'socket error {message: "error"}', 'NETWORK.OFFLINE': 'network offline', 'PAGE.VISIBLE long': 'page visible {hiddenMs: 1000}', 'PAGE.CACHED': 'page cached', 'CLOCK.JUMPED': 'clock jumped {lateMs: 2000}', 'after stableUptime': 'stable uptime {uptimeMs: 5000}', 'after heartbeatWait': 'heartbeat check' },
  'open.probingSilence': { RECONNECT: 'reconnect requested', DISCONNECT: 'close requested {code: 1000, reason: ""}', 'SOCKET.CLOSED 1006': 'retry scheduled {attempt: 2, delayMs: 150, closeCode: 1006}', 'SOCKET.CLOSED 1008': 'gave up {reason: "close-code 1008", retries: 1, closeCode: 1008}', 'SOCKET.ERROR': 'socket error {message: "error"}', 'SOCKET.SILENCE silent': 'ping sent {silentMs: 1000}', 'SOCKET.SILENCE heard': 'heartbeat ok {silentMs: 400}', 'NETWORK.OFFLINE': 'network offline', 'PAGE.VISIBLE long': 'page visible {hiddenMs: 1000}', 'PAGE.CACHED': 'page cached', 'CLOCK.JUMPED': 'clock jumped {lateMs: 2000}', 'after stableUptime': 'stable uptime {uptimeMs: 5000}' },
  'open.awaitingPong': { RECONNECT: 'reconnect requested', DISCONNECT: 'close requested {code: 1000, reason: ""}', 'SOCKET.CLOSED 1006': 'retry scheduled {attempt: 2, delayMs: 150, closeCode: 1006}', 'SOCKET.CLOSED 1008': 'gave up {reason: "close-code 1008", retries: 1, closeCode: 1008}', 'SOCKET.ERROR': 'socket error {message: "error"}', 'SOCKET.ALIVE': 'pong received', 'NETWORK.OFFLINE': 'network offline', 'PAGE.CACHED': 'page cached', 'after stableUptime': 'stable uptime {uptimeMs: 5000}', 'after heartbeatTimeout': 'heartbeat timeout {timeoutMs: 500}' },
  'handshaking (retry 1)': { RECONNECT: 'reconnect requested', DISCONNECT: 'close requested {code: 1000, reason: ""}', 'SOCKET.CLOSED 1006': 'retry scheduled {attempt: 2, delayMs: 150, closeCode: 1006}', 'SOCKET.CLOSED 1008': 'gave up {reason: "close-code 1008", retries: 1, closeCode: 1008}', 'SOCKET.ERROR': 'socket error {message: "error"}', 'SOCKET.HANDSHAKE ready': 'handshake ready', 'SOCKET.HANDSHAKE rejected': 'handshake rejected {reason: "denied"}', 'SOCKET.HELLO_FAILED': 'hello failed {message: "no token"}', 'NETWORK.OFFLINE': 'network offline', 'PAGE.CACHED': 'page cached', 'after handshakeTimeout': 'handshake timeout {timeoutMs: 700}' },
  'closing (retry: connect timeout)': { RECONNECT: 'reconnect requested', DISCONNECT: 'close requested {code: 1000, reason: ""}', 'SOCKET.CLOSED 1006': 'retry scheduled {attempt: 2, delayMs: 150, closeCode: 1006}', 'SOCKET.CLOSED 1008': 'gave up {reason: "close-code 1008", retries: 1, closeCode: 1008}', 'SOCKET.ERROR': 'socket error {message: "error"}', 'PAGE.CACHED': 'page cached', 'after closeTimeout': 'close timeout {timeoutMs: 300}' },
  'closing (handshake rejected)': { RECONNECT: 'reconnect requested', DISCONNECT: 'close requested {code: 1000, reason: ""}', 'SOCKET.CLOSED 1006': 'gave up {reason: "handshake-rejected", rejection: "denied", retries: 1, closeCode: 1006}', 'SOCKET.CLOSED 1008': 'gave up {reason: "handshake-rejected", rejection: "denied", retries: 1, closeCode: 1008}', 'SOCKET.ERROR': 'socket error {message: "error"}', 'after closeTimeout': 'close timeout {timeoutMs: 300}' },
  'closing (close())': { CONNECT: 'connect requested', RECONNECT: 'reconnect requested', 'SOCKET.CLOSED 1006': 'socket closed {code: 1006, reason: ""}', 'SOCKET.CLOSED 1008': 'socket closed {code: 1008, reason: "policy"}', 'SOCKET.ERROR': 'socket error {message: "error"}', 'after closeTimeout': 'close timeout {timeoutMs: 300}' },
  'closing (reconnect())': { DISCONNECT: 'close requested {code: 1000, reason: ""}', 'SOCKET.CLOSED 1006': 'socket closed {code: 1006, reason: ""}', 'SOCKET.CLOSED 1008': 'socket closed {code: 1008, reason: "policy"}', 'SOCKET.ERROR': 'socket error {message: "error"}', 'PAGE.CACHED': 'page cached', 'after closeTimeout': 'close timeout {timeoutMs: 300}' },
  'closing (network offline)': { RECONNECT: 'reconnect requested', DISCONNECT: 'close requested {code: 1000, reason: ""}', 'SOCKET.CLOSED 1006': 'waiting for network {retries: 1}', 'SOCKET.CLOSED 1008': 'gave up {reason: "close-code 1008", retries: 1, closeCode: 1008}', 'SOCKET.ERROR': 'socket error {message: "error"}', 'PAGE.CACHED': 'page cached', 'after closeTimeout': 'close timeout {timeoutMs: 300}' },
  'closing (page cached)': { RECONNECT: 'reconnect requested', DISCONNECT: 'close requested {code: 1000, reason: ""}', 'SOCKET.CLOSED 1006': 'socket closed {code: 1006, reason: ""}', 'SOCKET.CLOSED 1008': 'socket closed {code: 1008, reason: "policy"}', 'SOCKET.ERROR': 'socket error {message: "error"}', 'PAGE.RESTORED': 'page restored', 'after closeTimeout': 'close timeout {timeoutMs: 300}' },
  'backoff (retry 1 of 2)': { RECONNECT: 'reconnect requested', DISCONNECT: 'close requested {code: 1000, reason: ""}', 'NETWORK.ONLINE': 'network online', 'NETWORK.OFFLINE': 'waiting for network {retries: 1}', 'PAGE.VISIBLE long': 'page visible {hiddenMs: 1000}', 'PAGE.CACHED': 'page cached', 'after backoffDelay': 'backoff elapsed {attempt: 1, delayMs: 100}' },
  'backoff (retry 2 of 2)': { RECONNECT: 'reconnect requested', DISCONNECT: 'close requested {code: 1000, reason: ""}', 'NETWORK.ONLINE': 'network online', 'NETWORK.OFFLINE': 'waiting for network {retries: 2}', 'PAGE.VISIBLE long': 'page visible {hiddenMs: 1000}', 'PAGE.CACHED': 'page cached', 'after backoffDelay': 'backoff elapsed {attempt: 2, delayMs: 150}' },
  'backoff (retry 1, hidden page)': { RECONNECT: 'reconnect requested', DISCONNECT: 'close requested {code: 1000, reason: ""}', 'NETWORK.ONLINE': 'network online', 'NETWORK.OFFLINE': 'waiting for network {retries: 1}', 'PAGE.VISIBLE long': 'page visible {hiddenMs: 1000}', 'PAGE.CACHED': 'page cached', 'after backoffDelay': 'backoff elapsed {attempt: 1, delayMs: 100}' },
  'backoff.offline (retry 1)': { RECONNECT: 'waiting for network {retries: 0}', DISCONNECT: 'close requested {code: 1000, reason: ""}', 'NETWORK.ONLINE': 'network online', 'PAGE.CACHED': 'page cached' },
  'backoff.offline (idle, then connect())': { DISCONNECT: 'close requested {code: 1000, reason: ""}', 'NETWORK.ONLINE': 'network online', 'PAGE.CACHED': 'page cached' },
  'backoff (retry 1, hidden page, pauseWhenHidden)': { RECONNECT: 'reconnect requested', DISCONNECT: 'close requested {code: 1000, reason: ""}', 'NETWORK.ONLINE': 'network online', 'NETWORK.OFFLINE': 'waiting for network {retries: 1}', 'PAGE.VISIBLE long': 'page visible {hiddenMs: 1000}', 'PAGE.CACHED': 'page cached', 'after backoffDelay': 'paused while hidden' },
  'backoff.paused (pauseWhenHidden)': { RECONNECT: 'reconnect requested', DISCONNECT: 'close requested {code: 1000, reason: ""}', 'NETWORK.OFFLINE': 'waiting for network {retries: 1}', 'PAGE.VISIBLE brief': 'page visible {hiddenMs: 400}', 'PAGE.VISIBLE long': 'page visible {hiddenMs: 1000}', 'PAGE.CACHED': 'page cached' },
  'backoff.cached': { RECONNECT: 'reconnect requested', DISCONNECT: 'close requested {code: 1000, reason: ""}', 'PAGE.CACHED': 'page cached', 'PAGE.RESTORED': 'page restored' },
  'gaveUp': { CONNECT: 'connect requested', RECONNECT: 'reconnect requested', DISCONNECT: 'close requested {code: 1000, reason: ""}' },
  'manuallyClosed': { CONNECT: 'connect requested', RECONNECT: 'reconnect requested' },
};

describe('reason of every transition (pure transition())', () => {
  it.each(Object.keys(SITUATIONS))('%s: every event records the reason the table says', (name) => {
    const snapshot = SITUATIONS[name]!;
    const expected = Object.fromEntries(COLUMNS.map((c) => [c, REASON_TABLE[name]![c] ?? (cell(snapshot, c) === '—' ? '—' : '·')]));
    const actual = Object.fromEntries(COLUMNS.map((c) => [c, reasonCell(snapshot, c)]));
    expect(actual).toEqual(expected);
  });

  it('uses only labels from REASONS, and every label but the initial one', () => {
    const labels = new Set(Object.values(REASON_TABLE).flatMap((row) => Object.values(row).map((r) => r.replace(/ \{.*$/, ''))));
    expect([...labels].filter((l) => !(l in REASONS))).toEqual([]);
    expect(Object.keys(REASONS).filter((l) => !labels.has(l))).toEqual(['created']);
    expect(SITUATIONS.idle!.context.reason).toBe('created');
  });

  it('records "gave up" with reason max-retries, the retries used and the close code when the budget runs out', () => {
    const [gaveUp] = transition(machine, step(SITUATIONS['backoff (retry 2 of 2)']!, 'after backoffDelay'), EVENTS['SOCKET.CLOSED 1006']!);
    expect(gaveUp.context.reason).toBe('gave up {reason: "max-retries", retries: 2, closeCode: 1006}');
    expect(gaveUp.context.gaveUpReason).toBe('max-retries');
  });

  it('records the close request of a close(code, reason) in its reason', () => {
    const [next] = transition(machine, SITUATIONS['open.listening']!, { type: 'DISCONNECT', code: 4000, reason: 'bye' });
    expect(next.context.reason).toBe('close requested {code: 4000, reason: "bye"}');
    expect(next.context.closeRequest).toEqual({ code: 4000, reason: 'bye' });
  });

  it('plans a DISCONNECT without code or reason (an embedding app may send one) as 1000 with an empty reason', () => {
    const [next] = transition(machine, SITUATIONS['open.listening']!, { type: 'DISCONNECT' });
    expect(next.context.closeRequest).toEqual({ code: 1000, reason: '' });
    expect(next.context.reason).toBe('close requested {code: 1000, reason: ""}');
  });
});
