/**
 * The model-based property of `createSharedConnection`: several tabs on fake Web Locks,
 * BroadcastChannel and WebSocket, on virtual time. The model is only what a user can see: which
 * tabs are open, frozen or stopped, and what was sent; the invariants are checked against the
 * fakes after every command, every task a tab runs and every timer that fires.
 */
import fc from 'fast-check';
import { SHIPPED_SHARED_POLICIES, type SharedPolicies } from '../../../src/shared/create-shared-connection.js';
import type { SharedConnectionOptions, SharedDropReason } from '../../../src/shared/shared.types.js';
import { microtasks } from './fake-tabs.js';
import { createWorld, type Tab, type World } from './world.js';

export const SHARED_INVARIANTS = {
  S1: 'at most one socket for the key is CONNECTING or OPEN at any instant, also during hand-over',
  S2: 'every message sent from any tab reaches the server at most once, and is delivered or reported dropped (handover only after a crash)',
  S3: 'every tab sees the leader\'s status once the tabs have heard each other',
  S4: 'every tab gets each inbound message at most once',
  S5: 'each tab\'s messages reach the server in the order the tab sent them',
} as const;
export type SharedInvariant = keyof typeof SHARED_INVARIANTS;

export const sharedInvariantTitle = (id: SharedInvariant) => `invariant ${id}: ${SHARED_INVARIANTS[id]}`;

function fail(id: SharedInvariant, detail: string): never {
  throw new Error(`Invariant ${id} (${SHARED_INVARIANTS[id]}) broken: ${detail}`);
}

export interface Model {
  tabs: Array<{ alive: boolean; frozen: boolean; stopped: boolean }>;
  sent: number;
  pushed: number;
}

export interface Real {
  world: World;
  /** Message → the tab that sent it. */
  senders: Map<string, Tab>;
  /** Tabs closed (crashed) while they had something unresolved: their messages may be lost with the page. */
  crashed: Set<Tab>;
  check(): void;
}

const MAX_TABS = 4;
const usable = (m: Model, k: number) => k < m.tabs.length && m.tabs[k]!.alive;

function delivered(world: World): Map<string, number> {
  const counts = new Map<string, number>();
  for (const socket of world.server.sockets) for (const data of socket.sent) counts.set(String(data), (counts.get(String(data)) ?? 0) + 1);
  return counts;
}

/** S1, S2 (at most once), S4: what must hold at every instant. */
function checkAlways(real: Real): void {
  const { world } = real;
  const live = world.server.live();
  if (live.length > 1) fail('S1', `${live.length} sockets live: ${live.map((s) => world.tabs.findIndex((t) => t.sockets.includes(s))).join(', ')} (tab indexes)`);
  for (const [data, n] of delivered(world)) if (n > 1) fail('S2', `${data} reached the server ${n} times`);
  const last = new Map<Tab, number>();
  for (const socket of world.server.sockets) {
    for (const data of socket.sent) {
      const sender = real.senders.get(String(data));
      const n = Number(String(data).slice(1));
      if (sender && (last.get(sender) ?? 0) > n) fail('S5', `tab ${sender.id}'s ${String(data)} reached the server after m${last.get(sender)}`);
      if (sender) last.set(sender, n);
    }
  }
  for (const tab of world.tabs) {
    const seen = new Set<unknown>();
    for (const m of tab.payloads('message')) {
      if (seen.has(m)) fail('S4', `tab ${tab.id} got ${String(m)} twice`);
      seen.add(m);
    }
  }
}

/** S3, when nothing is in flight and no tab is frozen. */
function checkMirrored(real: Real): void {
  const { world } = real;
  if (world.tasks.size > 0 || world.tabs.some((t) => !t.dead && t.frozen)) return;
  const active = world.live().filter((t) => t.conn.role !== 'left');
  const leader = active.find((t) => t.conn.role === 'leader');
  if (!leader) return;
  for (const tab of active) {
    if (tab.conn.status !== leader.conn.status) fail('S3', `tab ${tab.id} shows ${tab.conn.status}, leader ${leader.id} ${leader.conn.status}`);
  }
}

class Cmd implements fc.AsyncCommand<Model, Real> {
  constructor(
    private readonly name: string,
    private readonly when: (m: Model) => boolean,
    private readonly act: (m: Model, r: Real) => void | Promise<void>,
  ) {}
  check(m: Readonly<Model>) {
    return this.when(m as Model);
  }
  async run(m: Model, r: Real) {
    await this.act(m, r);
    r.check();
  }
  toString() {
    return this.name;
  }
}

const tab = (r: Real, k: number) => r.world.tabs[k]!;

export function sharedCommands() {
  const k = fc.nat({ max: MAX_TABS - 1 });
  return [
    fc.constant(
      new Cmd('openTab', (m) => m.tabs.length < MAX_TABS, (m, r) => {
        r.world.openTab();
        m.tabs.push({ alive: true, frozen: false, stopped: false });
      }),
    ),
    k.map((i) => new Cmd(`closeTab(${i})`, (m) => usable(m, i), (m, r) => {
      r.world.closeTab(tab(r, i));
      r.crashed.add(tab(r, i));
      m.tabs[i]!.alive = false;
    })),
    k.map((i) => new Cmd(`freeze(${i})`, (m) => usable(m, i) && !m.tabs[i]!.frozen, (m, r) => {
      tab(r, i).frozen = m.tabs[i]!.frozen = true;
    })),
    k.map((i) => new Cmd(`unfreeze(${i})`, (m) => usable(m, i) && m.tabs[i]!.frozen, (m, r) => {
      tab(r, i).frozen = m.tabs[i]!.frozen = false;
    })),
    k.map((i) => new Cmd(`send(${i})`, (m) => usable(m, i) && !m.tabs[i]!.frozen, (m, r) => {
      const data = `m${++m.sent}`;
      r.senders.set(data, tab(r, i));
      tab(r, i).conn.send(data);
    })),
    k.map((i) => new Cmd(`stop(${i})`, (m) => usable(m, i) && !m.tabs[i]!.frozen && !m.tabs[i]!.stopped, (m, r) => {
      tab(r, i).conn.stop();
      m.tabs[i]!.stopped = true;
    })),
    k.map((i) => new Cmd(`close(${i})`, (m) => usable(m, i) && !m.tabs[i]!.frozen && !m.tabs[i]!.stopped, (_m, r) => tab(r, i).conn.close())),
    k.map((i) => new Cmd(`connect(${i})`, (m) => usable(m, i) && !m.tabs[i]!.frozen && !m.tabs[i]!.stopped, (_m, r) => tab(r, i).conn.connect())),
    fc.constant(new Cmd('serverAccepts', () => true, (_m, r) => acceptAll(r))),
    fc.constant(new Cmd('serverDrops', () => true, (_m, r) => {
      for (const socket of r.world.server.live()) if (!ownerFrozen(r, socket)) socket.drop();
    })),
    fc.constant(new Cmd('serverCompletesCloses', () => true, (_m, r) => {
      for (const socket of r.world.server.sockets) if (socket.readyState === 2 && !ownerFrozen(r, socket)) socket.completeClose();
    })),
    fc.constant(new Cmd('serverPushes', () => true, (m, r) => {
      const data = `in${++m.pushed}`;
      for (const socket of r.world.server.live()) if (socket.readyState === 1 && !ownerFrozen(r, socket)) socket.receive(data);
    })),
    fc.integer({ min: 1, max: 6 }).map((n) => new Cmd(`tasks(${n})`, () => true, async (_m, r) => {
      for (let i = 0; i < n && r.world.tasks.runNext(); i++) {
        await microtasks();
        r.check();
      }
    })),
    fc.constant(new Cmd('settle', () => true, async (_m, r) => {
      await r.world.settle();
      checkMirrored(r);
    })),
    fc.constantFrom(100, 1_000, 5_000, 30_000).map((ms) => new Cmd(`advance(${ms})`, () => true, (_m, r) => r.world.advance(ms, () => checkAlways(r)))),
  ];
}

function ownerFrozen(r: Real, socket: unknown): boolean {
  return r.world.tabs.some((t) => t.frozen && t.sockets.includes(socket as never));
}

function acceptAll(r: Real): void {
  for (const socket of r.world.server.sockets) if (socket.readyState === 0 && !ownerFrozen(r, socket)) socket.accept();
}

/**
 * The end of every run: every tab thaws, a fresh tab opens (someone to lead and to hear), the
 * server accepts and completes closes, a closed connection is reconnected, time passes; then
 * every message sent from a tab that did not crash is delivered or reported dropped (S2).
 */
export async function drain(r: Real): Promise<void> {
  const { world } = r;
  for (const t of world.live()) t.frozen = false;
  world.openTab();
  /** A healthy server from now on: it accepts every socket and answers every close, as they come. */
  const healthy = () => {
    for (const socket of world.server.sockets) if (socket.readyState === 2) socket.completeClose();
    acceptAll(r);
    checkAlways(r);
  };
  for (let round = 0; round < 4; round++) {
    await world.settle();
    healthy();
    await world.settle();
    const leader = world.live().find((t) => t.conn.role === 'leader');
    if (leader && ['manuallyClosed', 'idle', 'gaveUp'].includes(leader.conn.status)) leader.conn.connect();
    healthy();
    world.advance(60_000, healthy);
  }
  await world.settle();
  checkMirrored(r);
  const counts = delivered(world);
  for (const [data, sender] of r.senders) {
    const drops = sender.payloads('dropped').filter((d) => d.data === data);
    if (drops.length > 1) fail('S2', `${data} reported dropped ${drops.length} times`);
    const reason: SharedDropReason | undefined = drops[0]?.reason;
    if (reason === 'handover' && r.crashed.size === 0) fail('S2', `${data} reported dropped (handover) though no leader crashed: stop() hands over everything`);
    const out = counts.get(data) ?? 0;
    if (out === 1 && reason !== undefined && !(reason === 'handover' && r.crashed.size > 0)) {
      fail('S2', `${data} was delivered and reported dropped (${reason})`);
    }
    if (out === 0 && reason === undefined && !r.crashed.has(sender)) fail('S2', `${data} from tab ${sender.id} was neither delivered nor reported dropped`);
  }
}

/** A fresh origin without tabs, and its model; every tab opens with `options`. */
export function createRun(policies: SharedPolicies = SHIPPED_SHARED_POLICIES, options: Partial<SharedConnectionOptions> = {}): { model: Model; real: Real } {
  const world = createWorld(policies, options);
  const real: Real = { world, senders: new Map(), crashed: new Set(), check: () => checkAlways(real) };
  return { model: { tabs: [], sent: 0, pushed: 0 }, real };
}

/** Runs with a small queue (2: `queue-full` is reached) or the default. */
const optionsArbitrary = fc.record({ maxQueuedMessages: fc.constantFrom(2, 1_000) });

export function sharedProperty(policies: SharedPolicies = SHIPPED_SHARED_POLICIES) {
  return fc.asyncProperty(optionsArbitrary, fc.commands(sharedCommands(), { size: '+1' }), async (options, cmds) => {
    const { model, real } = createRun(policies, options);
    await fc.asyncModelRun(() => ({ model, real }), cmds);
    await drain(real);
  });
}
