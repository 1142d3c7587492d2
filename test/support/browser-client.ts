/**
 * Runs instrumented clients in a browser page (the built package, the browser's WebSocket);
 * the test process drives and reads them through `page.evaluate`.
 */
import type { Page } from 'playwright-core';
import type { ClientImplementation, RemoteClient } from './fault-scenarios.js';
import { CLIENT_METHODS, type ClientSpec, type InstrumentedClient } from './instrumented-client.js';

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
      // Evaluated in the page: `clients` is the page's global (see above).
      const call = (method: string) => (...args: unknown[]) =>
        p.evaluate(([i, method, args]) => {
          const client = (window as unknown as PageWindow).clients![i as number]!;
          return (client[method as 'send'] as (...a: unknown[]) => unknown)(...(args as unknown[]));
        }, [index, method, args] as const);
      const remote: RemoteClient = {
        ...(Object.fromEntries(CLIENT_METHODS.map((m) => [m, call(m)])) as Omit<RemoteClient, 'dispatchNetwork'>),
        dispatchNetwork: (type) => p.evaluate((type) => void window.dispatchEvent(new Event(type)), type),
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
