/**
 * Exhaustive exploration with xstate/graph: every reachable (state, context) of the statechart
 * for small budgets, with and without heartbeat, every event the active states own (delayed
 * `xstate.after.*` events included), and the invariants the catalogue (test/support/invariants.ts) lists
 * for this file checked on every state and every edge.
 */
import { describe, expect, it } from 'vitest';
import { CONNECTION_STATUSES, getStatus } from '../src/index.js';
import { checkStatechart, explore, explorationSettings, type Exploration } from './support/graph-exploration.js';
import { titledProofs, type InvariantId } from './support/invariants.js';
import { shippedMachine } from './support/model/system.js';

/** What the exploration checks of each invariant the catalogue says it proves, on every state and edge. */
const GRAPH_CLAIMS: Partial<Record<InvariantId, string>> = {
  1: 'the socket actor runs exactly in connecting/open/closing, one at a time; a new one only after CLOSED or closeTimeoutMs',
  2: 'retries ≤ maxRetries, at most maxRetries + 1 sockets and the sum of capped delays between user actions; connect()/reconnect() start with no retries used; gaveUp is left only by a user action',
  3: 'every planned delay is an integer within its attempt’s bounds',
  4: 'after close() only closing/manuallyClosed, no socket, until connect()/reconnect()',
  5: 'no socket actor and no delayed transition armed in idle, gaveUp, manuallyClosed',
  6: 'pings only on open → open edges; waits never exceed intervalMs and timeoutMs',
  16: "with a handshake, every edge into open is the server's ready",
  17: 'after a rejected handshake only closing, gaveUp (handshake-rejected) or manuallyClosed, no socket, until connect()/reconnect()',
  18: 'no state is connecting or open while offline; no edge between offline states creates a socket, spends a retry or fires retry; no backoff timer while offline',
  19: 'every online edge out of an offline backoff starts one attempt with the retries it had (paused instead for a hidden page with pauseWhenHidden)',
  21: 'pagehide closes the socket; no timer or socket while cached; pageshow starts one attempt with a fresh budget; visible after an interval hidden or a clock jump pings an open heartbeat at once',
};

const explorations = new Map<string, Exploration>();
function exploration(maxRetries: number, heartbeat: boolean, handshake: boolean, pauseWhenHidden: boolean): Exploration {
  const key = `${maxRetries}/${heartbeat}/${handshake}/${pauseWhenHidden}`;
  if (!explorations.has(key)) explorations.set(key, explore(shippedMachine, explorationSettings({ maxRetries, heartbeat, handshake, pauseWhenHidden })));
  return explorations.get(key)!;
}

describe.each([
  { maxRetries: 2, heartbeat: false, handshake: false, pauseWhenHidden: false },
  { maxRetries: 2, heartbeat: true, handshake: false, pauseWhenHidden: true },
  { maxRetries: 1, heartbeat: true, handshake: false, pauseWhenHidden: false },
  { maxRetries: 2, heartbeat: false, handshake: true, pauseWhenHidden: true },
  { maxRetries: 2, heartbeat: true, handshake: true, pauseWhenHidden: false },
])('connectionMachine explored exhaustively (maxRetries $maxRetries, heartbeat $heartbeat, handshake $handshake, pauseWhenHidden $pauseWhenHidden)', ({ maxRetries, heartbeat, handshake, pauseWhenHidden }) => {
  it('reaches every public status, every retry count up to maxRetries, and follows delayed transitions', () => {
    const exp = exploration(maxRetries, heartbeat, handshake, pauseWhenHidden);
    const statuses = new Set([...exp.states.values()].map((s) => getStatus(s)));
    expect([...statuses].sort()).toEqual([...CONNECTION_STATUSES].sort());
    const retries = new Set([...exp.states.values()].map((s) => s.context.retries));
    expect([...retries].sort()).toEqual(Array.from({ length: maxRetries + 1 }, (_, i) => i));
    const delayed = new Set(exp.edges.filter((e) => e.event.type.startsWith('xstate.after.')).map((e) => e.event.type.split('.')[2]));
    const expected = [
      'backoffDelay', 'closeTimeout', 'connectTimeout', 'stableUptime',
      ...(heartbeat ? ['heartbeatTimeout', 'heartbeatWait'] : []),
      ...(handshake ? ['handshakeTimeout'] : []),
    ];
    expect([...delayed].sort()).toEqual(expected.sort());
    // The handshake's states exist exactly when there is a handshake, and its rejection is reached.
    expect([...exp.states.values()].some((s) => s.matches({ session: 'handshaking' }))).toBe(handshake);
    expect(exp.edges.some((e) => e.next.context.gaveUpReason === 'handshake-rejected')).toBe(handshake);
    // Every wait of backoff is reached: for the delay, the network, the cached page, and (with pauseWhenHidden) a visible page.
    const waits = new Set([...exp.states.values()].flatMap((s) => (s.matches('backoff') ? [JSON.stringify(s.value)] : [])));
    expect([...waits].sort()).toEqual(['waiting', 'offline', 'cached', ...(pauseWhenHidden ? ['paused'] : [])].map((w) => JSON.stringify({ backoff: w })).sort());
    console.log(`explored ${exp.states.size} states, ${exp.edges.length} edges (maxRetries ${maxRetries}, heartbeat ${heartbeat}, handshake ${handshake})`);
  });

  it.each(titledProofs('test/connection.graph.test.ts', GRAPH_CLAIMS))('%s', (_title, invariant) => {
    const violations = checkStatechart(exploration(maxRetries, heartbeat, handshake, pauseWhenHidden)).filter((v) => v.invariant === invariant);
    expect(violations.map((v) => `${v.message} after ${v.path.join(' → ')}`)).toEqual([]);
  });
});
