/**
 * Several tabs of one origin, faked: a task queue (each tab's event loop, frozen tabs skipped), Web
 * Locks and BroadcastChannel with the real APIs' semantics, and a WebSocket per tab on one fake
 * server. Web Locks: one holder per name, requests granted in the order made, the callback runs as
 * a task of the requesting tab, the lock held until its promise settles, released when the tab
 * goes away, `signal` aborts a request still waiting. BroadcastChannel: the message is cloned at
 * `postMessage` and delivered as a task to every other open channel of the name (never to the
 * sender object), in posting order.
 */
import type { BroadcastChannelConstructor, BroadcastChannelLike, LockManagerLike } from '../../../src/shared/shared.types.js';
import type { FakeWebSocket, FakeWebSocketServer } from '../fake-websocket.js';

export interface FakeTab {
  readonly id: number;
  frozen: boolean;
  dead: boolean;
}

interface Task {
  readonly tab: FakeTab;
  readonly run: () => void;
}

/** The tabs' event loops as one queue; a frozen tab's tasks wait, a dead tab's are dropped. */
export class TaskQueue {
  private tasks: Task[] = [];

  post(tab: FakeTab, run: () => void): void {
    this.tasks.push({ tab, run });
  }

  /** Runs the first runnable task; `false` when there is none. */
  runNext(): boolean {
    this.tasks = this.tasks.filter((task) => !task.tab.dead);
    const index = this.tasks.findIndex((task) => !task.tab.frozen);
    if (index < 0) return false;
    const [task] = this.tasks.splice(index, 1);
    task!.run();
    return true;
  }

  get size(): number {
    return this.tasks.filter((task) => !task.tab.dead).length;
  }
}

/** Lets every pending promise reaction run (a lock callback's promise settling, a request rejecting). */
export const microtasks = () => new Promise<void>((resolve) => setImmediate(resolve));

interface LockRequest {
  readonly tab: FakeTab;
  readonly callback: (lock: unknown) => Promise<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/** Exclusive Web Locks for one origin. */
export class FakeLocks {
  private readonly queues = new Map<string, LockRequest[]>();
  private readonly holders = new Map<string, LockRequest>();

  constructor(private readonly tasks: TaskQueue) {}

  /** The `navigator.locks` of one tab. */
  forTab(tab: FakeTab): LockManagerLike {
    return {
      request: (name, options, callback) =>
        new Promise((resolve, reject) => {
          if (options.signal?.aborted) return reject(new DOMException('aborted', 'AbortError'));
          const request: LockRequest = { tab, callback, resolve, reject };
          const queue = this.queue(name);
          queue.push(request);
          options.signal?.addEventListener('abort', () => {
            const at = queue.indexOf(request);
            if (at < 0) return; // granted already: the signal no longer matters
            queue.splice(at, 1);
            reject(new DOMException('aborted', 'AbortError'));
          });
          this.grant(name);
        }),
    };
  }

  /** The tab holding `name`, if any. */
  holder(name: string): FakeTab | undefined {
    return this.holders.get(name)?.tab;
  }

  /** The tab is gone: its waiting requests vanish and the locks it held are released. */
  closeTab(tab: FakeTab): void {
    for (const [name, queue] of this.queues) {
      this.queues.set(name, queue.filter((r) => r.tab !== tab));
      if (this.holders.get(name)?.tab === tab) this.release(name);
    }
  }

  private queue(name: string): LockRequest[] {
    let queue = this.queues.get(name);
    if (!queue) this.queues.set(name, (queue = []));
    return queue;
  }

  private grant(name: string): void {
    if (this.holders.has(name)) return;
    const next = this.queue(name).shift();
    if (!next) return;
    this.holders.set(name, next);
    this.tasks.post(next.tab, () => {
      let held: Promise<unknown>;
      try {
        held = Promise.resolve(next.callback({ name, mode: 'exclusive' }));
      } catch (error) {
        held = Promise.reject(error);
      }
      held.then(next.resolve, next.reject).finally(() => {
        if (this.holders.get(name) === next) this.release(name);
      });
    });
  }

  private release(name: string): void {
    this.holders.delete(name);
    this.grant(name);
  }
}

/** BroadcastChannels of one origin. */
export class FakeChannels {
  private readonly open = new Set<{ name: string; tab: FakeTab; channel: BroadcastChannelLike }>();

  constructor(private readonly tasks: TaskQueue) {}

  /** The `BroadcastChannel` constructor of one tab. */
  forTab(tab: FakeTab): BroadcastChannelConstructor {
    const hub = this;
    return class implements BroadcastChannelLike {
      onmessage: ((event: { data: unknown }) => void) | null = null;
      private readonly entry;
      private closed = false;
      constructor(readonly name: string) {
        this.entry = { name, tab, channel: this as BroadcastChannelLike };
        hub.open.add(this.entry);
      }
      postMessage(message: unknown): void {
        if (this.closed) throw new DOMException('closed', 'InvalidStateError');
        const data = structuredClone(message);
        for (const target of hub.open) {
          if (target.name !== this.name || target.channel === this) continue;
          hub.tasks.post(target.tab, () => {
            if (hub.open.has(target)) target.channel.onmessage?.({ data: structuredClone(data) });
          });
        }
      }
      close(): void {
        this.closed = true;
        hub.open.delete(this.entry);
      }
    };
  }

  /** The tab is gone: its channels are closed. */
  closeTab(tab: FakeTab): void {
    for (const entry of [...this.open]) if (entry.tab === tab) this.open.delete(entry);
  }
}

/** A WebSocket constructor for one tab on the shared fake server; the tab's sockets are listed. */
export function webSocketForTab(server: FakeWebSocketServer, tab: FakeTab, sockets: FakeWebSocket[]) {
  return class extends server.WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      if (tab.dead) throw new Error(`fake: tab ${tab.id} is closed and cannot open a socket`);
      super(url, protocols);
      sockets.push(this);
    }
  };
}

/** A page that is gone takes its sockets with it: the server sees them closed, no script of it runs. */
export function killSockets(sockets: FakeWebSocket[]): void {
  for (const socket of sockets) socket.readyState = 3;
}
