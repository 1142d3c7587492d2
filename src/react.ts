/**
 * `xstate-websocket/react`: one connection per mounted component (`useConnection`), and its status
 * or anything else of its snapshot read through `useSyncExternalStore` (`useConnectionStatus`,
 * `useConnectionSelector`): tear-free, re-rendering only on change.
 */
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { ConnectionStatus } from './connection.types.js';
import type { Connection } from './create-connection.js';
import type { ConnectionOptions } from './options.types.js';
import type { OutgoingData } from './websocket.types.js';
import { LazyConnection, type ConnectionSnapshot } from './react.connection.js';
import { sameOptions } from './react.options.js';

/** The actor's snapshot, as `useConnectionSelector` gives it to the selector. */
export type { ConnectionSnapshot } from './react.connection.js';

/**
 * A connection for as long as the component is mounted: connected after mount (with
 * `autoConnect`), stopped on unmount. StrictMode's mount → cleanup → mount keeps one connection
 * and one socket, and loses nothing sent in between. Options equal to the last ones by value keep
 * the connection; a change (a new `url`, a new function) gives a new connection (a new object,
 * so effects that depend on it run again) and stops the old one. Functions are compared by
 * identity: define them outside the component or memoise them, or every render reconnects.
 */
export function useConnection<In = unknown, Out = OutgoingData>(options: ConnectionOptions<In, Out>): Connection<In, Out> {
  const [kept, keep] = useState(() => new LazyConnection(options));
  let conn = kept;
  if (!sameOptions(kept.options, options)) {
    conn = new LazyConnection(options);
    keep(conn); // React re-renders at once with it (the documented way to adjust state to props)
  }
  useEffect(() => {
    conn.mount();
    return () => conn.unmount();
  }, [conn]);
  return conn;
}

/** The connection's status; re-renders when it changes. */
export function useConnectionStatus(conn: Connection<never, never>): ConnectionStatus {
  const subscribe = useCallback((onChange: () => void) => conn.on('status', onChange), [conn]);
  const status = () => conn.status;
  return useSyncExternalStore(subscribe, status, status);
}

/**
 * What `selector` picks from the connection's actor snapshot (its `context`, `value`, a tag...);
 * re-renders only when the picked value changes (`Object.is`, or `isEqual`).
 */
export function useConnectionSelector<T>(
  conn: Connection<never, never>,
  selector: (snapshot: ConnectionSnapshot) => T,
  isEqual: (a: T, b: T) => boolean = Object.is,
): T {
  const subscribe = useCallback(
    (onChange: () => void) => {
      const subscription = conn.actor.subscribe({ next: onChange, error: onChange, complete: onChange });
      return () => subscription.unsubscribe();
    },
    [conn],
  );
  // The last snapshot and what was picked from it, so an unchanged pick keeps its identity.
  const memo = useRef<{ snapshot: ConnectionSnapshot; selected: T } | null>(null);
  const pick = () => {
    const snapshot = conn instanceof LazyConnection ? conn.peekSnapshot() : conn.actor.getSnapshot();
    const last = memo.current;
    if (last && last.snapshot === snapshot) return last.selected;
    const selected = selector(snapshot);
    if (last && isEqual(last.selected, selected)) {
      memo.current = { snapshot, selected: last.selected };
      return last.selected;
    }
    memo.current = { snapshot, selected };
    return selected;
  };
  return useSyncExternalStore(subscribe, pick, pick);
}

export type { Connection, ConnectionEventMap } from './create-connection.js';
export type { ConnectionOptions } from './options.types.js';
export type { ConnectionStatus } from './connection.types.js';
