/**
 * Runs instrumented clients in a browser page (the built package, the browser's WebSocket);
 * the test process drives and reads them through `page.evaluate`.
 */
import type { Page } from 'playwright-core';
import type { ClientImplementation, RemoteClient } from './fault-scenarios.js';
import type { ClientSpec, InstrumentedClient } from './instrumented-client.js';

/** What the page exposes (see browser-page.ts). */
interface PageWindow {
  xsw: typeof import('../../src/index.js');
  createInstrumentedClient: typeof import('./instrumented-client.js').createInstrumentedClient;
  clients?: InstrumentedClient[];
}

export function browserImplementation(page: () => Page): ClientImplementation {
  const uncaught: string[] = [];
  const watched = new WeakSet<Page>();
  const on = (p: Page) => {
    if (watched.has(p)) return p;
    watched.add(p);
    p.on('pageerror', (error) => uncaught.push(String(error?.stack ?? error)));
    return p;
  };
  return {
    async open(spec: ClientSpec) {
      const p = on(page());
      const index = await p.evaluate((spec) => {
        const w = window as unknown as PageWindow;
        const client = w.createInstrumentedClient(w.xsw.createConnection, WebSocket, spec);
        (w.clients ??= []).push(client);
        return w.clients.length - 1;
      }, spec);
      type Args = [index: number, ...rest: unknown[]];
      // Evaluated in the page: `clients` is the page's global (see `open` above).
      const remote: RemoteClient = {
        state: () => p.evaluate(([i]) => (window as unknown as PageWindow).clients![i as number]!.state(), [index] as Args),
        connect: () => p.evaluate(([i]) => (window as unknown as PageWindow).clients![i as number]!.conn.connect(), [index] as Args),
        close: (code, reason) =>
          p.evaluate(([i, code, reason]) => (window as unknown as PageWindow).clients![i as number]!.conn.close(code as number | undefined, reason as string | undefined), [index, code, reason] as Args),
        reconnect: () => p.evaluate(([i]) => (window as unknown as PageWindow).clients![i as number]!.conn.reconnect(), [index] as Args),
        stop: () => p.evaluate(([i]) => (window as unknown as PageWindow).clients![i as number]!.stop(), [index] as Args),
        send: (text) => p.evaluate(([i, text]) => (window as unknown as PageWindow).clients![i as number]!.conn.send(text as string), [index, text] as Args),
        dispatchOnline: () => p.evaluate(() => void window.dispatchEvent(new Event('online'))),
        runCycles: (count, deadlineMs) =>
          p.evaluate(([i, count, deadlineMs]) => (window as unknown as PageWindow).clients![i as number]!.runCycles(count as number, deadlineMs as number), [index, count, deadlineMs] as Args),
      };
      return remote;
    },
    async takeUncaught() {
      return uncaught.splice(0);
    },
    async stopAll() {
      await page().evaluate(() => {
        const w = window as unknown as PageWindow;
        for (const client of w.clients ?? []) client.stop();
        w.clients = [];
      });
    },
  };
}
