/**
 * Model-based proofs through the real `createConnection` handle (send queue, direct send path,
 * listeners, autoConnect, same-tick calls): invariants 7, 9, 10 and 11 need the handle, and every
 * invariant of the catalogue (test/support/invariants.ts) is checked through it too. Also: delays far past
 * the cap and jitter spread, each delay the next draw from the handle's `seed`.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffCeilingMs, backoffDelayMs, backoffFloorMs } from '../src/backoff.js';
import { nextDraw } from '../src/jitter.js';
import { connectWithFake } from './support/harness.js';
import { INVARIANT_IDS, invariantTitle } from './support/invariants.js';
import { handleModelProperty, NUM_RUNS } from './support/model/run.js';

const params = { numRuns: NUM_RUNS };

describe('invariants of the createConnection handle (model-based, send queue included)', () => {
  it(invariantTitle(7, 'every message send accepted is handed to a socket once, in order, with the bytes it had at send(), or reported through dropped; a refused one is reported and never stalls the rest'), async () => {
    await fc.assert(handleModelProperty([7]), params);
  });

  it(invariantTitle(9, 'with autoConnect, a call before the first microtask is not undone by the deferred connect'), async () => {
    await fc.assert(handleModelProperty([9]), params);
  });

  it(invariantTitle(10, 'manuallyClosed, one last close (if a socket lived) and status event, then only dropped'), async () => {
    await fc.assert(handleModelProperty([10]), params);
  });

  it(invariantTitle(11, 'each status event reaches every active on() registration once, in order'), async () => {
    await fc.assert(handleModelProperty([11]), params);
  });

  it(invariantTitle(16, 'with a handshake, no message from the app is handed to a socket before the server said ready on it'), async () => {
    await fc.assert(handleModelProperty([16], undefined, { handshake: { timeoutMs: 1_000 } }), params);
  });

  it(invariantTitle(15, 'with a codec, a message parse throws on is reported as an error with its data and never delivered; the connection stays up'), async () => {
    await fc.assert(handleModelProperty([15], undefined, { codec: true }), params);
  });

  it(invariantTitle(18, 'through the handle and its environment: from offline until online no socket, no retry event, never connecting or open'), async () => {
    await fc.assert(handleModelProperty([18]), params);
  });

  it(invariantTitle(20, 'after stop() the environment listener was removed exactly once, and later signals change nothing'), async () => {
    await fc.assert(handleModelProperty([20, 5, 10]), params);
  });

  it(`every invariant of the catalogue (${INVARIANT_IDS[0]}–${INVARIANT_IDS.at(-1)}) holds through the handle as well`, async () => {
    await fc.assert(handleModelProperty([...INVARIANT_IDS]), { numRuns: Math.max(1, Math.floor(NUM_RUNS / 4)) });
  });

  // Once a bug: stop() cleared every listener, so a later send was reported by its return value only.
  it(invariantTitle(7, 'a send after stop() is reported through dropped (README: "a dropped event says so")'), () => {
    const h = connectWithFake();
    const dropped: unknown[] = [];
    h.conn.on('dropped', ({ data }) => dropped.push(data));
    h.conn.stop();
    expect(h.conn.send('late')).toBe(false);
    expect(dropped).toEqual(['late']);
  });
});

describe(invariantTitle(3, 'far past the cap, and jitter stays spread (through the handle)'), () => {
  it('every delay of 300 retries with maxRetries: Infinity is the next draw from the seed, an integer in bounds, and spans the jitter window at the cap', () => {
    fc.assert(
      fc.property(
        fc.record({
          initialDelayMs: fc.integer({ min: 0, max: 1_000 }),
          extra: fc.integer({ min: 0, max: 30_000 }),
          // A factor so close to 1 that the cap is not reached by retry 270 would leave no window to measure.
          factor: fc.oneof(fc.constant(1), fc.double({ min: 1.05, max: 3, noNaN: true })),
          jitter: fc.double({ min: 0, max: 1, noNaN: true }),
          seed: fc.integer({ min: 0, max: 0xffff_ffff }),
        }),
        ({ initialDelayMs, extra, factor, jitter, seed }) => {
          const backoff = { initialDelayMs, maxDelayMs: initialDelayMs + extra, factor, jitter };
          const h = connectWithFake({ maxRetries: Infinity, backoff, seed });
          for (let n = 0; n < 300; n++) {
            h.server.latest().drop();
            h.advance(h.payloads('retry').at(-1)!.delayMs);
          }
          expect(h.server.sockets).toHaveLength(301);
          const retries = h.payloads('retry');
          expect(retries).toHaveLength(300);
          let state = seed;
          for (const { attempt, delayMs } of retries) {
            const next = nextDraw(state);
            state = next.state;
            expect(delayMs).toBe(backoffDelayMs(attempt, backoff, next.draw));
            expect(Number.isSafeInteger(delayMs)).toBe(true);
            expect(delayMs).toBeGreaterThanOrEqual(backoffFloorMs(attempt, backoff));
            expect(delayMs).toBeLessThanOrEqual(backoffCeilingMs(attempt, backoff));
          }
          // At least 30 retries wait at the cap; 30 uniform draws span less than half the window with
          // probability below 10^-7 (the exact draws are checked above, their spread in test/jitter.test.ts).
          const cap = backoffCeilingMs(300, backoff);
          const atCap = retries.filter((r) => backoffCeilingMs(r.attempt, backoff) === cap).map((r) => r.delayMs);
          expect(atCap.length).toBeGreaterThanOrEqual(30);
          const spread = Math.max(...atCap) - Math.min(...atCap);
          const window = cap - backoffFloorMs(300, backoff);
          expect(spread).toBeLessThanOrEqual(window);
          expect(spread).toBeGreaterThanOrEqual(0.5 * window - 2);
          h.conn.stop();
        },
      ),
      { numRuns: 20 },
    );
  });
});
