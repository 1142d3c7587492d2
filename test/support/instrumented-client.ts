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
export type ClientOptions = Omit<ConnectionOptions, 'url' | 'WebSocket' | 'clock' | 'seed' | 'inspect' | 'shouldReconnect' | 'handshake' | 'codec'>;

export interface ClientSpec {
  /** ws://127.0.0.1:PORT/path of the fault server. */
  url: string;
  /** Resolve the URL with an async function that appends `token=t<n>`, n counting its calls. */
  tokenUrl?: boolean;
  options?: ClientOptions;
  /**
   * A handshake: hello 'hello', the server's 'ready', 'denied' and 'denied:<reason>' are the verdicts (see
   * `FaultServer.answerHello`), within `timeoutMs`.
   */
  handshake?: { timeoutMs: number };
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
  /** Per socket: listeners added with addEventListener and not removed. */
  listeners: number[];
  /** Per socket: `listenerCount` over open/message/error/close where the class has it (`ws`), else null. */
  emitterListeners: Array<number | null>;
  /** Per socket: its readyState now. */
  readyStates: number[];
}

export interface CycleReport {
  cycles: number;
  /** Largest number of armed timers seen whenever the connection was at rest (manuallyClosed). */
  maxArmedAtRest: number;
}

export interface InstrumentedClient {
  readonly conn: Connection;
  state(): ClientState;
  /** Runs `count` connect/close/kill cycles (the server kills a socket that sends 'kill'); bounded by `deadlineMs`. */
  runCycles(count: number, deadlineMs: number): Promise<CycleReport>;
  connect(): void;
  close(code?: number, reason?: string): void;
  reconnect(): void;
  send(text: string): boolean;
  /** Stops the connection (`runCycles` stops the ones it makes itself). */
  stop(): void;
}

/** The methods a test process calls on a client wherever it runs (see fault-scenarios.ts). */
export const CLIENT_METHODS = ['state', 'runCycles', 'connect', 'close', 'reconnect', 'send', 'stop'] as const;

type Ctor = new (url: string, protocols?: string | string[]) => object;

const SOCKET_EVENTS = ['open', 'message', 'error', 'close'];

export function createInstrumentedClient(
  createConnection: typeof CreateConnection,
  BaseWebSocket: Ctor,
  spec: ClientSpec,
): InstrumentedClient {
  const t0 = performance.now();
  const armed = new Set<unknown>();
  const clock = {
    setTimeout(fn: (...args: unknown[]) => void, ms: number): unknown {
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

  const Base = BaseWebSocket as unknown as new (url: string, protocols?: string | string[]) => EventTarget;
  class InstrumentedWebSocket extends Base {
    /** Listeners added and not removed, per event type (an EventTarget adds a listener once). */
    readonly tracked = new Map<string, Set<unknown>>();
    constructor(url: string, protocols?: string | string[]) {
      if (protocols === undefined) super(url);
      else super(url, protocols);
      sockets.push(this);
    }
    override addEventListener(type: string, listener: unknown, options?: unknown) {
      this.tracked.set(type, (this.tracked.get(type) ?? new Set()).add(listener));
      (super.addEventListener as (...args: unknown[]) => void)(type, listener, options);
    }
    override removeEventListener(type: string, listener: unknown, options?: unknown) {
      this.tracked.get(type)?.delete(listener);
      (super.removeEventListener as (...args: unknown[]) => void)(type, listener, options);
    }
  }
  const sockets: InstrumentedWebSocket[] = [];

  let urlCalls = 0;
  const url = spec.tokenUrl
    ? () => {
        urlCalls++;
        const n = urlCalls;
        return Promise.resolve().then(() => `${spec.url}${spec.url.includes('?') ? '&' : '?'}token=t${n}`);
      }
    : spec.url;

  const events: LoggedEvent[] = [];

  function make(options: ClientOptions, log: boolean): Connection {
    const handshake = spec.handshake && {
      hello: () => 'hello',
      reply: (data: unknown) =>
        data === 'ready'
          ? ('ready' as const)
          : data === 'denied'
            ? ('rejected' as const)
            : typeof data === 'string' && data.startsWith('denied:')
              ? { verdict: 'rejected' as const, reason: data.slice('denied:'.length) }
              : undefined,
      timeoutMs: spec.handshake.timeoutMs,
    };
    const conn = createConnection({ ...options, ...(handshake ? { handshake } : {}), url, WebSocket: InstrumentedWebSocket as never, clock });
    if (!log) return conn;
    for (const name of ['status', 'open', 'message', 'close', 'error', 'retry', 'gaveUp', 'dropped'] as const) {
      conn.on(name, (payload: unknown) => {
        events.push({ t: performance.now() - t0, name, payload: plain(name, payload) });
      });
    }
    return conn;
  }

  const conn = make(spec.options ?? {}, true);

  function state(): ClientState {
    const payloads = (name: string) => events.filter((e) => e.name === name).map((e) => e.payload as string);
    return {
      status: conn.status,
      statuses: payloads('status'),
      events: events.map((e) => ({ ...e })),
      received: payloads('message'),
      created: sockets.length,
      urlCalls,
      armedTimers: armed.size,
      listeners: sockets.map((s) => [...s.tracked.values()].reduce((n, set) => n + set.size, 0)),
      emitterListeners: sockets.map((socket) => {
        const emitter = socket as unknown as { listenerCount?: (type: string) => number };
        if (typeof emitter.listenerCount !== 'function') return null;
        return SOCKET_EVENTS.reduce((n, type) => n + emitter.listenerCount!(type), 0);
      }),
      readyStates: sockets.map((socket) => (socket as unknown as { readyState: number }).readyState),
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
    let maxArmedAtRest = 0;
    const step = 2000;
    let i = 0;
    for (; i < count; i++) {
      if (performance.now() - started > deadlineMs) throw new Error(`runCycles: ${i} of ${count} cycles in ${deadlineMs} ms`);
      // Open→close, kill→reconnect→close, close while connecting, reconnect(), a new connection→stop().
      switch (i % 5) {
        case 0:
          conn.connect();
          await until(conn, 'open', step);
          conn.close();
          break;
        case 1:
          conn.connect();
          await until(conn, 'open', step);
          conn.send('kill');
          await until(conn, 'backoff', step);
          await until(conn, 'open', step);
          conn.close();
          break;
        case 2:
          conn.connect();
          conn.close();
          break;
        case 3:
          conn.connect();
          await until(conn, 'open', step);
          conn.reconnect();
          await until(conn, 'connecting', step);
          await until(conn, 'open', step);
          conn.close();
          break;
        case 4: {
          const other = make({ ...spec.options, autoConnect: true }, false);
          await until(other, 'open', step);
          other.stop();
          // stop() may keep one timer until the socket it closed politely is CLOSED (at most closeTimeoutMs).
          const stopped = sockets.at(-1) as unknown as { readyState: number };
          for (let t = 0; t < step && stopped.readyState !== 3; t += 5) await new Promise((r) => setTimeout(r, 5));
          break;
        }
      }
      await until(conn, 'manuallyClosed', step);
      maxArmedAtRest = Math.max(maxArmedAtRest, armed.size);
    }
    return { cycles: i, maxArmedAtRest };
  }

  return {
    conn,
    state,
    runCycles,
    connect: () => conn.connect(),
    close: (code, reason) => conn.close(code, reason),
    reconnect: () => conn.reconnect(),
    send: (text) => conn.send(text),
    stop: () => conn.stop(),
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
