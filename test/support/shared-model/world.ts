/**
 * A browser origin with tabs, on fakes and virtual time: each tab has its own SimulatedClock (a
 * frozen tab's time stands still), its own Web Locks and BroadcastChannel views of the origin's,
 * and a WebSocket on one fake server. Used by the scenario tests and the model-based property.
 */
import { SHARED_EVENT_NAMES } from '../../../src/shared/create-shared-connection.js';
import { SimulatedClock } from 'xstate';
import { buildSharedConnection, SHIPPED_SHARED_POLICIES, type SharedPolicies } from '../../../src/shared/create-shared-connection.js';
import type { SharedConnection, SharedConnectionEventMap, SharedConnectionOptions } from '../../../src/shared/shared.types.js';
import { createFakeWebSocketServer, type FakeWebSocket, type FakeWebSocketServer } from '../fake-websocket.js';
import { advance } from '../virtual-time.js';
import { FakeChannels, FakeLocks, killSockets, microtasks, TaskQueue, webSocketForTab, type FakeTab } from './fake-tabs.js';

export const KEY = 'live';
export const LOCK_NAME = `xstate-websocket:${KEY}`;
const EVENTS = SHARED_EVENT_NAMES;

export interface Tab extends FakeTab {
  readonly conn: SharedConnection;
  readonly clock: SimulatedClock;
  readonly sockets: FakeWebSocket[];
  /** Every event this tab's handle fired, in order. */
  readonly events: Array<[keyof SharedConnectionEventMap, unknown]>;
  statuses(): string[];
  payloads<K extends keyof SharedConnectionEventMap>(name: K): Array<SharedConnectionEventMap[K]>;
}

export interface World {
  readonly server: FakeWebSocketServer;
  readonly tasks: TaskQueue;
  readonly locks: FakeLocks;
  readonly channels: FakeChannels;
  readonly tabs: Tab[];
  openTab(options?: Partial<SharedConnectionOptions>): Tab;
  /** The page is gone (closed, crashed, discarded): no `stop()`, its socket and lock go with it. */
  closeTab(tab: Tab): void;
  /** Runs queued tasks and promise reactions until nothing is left to run (bounded). */
  settle(maxTasks?: number): Promise<void>;
  /** Advances every live, unfrozen tab's clock by `ms`; `onStep` after each timer. */
  advance(ms: number, onStep?: () => void): void;
  live(): Tab[];
}

/** `defaults`: options every tab opens with (an `openTab` call's own options win). */
export function createWorld(policies: SharedPolicies = SHIPPED_SHARED_POLICIES, defaults: Partial<SharedConnectionOptions> = {}): World {
  const server = createFakeWebSocketServer();
  const tasks = new TaskQueue();
  const locks = new FakeLocks(tasks);
  const channels = new FakeChannels(tasks);
  const tabs: Tab[] = [];
  const world: World = {
    server,
    tasks,
    locks,
    channels,
    tabs,
    openTab(options = {}) {
      const fake: FakeTab = { id: tabs.length, frozen: false, dead: false };
      const clock = new SimulatedClock();
      const sockets: FakeWebSocket[] = [];
      const conn = buildSharedConnection(
        {
          key: KEY,
          url: 'ws://test.invalid/live',
          WebSocket: webSocketForTab(server, fake, sockets),
          clock,
          seed: fake.id,
          locks: locks.forTab(fake),
          BroadcastChannel: channels.forTab(fake),
          ...defaults,
          ...options,
        },
        policies,
      );
      const events: Tab['events'] = [];
      for (const name of EVENTS) conn.on(name, (payload) => events.push([name, payload]));
      const tab: Tab = Object.assign(fake, {
        conn,
        clock,
        sockets,
        events,
        statuses: () => events.filter(([n]) => n === 'status').map(([, s]) => s as string),
        payloads: <K extends keyof SharedConnectionEventMap>(name: K) =>
          events.filter(([n]) => n === name).map(([, p]) => p as SharedConnectionEventMap[K]),
      });
      tabs.push(tab);
      return tab;
    },
    closeTab(tab) {
      tab.dead = true;
      killSockets(tab.sockets);
      channels.closeTab(tab);
      locks.closeTab(tab);
    },
    async settle(maxTasks = 10_000) {
      await microtasks();
      for (let n = 0; n < maxTasks; n++) {
        if (!tasks.runNext()) {
          await microtasks();
          if (tasks.size === 0 || !tasks.runNext()) return;
        }
        await microtasks();
      }
      throw new Error(`settle: still busy after ${maxTasks} tasks`);
    },
    advance(ms, onStep) {
      for (const tab of world.live()) if (!tab.frozen) advance(tab.clock, ms, onStep);
    },
    live: () => tabs.filter((t) => !t.dead),
  };
  return world;
}
