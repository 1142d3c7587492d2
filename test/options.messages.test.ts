// Every option error, its message pinned word for word: each names the option and the value and
// says how to fix it. Size work (issue 11) may reshape the code that builds them, never the text.
import { describe, expect, it } from 'vitest';
import { codecOption, handshakeOption, resolveOptions } from '../src/options.js';
import type { ConnectionOptions } from '../src/options.types.js';
import { createFakeWebSocketServer } from './support/fake-websocket.js';

const { WebSocket } = createFakeWebSocketServer();
const base = { url: 'ws://localhost:8080/chat', WebSocket };

const CASES: [name: string, options: unknown, error: ErrorConstructor, message: string][] = [
  ['undefined', undefined, TypeError,
    'xstate-websocket: createConnection(options) needs an options object with a `url`, got undefined.'],
  ['null', null, TypeError,
    'xstate-websocket: createConnection(options) needs an options object with a `url`, got null.'],
  ['{ random: Math.random }', { ...base, random: Math.random }, TypeError,
    'xstate-websocket: the `random` option was replaced by `seed` (an integer in [0, 2^32 − 1]); pass `seed` for reproducible delays, or nothing.'],
  ['{ autoconnect: false }', { ...base, autoconnect: false }, TypeError,
    'xstate-websocket: unknown option `autoconnect`; did you mean `autoConnect`?'],
  ['{ frobnicate: true }', { ...base, frobnicate: true }, TypeError,
    'xstate-websocket: unknown option `frobnicate`; the options are url, protocols, WebSocket, binaryType, autoConnect, connectTimeoutMs, closeTimeoutMs, backoff, maxRetries, stableUptimeMs, heartbeat, handshake, codec, shouldReconnect, maxQueuedMessages, clock, seed, environment, pauseWhenHidden, inspect.'],
  ['{ backoff: { frobnicate: 1 } }', { ...base, backoff: { frobnicate: 1 } }, TypeError,
    'xstate-websocket: unknown option `backoff.frobnicate`; the `backoff` options are initialDelayMs, maxDelayMs, factor, jitter.'],
  ['{ heartbeat: { frobnicate: 1 } }', { ...base, heartbeat: { frobnicate: 1 } }, TypeError,
    'xstate-websocket: unknown option `heartbeat.frobnicate`; the `heartbeat` options are intervalMs, timeoutMs, ping, isPong.'],
  ['{ url: 42 }', { ...base, url: 42 }, TypeError,
    'xstate-websocket: `url` must be a string, a URL or a function returning one, got 42.'],
  [`{ url: 'not a url' }`, { ...base, url: 'not a url' }, TypeError,
    "xstate-websocket: `url` \"not a url\" does not parse as a URL; use an absolute URL such as 'wss://example.com/socket'."],
  [`{ url: 'ftp://example.com' }`, { ...base, url: 'ftp://example.com' }, TypeError,
    "xstate-websocket: `url` \"ftp://example.com\" has scheme 'ftp:'; use ws:, wss:, http: or https:."],
  [`{ url: 'wss://example.com/#top' }`, { ...base, url: 'wss://example.com/#top' }, TypeError,
    'xstate-websocket: `url` "wss://example.com/#top" has a fragment (#...), which WebSocket URLs cannot carry; remove it.'],
  [`{ WebSocket: 'ws' }`, { ...base, WebSocket: 'ws' }, TypeError,
    "xstate-websocket: no WebSocket implementation: `WebSocket` is \"ws\" and there is no global WebSocket. In Node 20 pass the `ws` package: `import WebSocket from 'ws'; createConnection({ url, WebSocket })`."],
  ['{ backoff: [] }', { ...base, backoff: [] }, TypeError,
    'xstate-websocket: `backoff` must be an object, got [].'],
  ['{ backoff: { initialDelayMs: -1 } }', { ...base, backoff: { initialDelayMs: -1 } }, RangeError,
    'xstate-websocket: `backoff.initialDelayMs` must be a whole number of milliseconds ≥ 0 (timers cap at 2147483647), got -1.'],
  ['{ backoff: { initialDelayMs: 500, maxDelayMs: 100 } }', { ...base, backoff: { initialDelayMs: 500, maxDelayMs: 100 } }, RangeError,
    'xstate-websocket: `backoff.maxDelayMs` (100) is below `backoff.initialDelayMs` (500); make the cap at least the initial delay.'],
  ['{ backoff: { factor: 0.5 } }', { ...base, backoff: { factor: 0.5 } }, RangeError,
    'xstate-websocket: `backoff.factor` must be a number ≥ 1 (1 keeps the delay constant), got 0.5.'],
  [`{ backoff: { jitter: '1' } }`, { ...base, backoff: { jitter: '1' } }, TypeError,
    'xstate-websocket: `backoff.jitter` must be a share of the delay between 0 and 1, got "1".'],
  ['{ heartbeat: null }', { ...base, heartbeat: null }, TypeError,
    'xstate-websocket: `heartbeat` must be an object, got null.'],
  ['{ heartbeat: { intervalMs: 0 } }', { ...base, heartbeat: { intervalMs: 0 } }, RangeError,
    'xstate-websocket: `heartbeat.intervalMs` must be a whole number of milliseconds ≥ 1 (timers cap at 2147483647), got 0.'],
  ['{ heartbeat: { ping: 42 } }', { ...base, heartbeat: { ping: 42 } }, TypeError,
    'xstate-websocket: `heartbeat.ping` takes a string, ArrayBuffer, typed array, DataView or Blob, or a function returning one, got 42. Serialise objects first, e.g. JSON.stringify(value).'],
  ['{ heartbeat: { ping: new Uint8Array(new SharedArrayBuffer(2)) } }', { ...base, heartbeat: { ping: new Uint8Array(new SharedArrayBuffer(2)) } }, TypeError,
    'xstate-websocket: `heartbeat.ping` got a Uint8Array on a SharedArrayBuffer, which WebSockets refuse; copy it into an ArrayBuffer first, e.g. view.slice() for a typed array.'],
  ['{ heartbeat: { isPong: 42 } }', { ...base, heartbeat: { isPong: 42 } }, TypeError,
    'xstate-websocket: `heartbeat.isPong` must be a string, bytes (ArrayBuffer, typed array, DataView) or a function, got 42.'],
  [`{ heartbeat: { isPong: new Blob(['pong']) } }`, { ...base, heartbeat: { isPong: new Blob(['pong']) } }, TypeError,
    'xstate-websocket: `heartbeat.isPong` must be a string, bytes (ArrayBuffer, typed array, DataView) or a function, got [object Blob]; a Blob cannot be compared synchronously, pass its bytes or a function.'],
  [`{ maxRetries: '3' }`, { ...base, maxRetries: '3' }, RangeError,
    'xstate-websocket: `maxRetries` must be a non-negative integer (or Infinity), got "3".'],
  ['{ maxQueuedMessages: 1.5 }', { ...base, maxQueuedMessages: 1.5 }, RangeError,
    'xstate-websocket: `maxQueuedMessages` must be a non-negative integer (or Infinity), got 1.5.'],
  [`{ binaryType: 'text' }`, { ...base, binaryType: 'text' }, TypeError,
    "xstate-websocket: `binaryType` must be 'arraybuffer', 'blob' or 'nodebuffer' (ws only), got \"text\"."],
  [`{ protocols: ['ok', 'not ok'] }`, { ...base, protocols: ['ok', 'not ok'] }, TypeError,
    'xstate-websocket: `protocols` must be a subprotocol token or an array of them, got ["ok", "not ok"].'],
  [`{ protocols: ['a', 'a'] }`, { ...base, protocols: ['a', 'a'] }, TypeError,
    'xstate-websocket: `protocols` lists a subprotocol twice: ["a", "a"]; list each once.'],
  ['{ clock: {} }', { ...base, clock: {} }, TypeError,
    "xstate-websocket: `clock` must have setTimeout and clearTimeout functions (e.g. xstate's SimulatedClock), got [object Object]."],
  ['{ connectTimeoutMs: 2 ** 31 }', { ...base, connectTimeoutMs: 2 ** 31 }, RangeError,
    'xstate-websocket: `connectTimeoutMs` must be a whole number of milliseconds ≥ 1 (timers cap at 2147483647), got 2147483648.'],
  ['{ closeTimeoutMs: null }', { ...base, closeTimeoutMs: null }, TypeError,
    'xstate-websocket: `closeTimeoutMs` must be a whole number of milliseconds ≥ 0 (timers cap at 2147483647), got null.'],
  ['{ seed: -1 }', { ...base, seed: -1 }, RangeError,
    'xstate-websocket: `seed` must be an integer in [0, 4294967295], got -1.'],
  [`{ seed: '7' }`, { ...base, seed: '7' }, TypeError,
    'xstate-websocket: `seed` must be an integer in [0, 4294967295], got "7".'],
  ['{ shouldReconnect: true }', { ...base, shouldReconnect: true }, TypeError,
    'xstate-websocket: `shouldReconnect` must be a function, got true.'],
  [`{ autoConnect: 'yes' }`, { ...base, autoConnect: 'yes' }, TypeError,
    'xstate-websocket: `autoConnect` must be true or false, got "yes".'],
];

describe('option error messages', () => {
  it.each(CASES)('%s throws the exact fix-it message', (_name, options, error, message) => {
    let thrown: unknown;
    try {
      resolveOptions(options as ConnectionOptions);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(error);
    expect((thrown as Error).message).toBe(message);
  });
});

// `handshake` and `codec` through their own resolvers, which resolveOptions calls; their messages
// are pinned the same way.
const reply = () => undefined;
const PART_CASES: [name: string, resolve: () => unknown, error: ErrorConstructor, message: string][] = [
  ['{ handshake: null } (through resolveOptions)', () => resolveOptions({ ...base, handshake: null as never }), TypeError,
    'xstate-websocket: `handshake` must be an object, got null.'],
  ['{ handshake: {} }', () => handshakeOption({} as never), TypeError,
    "xstate-websocket: `handshake.reply` must be a function that returns 'ready', 'rejected' or undefined for each inbound message, got undefined."],
  [`{ handshake: { reply, hello: 'hi' } }`, () => handshakeOption({ reply, hello: 'hi' as never }), TypeError,
    'xstate-websocket: `handshake.hello` must be a function, got "hi".'],
  ['{ handshake: { reply, timeoutMs: 0 } }', () => handshakeOption({ reply, timeoutMs: 0 }), RangeError,
    'xstate-websocket: `handshake.timeoutMs` must be a whole number of milliseconds ≥ 1 (timers cap at 2147483647), got 0.'],
  ['{ handshake: { reply, timeout: 5 } }', () => handshakeOption({ reply, timeout: 5 } as never), TypeError,
    'xstate-websocket: unknown option `handshake.timeout`; did you mean `handshake.timeoutMs`?'],
  ['{ handshake: { reply, frobnicate: 1 } }', () => handshakeOption({ reply, frobnicate: 1 } as never), TypeError,
    'xstate-websocket: unknown option `handshake.frobnicate`; the `handshake` options are hello, reply, timeoutMs.'],
  ['{ codec: JSON } (through resolveOptions)', () => resolveOptions({ ...base, codec: JSON as never }), TypeError,
    'xstate-websocket: `codec.serialize` must be a function (e.g. `codec: json()`), got undefined.'],
  ['{ codec: { parse } }', () => codecOption({ parse: JSON.parse } as never), TypeError,
    'xstate-websocket: `codec.serialize` must be a function (e.g. `codec: json()`), got undefined.'],
  ['{ codec: { parse, serialise } }', () => codecOption({ parse: JSON.parse, serialise: JSON.stringify } as never), TypeError,
    'xstate-websocket: unknown option `codec.serialise`; did you mean `codec.serialize`?'],
];

describe('option error messages of handshake and codec', () => {
  it.each(PART_CASES)('%s throws the exact fix-it message', (_name, resolve, error, message) => {
    let thrown: unknown;
    try {
      resolve();
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(error);
    expect((thrown as Error).message).toBe(message);
  });
});
