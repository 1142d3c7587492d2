/**
 * When `useConnection` keeps its connection: options equal by value for data (plain objects and
 * arrays compared key by key, a `URL` by its `href`), by identity for functions and everything else
 * (a `WebSocket` constructor, a `clock`, binary data).
 */

/** Whether two option values mean the same connection. */
export function sameOptions(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (a instanceof URL || b instanceof URL) return a instanceof URL && b instanceof URL && a.href === b.href;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => sameOptions(item, b[i]));
  }
  if (!isPlain(a) || !isPlain(b)) return false;
  const keys = Object.keys(a).filter((key) => (a as Record<string, unknown>)[key] !== undefined);
  const other = Object.keys(b).filter((key) => (b as Record<string, unknown>)[key] !== undefined);
  return keys.length === other.length && keys.every((key) => sameOptions((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}

function isPlain(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
