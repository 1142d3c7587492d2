/**
 * The connection `useConnection` returns: a `Connection` whose real one is created on first use
 * after render (the hook's effect, a subscription, a call), never during render, so a render React
 * throws away (StrictMode renders twice) leaves nothing behind. The effect's cleanup stops it on
 * the next microtask unless the component mounts again first: StrictMode's mount → cleanup → mount
 * keeps the one connection, its socket and its queue.
 */
import type { ConnectionSettings } from './connection.types.js';
import { getInitialSnapshot } from 'xstate';
import { connectionMachine } from './connection.machine.js';
import type { ConnectionStatus } from './connection.types.js';
import { createConnection, type Connection, type ConnectionEventMap } from './create-connection.js';
import { resolveOptions } from './options.js';
import type { ConnectionOptions } from './options.types.js';

/** A snapshot of the connection's machine (what selectors read). */
export type ConnectionSnapshot = ReturnType<Connection['actor']['getSnapshot']>;

export class LazyConnection<In = unknown, Out = unknown> implements Connection<In, Out> {
  private real: Connection<In, Out> | null = null;
  private unmounted = false;
  /** The real one was stopped by an unmount: a later mount (an `<Activity>` shown again) starts a new one. */
  private retired = false;
  private initial: ConnectionSnapshot | null = null;
  /** The validated settings: the machine's input for the snapshot before the connection exists. */
  private readonly settings: ConnectionSettings;

  constructor(readonly options: ConnectionOptions<In, Out>) {
    // Validates now, so bad options throw in render (an error boundary sees them); creates nothing.
    this.settings = resolveOptions(options).settings;
  }

  /** The real connection, created on first use. */
  private get live(): Connection<In, Out> {
    return (this.real ??= createConnection(this.options));
  }

  /** The effect ran: keep (or create) the connection. */
  mount(): void {
    this.unmounted = false;
    if (this.retired) [this.real, this.retired] = [null, false];
    void this.live;
  }

  /**
   * The effect's cleanup: stop on the next microtask, unless `mount()` came first. Stopped, it
   * answers like a stopped connection (`manuallyClosed`; methods throw) until mounted again.
   */
  unmount(): void {
    this.unmounted = true;
    queueMicrotask(() => {
      if (!this.unmounted || this.real === null || this.retired) return;
      this.retired = true;
      this.real.stop();
    });
  }

  /** The actor's snapshot without creating anything: the initial one before the connection exists. */
  peekSnapshot(): ConnectionSnapshot {
    if (this.real) return this.real.actor.getSnapshot();
    return (this.initial ??= getInitialSnapshot(connectionMachine, this.settings) as ConnectionSnapshot);
  }

  /** `idle` until the connection exists (as a new one is until its first microtask). */
  get status(): ConnectionStatus {
    return this.real?.status ?? 'idle';
  }
  get actor(): Connection['actor'] {
    return this.live.actor;
  }
  connect(): void {
    this.live.connect();
  }
  close(code?: number, reason?: string): void {
    this.live.close(code, reason);
  }
  reconnect(): void {
    this.live.reconnect();
  }
  send(data: Out): boolean {
    return this.live.send(data);
  }
  on<K extends keyof ConnectionEventMap<In>>(event: K, listener: (payload: ConnectionEventMap<In>[K]) => void): () => void {
    return this.live.on(event, listener);
  }
  stop(): void {
    this.live.stop();
  }
}
