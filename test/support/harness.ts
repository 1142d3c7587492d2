import { SimulatedClock } from 'xstate';
import { EVENT_NAMES } from '../../src/create-connection.js';
import { createConnection, type Connection, type ConnectionEventMap, type ConnectionOptions } from '../../src/index.js';
import { createFakeWebSocketServer, type FakeWebSocketServer, type FakeWebSocketServerOptions } from './fake-websocket.js';
import { advance, armedTimers } from './virtual-time.js';

export interface Harness {
  conn: Connection;
  server: FakeWebSocketServer;
  clock: SimulatedClock;
  /** Every event the handle fired, in order: [name, payload]. */
  events: Array<[keyof ConnectionEventMap, unknown]>;
  statuses(): string[];
  payloads<K extends keyof ConnectionEventMap>(name: K): Array<ConnectionEventMap[K]>;
  advance(ms: number): void;
  armedTimers(): number[];
}

/**
 * A connection on a fake WebSocket and virtual time, with every event recorded from the start.
 * `seed` is 0 unless given, so the retry delays are the same in every run.
 */
export function connectWithFake(
  options: Partial<ConnectionOptions> = {},
  fakeOptions: FakeWebSocketServerOptions = {},
): Harness {
  const server = createFakeWebSocketServer(fakeOptions);
  const clock = new SimulatedClock();
  const conn = createConnection({
    url: 'ws://test.invalid/socket',
    WebSocket: server.WebSocket,
    clock,
    seed: 0,
    ...options,
    autoConnect: false,
  });
  const events: Harness['events'] = [];
  for (const name of EVENT_NAMES) {
    conn.on(name, (payload) => events.push([name, payload]));
  }
  if (options.autoConnect !== false) conn.connect();
  return {
    conn,
    server,
    clock,
    events,
    statuses: () => events.filter(([name]) => name === 'status').map(([, status]) => status as string),
    payloads: <K extends keyof ConnectionEventMap>(name: K) =>
      events.filter(([n]) => n === name).map(([, payload]) => payload as ConnectionEventMap[K]),
    advance: (ms) => advance(clock, ms),
    armedTimers: () => armedTimers(clock),
  };
}
