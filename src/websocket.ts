/**
 * `xstate-websocket/websocket`: a WebSocket-compatible class for apps coming from
 * reconnecting-websocket or partysocket.
 */
export { ReconnectingWebSocket } from './websocket.class.js';
export type { ReconnectingWebSocketHandler } from './websocket.class.js';
export { CloseEventImpl as CloseEvent, DroppedEvent, WebSocketErrorEvent } from './websocket.events.js';
export type { CloseEventInit, ReconnectingWebSocketEventMap } from './websocket.events.js';
export { OPTION_ALIASES } from './websocket.options.js';
export type { ReconnectingWebSocketAliases, ReconnectingWebSocketOptions } from './websocket.options.js';
export type { ConnectionStatus } from './connection.types.js';
export type { UrlSource } from './options.types.js';
export type { OutgoingData } from './websocket.types.js';
