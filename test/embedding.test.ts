/** connectionMachine embedded in an app's own statechart, as the README shows. */
import { createActor, fromCallback, initialTransition, setup, SimulatedClock, transition, type ActorRefFrom } from 'xstate';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { backoffDelayMs, connectionMachine, createSocketActor, getStatus, resolveOptions } from '../src/index.js';
import { nextDraw } from '../src/jitter.js';
import { createFakeWebSocketServer } from './support/fake-websocket.js';

describe('embedding connectionMachine', () => {
  it('runs as an invoked child: statuses, emitted messages and the app-level close policy', () => {
    const server = createFakeWebSocketServer();
    const { settings, adapter } = resolveOptions({
      url: 'ws://test.invalid/app',
      WebSocket: server.WebSocket,
      maxRetries: 1,
      shouldReconnect: ({ code }) => code !== 4000,
    });
    const connection = connectionMachine.provide({ actors: { socket: createSocketActor(adapter) } });
    const app = setup({ actors: { connection } }).createMachine({
      id: 'app',
      invoke: { id: 'connection', src: 'connection', input: settings },
    });
    const actor = createActor(app, { clock: new SimulatedClock() }).start();
    const child = actor.getSnapshot().children.connection as ActorRefFrom<typeof connection>;
    const messages: unknown[] = [];
    child.on('message', ({ data }) => messages.push(data));

    child.send({ type: 'CONNECT' });
    expect(getStatus(child.getSnapshot())).toBe('connecting');
    server.latest().accept();
    server.latest().receive('hello');
    expect(getStatus(child.getSnapshot())).toBe('open');
    expect(messages).toEqual(['hello']);

    server.latest().serverClose(4000, 'app says no');
    expect(getStatus(child.getSnapshot())).toBe('gaveUp');
    expect(child.getSnapshot().context.gaveUpReason).toBe('close-code 4000');
    actor.stop();
    expect(server.live()).toEqual([]);
  });

  afterEach(() => vi.restoreAllMocks());

  it("draws its retry delays from the settings' seed, not from Math.random", () => {
    const random = vi.spyOn(Math, 'random');
    const machine = connectionMachine.provide({ actors: { socket: fromCallback(() => {}) } });
    const backoff = { initialDelayMs: 1000, maxDelayMs: 1000, factor: 2, jitter: 1 };
    const { settings } = resolveOptions({ url: 'ws://test.invalid/app', WebSocket: class {} as never, backoff, seed: 7 });
    random.mockClear();
    const [idle] = initialTransition(machine, settings);
    const [connecting] = transition(machine, idle, { type: 'CONNECT' });
    const [backoffState] = transition(machine, connecting, { type: 'SOCKET.CLOSED', code: 1006, reason: '', wasClean: false });
    expect(backoffState.context).toMatchObject({ retries: 1, retryDelayMs: backoffDelayMs(1, backoff, nextDraw(7).draw), jitterState: nextDraw(7).state });
    expect(random).not.toHaveBeenCalled();
  });
});
