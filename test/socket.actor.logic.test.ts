/**
 * The socket actor as XState actor logic (`createSocketActor` runs the adapter object directly,
 * not through `fromCallback`): what the actor system and the inspector see of it — the source of
 * every report, its snapshot while it runs, when it is stopped and when persisted — and that it
 * runs as a root actor too.
 */
import { createActor, SimulatedClock, type AnyActorRef, type InspectionEvent } from 'xstate';
import { describe, expect, it } from 'vitest';
import { connectionMachine, createSocketActor, resolveOptions } from '../src/index.js';
import { createFakeWebSocketServer } from './support/fake-websocket.js';
import { connectWithFake } from './support/harness.js';

describe('the socket actor as actor logic', () => {
  it('is the source the inspector sees of every SOCKET.* report it sends the machine', () => {
    const inspected: InspectionEvent[] = [];
    const h = connectWithFake({ inspect: (event) => inspected.push(event) });
    const socketRef = h.conn.actor.getSnapshot().children.socket as AnyActorRef;
    h.server.latest().accept();
    h.server.latest().receive('hello');
    h.conn.close();
    h.server.latest().completeClose();
    const reports = inspected.filter(
      (e): e is Extract<InspectionEvent, { type: '@xstate.event' }> =>
        e.type === '@xstate.event' && e.actorRef === h.conn.actor && e.event.type.startsWith('SOCKET.'),
    );
    expect(reports.map((e) => e.event.type)).toEqual(['SOCKET.OPENED', 'SOCKET.CLOSED']);
    for (const report of reports) expect(report.sourceRef).toBe(socketRef);
  });

  it('holds its input and status active while it runs (also when persisted), and is stopped when its session ends', () => {
    const h = connectWithFake();
    const socketRef = h.conn.actor.getSnapshot().children.socket as AnyActorRef;
    expect(socketRef.getSnapshot()).toMatchObject({ status: 'active', input: h.conn.actor.getSnapshot().context.settings });
    const persisted = h.conn.actor.getPersistedSnapshot() as unknown as { children: Record<string, { snapshot: unknown }> };
    expect(persisted.children.socket!.snapshot).toMatchObject({ status: 'active', input: h.conn.actor.getSnapshot().context.settings });
    h.conn.close();
    h.server.latest().completeClose();
    expect(h.conn.status).toBe('manuallyClosed');
    expect(socketRef.getSnapshot().status).toBe('stopped');
    h.conn.stop();
  });

  it('without dependencies fails each attempt, and its session ends without an error when the actor stops', () => {
    const { settings } = resolveOptions({ url: 'ws://nodeps.invalid/', WebSocket: class {} as never, maxRetries: 0 });
    const actor = createActor(connectionMachine, { input: settings, clock: new SimulatedClock() }).start();
    actor.send({ type: 'CONNECT' });
    expect(actor.getSnapshot().status).toBe('active');
    expect(actor.getSnapshot().value).toBe('gaveUp');
    actor.send({ type: 'RECONNECT' });
    actor.stop();
    expect(actor.getSnapshot().status).toBe('stopped');
  });

  it('runs as a root actor too: its reports have no parent to go to, and stopping it closes its socket', () => {
    const server = createFakeWebSocketServer();
    const { settings, adapter } = resolveOptions({ url: 'ws://root.invalid/', WebSocket: server.WebSocket });
    const socketActor = createActor(createSocketActor(adapter), { input: settings }).start();
    server.latest().accept();
    socketActor.send({ type: 'SEND_PING' });
    expect(socketActor.getSnapshot().status).toBe('active');
    socketActor.stop();
    expect(socketActor.getSnapshot().status).toBe('stopped');
    expect(server.latest().readyState).not.toBe(1);
  });
});
