/**
 * The close-code policy: which WebSocket close codes end retrying, and why.
 *
 * One pure function decides; the statechart only asks it (through the
 * `isRetryableClose` guard, which an app can override with `shouldReconnect`).
 * Codes follow RFC 6455 §7.4 and the IANA "WebSocket Close Code Number" registry.
 */
import { byteLengthOf } from './byte-length.js';

/** Close code the client sends when it closes a socket it gave up on (IANA registry: 3008 "Timeout"). */
export const TIMEOUT_CLOSE_CODE = 3008;

/**
 * Close code the client sends when the server rejects the handshake (the app range: not retried
 * by the policy, and the chart gives up on a rejection whatever the policy says).
 */
export const HANDSHAKE_REJECTED_CLOSE_CODE = 4403;

/** The most a close reason may take, in UTF-8 bytes (RFC 6455 §5.5: a control frame's 125 less the code). */
export const MAX_CLOSE_REASON_BYTES = 123;

/**
 * `reason` as it fits a close frame: unchanged when it takes at most 123 UTF-8 bytes, else cut at a
 * character boundary (never inside a surrogate pair or a UTF-8 sequence) and ended with `…`.
 */
export function fitCloseReason(reason: string): string {
  const size = byteLengthOf;
  if (size(reason) <= MAX_CLOSE_REASON_BYTES) return reason;
  let kept = '';
  for (const char of reason) {
    if (size(kept + char) > MAX_CLOSE_REASON_BYTES - 3) break; // '…' takes 3 bytes
    kept += char;
  }
  return `${kept}…`;
}

/** How the policy treats one close code. */
export interface CloseCodePolicy {
  /** `true`: reconnect with backoff; `false`: stop and enter `gaveUp`. */
  readonly retry: boolean;
  /** One line saying why, for logs, the inspector and the generated spec. */
  readonly why: string;
}

/** The codes the policy names explicitly, in table order. */
export const CLOSE_CODE_TABLE: ReadonlyArray<readonly [code: number | string, policy: CloseCodePolicy]> = [
  [1000, { retry: true, why: 'normal closure by the server (restart, deploy): come back' }],
  [1001, { retry: true, why: 'going away (server shutting down, proxy restart)' }],
  [1002, { retry: false, why: 'protocol error: the same client will fail the same way' }],
  [1003, { retry: false, why: 'unsupported data: the server refuses what this client sends' }],
  [1005, { retry: true, why: 'no status received: treated as an unexplained drop' }],
  [1006, { retry: true, why: 'abnormal closure: network drop, refused or killed connection' }],
  [1007, { retry: false, why: 'invalid payload data: the client sends data the server rejects' }],
  [1008, { retry: false, why: 'policy violation (auth rejected, token revoked): retrying cannot help' }],
  [1009, { retry: false, why: 'message too big: the client will send it again' }],
  [1010, { retry: false, why: 'mandatory extension missing: a configuration mismatch' }],
  [1011, { retry: true, why: 'internal server error: may be transient' }],
  [1012, { retry: true, why: 'service restart' }],
  [1013, { retry: true, why: 'try again later (overload): backoff is exactly what is asked' }],
  [1014, { retry: true, why: 'bad gateway: the upstream may come back' }],
  ['4000–4999', { retry: false, why: "the application's own rejection range (e.g. 4001 unauthorized, 4003 forbidden)" }],
  ['any other', { retry: true, why: 'unknown or library-defined (3000–3999): retried, always within maxRetries' }],
];

const TERMINAL_CODES = new Set([1002, 1003, 1007, 1008, 1009, 1010]);

// Pure, so a bundle that never calls closeCodePolicy drops the table.
const POLICIES = /* @__PURE__ */ new Map<number | string, CloseCodePolicy>(CLOSE_CODE_TABLE);

/**
 * Classifies a close code.
 *
 * @example
 * closeCodePolicy(1006).retry // true: a network drop is retried
 * closeCodePolicy(1008).retry // false: auth/policy rejection ends retrying
 * closeCodePolicy(4001).retry // false: 4000–4999 is the app's "rejected" range
 */
export function closeCodePolicy(code: number): CloseCodePolicy {
  const row = code >= 4000 && code <= 4999 ? '4000–4999' : POLICIES.has(code) ? code : 'any other';
  return POLICIES.get(row)!;
}

/**
 * Whether the default policy reconnects after a close with this code: the decision of
 * `closeCodePolicy` without its explanations (so the runtime does not carry the table).
 */
export function isRetryableCloseCode(code: number): boolean {
  return !TERMINAL_CODES.has(code) && !(code >= 4000 && code <= 4999);
}

/**
 * HTTP statuses of a rejected upgrade that mean "do not retry", mapped into the application's
 * rejection range (4000 + status), which the policy above does not retry.
 */
export const UPGRADE_STATUS_CLOSE_CODES: Readonly<Record<number, number>> = { 401: 4401, 403: 4403 };

/**
 * The close code reported when the server answered the upgrade with HTTP `status` instead of
 * a WebSocket: 4401 for 401, 4403 for 403 (not retried), 1006 for any other (retried).
 */
export function upgradeCloseCode(status: number): number {
  return UPGRADE_STATUS_CLOSE_CODES[status] ?? 1006;
}
