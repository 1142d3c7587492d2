/** How error messages quote what went wrong: a bad value, or what a callback threw. */

/** What every error message of the package starts with. */
export const PREFIX = 'xstate-websocket:';

/** A short, safe rendering of a bad value for error messages. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return `[${value.map(describe).join(', ')}]`;
  return Object.prototype.toString.call(value);
}

/**
 * Throws the one shape of option error: `` xstate-websocket: `name` must be <what>, got <value>. ``
 * (`end` replaces the final full stop, to add how to fix it).
 */
export function mustBe(name: string, what: string, value: unknown, Err: new (message: string) => Error = TypeError, end = '.'): never {
  throw new Err(`${PREFIX} \`${name}\` must be ${what}, got ${describe(value)}${end}`);
}

/** The message of what a callback or a WebSocket threw (an `Error`'s message, anything else as a string). */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
