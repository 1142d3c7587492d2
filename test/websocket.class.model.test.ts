/**
 * Properties of `ReconnectingWebSocket` over random sequences of app calls (send, close,
 * reconnect), server and network moves (accept, message, drop, close codes, refused upgrade,
 * close completed) and time, on the fake WebSocket and xstate's SimulatedClock, mixed freely.
 */
import fc from 'fast-check';
import { SimulatedClock } from 'xstate';
import { describe, expect, it } from 'vitest';
import { ReconnectingWebSocket } from '../src/websocket.js';
import { createFakeWebSocketServer } from './support/fake-websocket.js';
import { NUM_RUNS } from './support/model/run.js';
import { advance } from './support/virtual-time.js';

/** A quarter of the model suites' runs: each run drives the whole handle underneath (FC_NUM_RUNS scales it). */
const params = { numRuns: Math.max(1, Math.floor(NUM_RUNS / 4)) };

type Command =
  | { k: 'send'; text: string }
  | { k: 'close' }
  | { k: 'reconnect' }
  | { k: 'accept' }
  | { k: 'receive'; text: string }
  | { k: 'drop' }
  | { k: 'serverClose'; code: number }
  | { k: 'reject' }
  | { k: 'completeClose' }
  | { k: 'advance'; ms: number }
  | { k: 'stop' };

const text = fc.constantFrom('a', 'héllo', '', 'ok!');
const command: fc.Arbitrary<Command> = fc.oneof(
  { arbitrary: fc.record({ k: fc.constant('send' as const), text }), weight: 4 },
  fc.constant({ k: 'close' as const }),
  fc.constant({ k: 'reconnect' as const }),
  { arbitrary: fc.constant({ k: 'accept' as const }), weight: 3 },
  fc.record({ k: fc.constant('receive' as const), text }),
  fc.constant({ k: 'drop' as const }),
  fc.record({ k: fc.constant('serverClose' as const), code: fc.constantFrom(1000, 1001, 1008, 4000) }),
  fc.constant({ k: 'reject' as const }),
  { arbitrary: fc.constant({ k: 'completeClose' as const }), weight: 2 },
  { arbitrary: fc.record({ k: fc.constant('advance' as const), ms: fc.constantFrom(0, 50, 400, 3_000, 20_000) }), weight: 3 },
  // Ends the run: the queue is dropped (reported), so bufferedAmount must fall to the socket's own.
  fc.constant({ k: 'stop' as const }),
);

const bytes = (s: string) => new TextEncoder().encode(s).length;

/** A run of `commands`; calls `check` after each with what the property needs. */
function run(commands: Command[], check: (state: RunState) => void): void {
  const server = createFakeWebSocketServer();
  const clock = new SimulatedClock();
  const ws = new ReconnectingWebSocket('ws://test.invalid/x', undefined, {
    WebSocket: server.WebSocket as never,
    clock,
    seed: 0,
    startClosed: true,
    minReconnectionDelay: 100,
    maxReconnectionDelay: 1_000,
    maxRetries: 3,
    maxEnqueuedMessages: 3,
    connectionTimeout: 2_000,
    closeTimeoutMs: 1_000,
  });
  const state: RunState = { ws, closedByApp: false, events: [], handleEvents: [], accepted: 0, droppedLater: 0, onWire: () => 0, sendResults: [] };
  let sending = false;
  // A message dropped after send() accepted it (the queue dropped by stop()) is no longer waiting.
  ws.addEventListener('dropped', (event) => {
    if (!sending) state.droppedLater += bytes(String((event as Event & { data: unknown }).data));
  });
  state.onWire = () => server.sockets.reduce((sum, socket) => sum + socket.sent.reduce((n: number, data) => n + bytes(String(data)), 0), 0);
  for (const type of ['open', 'message', 'close', 'error', 'dropped'] as const) {
    ws.addEventListener(type, (event) => state.events.push(type === 'message' ? `message ${(event as MessageEvent).data}` : type));
  }
  for (const type of ['open', 'close', 'message'] as const) ws.connection.on(type, (payload) => state.handleEvents.push(type === 'message' ? `message ${payload}` : type));
  ws.reconnect();
  check(state);
  for (const c of commands) {
    const socket = server.sockets.at(-1);
    switch (c.k) {
      case 'send': {
        const before = state.events.length;
        sending = true;
        const sent = ws.send(c.text);
        sending = false;
        const during = state.events.slice(before);
        state.sendResults.push({ sent, dropped: during.filter((e) => e === 'dropped').length });
        if (sent) state.accepted += bytes(c.text);
        break;
      }
      case 'close':
        ws.close();
        state.closedByApp = true;
        break;
      case 'reconnect':
        ws.reconnect();
        state.closedByApp = false;
        break;
      case 'accept':
        if (socket?.readyState === 0) socket.accept();
        break;
      case 'receive':
        if (socket?.readyState === 1) socket.receive(c.text);
        break;
      case 'drop':
        if (socket && socket.readyState !== 3) socket.drop();
        break;
      case 'serverClose':
        if (socket && socket.readyState !== 3) socket.serverClose(c.code);
        break;
      case 'reject':
        if (socket?.readyState === 0) socket.rejectUpgrade(503);
        break;
      case 'completeClose':
        if (socket?.readyState === 2) socket.completeClose();
        break;
      case 'advance':
        advance(clock, c.ms);
        break;
      case 'stop':
        ws.connection.stop();
        break;
    }
    check(state);
    if (c.k === 'stop') return;
  }
  ws.connection.stop();
}

interface RunState {
  ws: ReconnectingWebSocket;
  /** Whether the app's last close()/reconnect() was close(). */
  closedByApp: boolean;
  /** The events the class dispatched, in order (`message <data>` for messages). */
  events: string[];
  /** The handle's open, close and message events, in order. */
  handleEvents: string[];
  /** UTF-8 bytes of every message `send` accepted. */
  accepted: number;
  /** UTF-8 bytes of accepted messages reported dropped later (stop() drops the queue). */
  droppedLater: number;
  onWire: () => number;
  sendResults: Array<{ sent: boolean; dropped: number }>;
}

const READY_STATE: Record<string, number[]> = {
  idle: [3],
  connecting: [0],
  backoff: [0],
  open: [1],
  closing: [0, 2],
  gaveUp: [3],
  manuallyClosed: [3],
};

describe('ReconnectingWebSocket (model-based)', () => {
  it('readyState follows the status: OPEN exactly when open, CLOSED exactly when nothing reconnects by itself, CLOSING only for a close that ends it', () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 40 }), (commands) => {
        run(commands, ({ ws, closedByApp }) => {
          const status = ws.status;
          expect(READY_STATE[status], `readyState ${ws.readyState} in ${status}`).toContain(ws.readyState);
          // The app's last word decides: after close() (and no reconnect() since) the close ends it.
          if (status === 'closing') expect(ws.readyState).toBe(closedByApp ? 2 : 0);
        });
      }),
      params,
    );
  });

  it('dispatches open, message and close exactly as the connection reports them, never two opens without a close between', () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 40 }), (commands) => {
        run(commands, ({ events, handleEvents }) => {
          const shown = events.filter((e) => e === 'open' || e === 'close' || e.startsWith('message '));
          expect(shown).toEqual(handleEvents);
          const opensAndCloses = shown.filter((e) => e === 'open' || e === 'close').join(' ');
          expect(opensAndCloses).not.toMatch(/open open/);
        });
      }),
      params,
    );
  });

  it('send returns false exactly when it dispatches one dropped event, and bufferedAmount is the bytes accepted, not dropped since and not yet on the wire', () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 40 }), (commands) => {
        run(commands, ({ ws, accepted, droppedLater, onWire, sendResults }) => {
          for (const { sent, dropped } of sendResults) expect(dropped).toBe(sent ? 0 : 1);
          expect(ws.bufferedAmount).toBe(accepted - droppedLater - onWire());
          if (ws.readyState === ws.OPEN) expect(ws.bufferedAmount).toBe(0);
        });
      }),
      params,
    );
  });
});

