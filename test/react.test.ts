// @vitest-environment happy-dom
/**
 * `xstate-websocket/react` in `<StrictMode>` against a real `ws` server on 127.0.0.1 (the fault
 * server), counting what the server sees: one socket per mounted component, none left after unmount,
 * a new one only when the options change by value.
 */
import { cleanup, render } from '@testing-library/react';
import { Activity, Component, createElement, StrictMode, useEffect, type ReactNode } from 'react';
import { SimulatedClock } from 'xstate';
import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { useConnection, useConnectionSelector, useConnectionStatus, type Connection, type ConnectionOptions } from '../src/react.js';
import { createFakeWebSocketServer } from './support/fake-websocket.js';
import { startFaultServer, type FaultServer } from './support/fault-server.js';
import { armedTimers } from './support/virtual-time.js';
import { sleep, waitFor } from './support/wait-for.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  cleanup();
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function server(): Promise<FaultServer> {
  const s = await startFaultServer();
  cleanups.push(() => s.close());
  return s;
}

/** `ws`, counting the sockets the client creates. */
function countingWebSocket() {
  const created: WebSocket[] = [];
  class Counting extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols);
      created.push(this);
    }
  }
  return { WebSocket: Counting as never as ConnectionOptions['WebSocket'], created };
}

const strict = (node: ReactNode) => render(createElement(StrictMode, null, node));

interface Seen {
  conns: Array<Connection<unknown, string>>;
  statuses: string[];
  renders: number;
}

function Chat({ options, seen, mounts }: { options: ConnectionOptions<unknown, string>; seen: Seen; mounts?: { n: number } }) {
  const conn = useConnection(options);
  const status = useConnectionStatus(conn);
  seen.renders++;
  if (seen.conns.at(-1) !== conn) seen.conns.push(conn);
  if (seen.statuses.at(-1) !== status) seen.statuses.push(status);
  useEffect(() => {
    if (mounts) conn.send(`mount ${++mounts.n}`);
  }, [conn, mounts]);
  return createElement('p', null, status);
}

const fresh = (): Seen => ({ conns: [], statuses: [], renders: 0 });

describe('useConnection in <StrictMode> on the fake WebSocket and virtual time', () => {
  it('mount → cleanup → mount leaves one socket, one armed timer, one set of socket listeners; unmount leaves none', async () => {
    const fake = createFakeWebSocketServer();
    const clock = new SimulatedClock();
    const seen = fresh();
    const view = strict(createElement(Chat, { options: { url: 'ws://test.invalid/x', WebSocket: fake.WebSocket as never, clock }, seen }));
    await waitFor(() => fake.sockets.length === 1, 1000, 'a socket');
    await sleep(10);
    expect(fake.sockets).toHaveLength(1);
    expect(armedTimers(clock)).toHaveLength(1); // connectTimeoutMs
    const listeners = fake.sockets[0]!.listenerCount();
    fake.sockets[0]!.accept();
    await waitFor(() => view.container.textContent === 'open', 1000, 'open rendered');
    expect(armedTimers(clock)).toHaveLength(1); // stableUptimeMs
    expect(fake.sockets[0]!.listenerCount()).toBe(listeners);
    view.unmount();
    await waitFor(() => seen.conns[0]!.status === 'manuallyClosed', 1000, 'stopped');
    expect(armedTimers(clock)).toEqual([]);
    expect(fake.sockets[0]!.listenerCount()).toBe(0);
    expect(fake.sockets).toHaveLength(1);
  });
});

describe('useConnection in <StrictMode> against a real ws server', () => {
  it('mount → cleanup → mount opens exactly one socket and loses no message sent during the first mount', async () => {
    const s = await server();
    const { WebSocket: Counting, created } = countingWebSocket();
    const seen = fresh();
    const mounts = { n: 0 };
    const view = strict(createElement(Chat, { options: { url: s.url, WebSocket: Counting }, seen, mounts }));
    await waitFor(() => view.container.textContent === 'open', 3000, 'open rendered');
    await waitFor(() => s.connections[0]?.messages.length === 2, 3000, 'both mounts’ messages');
    expect(mounts.n).toBe(2); // StrictMode ran the effect twice
    expect(s.connections[0]!.messages.map(String)).toEqual(['mount 1', 'mount 2']);
    await sleep(100);
    expect(created).toHaveLength(1);
    expect(s.upgrades).toBe(1);
    expect(s.peakOpen).toBe(1);
    expect(new Set(seen.conns).size).toBe(1);
    expect(seen.statuses).toEqual(['idle', 'connecting', 'open']);
  });

  it('unmount stops it: the server sees 1000, the status is manuallyClosed, nothing reconnects', async () => {
    const s = await server();
    const seen = fresh();
    const view = strict(createElement(Chat, { options: { url: s.url, WebSocket: WebSocket as never, backoff: { initialDelayMs: 10 } }, seen }));
    await waitFor(() => view.container.textContent === 'open', 3000, 'open rendered');
    view.unmount();
    await waitFor(() => s.connections[0]!.closeCode !== undefined, 3000, 'close at the server');
    expect(s.connections[0]!.closeCode).toBe(1000);
    const conn = seen.conns[0]!;
    expect(conn.status).toBe('manuallyClosed');
    expect(() => conn.connect()).toThrow(/after stop\(\)/);
    await sleep(100);
    expect(s.upgrades).toBe(1);
  });

  it('re-renders on status changes only: messages do not render the component', async () => {
    const s = await server();
    const seen = fresh();
    const received: unknown[] = [];
    const view = strict(createElement(Chat, { options: { url: s.url, WebSocket: WebSocket as never }, seen }));
    await waitFor(() => view.container.textContent === 'open', 3000, 'open rendered');
    const conn = seen.conns[0]!;
    const off = conn.on('message', (m) => received.push(m));
    const renders = seen.renders;
    for (let i = 0; i < 5; i++) conn.send(`m${i}`);
    await waitFor(() => received.length === 5, 3000, 'five echoes');
    await sleep(50);
    expect(seen.renders).toBe(renders);
    off();
  });

  it('options equal by value as a new object keep the connection; a new url reconnects once', async () => {
    const s = await server();
    const seen = fresh();
    const ws = WebSocket as never;
    const view = strict(createElement(Chat, { options: { url: `${s.url}/a`, WebSocket: ws, heartbeat: { intervalMs: 60_000 } }, seen }));
    await waitFor(() => view.container.textContent === 'open', 3000, 'open rendered');
    view.rerender(createElement(StrictMode, null, createElement(Chat, { options: { url: `${s.url}/a`, WebSocket: ws, heartbeat: { intervalMs: 60_000 } }, seen })));
    await sleep(100);
    expect(s.upgrades).toBe(1);
    expect(seen.conns).toHaveLength(1);
    view.rerender(createElement(StrictMode, null, createElement(Chat, { options: { url: `${s.url}/b`, WebSocket: ws, heartbeat: { intervalMs: 60_000 } }, seen })));
    await waitFor(() => s.upgrades === 2 && view.container.textContent === 'open', 3000, 'the new url open');
    await waitFor(() => s.connections[0]!.closeCode !== undefined, 3000, 'the old one closed');
    expect(s.connections[0]!.closeCode).toBe(1000);
    expect(s.requests).toEqual(['/a', '/b']);
    expect(seen.conns).toHaveLength(2);
    expect(seen.conns[0]!.status).toBe('manuallyClosed');
    await sleep(100);
    expect(s.upgrades).toBe(2);
  });

  it('hidden by <Activity> it is stopped (the server sees 1000); shown again, the same object connects anew', async () => {
    const s = await server();
    const seen = fresh();
    const options = { url: s.url, WebSocket: WebSocket as never };
    const tree = (mode: 'visible' | 'hidden') => createElement(StrictMode, null, createElement(Activity, { mode, children: createElement(Chat, { options, seen }) }));
    const view = render(tree('visible'));
    await waitFor(() => view.container.textContent === 'open', 3000, 'open rendered');
    view.rerender(tree('hidden'));
    await waitFor(() => s.connections[0]!.closeCode !== undefined, 3000, 'close at the server');
    expect(s.connections[0]!.closeCode).toBe(1000);
    expect(seen.conns[0]!.status).toBe('manuallyClosed');
    view.rerender(tree('visible'));
    await waitFor(() => s.upgrades === 2 && seen.conns[0]!.status === 'open', 3000, 'open again');
    expect(seen.conns).toHaveLength(1);
    expect(s.peakOpen).toBe(1);
  });

  it('useConnectionSelector picks from the snapshot and re-renders when the pick changes', async () => {
    const s = await server();
    const picks: boolean[] = [];
    function Opened({ url }: { url: string }) {
      const conn = useConnection({ url, WebSocket: WebSocket as never });
      const hasBeenOpen = useConnectionSelector(conn, (snapshot) => snapshot.context.hasBeenOpen);
      if (picks.at(-1) !== hasBeenOpen) picks.push(hasBeenOpen);
      return createElement('p', null, String(hasBeenOpen));
    }
    const view = strict(createElement(Opened, { url: s.url }));
    await waitFor(() => view.container.textContent === 'true', 3000, 'hasBeenOpen rendered');
    expect(picks).toEqual([false, true]);
    expect(s.upgrades).toBe(1);
  });

  it('bad options throw in render, naming the option (an error boundary sees them); no socket is opened', async () => {
    const s = await server();
    const errors: unknown[] = [];
    class Boundary extends Component<{ children: ReactNode }, { failed: boolean }> {
      override state = { failed: false };
      static getDerivedStateFromError() {
        return { failed: true };
      }
      override componentDidCatch(error: unknown) {
        errors.push(error);
      }
      override render() {
        return this.state.failed ? 'failed' : this.props.children;
      }
    }
    const seen = fresh();
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => {}); // React reports the caught error too
    cleanups.push(() => consoleError.mockRestore());
    const view = strict(createElement(Boundary, null, createElement(Chat, { options: { url: s.url, WebSocket: WebSocket as never, maxRetries: -1 }, seen })));
    expect(view.container.textContent).toBe('failed');
    expect(errors[0]).toBeInstanceOf(RangeError);
    expect(String(errors[0])).toMatch(/`maxRetries` must be a non-negative integer/);
    await sleep(50);
    expect(s.attempts).toBe(0);
  });
});

