/**
 * Invariant 13, the chart is closed: `transition(connectionMachine, snapshot, event)` reads only
 * its arguments (randomness is data: the input's `seed`, the generator state in context). A
 * generated event sequence run twice through the pure `initialTransition`/`transition` gives the
 * same snapshots step by step; a run recorded from a live connection replays exactly, also from a
 * persisted snapshot; and a broken variant that draws from `Math.random` is caught.
 */
import fc from 'fast-check';
import { createActor, fromCallback, initialTransition, transition, type InspectionEvent } from 'xstate';
import { describe, expect, it } from 'vitest';
import { connectionMachine, resolveOptions, type ConnectionEvent, type ConnectionSettings } from '../src/index.js';
import { OPEN_CHART_BROKEN_MACHINES, readsMathRandom } from './support/broken-machines.js';
import { activeNodes } from './support/graph-exploration.js';
import { connectWithFake } from './support/harness.js';
import { titledProofs, type InvariantId } from './support/invariants.js';
import { shippedMachine, systemConfigArbitrary, type ConnectionMachine, type MachineUnderTest, type SystemConfig } from './support/model/system.js';

type Snapshot = ReturnType<ConnectionMachine['getInitialSnapshot']>;
/** What a step of the chart is: where it is and what it holds. */
type Step = { value: unknown; context: unknown };

const pure = (m: MachineUnderTest): ConnectionMachine => m.machine.provide({ actors: { socket: fromCallback(() => {}) } });
const stepOf = (snapshot: Snapshot): Step => ({ value: snapshot.value, context: snapshot.context });

function settingsOf(config: SystemConfig): ConnectionSettings {
  const { maxRetries, backoff, connectTimeoutMs, closeTimeoutMs, stableUptimeMs, heartbeat, seed } = config;
  const options = { url: 'ws://closed.invalid/', WebSocket: class {} as never, maxRetries, backoff, connectTimeoutMs, closeTimeoutMs, stableUptimeMs, seed };
  // With the drawn handshake, so the replay also runs through session.handshaking.
  return { ...resolveOptions({ ...options, heartbeat: heartbeat ?? false }).settings, handshake: config.handshake ?? null };
}

/** Payloads per event type: retryable, clean and terminal closes, both kinds of silence report. */
function variants(type: string): ConnectionEvent[] {
  switch (type) {
    case 'SOCKET.CLOSED':
      return [1006, 1000, 1008, 4000].map((code) => ({ type, code, reason: '', wasClean: code !== 1006 }));
    case 'SOCKET.SILENCE':
      return [{ type, silentMs: 0 }, { type, silentMs: 1e9 }];
    case 'SOCKET.OPENED':
      return [{ type, protocol: '' }];
    case 'SOCKET.ERROR':
      return [{ type, message: 'error' }];
    case 'SOCKET.MESSAGE':
      return [{ type, data: 'hello' }];
    case 'DISCONNECT':
      return [{ type, code: 1000, reason: '' }];
    case 'SOCKET.HANDSHAKE':
      return [{ type, verdict: 'ready' }, { type, verdict: 'rejected', reason: 'denied' }];
    case 'SOCKET.HELLO_FAILED':
      return [{ type, message: 'hello failed' }];
    default:
      return [{ type } as ConnectionEvent]; // commands, SOCKET.ALIVE and every xstate.after.* event
  }
}

/** Runs `choices` from `settings`: each picks one of the events the active states own. Returns the events and every step. */
function record(machine: ConnectionMachine, settings: ConnectionSettings, choices: readonly number[]): { events: ConnectionEvent[]; steps: Step[] } {
  let [snapshot] = initialTransition(machine, settings);
  const events: ConnectionEvent[] = [];
  const steps = [stepOf(snapshot)];
  for (const choice of choices) {
    const owned = [...new Set(activeNodes(machine, snapshot).flatMap((node) => node.ownEvents))].flatMap(variants);
    const event = owned[choice % owned.length]!;
    [snapshot] = transition(machine, snapshot, event);
    events.push(event);
    steps.push(stepOf(snapshot));
  }
  return { events, steps };
}

/** Every step of `events` replayed from `settings` (or from `from`, a snapshot to continue). */
function replay(machine: ConnectionMachine, settings: ConnectionSettings, events: readonly ConnectionEvent[], from?: Snapshot): Step[] {
  let [snapshot] = from ? [from] : initialTransition(machine, settings);
  const steps = [stepOf(snapshot)];
  for (const event of events) {
    [snapshot] = transition(machine, snapshot, event);
    steps.push(stepOf(snapshot));
  }
  return steps;
}

/** The replay property: a generated sequence run twice from the same input gives the same snapshots, step by step. */
function replaysExactly(m: MachineUnderTest) {
  const machine = pure(m);
  return fc.property(systemConfigArbitrary, fc.array(fc.nat(), { minLength: 1, maxLength: 60 }), (config, choices) => {
    const settings = settingsOf(config);
    const first = record(machine, settings, choices);
    const second = replay(machine, settings, first.events);
    second.forEach((step, i) => {
      expect(step, `step ${i} after ${first.events.slice(0, i).map((e) => e.type).join(' → ')}`).toEqual(first.steps[i]);
    });
  });
}

/** The events a live connection's actor received, and its snapshot after each, from its inspection stream. */
function recordLive(run: (inspect: (event: InspectionEvent) => void) => void): { events: ConnectionEvent[]; steps: Step[]; initial: Step } {
  const events: ConnectionEvent[] = [];
  const steps: Step[] = [];
  let initial: Step | null = null;
  run((inspection) => {
    if (inspection.actorRef.sessionId !== inspection.rootId) return;
    if (inspection.type === '@xstate.snapshot') {
      const step = stepOf(inspection.snapshot as Snapshot);
      if (inspection.event.type === 'xstate.init') initial = step;
      else if (inspection.event.type !== 'xstate.stop') {
        events.push(inspection.event as ConnectionEvent);
        steps.push(step);
      }
    }
  });
  return { events, steps, initial: initial! };
}

const CLAIMS: Partial<Record<InvariantId, string>> = {
  13: 'a generated sequence of events run twice through pure transition() from the same input gives the same snapshots, step by step',
};

describe('the chart is closed (pure transition())', () => {
  for (const [title] of titledProofs('test/connection.closed.test.ts', CLAIMS)) {
    it(title, () => {
      fc.assert(replaysExactly(shippedMachine), { numRuns: 300 });
    });
  }

  it('a run recorded from a live connection (real adapter, fake socket, virtual time) replays twice to the same snapshots as it had', () => {
    const live = recordLive((inspect) => {
      const h = connectWithFake({ inspect, maxRetries: 3, seed: 1234, backoff: { initialDelayMs: 100, maxDelayMs: 400, factor: 2, jitter: 1 } });
      h.server.latest().accept();
      h.server.latest().drop();
      for (let i = 0; i < 3; i++) {
        h.advance(h.payloads('retry').at(-1)!.delayMs);
        h.server.latest().drop();
      }
      h.conn.reconnect();
      h.server.latest().accept();
      h.server.latest().receive('hello');
      h.conn.close();
      h.server.latest().completeClose?.();
      h.conn.stop();
    });
    expect(live.events.filter((e) => e.type === 'SOCKET.CLOSED').length).toBeGreaterThanOrEqual(4);
    expect(live.events.some((e) => e.type.startsWith('xstate.after.backoffDelay'))).toBe(true);
    const settings = live.initial.context as { settings: ConnectionSettings };
    const machine = pure(shippedMachine);
    const first = replay(machine, settings.settings, live.events);
    const second = replay(machine, settings.settings, live.events);
    expect(second).toEqual(first);
    expect(first).toEqual([live.initial, ...live.steps]);
  });

  it('a persisted snapshot, restored, continues the same sequence of retry delays', () => {
    const settings = resolveOptions({ url: 'ws://closed.invalid/', WebSocket: class {} as never, maxRetries: 10, seed: 99 }).settings;
    const drop: ConnectionEvent = { type: 'SOCKET.CLOSED', code: 1006, reason: '', wasClean: false };
    const back: ConnectionEvent = { type: 'xstate.after.backoffDelay.connection.backoff.waiting' } as never;
    const events = [{ type: 'CONNECT' } as ConnectionEvent, ...Array.from({ length: 6 }, () => [drop, back]).flat()];
    const machine = pure(shippedMachine);
    const whole = replay(machine, settings, events);
    const delays = (steps: Step[]) => steps.map((s) => (s.context as { retryDelayMs: number }).retryDelayMs);

    const actor = createActor(machine, { input: settings }).start();
    for (const event of events.slice(0, 5)) actor.send(event);
    const persisted = JSON.parse(JSON.stringify(actor.getPersistedSnapshot()));
    actor.stop();
    const restored = machine.resolveState(persisted) as Snapshot;
    const rest = replay(machine, settings, events.slice(5), restored);
    expect(delays(rest)).toEqual(delays(whole.slice(5)));
    expect(new Set(delays(whole).filter((d) => d > 0)).size).toBeGreaterThan(1);
  });
});

describe.each(OPEN_CHART_BROKEN_MACHINES)('broken machine (open chart): $machine.name', ({ machine }) => {
  it(
    machine === readsMathRandom
      ? 'is caught by the replay property: two runs of the same events differ (shrunk counterexample printed)'
      : 'passes the replay property (it is deterministic; the model’s delay prediction catches it, test/broken-machines.test.ts)',
    () => {
      const result = fc.check(replaysExactly(machine), { numRuns: 300 });
      if (machine === readsMathRandom) {
        expect(result.failed, `${machine.name} passed ${result.numRuns} sequences`).toBe(true);
        const error = result.errorInstance instanceof Error ? result.errorInstance.message.split('\n')[0] : String(result.errorInstance);
        console.log(`[${machine.name}] after ${result.numRuns} run(s), shrunk ${result.numShrinks}×:\n  ${fc.stringify(result.counterexample)}\n  ${error}`);
        // Usually CONNECT → SOCKET.CLOSED (2–3 events); a shorter candidate whose two draws happen to give the
        // same delay (a narrow jitter window) passes by chance and stops the shrink early, so bound it loosely
        // (150 checks gave 2: 84, 3: 61, 4–6: 5; never more).
        expect(result.counterexample![1].length).toBeLessThanOrEqual(8);
      } else {
        expect(result.failed).toBe(false);
      }
    },
  );
});
