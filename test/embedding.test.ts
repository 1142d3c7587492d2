/** connectionMachine embedded in an app's own statechart, as the README shows. */
import { createActor, setup, SimulatedClock, type ActorRefFrom } from 'xstate';
import { describe, expect, it } from 'vitest';
import { connectionMachine, createSocketActor, getStatus, resolveOptions } from '../src/index.js';
import { createFakeWebSocketServer } from './support/fake-websocket.js';

describe('embedding connectionMachine', () => {
  it('runs as an invoked child: statuses, emitted messages and the app-level close policy', () => {
    const server = createFakeWebSocketServer();
    const connection = connectionMachine.provide({
      actors: { socket: createSocketActor({ WebSocket: server.WebSocket, shouldReconnect: ({ code }) => code !== 4000 }) },
    });
    const { settings } = resolveOptions({ url: 'ws://test.invalid/app', WebSocket: server.WebSocket, maxRetries: 1 });
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
});
