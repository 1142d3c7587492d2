/**
 * Per-connection dependencies (WebSocket constructor, URL source, callbacks),
 * bound to an actor system instead of `machine.provide(...)`: providing re-creates the whole
 * machine (about 30 KB of heap per connection), while all connections can share one machine.
 * `createConnection` binds them to its own actor's system; the adapter and `planRetry` read them.
 */
import type { ActorSystem } from 'xstate';
import type { SocketActorDeps } from './socket.actor.js';

/** What a connection injects: the adapter's dependencies. */
export type ConnectionDeps = SocketActorDeps;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyActorSystem = ActorSystem<any>;

const bySystem = new WeakMap<AnyActorSystem, ConnectionDeps>();

/** Binds dependencies to an actor system (one system per `createConnection`). */
export function bindConnectionDeps(system: AnyActorSystem, deps: ConnectionDeps): void {
  bySystem.set(system, deps);
}

/** The dependencies bound to a system, or none (the machine's defaults apply). */
export function connectionDepsOf(system: AnyActorSystem): ConnectionDeps | undefined {
  return bySystem.get(system);
}
