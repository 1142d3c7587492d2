/**
 * `xstate-websocket/websocket`: the usual WebSocket code (listeners before open, `onmessage`
 * reassigned, `readyState` checks, `close()` inside `onclose`) against a real `ws` server on
 * 127.0.0.1 (the fault server), plus the reconnect, the queue, drops and the option mapping.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULTS } from '../src/options.types.js';
import WebSocket from 'ws';
import { DroppedEvent, OPTION_ALIASES, ReconnectingWebSocket, WebSocketErrorEvent, type ReconnectingWebSocketOptions } from '../src/websocket.js';
import { startFaultServer, type FaultServer } from './support/fault-server.js';
import { sleep, waitFor } from './support/wait-for.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function server(): Promise<FaultServer> {
  const s = await startFaultServer();
  cleanups.push(() => s.close());
  return s;
}

/** A ReconnectingWebSocket on `ws`, stopped after the test; retries fast unless told otherwise. */
function open(url: ConstructorParameters<typeof ReconnectingWebSocket>[0], options: ReconnectingWebSocketOptions = {}, protocols?: string | string[]) {
  const socket = new ReconnectingWebSocket(url, protocols, { WebSocket: WebSocket as never, minReconnectionDelay: 20, maxReconnectionDelay: 40, seed: 1, ...options });
  cleanups.push(() => socket.connection.stop());
  return socket;
}

describe('ReconnectingWebSocket against a real ws server', () => {
  it('runs the usual WebSocket code: listeners added before open, readyState CONNECTING → OPEN, onmessage reassigned', async () => {
    const s = await server();
    const ws = open(s.url);
    expect(ws.readyState).toBe(ReconnectingWebSocket.CONNECTING);
    expect(ws.readyState).toBe(ws.CONNECTING);
    const seen: string[] = [];
    let readyStateInOpen = -1;
    ws.addEventListener('open', () => {
      readyStateInOpen = ws.readyState;
      seen.push('open listener');
    });
    ws.onopen = (event) => seen.push(`onopen ${event.type} ${event instanceof Event}`);
    const first: unknown[] = [];
    const second: unknown[] = [];
    ws.onmessage = (event) => first.push(event.data);
    await waitFor(() => ws.readyState === ws.OPEN, 3000, 'OPEN');
    expect(readyStateInOpen).toBe(ReconnectingWebSocket.OPEN);
    expect(seen).toEqual(['onopen open true', 'open listener']);
    ws.send('one');
    await waitFor(() => first.length === 1, 3000, 'first echo');
    ws.onmessage = (event) => second.push(event.data);
    ws.send('two');
    await waitFor(() => second.length === 1, 3000, 'second echo');
    expect(first).toEqual(['one']);
    expect(second).toEqual(['two']);
    expect(ws.url).toBe(`${s.url}/`);
    expect(ws.protocol).toBe('');
    expect(ws.extensions).toBe('');
  });

  it('delivers messages as MessageEvent and closes with a CloseEvent-shaped event: CLOSING then CLOSED, the code the server sees', async () => {
    const s = await server();
    const ws = open(s.url);
    const messages: MessageEvent[] = [];
    ws.addEventListener('message', (event) => messages.push(event));
    await waitFor(() => ws.readyState === ws.OPEN, 3000, 'OPEN');
    ws.send('hi');
    await waitFor(() => messages.length === 1, 3000, 'echo');
    expect(messages[0]).toBeInstanceOf(MessageEvent);
    expect(messages[0]!.data).toBe('hi');
    const closes: CloseEvent[] = [];
    ws.onclose = (event) => closes.push(event);
    ws.close(4001, 'bye');
    expect(ws.readyState).toBe(ws.CLOSING);
    await waitFor(() => closes.length === 1, 3000, 'close event');
    expect(ws.readyState).toBe(ws.CLOSED);
    expect(closes[0]).toBeInstanceOf(Event);
    expect(closes[0]!.type).toBe('close');
    expect({ code: closes[0]!.code, reason: closes[0]!.reason, wasClean: closes[0]!.wasClean }).toEqual({ code: 4001, reason: 'bye', wasClean: true });
    await waitFor(() => s.connections[0]!.closeCode !== undefined, 3000, 'server-side close');
    expect(s.connections[0]!.closeCode).toBe(4001);
    await sleep(100);
    expect(s.upgrades).toBe(1);
  });

  it('reconnects after the server drops it: CONNECTING inside onclose, open again, never two sockets at once', async () => {
    const s = await server();
    const ws = open(s.url);
    const opens: number[] = [];
    const closeStates: Array<[number, number]> = [];
    ws.onopen = () => opens.push(ws.retryCount);
    ws.onclose = (event) => closeStates.push([event.code, ws.readyState]);
    await waitFor(() => opens.length === 1, 3000, 'first open');
    await s.killAll();
    await waitFor(() => opens.length === 2, 3000, 'second open');
    expect(closeStates).toEqual([[1006, ReconnectingWebSocket.CONNECTING]]);
    expect(opens).toEqual([0, 1]);
    expect(ws.status).toBe('open');
    expect(s.upgrades).toBe(2);
    expect(s.peakOpen).toBe(1);
  });

  it('close() inside onclose after a drop ends it: CLOSED, no further attempt', async () => {
    const s = await server();
    const ws = open(s.url);
    let closes = 0;
    ws.onclose = () => {
      closes++;
      ws.close();
    };
    await waitFor(() => ws.readyState === ws.OPEN, 3000, 'OPEN');
    await s.killAll();
    await waitFor(() => closes === 1, 3000, 'close event');
    expect(ws.readyState).toBe(ws.CLOSED);
    expect(ws.status).toBe('manuallyClosed');
    await sleep(200); // ten retry delays
    expect(s.attempts).toBe(1);
    expect(closes).toBe(1);
  });

  it('queues what is sent while connecting (bufferedAmount counts its bytes) and flushes it in order on open', async () => {
    const s = await server();
    const ws = open(s.url);
    expect(ws.send('héllo')).toBe(true);
    expect(ws.send(new Uint8Array([1, 2, 3]))).toBe(true);
    expect(ws.bufferedAmount).toBe(6 + 3);
    await waitFor(() => s.connections[0]?.messages.length === 2, 3000, 'both at the server');
    expect(String(s.connections[0]!.messages[0])).toBe('héllo');
    expect([...(s.connections[0]!.messages[1] as Buffer)]).toEqual([1, 2, 3]);
    expect(ws.bufferedAmount).toBe(0);
  });

  it('startClosed waits CLOSED for reconnect(); a message past maxEnqueuedMessages is refused with a dropped event', async () => {
    const s = await server();
    const ws = open(s.url, { startClosed: true, maxEnqueuedMessages: 1 });
    const dropped: DroppedEvent[] = [];
    ws.addEventListener('dropped', (event) => dropped.push(event));
    expect(ws.readyState).toBe(ws.CLOSED);
    expect(ws.send('kept')).toBe(true);
    expect(ws.send('over')).toBe(false);
    expect(dropped).toHaveLength(1);
    expect(dropped[0]).toBeInstanceOf(DroppedEvent);
    expect([dropped[0]!.data, dropped[0]!.reason]).toEqual(['over', 'queue-full']);
    await sleep(50);
    expect(s.attempts).toBe(0);
    ws.reconnect();
    await waitFor(() => s.connections[0]?.messages.length === 1, 3000, 'the kept message');
    expect(s.connections[0]!.messages.map(String)).toEqual(['kept']);
  });

  it('reconnect() after close() opens again, and after giving up (maxRetries) too: CLOSED in between', async () => {
    const s = await server();
    const ws = open(s.url, { maxRetries: 0 });
    await waitFor(() => ws.readyState === ws.OPEN, 3000, 'OPEN');
    ws.close();
    await waitFor(() => ws.readyState === ws.CLOSED, 3000, 'CLOSED');
    ws.reconnect();
    await waitFor(() => ws.readyState === ws.OPEN, 3000, 'OPEN again');
    await s.refuse();
    await s.killAll();
    await waitFor(() => ws.status === 'gaveUp', 3000, 'gaveUp');
    expect(ws.readyState).toBe(ws.CLOSED);
    await s.accept();
    ws.reconnect();
    await waitFor(() => ws.readyState === ws.OPEN, 3000, 'OPEN after gaveUp');
  });

  it('takes url as an async function, called before every attempt; url is "" before the first socket', async () => {
    const s = await server();
    let calls = 0;
    const ws = open(async () => `${s.url}/n${++calls}`);
    expect(ws.url).toBe('');
    await waitFor(() => ws.readyState === ws.OPEN, 3000, 'OPEN');
    expect(ws.url).toBe(`${s.url}/n1`);
    await s.killAll();
    await waitFor(() => s.upgrades === 2 && ws.readyState === ws.OPEN, 3000, 'second open');
    expect(ws.url).toBe(`${s.url}/n2`);
    expect(s.requests).toEqual(['/n1', '/n2']);
  });

  it('a refused attempt dispatches an error event (its message says why), then a close event, then retries', async () => {
    const s = await server();
    s.rejectUpgrade(500);
    const ws = open(s.url);
    const events: string[] = [];
    ws.onerror = (event) => events.push(`error ${event instanceof WebSocketErrorEvent && /500/.test(event.message)}`);
    ws.onclose = (event) => events.push(`close ${event.code}`);
    await waitFor(() => events.length >= 2, 3000, 'error and close');
    expect(events.slice(0, 2)).toEqual(['error true', 'close 1006']);
    s.rejectUpgrade(null);
    await waitFor(() => ws.readyState === ws.OPEN, 3000, 'OPEN after the retry');
  });

  it('reports the protocol the server chose and applies a binaryType set after creation', async () => {
    const s = await server();
    const ws = open(s.url, {}, ['chat']);
    ws.binaryType = 'nodebuffer';
    const messages: unknown[] = [];
    ws.onmessage = (event) => messages.push(event.data);
    await waitFor(() => ws.readyState === ws.OPEN, 3000, 'OPEN');
    expect(ws.protocol).toBe('chat');
    ws.send(new Uint8Array([7]));
    await waitFor(() => messages.length === 1, 3000, 'echo');
    expect(Buffer.isBuffer(messages[0])).toBe(true);
  });
});

describe('ReconnectingWebSocket options', () => {
  const settingsOf = (ws: ReconnectingWebSocket) => ws.connection.actor.getSnapshot().context.settings;
  const make = (options: ReconnectingWebSocketOptions, protocols?: string | string[]) => {
    const ws = new ReconnectingWebSocket('ws://127.0.0.1:1/x', protocols, { WebSocket: WebSocket as never, startClosed: true, ...options });
    cleanups.push(() => ws.connection.stop());
    return ws;
  };

  it('documents each alias with the @default of the option it maps to (startClosed: the opposite of autoConnect)', () => {
    const source = readFileSync(new URL('../src/websocket.options.ts', import.meta.url), 'utf8');
    const documented = new Map<string, string>();
    for (const match of source.matchAll(/@default ([^\n]+)\n\s*\*\/\n\s*(\w+)\??:/g)) documented.set(match[2]!, match[1]!.trim());
    for (const [alias, ours] of Object.entries(OPTION_ALIASES)) {
      const value = ours.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], DEFAULTS);
      expect(documented.get(alias), alias).toBe(String(alias === 'startClosed' ? !value : value));
    }
  });

  it("maps reconnecting-websocket's names onto ours", () => {
    const ws = make({
      minReconnectionDelay: 100,
      maxReconnectionDelay: 900,
      reconnectionDelayGrowFactor: 2,
      connectionTimeout: 700,
      minUptime: 300,
      maxRetries: 4,
      maxEnqueuedMessages: 2,
    });
    const settings = settingsOf(ws);
    expect(settings.backoff).toMatchObject({ initialDelayMs: 100, maxDelayMs: 900, factor: 2 });
    expect([settings.connectTimeoutMs, settings.stableUptimeMs, settings.maxRetries]).toEqual([700, 300, 4]);
    expect([ws.send('a'), ws.send('b'), ws.send('c')]).toEqual([true, true, false]);
    expect(ws.status).toBe('idle');
  });

  it('takes our own names too, and maxEnqueuedMessages: Infinity (every message queued, none dropped)', () => {
    const ws = make({ backoff: { initialDelayMs: 50 }, connectTimeoutMs: 600, maxEnqueuedMessages: Infinity });
    expect(settingsOf(ws).backoff.initialDelayMs).toBe(50);
    expect(settingsOf(ws).connectTimeoutMs).toBe(600);
    const dropped: unknown[] = [];
    ws.addEventListener('dropped', (event) => dropped.push(event));
    const accepted = Array.from({ length: 2_000 }, (_, i) => ws.send(`m${i}`));
    expect(accepted.every(Boolean)).toBe(true);
    expect(dropped).toEqual([]);
  });

  it('throws a RangeError or TypeError naming the option as written', () => {
    expect(() => make({ minReconnectionDelay: -1 })).toThrow(RangeError);
    expect(() => make({ minReconnectionDelay: -1 })).toThrow(/`minReconnectionDelay` must be/);
    expect(() => make({ minReconnectionDelay: 500, maxReconnectionDelay: 100 })).toThrow(/`maxReconnectionDelay` \(100\) is below `minReconnectionDelay` \(500\)/);
    expect(() => make({ maxEnqueuedMessages: 1.5 })).toThrow(/`maxEnqueuedMessages` must be a non-negative integer/);
    expect(() => make({ startClosed: 'yes' as never })).toThrow(TypeError);
    expect(() => make({ startClosed: 'yes' as never })).toThrow(/`startClosed` must be true or false, got "yes"/);
    expect(() => make({ connectTimeoutMs: 0 })).toThrow(/`connectTimeoutMs` must be/);
  });

  it('throws a TypeError for an option given twice or url among the options', () => {
    expect(() => make({ connectionTimeout: 1000, connectTimeoutMs: 2000 })).toThrow(/`connectionTimeout` and `connectTimeoutMs` are the same option/);
    expect(() => make({ minReconnectionDelay: 10, backoff: { initialDelayMs: 20 } })).toThrow(TypeError);
    expect(() => make({ startClosed: true, autoConnect: true })).toThrow(/`startClosed` and `autoConnect`/);
    expect(() => make({ protocols: ['a'] } as never, ['b'])).toThrow(/`protocols` given both/);
    expect(() => make({ url: 'ws://x' } as never)).toThrow(/`url` is the constructor's first argument/);
    expect(() => make({ debug: true } as never)).toThrow(/unknown option `debug`/);
  });
});
