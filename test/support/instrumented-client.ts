/**
 * A connection with its effects counted, the same code in Node and in the browser: a clock that
 * counts armed timers, a WebSocket subclass that records every socket and its listeners, and a
 * log of every event. No runtime imports: the browser page loads this file transpiled, next to the
 * built package, so `createConnection` and the WebSocket constructor are parameters.
 *
 * Everything `state()` returns is plain data, so it crosses `page.evaluate` unchanged.
 */
import type { Connection, ConnectionOptions, createConnection as CreateConnection } from '../../src/index.js';

/** JSON-able connection options (no functions): what a scenario may set. */
export type ClientOptions = Omit<ConnectionOptions, 'url' | 'WebSocket' | 'clock' | 'seed' | 'inspect' | 'shouldReconnect'>;

export interface ClientSpec {
  /** ws://127.0.0.1:PORT/path of the fault server. */
  url: string;
  /** Resolve the URL with an async function that appends `token=t<n>`, n counting its calls. */
  tokenUrl?: boolean;
  options?: ClientOptions;
}

export interface LoggedEvent {
  /** ms on the client's own `performance.now()`. */
  t: number;
  name: string;
  payload: unknown;
}

export interface ClientState {
  status: string;
  /** Every status change, in order. */
  statuses: string[];
  events: LoggedEvent[];
  /** Text messages received, in order (binary ones as `<binary N>`). */
  received: string[];
  /** Sockets constructed. */
  created: number;
  /** Calls of the `url` function (tokenUrl only). */
  urlCalls: number;
  /** Timers the connection has armed on its clock and not yet fired or cleared. */
  armedTimers: number;
  /** Timers the connection ever armed. */
  timersArmed: number;
  /** Per socket: listeners added with addEventListener and not removed. */
  listeners: number[];
  /** Per socket: `listenerCount` over open/message/error/close where the class has it (`ws`), else null. */
  emitterListeners: Array<number | null>;
  /** Per socket: its readyState now. */
  readyStates: number[];
}

export interface CycleReport {
  cycles: number;
  /** Cycles per kind: open→close, kill→reconnect→close, close while connecting, reconnect(), new connection→stop(). */
  kinds: Record<string, number>;
  /** Largest number of armed timers seen whenever the connection was at rest (manuallyClosed). */
  maxArmedAtRest: number;
  elapsedMs: number;
}

export interface InstrumentedClient {
  readonly conn: Connection;
  state(): ClientState;
  /** Runs `count` connect/close/kill cycles (the server kills a socket that sends 'kill'); bounded by `deadlineMs`. */
  runCycles(count: number, deadlineMs: number): Promise<CycleReport>;
  /** Stops the connection (`runCycles` stops the ones it makes itself). */
  stop(): void;
}

type Ctor = new (url: string, protocols?: string | string[]) => object;

const SOCKET_EVENTS = ['open', 'message', 'error', 'close'];

export function createInstrumentedClient(
  createConnection: typeof CreateConnection,
  BaseWebSocket: Ctor,
  spec: ClientSpec,
): InstrumentedClient {
  const t0 = performance.now();
  const armed = new Set<unknown>();
  let timersArmed = 0;
  const clock = {
    setTimeout(fn: (...args: unknown[]) => void, ms: number): unknown {
      timersArmed++;
      const id = setTimeout(() => {
        armed.delete(id);
        fn();
      }, ms);
      armed.add(id);
      return id;
    },
    clearTimeout(id: unknown) {
      armed.delete(id);
      clearTimeout(id as ReturnType<typeof setTimeout>);
    },
    now: () => performance.now(),
  };

  const sockets: Array<{ socket: object; listeners: Set<unknown> }> = [];
  const Base = BaseWebSocket as unknown as new (url: string, protocols?: string | string[]) => EventTarget;
  class InstrumentedWebSocket extends Base {
    private readonly tracked = new Set<unknown>();
    constructor(url: string, protocols?: string | string[]) {
      if (protocols === undefined) super(url);
      else super(url, protocols);
      sockets.push({ socket: this, listeners: this.tracked });
    }
    override addEventListener(type: string, listener: unknown, options?: unknown) {
      this.tracked.add(`${type}\u0000` + listenerId(listener));
      (super.addEventListener as (...args: unknown[]) => void)(type, listener, options);
    }
    override removeEventListener(type: string, listener: unknown, options?: unknown) {
      this.tracked.delete(`${type}\u0000` + listenerId(listener));
      (super.removeEventListener as (...args: unknown[]) => void)(type, listener, options);
    }
  }

  const ids = new WeakMap<object, number>();
  let nextId = 0;
  function listenerId(listener: unknown): number {
    const key = listener as object;
    if (!ids.has(key)) ids.set(key, ++nextId);
    return ids.get(key)!;
  }

  let urlCalls = 0;
  const url = spec.tokenUrl
    ? () => {
        urlCalls++;
        const n = urlCalls;
        return Promise.resolve().then(() => `${spec.url}${spec.url.includes('?') ? '&' : '?'}token=t${n}`);
      }
    : spec.url;

  const events: LoggedEvent[] = [];
  const statuses: string[] = [];
  const received: string[] = [];

  function make(options: ClientOptions, log: boolean): Connection {
    const conn = createConnection({ ...options, url, WebSocket: InstrumentedWebSocket as never, clock });
    if (!log) return conn;
    for (const name of ['status', 'open', 'message', 'close', 'error', 'retry', 'gaveUp', 'dropped'] as const) {
      conn.on(name, (payload: unknown) => {
        events.push({ t: performance.now() - t0, name, payload: plain(name, payload) });
        if (name === 'status') statuses.push(payload as string);
        if (name === 'message') received.push(typeof payload === 'string' ? payload : `<binary ${byteLength(payload)}>`);
      });
    }
    return conn;
  }

  const conn = make(spec.options ?? {}, true);

  function state(): ClientState {
    return {
      status: conn.status,
      statuses: [...statuses],
      events: events.map((e) => ({ ...e })),
      received: [...received],
      created: sockets.length,
      urlCalls,
      armedTimers: armed.size,
      timersArmed,
      listeners: sockets.map((s) => s.listeners.size),
      emitterListeners: sockets.map(({ socket }) => {
        const emitter = socket as { listenerCount?: (type: string) => number };
        if (typeof emitter.listenerCount !== 'function') return null;
        return SOCKET_EVENTS.reduce((n, type) => n + emitter.listenerCount!(type), 0);
      }),
      readyStates: sockets.map(({ socket }) => (socket as { readyState: number }).readyState),
    };
  }

  /** Resolves when `target` reaches status `status` (or already is); rejects after `ms`. */
  function until(target: Connection, status: string, ms: number): Promise<void> {
    return new Promise((resolve, reject) => {
      if (target.status === status) return resolve();
      const off = target.on('status', (s) => {
        if (s !== status) return;
        off();
        clearTimeout(timer);
        resolve();
      });
      const timer = setTimeout(() => {
        off();
        reject(new Error(`status ${status} not reached within ${ms} ms (at ${target.status})`));
      }, ms);
    });
  }

  async function runCycles(count: number, deadlineMs: number): Promise<CycleReport> {
    const started = performance.now();
    const kinds: Record<string, number> = { close: 0, kill: 0, closeConnecting: 0, reconnect: 0, stop: 0 };
    let maxArmedAtRest = 0;
    const step = 2000;
    let i = 0;
    for (; i < count; i++) {
      if (performance.now() - started > deadlineMs) throw new Error(`runCycles: ${i} of ${count} cycles in ${deadlineMs} ms`);
      switch (i % 5) {
        case 0:
          kinds.close!++;
          conn.connect();
          await until(conn, 'open', step);
          conn.close();
          break;
        case 1:
          kinds.kill!++;
          conn.connect();
          await until(conn, 'open', step);
          conn.send('kill');
          await until(conn, 'backoff', step);
          await until(conn, 'open', step);
          conn.close();
          break;
        case 2:
          kinds.closeConnecting!++;
          conn.connect();
          conn.close();
          break;
        case 3:
          kinds.reconnect!++;
          conn.connect();
          await until(conn, 'open', step);
          conn.reconnect();
          await until(conn, 'connecting', step);
          await until(conn, 'open', step);
          conn.close();
          break;
        case 4: {
          kinds.stop!++;
          const other = make({ ...spec.options, autoConnect: true }, false);
          await until(other, 'open', step);
          other.stop();
          // stop() may keep one timer until the socket it closed politely is CLOSED (at most closeTimeoutMs).
          const stopped = sockets.at(-1)!.socket as { readyState: number };
          for (let t = 0; t < step && stopped.readyState !== 3; t += 5) await new Promise((r) => setTimeout(r, 5));
          break;
        }
      }
      await until(conn, 'manuallyClosed', step);
      maxArmedAtRest = Math.max(maxArmedAtRest, armed.size);
    }
    return { cycles: i, kinds, maxArmedAtRest, elapsedMs: performance.now() - started };
  }

  return {
    conn,
    state,
    runCycles,
    stop() {
      conn.stop();
    },
  };
}

/** Count of sockets per readyState, as `{ '2': n, '3': m }`. */
export function histogram(readyStates: number[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of readyStates) counts[r] = (counts[r] ?? 0) + 1;
  return counts;
}

function plain(name: string, payload: unknown): unknown {
  if (name === 'error') return { message: (payload as { message: string }).message };
  if (name === 'message') return typeof payload === 'string' ? payload : `<binary ${byteLength(payload)}>`;
  if (name === 'dropped') return { reason: (payload as { reason: string }).reason };
  return JSON.parse(JSON.stringify(payload ?? null));
}

function byteLength(data: unknown): number {
  return (data as { byteLength?: number; size?: number }).byteLength ?? (data as { size?: number }).size ?? -1;
}
