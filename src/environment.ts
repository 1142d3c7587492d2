/**
 * Where the world outside the socket speaks: is the network there, is the page seen, is it going
 * into the back/forward cache. The handle listens to an environment and turns what it says into the
 * chart's `EnvironmentChange` events; the default reads `window`/`document` in browsers and says
 * nothing elsewhere (Node). React Native or Electron apps pass their own (NetInfo, AppState).
 */

/**
 * One thing the environment says:
 * - `online` / `offline`: the network is there or gone (a browser's `online`/`offline` events).
 * - `visible` / `hidden`: the page is seen or not (`visibilitychange`; an app in the foreground or not).
 * - `cached`: the page is going into the back/forward cache (`pagehide` with `persisted`).
 * - `restored`: the page came back from it (`pageshow` with `persisted`).
 * Saying what is already so (`online` while online) is harmless: the handle passes on changes only.
 */
export type EnvironmentSignal = 'online' | 'offline' | 'visible' | 'hidden' | 'cached' | 'restored';

/** The signals a connection listens to. */
export interface ConnectionEnvironment {
  /**
   * Starts listening: call `signal` with the current state where it is not the default (`offline`,
   * `hidden`), at once, then with every change. Returns the function that stops listening; the
   * connection calls it in `stop()`, and nothing may be listened to after that.
   */
  listen(signal: (signal: EnvironmentSignal) => void): () => void;
  /**
   * Wall-clock time in ms (`Date.now()`): a timer of the heartbeat that fires more than
   * `heartbeat.intervalMs` later than this clock says it was due means the device slept, so the
   * open connection is checked at once. Leave it out to not watch for sleep.
   */
  now?(): number;
}

type Target = { addEventListener(type: string, listener: (event: Event) => void): void; removeEventListener(type: string, listener: (event: Event) => void): void };
type BrowserGlobals = {
  addEventListener?: unknown;
  removeEventListener?: unknown;
  document?: Target & { visibilityState?: string };
  navigator?: { onLine?: boolean };
};

/**
 * The environment of a browser page (or anything with `window`-like events): `online`/`offline`
 * on the global, `visibilitychange` and the Page Lifecycle's `resume` on `document` (Chrome may
 * resume a frozen page without a `visibilitychange`), `pagehide`/`pageshow` on the global. Where
 * the global has no `addEventListener` (Node), it listens to nothing.
 */
export function browserEnvironment(scope: object = globalThis): ConnectionEnvironment {
  return {
    listen(signal) {
      const global = scope as BrowserGlobals;
      if (typeof global.addEventListener !== 'function' || typeof global.removeEventListener !== 'function') return noop;
      const win = global as Target;
      const doc = global.document && typeof global.document.addEventListener === 'function' ? global.document : undefined;
      const visibility = () => signal(doc?.visibilityState === 'hidden' ? 'hidden' : 'visible');
      const listeners: Array<[Target, string, (event: Event) => void]> = [
        [win, 'online', () => signal('online')],
        [win, 'offline', () => signal('offline')],
        [win, 'pagehide', (event) => (event as Event & { persisted?: boolean }).persisted && signal('cached')],
        [win, 'pageshow', (event) => (event as Event & { persisted?: boolean }).persisted && signal('restored')],
      ];
      if (doc) listeners.push([doc, 'visibilitychange', visibility], [doc, 'resume', visibility]);
      for (const [target, type, listener] of listeners) target.addEventListener(type, listener);
      if (global.navigator?.onLine === false) signal('offline');
      if (doc?.visibilityState === 'hidden') signal('hidden');
      return () => {
        for (const [target, type, listener] of listeners) target.removeEventListener(type, listener);
      };
    },
    now: () => Date.now(),
  };
}

const noop = () => {};
