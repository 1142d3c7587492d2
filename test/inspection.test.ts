/**
 * Inspection: the transitions of a connection reach an `inspect` observer (the hook the Stately
 * inspector plugs into) and each carries its reason, as plain data in the snapshot's `context.reason`.
 */
import type { InspectionEvent } from 'xstate';
import { describe, expect, it } from 'vitest';
import { connectWithFake } from './support/harness.js';

type Options = Parameters<typeof connectWithFake>[0];

/** Seed 58 draws 0.49995 first: the first retry waits 1250 ms, the middle of the default window (as in the README). */
const MID_WINDOW_SEED = 58;

/** A connection on the fake WebSocket whose inspection events are collected by a plain function. */
function connectInspected(options: Options = {}) {
  const inspected: InspectionEvent[] = [];
  const h = connectWithFake({ seed: MID_WINDOW_SEED, ...options, inspect: (event) => inspected.push(event) });
  const ofConnection = () => inspected.filter((e) => e.actorRef === h.conn.actor);
  const reasonOf = (e: { snapshot: unknown }) => (e.snapshot as { context: { reason: string } }).context.reason;
  return {
    h,
    ofConnection,
    /** The reason in every snapshot the connection's actor reported, in order. */
    snapshotReasons: () => ofConnection().flatMap((e) => (e.type === '@xstate.snapshot' ? [reasonOf(e)] : [])),
    /** [event type, reason] of every microstep (one per transition taken). */
    microsteps: () => ofConnection().flatMap((e) => (e.type === '@xstate.microstep' ? [[e.event.type, reasonOf(e)]] : [])),
  };
}

describe('inspection', () => {
  it('reports every transition of a reconnect cycle (connecting → open → backoff → connecting → open) with its reason', () => {
    const { h, ofConnection, snapshotReasons, microsteps } = connectInspected();
    h.server.latest().accept();
    h.server.latest().serverClose(1012, 'service restart');
    h.advance(1250);
    h.server.latest().accept();

    expect(h.statuses()).toEqual(['connecting', 'open', 'backoff', 'connecting', 'open']);
    // Every attempt passes the `starting` gate (the network is not offline): a microstep of its own.
    expect(microsteps()).toEqual([
      ['CONNECT', 'connect requested'],
      ['CONNECT', 'connect requested'],
      ['SOCKET.OPENED', 'socket opened {protocol: ""}'],
      ['SOCKET.CLOSED', 'retry scheduled {attempt: 1, delayMs: 1250, closeCode: 1012}'],
      ['xstate.after.backoffDelay.connection.backoff.waiting', 'backoff elapsed {attempt: 1, delayMs: 1250}'],
      ['SOCKET.OPENED', 'socket opened {protocol: ""}'],
    ]);
    // Snapshots are per macrostep: the gate's microstep shows in none.
    expect(snapshotReasons()).toEqual(['created', ...microsteps().slice(1).map(([, reason]) => reason)]);

    const received = ofConnection().flatMap((e) => (e.type === '@xstate.event' ? [e.event.type] : []));
    expect(received).toEqual([
      'xstate.init',
      'CONNECT',
      'SOCKET.OPENED',
      'SOCKET.CLOSED',
      'xstate.after.backoffDelay.connection.backoff.waiting',
      'SOCKET.OPENED',
    ]);
  });

  it('says why it gave up: the terminal close code, or max-retries', () => {
    const rejected = connectInspected();
    rejected.h.server.latest().serverClose(1008, 'token revoked');
    expect(rejected.h.conn.actor.getSnapshot().context.reason).toBe('gave up {reason: "close-code 1008", retries: 0, closeCode: 1008}');

    const refused = connectInspected({ maxRetries: 1 });
    refused.h.server.latest().drop();
    refused.h.advance(2500);
    refused.h.server.latest().drop();
    expect(refused.h.conn.status).toBe('gaveUp');
    expect(refused.snapshotReasons().slice(-1)).toEqual(['gave up {reason: "max-retries", retries: 1, closeCode: 1006}']);
  });

  it('names connect timeouts, heartbeat timeouts and close requests', () => {
    const slow = connectInspected({ connectTimeoutMs: 500 });
    slow.h.advance(500);
    slow.h.server.latest().completeClose();
    expect(slow.microsteps().map(([, reason]) => reason)).toEqual([
      'connect requested',
      'connect requested',
      'connect timeout {timeoutMs: 500}',
      'socket error {message: "connection failed"}',
      'retry scheduled {attempt: 1, delayMs: 1250, closeCode: 1006}',
    ]);

    const silent = connectInspected({ heartbeat: { intervalMs: 1000, timeoutMs: 500 } });
    silent.h.server.latest().accept();
    silent.h.advance(1500);
    expect(silent.h.conn.actor.getSnapshot().context.reason).toBe('heartbeat timeout {timeoutMs: 500}');
    expect(silent.snapshotReasons()).toContain('ping sent {silentMs: 1000}');

    const closed = connectInspected();
    closed.h.server.latest().accept();
    closed.h.conn.close(4000, 'bye');
    closed.h.server.latest().completeClose();
    expect(closed.microsteps().slice(-2)).toEqual([
      ['DISCONNECT', 'close requested {code: 4000, reason: "bye"}'],
      ['SOCKET.CLOSED', 'socket closed {code: 4000, reason: "bye"}'],
    ]);
  });
});
