/** `xstate-websocket/shared`: one connection for every tab of an origin (Web Locks + BroadcastChannel). */
export { createSharedConnection } from './shared/create-shared-connection.js';
export { electionMachine } from './shared/election.machine.js';
export type { ElectionContext } from './shared/election.machine.js';
export type {
  BroadcastChannelConstructor,
  BroadcastChannelLike,
  ElectionEvent,
  LockManagerLike,
  SharedConnection,
  SharedConnectionEventMap,
  SharedConnectionOptions,
  SharedDropReason,
  SharedRole,
} from './shared/shared.types.js';
