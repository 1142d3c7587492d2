/**
 * The app-level handshake and the resync flag in the chart (issue 12): a machine on a stub
 * adapter that records the commands it is sent, driven by the reports the real adapter will send,
 * on virtual time. The chart alone: the adapter and handle wiring (hello, reply, queue) come later.
 */
import { createActor, fromCallback, SimulatedClock } from 'xstate';
import { describe, expect, it } from 'vitest';
import {
  connectionMachine,
  getStatus,
  type ConnectionEmitted,
  type ConnectionEvent,
  type ConnectionSettings,
  type SocketCommand,
  type SocketReport,
} from '../src/index.js';
import { explorationSettings } from './support/graph-exploration.js';
import { advance } from './support/virtual-time.js';

const CLOSED_1006 = { type: 'SOCKET.CLOSED', code: 1006, reason: '', wasClean: false } as const;
const READY = { type: 'SOCKET.HANDSHAKE', verdict: 'ready' } as const;

/** Exploration settings (connect 1000, close 300, stable uptime 5000, backoff 100..150, maxRetries 2), a 700 ms handshake. */
function run(overrides: Partial<ConnectionSettings> = {}, handshake = true) {
  const settings = { ...explorationSettings({ maxRetries: 2, handshake }), ...overrides };
  const commands: SocketCommand[] = [];
  const clock = new SimulatedClock();
  const machine = connectionMachine.provide({
    actors: { socket: fromCallback<SocketCommand, ConnectionSettings, SocketReport>(({ receive }) => receive((command) => commands.push(command))) },
  });
  const actor = createActor(machine, { input: settings, clock });
  const emitted: ConnectionEmitted[] = [];
  actor.on('*', (event) => emitted.push(event));
  actor.start();
  const send = (...events: ConnectionEvent[]) => events.forEach((event) => actor.send(event));
  return {
    actor,
    commands,
    emitted,
    send,
    status: () => getStatus(actor.getSnapshot()),
    advance: (ms: number) => advance(clock, ms),
    of: <T extends ConnectionEmitted['type']>(type: T) => emitted.filter((e): e is Extract<ConnectionEmitted, { type: T }> => e.type === type),
  };
}

describe('handshake in the chart', () => {
  it('keeps the status connecting while the handshake runs, asks the adapter for the hello, and opens on ready', () => {
    const r = run();
    r.send({ type: 'CONNECT' }, { type: 'SOCKET.OPENED', protocol: 'chat.v2' });
    expect(r.actor.getSnapshot().matches({ session: 'handshaking' })).toBe(true);
    expect(r.status()).toBe('connecting');
    expect(r.commands).toEqual([{ type: 'SEND_HELLO' }]);
    expect(r.of('open')).toEqual([]);
    r.send(READY);
    expect(r.status()).toBe('open');
    expect(r.of('open')).toEqual([{ type: 'open', protocol: 'chat.v2', reconnected: false }]);
  });

  it('settings without the handshake field (made before the option) open as without a handshake', () => {
    const r = run({ handshake: undefined as never }, false);
    expect('handshake' in r.actor.getSnapshot().context.settings && r.actor.getSnapshot().context.settings.handshake).toBe(undefined);
    r.send({ type: 'CONNECT' }, { type: 'SOCKET.OPENED', protocol: '' });
    expect(r.status()).toBe('open');
  });

  it('without a handshake opens on SOCKET.OPENED and never asks for a hello', () => {
    const r = run({}, false);
    r.send({ type: 'CONNECT' }, { type: 'SOCKET.OPENED', protocol: '' });
    expect(r.status()).toBe('open');
    expect(r.commands).toEqual([]);
  });

  it("on 'rejected' closes with 4403 and the verdict's reason, then gives up with handshake-rejected whatever the close and the policy say", () => {
    const r = run();
    r.send({ type: 'CONNECT' }, { type: 'SOCKET.OPENED', protocol: '' }, { type: 'SOCKET.HANDSHAKE', verdict: 'rejected', reason: 'bad token' });
    expect(r.status()).toBe('closing');
    expect(r.commands.at(-1)).toEqual({ type: 'CLOSE_SOCKET', code: 4403, reason: 'bad token' });
    // A close the policy would retry, with the app's shouldReconnect saying true: still no retry.
    r.send({ ...CLOSED_1006, shouldReconnect: true });
    expect(r.status()).toBe('gaveUp');
    expect(r.of('gaveUp')).toStrictEqual([
      { type: 'gaveUp', reason: 'handshake-rejected', close: { code: 1006, reason: '', wasClean: false }, retries: 0, rejection: 'bad token' },
    ]);
    expect(r.of('retry')).toEqual([]);
    r.advance(3_600_000);
    expect(r.status()).toBe('gaveUp');
  });

  it("on 'rejected' with no reason closes with 'handshake rejected'", () => {
    const r = run();
    r.send({ type: 'CONNECT' }, { type: 'SOCKET.OPENED', protocol: '' }, { type: 'SOCKET.HANDSHAKE', verdict: 'rejected' });
    expect(r.commands.at(-1)).toEqual({ type: 'CLOSE_SOCKET', code: 4403, reason: 'handshake rejected' });
    r.send(CLOSED_1006);
    expect(r.of('gaveUp').map((e) => e.rejection)).toEqual(['handshake rejected']);
  });

  it('with no verdict within timeoutMs closes with 3008 handshake timeout, then backs off like any failed attempt', () => {
    const r = run();
    r.send({ type: 'CONNECT' }, { type: 'SOCKET.OPENED', protocol: '' });
    r.advance(699);
    expect(r.status()).toBe('connecting');
    r.advance(1);
    expect(r.commands.at(-1)).toEqual({ type: 'CLOSE_SOCKET', code: 3008, reason: 'handshake timeout' });
    r.send({ type: 'SOCKET.CLOSED', code: 3008, reason: 'handshake timeout', wasClean: true });
    expect(r.status()).toBe('backoff');
    expect(r.of('retry')).toEqual([{ type: 'retry', attempt: 1, delayMs: 100 }]);
  });

  it('a failed hello is an error event and a failed attempt: the socket is closed and the attempt retried', () => {
    const r = run();
    const cause = new Error('no token');
    r.send({ type: 'CONNECT' }, { type: 'SOCKET.OPENED', protocol: '' }, { type: 'SOCKET.HELLO_FAILED', message: 'hello threw: no token', error: cause });
    expect(r.of('error')).toEqual([{ type: 'error', message: 'hello threw: no token', error: cause }]);
    expect(r.commands.at(-1)).toEqual({ type: 'CLOSE_SOCKET', code: 1000, reason: 'hello failed' });
    r.send({ type: 'SOCKET.CLOSED', code: 1000, reason: 'hello failed', wasClean: true });
    expect(r.status()).toBe('backoff');
  });

  it('ignores a verdict or a hello failure outside the handshake', () => {
    const r = run();
    r.send({ type: 'CONNECT' });
    const connecting = r.actor.getSnapshot();
    r.send(READY, { type: 'SOCKET.HELLO_FAILED', message: 'late' });
    expect(r.actor.getSnapshot().value).toEqual(connecting.value);
    expect(r.actor.getSnapshot().context).toEqual(connecting.context);
    r.send({ type: 'SOCKET.OPENED', protocol: '' }, READY, { type: 'SOCKET.HANDSHAKE', verdict: 'rejected' });
    expect(r.status()).toBe('open');
  });

  it('resets the retry budget only after ready + stableUptimeMs: time in the handshake does not count', () => {
    const r = run({ handshake: { timeoutMs: 20_000 } });
    r.send({ type: 'CONNECT' }, CLOSED_1006);
    r.advance(100);
    r.send({ type: 'SOCKET.OPENED', protocol: '' });
    r.advance(5_000 + 4_000); // past stableUptimeMs, still handshaking
    expect(r.actor.getSnapshot().context.retries).toBe(1);
    r.send(READY);
    r.advance(4_999);
    expect(r.actor.getSnapshot().context.retries).toBe(1);
    r.advance(1);
    expect(r.actor.getSnapshot().context.retries).toBe(0);
  });

  it('a server that says ready and drops at once still ends in gaveUp', () => {
    const r = run();
    r.send({ type: 'CONNECT' });
    for (let attempt = 0; attempt < 3; attempt++) {
      r.send({ type: 'SOCKET.OPENED', protocol: '' }, READY, CLOSED_1006);
      r.advance(150);
    }
    expect(r.status()).toBe('gaveUp');
    expect(r.of('gaveUp')[0]!.reason).toBe('max-retries');
  });
});

describe('resync: the open event says whether it is a reconnect', () => {
  it('is false on the first open and true on every later one, after a drop or a reconnect()', () => {
    const r = run({}, false);
    r.send({ type: 'CONNECT' }, { type: 'SOCKET.OPENED', protocol: '' }, CLOSED_1006);
    r.advance(100);
    r.send({ type: 'SOCKET.OPENED', protocol: '' }, { type: 'RECONNECT' }, { ...CLOSED_1006, code: 1000 });
    r.send({ type: 'SOCKET.OPENED', protocol: '' });
    expect(r.of('open').map((e) => e.reconnected)).toEqual([false, true, true]);
  });

  it('is true after close() then connect(), and after gaveUp then connect(): the server forgot the earlier socket either way', () => {
    const r = run({ maxRetries: 0 }, true);
    r.send({ type: 'CONNECT' }, { type: 'SOCKET.OPENED', protocol: '' }, READY, { type: 'DISCONNECT' }, { ...CLOSED_1006, code: 1000 });
    expect(r.status()).toBe('manuallyClosed');
    r.send({ type: 'CONNECT' }, { type: 'SOCKET.OPENED', protocol: '' }, READY, CLOSED_1006);
    expect(r.status()).toBe('gaveUp');
    r.send({ type: 'CONNECT' }, { type: 'SOCKET.OPENED', protocol: '' }, READY);
    expect(r.of('open').map((e) => e.reconnected)).toEqual([false, true, true]);
  });

  it('is false until a session was open: attempts that failed in the handshake do not count', () => {
    const r = run();
    r.send({ type: 'CONNECT' }, { type: 'SOCKET.OPENED', protocol: '' }, CLOSED_1006);
    r.advance(100);
    r.send({ type: 'SOCKET.OPENED', protocol: '' }, READY);
    expect(r.of('open')).toEqual([{ type: 'open', protocol: '', reconnected: false }]);
  });
});
