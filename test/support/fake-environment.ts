/**
 * Environment doubles: a `ConnectionEnvironment` the test speaks through (`say('offline')`), and a
 * browser-like global (window + document built from EventTarget) for `browserEnvironment`.
 */
import type { ConnectionEnvironment, EnvironmentSignal } from '../../src/index.js';

export interface FakeEnvironment extends ConnectionEnvironment {
  /** Says a signal to every listener still listening. */
  say(signal: EnvironmentSignal): void;
  /** Listeners registered and not yet unlistened. */
  listening(): number;
  /** How many times the returned unlisten function was called. */
  unlistenCalls: number;
}

export interface FakeEnvironmentOptions {
  /** Signals said at once inside `listen`, as a browser environment says the current state. */
  initially?: EnvironmentSignal[];
  /** The wall clock (`now`); left out, the environment has none. */
  now?: () => number;
  /** Make unlisten throw (after counting the call). */
  unlistenThrows?: boolean;
}

export function createFakeEnvironment(options: FakeEnvironmentOptions = {}): FakeEnvironment {
  const listeners = new Set<(signal: EnvironmentSignal) => void>();
  const env: FakeEnvironment = {
    unlistenCalls: 0,
    listen(signal) {
      // A copy per registration, so one listener unlistened twice is still counted twice.
      const listener = (s: EnvironmentSignal) => signal(s);
      listeners.add(listener);
      for (const s of options.initially ?? []) signal(s);
      return () => {
        env.unlistenCalls++;
        listeners.delete(listener);
        if (options.unlistenThrows) throw new Error('unlisten failed');
      };
    },
    say(signal) {
      for (const listener of [...listeners]) listener(signal);
    },
    listening: () => listeners.size,
  };
  if (options.now) env.now = options.now;
  return env;
}

/** An EventTarget that counts its listeners. */
class CountingTarget extends EventTarget {
  listeners = 0;
  override addEventListener(...args: Parameters<EventTarget['addEventListener']>) {
    this.listeners++;
    super.addEventListener(...args);
  }
  override removeEventListener(...args: Parameters<EventTarget['removeEventListener']>) {
    this.listeners--;
    super.removeEventListener(...args);
  }
}

/** A page's globals as `browserEnvironment(scope)` reads them: window events, a document, a navigator. */
export interface FakeBrowserScope {
  window: CountingTarget & { document: CountingTarget & { visibilityState: string }; navigator: { onLine: boolean } };
  /** Sets `document.visibilityState` and fires `visibilitychange`. */
  setVisibility(state: 'visible' | 'hidden'): void;
  /** Fires `pagehide` or `pageshow` with `persisted`. */
  page(type: 'pagehide' | 'pageshow', persisted: boolean): void;
}

export function createFakeBrowserScope(initial: { onLine?: boolean; visibilityState?: 'visible' | 'hidden' } = {}): FakeBrowserScope {
  const document = Object.assign(new CountingTarget(), { visibilityState: initial.visibilityState ?? 'visible' });
  const window = Object.assign(new CountingTarget(), { document, navigator: { onLine: initial.onLine ?? true } });
  return {
    window,
    setVisibility(state) {
      document.visibilityState = state;
      document.dispatchEvent(new Event('visibilitychange'));
    },
    page(type, persisted) {
      window.dispatchEvent(Object.assign(new Event(type), { persisted }));
    },
  };
}
