/** How error messages quote what went wrong: a bad value, or what a callback threw. */

/** A short, safe rendering of a bad value for error messages. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return `[${value.map(describe).join(', ')}]`;
  return Object.prototype.toString.call(value);
}

/** The message of what a callback or a WebSocket threw (an `Error`'s message, anything else as a string). */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
