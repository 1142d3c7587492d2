/**
 * Model-based proofs: random sequences of user, server, network and clock commands against the
 * fake WebSocket (which enforces the readyState rules) and a SimulatedClock. Each test checks
 * one invariant of the catalogue (test/support/invariants.ts) after every command and at every instant a timer fires, over
 * `NUM_RUNS` sequences (1,000; `npm run test:soak` sets FC_NUM_RUNS=100000).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { connectWithFake } from './support/harness.js';
import { invariantTitle, titledProofs, type InvariantId } from './support/invariants.js';
import { modelProperty, NUM_RUNS } from './support/model/run.js';
import { createSystem, shippedMachine, type SystemConfig } from './support/model/system.js';
import { advance } from './support/virtual-time.js';

const params = { numRuns: NUM_RUNS };

/** What the model checks of each invariant the catalogue lists for this file, after every command and timer. */
const MODEL_CLAIMS: Partial<Record<InvariantId, string>> = {
  1: 'never two CONNECTING/OPEN, a new one only after the old is CLOSED or abandoned',
  2: 'at most maxRetries + 1 sockets and the sum of capped delays between user actions, and no max-retries give-up before a fresh budget is spent',
  3: 'every retry waits a finite integer delay within its attempt’s bounds',
  4: 'after close() no socket and no timer until connect()',
  5: 'no socket, listener or timer in idle, gaveUp, manuallyClosed or after stop()',
  6: 'pings only while open, a silent connection is closed within intervalMs + timeoutMs and never before',
  8: 'events from a disposed socket change nothing',
  12: 'with shouldReconnect given, every attempt no user action started follows a close it was asked about and did not refuse',
  13: 'every retry waits what the next draw of the generator seeded by `seed` gives, the model running the same generator',
  14: 'closeTimeoutMs after stop(), no socket is CONNECTING, OPEN or CLOSING where terminate() exists, and no timer is left',
  15: 'whatever url and shouldReconnect do, the actor stays active',
  16: "with a handshake, status open and the open event only after the server said ready on the current socket",
  17: 'after a rejected handshake no socket until connect()/reconnect(), only closing, gaveUp (handshake-rejected) or manuallyClosed',
  18: 'from the environment saying offline until online: no socket, no retry event, never connecting or open; an OPEN socket is closed at once',
  19: 'online while waiting for the network: exactly one attempt at once, the retries used unchanged',
  21: 'pagehide closes the socket and none is created until pageshow, which starts one attempt with a fresh budget; visible after the heartbeat interval, or a clock jump, pings an open connection at once',
};

/** Invariants checked under fixed settings, once per setting; the others with every setting drawn. */
const FIXED: Partial<Record<InvariantId, ReadonlyArray<{ readonly label: string; readonly fixed: Partial<SystemConfig> }>>> = {
  1: [
    { label: ' (ws-like, with terminate())', fixed: { terminate: true } },
    { label: ' (browser-like, no terminate())', fixed: { terminate: false } },
  ],
  14: [{ label: '', fixed: { terminate: true } }],
};

describe('invariants of connectionMachine on a fake WebSocket and virtual time (model-based)', () => {
  for (const [title, id] of titledProofs('test/connection.model.test.ts', MODEL_CLAIMS)) {
    for (const { label, fixed } of FIXED[id] ?? [{ label: '', fixed: {} }]) {
      it(`${title}${label}`, () => {
        fc.assert(modelProperty([id], shippedMachine, fixed), params);
      });
    }
  }
});

describe(invariantTitle(6, 'a live connection is never dropped'), () => {
  it('with pongs within timeoutMs of every ping, the connection stays open for any amount of time', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 20, max: 500 }),
        fc.integer({ min: 1, max: 500 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 8 }),
        fc.array(fc.integer({ min: 0, max: 2_000 }), { minLength: 1, maxLength: 10 }),
        (intervalMs, timeoutMs, latencies, steps) => {
          const sys = createSystem(
            {
              maxRetries: 0,
              backoff: { initialDelayMs: 0, maxDelayMs: 0, factor: 1, jitter: 0 },
              connectTimeoutMs: 10,
              closeTimeoutMs: 10,
              stableUptimeMs: 0,
              heartbeat: { intervalMs, timeoutMs },
              terminate: false,
              seed: 0,
              maxQueuedMessages: 0,
            },
            shippedMachine,
          );
          let pings = 0;
          sys.onPing = (socket) => {
            const latency = latencies[pings++ % latencies.length]! % timeoutMs; // < timeoutMs: on time
            sys.clock.setTimeout(() => socket.readyState === 1 && socket.receive('pong'), latency);
          };
          sys.connect();
          sys.server.latest().accept();
          for (const ms of steps) advance(sys.clock, ms);
          expect(sys.status()).toBe('open');
          expect(sys.server.sockets).toHaveLength(1);
          expect(sys.server.latest().closeCall).toBeNull();
          sys.stop();
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe(invariantTitle(6, 'detection time when timeoutMs ≥ intervalMs'), () => {
  // Once a bug: the pong was only looked at when heartbeatTimeout fired, so with timeoutMs ≥
  // intervalMs a connection dying right after a pong was closed a whole ping/timeout round late.
  // The adapter now reports the first message after a ping at once (SOCKET.ALIVE).
  it('a connection that dies right after a pong is closed within intervalMs + timeoutMs of the pong', () => {
    const h = connectWithFake({ heartbeat: { intervalMs: 1_000, timeoutMs: 5_000 } });
    h.server.latest().accept();
    h.advance(1_000); // silence reaches intervalMs: ping
    expect(h.server.latest().sent).toEqual(['ping']);
    h.server.latest().receive('pong'); // answered at once, then the server dies silently
    h.advance(1_000 + 5_000);
    expect(h.conn.status).not.toBe('open');
  });
});

