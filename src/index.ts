export { createConnection } from './create-connection.js';
export { json } from './codec.js';
export { browserEnvironment } from './environment.js';
export type { ConnectionEnvironment, EnvironmentSignal } from './environment.js';
export type { Connection, ConnectionEventMap, DropReason } from './create-connection.js';
export { connectionMachine, getStatus } from './connection.machine.js';
export { createSocketActor } from './socket.actor.js';
export type { SocketActorLogic } from './socket.actor.js';
export type { SocketActorDeps, SocketTransport } from './connection.deps.js';
export type { TimerClock } from './let-go.js';
export { CONNECTION_STATUSES, HIDDEN_CHECK_DEFAULT_MS } from './connection.types.js';
export type {
  BinaryTypeName,
  CloseInfo,
  CloseIntent,
  ConnectionCommand,
  ConnectionContext,
  ConnectionEmitted,
  ConnectionEvent,
  ConnectionSettings,
  ConnectionStatus,
  EnvironmentChange,
  GaveUpReason,
  HandshakeReply,
  HandshakeSettings,
  HandshakeVerdict,
  HeartbeatSettings,
  SocketCommand,
  SocketReport,
} from './connection.types.js';
export { resolveOptions } from './options.js';
export type { ResolvedOptions } from './options.js';
export { DEFAULTS } from './options.types.js';
export type { BackoffOptions, Codec, ConnectionClock, ConnectionOptions, HandshakeOptions, HeartbeatOptions, PongData, UrlSource } from './options.types.js';
export { backoffCeilingMs, backoffDelayMs, backoffFloorMs } from './backoff.js';
export type { BackoffSettings } from './backoff.js';
export { formatReason, REASONS } from './reasons.js';
export type { ReasonLabel } from './reasons.js';
export { CLOSE_CODE_TABLE, closeCodePolicy, HANDSHAKE_REJECTED_CLOSE_CODE, isRetryableCloseCode, TIMEOUT_CLOSE_CODE } from './close-codes.js';
export type { CloseCodePolicy } from './close-codes.js';
export type { AnyListener, OutgoingData, WebSocketConstructor, WebSocketLike } from './websocket.types.js';
