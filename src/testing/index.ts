/**
 * `xstate-websocket/testing`: test an app's reconnect handling in milliseconds. An in-memory
 * server whose WebSocket constructor keeps the WHATWG readyState rules, played by the test
 * (accept, refuse, hang, send, close with a code, drop, drop silently), and a virtual clock whose
 * `advance(ms)` fires timers created during the jump. No runner is assumed: it works under
 * vitest, Jest, node:test or in a browser.
 */
export { advanceClock, pendingTimers, TestClock } from './clock.js';
export type { AdvanceOptions } from './clock.js';
export { createTestServer, TestServer } from './server.js';
export type { TestWebSocketClass, TestWebSocketConstructor } from './server.js';
export { TestWebSocket } from './socket.js';
export type { CloseCall, TestServerOptions, TestWebSocketListener } from './socket.js';
