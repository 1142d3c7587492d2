/**
 * `createSharedConnection` on fake tabs (fake Web Locks, BroadcastChannel and WebSocket, virtual
 * time): the election, mirroring, sends through the leader, close for all, stop and hand-over.
 */
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createSharedConnection } from '../src/shared.js';
import { createWorld, LOCK_NAME } from './support/shared-model/world.js';

async function twoTabs() {
  const world = createWorld();
  const a = world.openTab();
  await world.settle();
  const b = world.openTab();
  await world.settle();
  return { world, a, b };
}

describe('createSharedConnection', () => {
  it('elects the first tab leader; the second follows and mirrors its status', async () => {
    const { world, a, b } = await twoTabs();
    expect(a.conn.shared).toBe(true);
    expect([a.conn.role, b.conn.role]).toEqual(['leader', 'follower']);
    expect(world.locks.holder(LOCK_NAME)).toBe(a);
    expect(world.server.sockets).toHaveLength(1);
    expect(a.conn.actor).not.toBeNull();
    expect(b.conn.actor).toBeNull();
    world.server.latest().accept();
    await world.settle();
    expect([a.conn.status, b.conn.status]).toEqual(['open', 'open']);
    expect(b.statuses()).toEqual(['connecting', 'open']);
    expect(a.statuses()).toEqual(['connecting', 'open']);
    expect(b.payloads('role')).toEqual(['follower']);
    expect(b.payloads('open')).toEqual([{ protocol: '', reconnected: false, downtimeMs: 0 }]);
  });

  it('fans every inbound message out to every tab once', async () => {
    const { world, a, b } = await twoTabs();
    world.server.latest().accept();
    world.server.latest().receive('m1');
    world.server.latest().receive('m2');
    await world.settle();
    expect(a.payloads('message')).toEqual(['m1', 'm2']);
    expect(b.payloads('message')).toEqual(['m1', 'm2']);
  });

  it("sends a follower's messages through the leader's socket, each tab's in order, none twice", async () => {
    const { world, a, b } = await twoTabs();
    expect(b.conn.send('b1')).toBe(true);
    expect(a.conn.send('a1')).toBe(true);
    expect(b.conn.send('b2')).toBe(true);
    await world.settle();
    world.server.latest().accept();
    await world.settle();
    // a1 is queued in the leader at once; b's reach it as tasks, in b's order
    expect(world.server.latest().sent).toEqual(['a1', 'b1', 'b2']);
    expect(b.payloads('dropped')).toEqual([]);
  });

  it('close() in a follower closes for every tab; connect() in another reconnects', async () => {
    const { world, a, b } = await twoTabs();
    world.server.latest().accept();
    await world.settle();
    b.conn.close(4000, 'bye');
    await world.settle();
    expect(world.server.latest().closeCall).toEqual({ code: 4000, reason: 'bye' });
    world.server.latest().completeClose();
    await world.settle();
    expect([a.conn.status, b.conn.status]).toEqual(['manuallyClosed', 'manuallyClosed']);
    b.conn.connect();
    await world.settle();
    expect(world.server.sockets).toHaveLength(2);
    expect(a.conn.status).toBe('connecting');
  });

  it('stop() in the leader closes its socket, then a follower takes the lock and connects', async () => {
    const { world, a, b } = await twoTabs();
    world.server.latest().accept();
    await world.settle();
    a.conn.stop();
    expect(a.conn.status).toBe('manuallyClosed');
    await world.settle();
    const first = world.server.sockets[0]!;
    expect(first.closeCall).toEqual({ code: 1000, reason: 'leader left' });
    expect(world.server.sockets).toHaveLength(1); // the lock waits for the socket's close
    b.conn.send('during hand-over');
    first.completeClose();
    await world.settle();
    expect(b.conn.role).toBe('leader');
    expect(world.server.sockets).toHaveLength(2);
    world.server.latest().accept();
    await world.settle();
    expect(world.server.latest().sent).toEqual(['during hand-over']);
    expect(b.statuses()).toEqual(['connecting', 'open', 'connecting', 'open']);
    expect(a.payloads('role')).toEqual(['leader', 'left']);
  });

  it("after a hand-over, the new leader's open is a reconnect in every tab, its downtime since the session ended", async () => {
    const world = createWorld();
    const [a, b, c] = [world.openTab(), world.openTab(), world.openTab()];
    await world.settle();
    world.server.latest().accept();
    await world.settle();
    world.closeTab(a);
    await world.settle();
    expect(b.conn.role).toBe('leader');
    b.clock.increment(700);
    world.server.latest().accept();
    await world.settle();
    const opens = [{ protocol: '', reconnected: false, downtimeMs: 0 }, { protocol: '', reconnected: true, downtimeMs: 700 }];
    expect(b.payloads('open')).toEqual(opens);
    expect(c.payloads('open')).toEqual(opens);
  });

  it('close() in a follower while the leader page is gone is carried out by the next leader', async () => {
    const { world, a, b } = await twoTabs();
    const c = world.openTab();
    await world.settle();
    world.server.latest().accept();
    await world.settle();
    world.closeTab(a);
    c.conn.close(); // posted to a, which is gone
    await world.settle();
    expect(b.conn.role).toBe('leader');
    world.server.latest().completeClose();
    await world.settle();
    expect([b.conn.status, c.conn.status]).toEqual(['manuallyClosed', 'manuallyClosed']);
    expect(world.server.live()).toEqual([]);
  });

  it("a leader that stops with a follower's messages still queued: the next leader sends them, none dropped", async () => {
    const { world, a, b } = await twoTabs();
    b.conn.send('b1');
    a.conn.send('a1');
    await world.settle(); // both wait in a's queue: its socket is still connecting
    a.conn.stop();
    await world.settle();
    world.server.sockets[0]!.completeClose();
    await world.settle();
    expect(b.conn.role).toBe('leader');
    world.server.latest().accept();
    await world.settle();
    expect(world.server.latest().sent).toEqual(['b1']);
    expect(b.payloads('dropped')).toEqual([]);
    expect(a.payloads('dropped')).toEqual([{ data: 'a1', reason: 'stopped' }]);
  });

  it('a follower that stops leaves the others connected', async () => {
    const { world, a, b } = await twoTabs();
    world.server.latest().accept();
    await world.settle();
    b.conn.stop();
    await world.settle();
    expect(b.conn.status).toBe('manuallyClosed');
    expect(a.conn.status).toBe('open');
    expect(b.conn.send('late')).toBe(false);
    expect(b.payloads('dropped')).toEqual([{ data: 'late', reason: 'stopped' }]);
    expect(() => b.conn.connect()).toThrow(/after stop\(\)/);
  });

  it('leader page closed: a follower takes the lock and connects; what it handed the old leader unconfirmed is reported', async () => {
    const { world, a, b } = await twoTabs();
    world.server.latest().accept();
    await world.settle();
    b.conn.send('in flight'); // posted to a, which is gone before it runs
    world.closeTab(a);
    await world.settle();
    expect(b.conn.role).toBe('leader');
    expect(world.server.live()).toHaveLength(1);
    expect(b.payloads('dropped')).toEqual([{ data: 'in flight', reason: 'handover' }]);
    expect(world.server.sockets[0]!.sent).toEqual([]);
  });

  it('a frozen leader keeps the lock: followers wait, their messages go out when it thaws', async () => {
    const { world, a, b } = await twoTabs();
    world.server.latest().accept();
    await world.settle();
    a.frozen = true;
    b.conn.send('waits');
    await world.settle();
    expect(b.conn.role).toBe('follower');
    expect(world.server.latest().sent).toEqual([]);
    a.frozen = false;
    await world.settle();
    expect(world.server.latest().sent).toEqual(['waits']);
  });

  it('a tab that opens while the connection is closed for all does not connect on hand-over', async () => {
    const { world, a, b } = await twoTabs();
    a.conn.close();
    world.server.latest().completeClose();
    await world.settle();
    expect(b.conn.status).toBe('manuallyClosed');
    world.closeTab(a);
    await world.settle();
    expect(b.conn.role).toBe('leader');
    expect(b.conn.status).toBe('manuallyClosed');
    expect(world.server.sockets).toHaveLength(1);
  });

  it('falls back to a plain connection where Web Locks are missing (Node), and says so', () => {
    const conn = createSharedConnection({ key: 'k', url: 'ws://127.0.0.1:1/', WebSocket, autoConnect: false });
    expect(conn.shared).toBe(false);
    expect(conn.role).toBe('leader');
    expect(conn.election).toBeNull();
    expect(conn.status).toBe('idle');
    expect(conn.on('role', () => {})).toBeTypeOf('function');
    conn.stop();
  });

  it('refuses a bad key or lock manager, naming the option', () => {
    expect(() => createSharedConnection({ key: '', url: 'ws://x/' })).toThrow(/`key` must be a non-empty string/);
    expect(() => createSharedConnection({ key: 'k', url: 'ws://x/', locks: {} as never })).toThrow(/`locks` must be a LockManager/);
    expect(() => createSharedConnection({ key: 'k', url: 'ws://x/', retries: 1 } as never)).toThrow(TypeError);
  });
});
