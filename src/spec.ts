/**
 * `xstate-websocket/spec`: what the generated spec and the docs explain, kept out of the core
 * entry so an app that only calls `createConnection` never ships it: the meaning of every reason
 * label and the close-code table with a one-line why per row. (The core keeps what runs: the
 * reason lines the inspector shows, the state descriptions, the retry predicate.)
 */
export { formatReason, REASONS } from './reasons.js';
export type { ReasonLabel } from './reasons.js';
export { CLOSE_CODE_TABLE, closeCodePolicy, isRetryableCloseCode, TIMEOUT_CLOSE_CODE, UPGRADE_STATUS_CLOSE_CODES, upgradeCloseCode } from './close-codes.js';
export type { CloseCodePolicy } from './close-codes.js';
