/**
 * Serves the BUILT package (dist/) to a browser page on 127.0.0.1, with xstate's own ESM build
 * mapped by an import map, so the page runs exactly what `npm publish` would ship (`/` the core,
 * `/shared.html` xstate-websocket/shared). Test support modules the page needs (the instrumented
 * client) are served from test/support/, transpiled.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import ts from 'typescript';
import { afterAll, beforeAll } from 'vitest';
import { launchChromium } from './chromium.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const mounts: Record<string, string> = {
  '/dist/': join(root, 'dist'),
  '/vendor/xstate/': join(root, 'node_modules', 'xstate', 'dist'),
};
const types: Record<string, string> = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.map': 'application/json', '.html': 'text/html' };

/** The one test support module the page needs, served as JavaScript (it has no runtime imports). */
const INSTRUMENTED_CLIENT = join(root, 'test', 'support', 'instrumented-client.ts');

/**
 * The page: imports the package and exposes it as `window.xsw`, and the instrumented client as
 * `window.createInstrumentedClient`, then sets `window.ready`.
 */
const PAGE_HTML = `<!doctype html>
<html><head><meta charset="utf-8"><title>xstate-websocket browser tests</title>
<script type="importmap">{ "imports": { "xstate": "/vendor/xstate/xstate.esm.js" } }</script>
<script type="module">
  import * as xsw from '/dist/index.js';
  import { createInstrumentedClient } from '/support/instrumented-client.js';
  window.xsw = xsw;
  window.createInstrumentedClient = createInstrumentedClient;
  window.ready = true;
</script></head><body></body></html>`;

/**
 * The page of the shared connection's tests: `xstate-websocket/shared` as `window.xshared`, and
 * importable by name (the README example runs in it as written).
 */
const SHARED_PAGE_HTML = `<!doctype html>
<html><head><meta charset="utf-8"><title>xstate-websocket/shared browser tests</title>
<script type="importmap">{ "imports": { "xstate": "/vendor/xstate/xstate.esm.js", "xstate-websocket/shared": "/dist/shared.js" } }</script>
<script type="module">
  import * as xshared from '/dist/shared.js';
  window.xshared = xshared;
  window.ready = true;
</script></head><body></body></html>`;

export interface PageServer {
  url: string;
  close(): Promise<void>;
}

export async function startPageServer(): Promise<PageServer> {
  const server: Server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (path === '/') return send(res, 200, 'text/html', PAGE_HTML);
    if (path === '/shared.html') return send(res, 200, 'text/html', SHARED_PAGE_HTML);
    if (path === '/support/instrumented-client.js') {
      return send(res, 200, 'text/javascript', await transpile(INSTRUMENTED_CLIENT));
    }
    for (const [prefix, dir] of Object.entries(mounts)) {
      if (!path.startsWith(prefix)) continue;
      const file = normalize(join(dir, path.slice(prefix.length)));
      if (!file.startsWith(dir + sep)) return send(res, 403, 'text/plain', 'forbidden');
      try {
        return send(res, 200, types[extname(file)] ?? 'application/octet-stream', await readFile(file));
      } catch {
        return send(res, 404, 'text/plain', 'not found');
      }
    }
    send(res, 404, 'text/plain', 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function transpile(file: string): Promise<string> {
  const source = await readFile(file, 'utf8');
  return ts.transpileModule(source, {
    fileName: file,
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, verbatimModuleSyntax: false },
  }).outputText;
}

function send(res: import('node:http').ServerResponse, status: number, type: string, body: string | Buffer) {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

/**
 * For a browser test file: Chromium and the page server started before its tests (beforeAll), one
 * page opened on the test page and ready, both stopped after (afterAll). Returns the page's getter.
 */
export function usePreparedPage(): () => Page {
  let browser: Browser | undefined;
  let pages: PageServer | undefined;
  let page: Page | undefined;
  beforeAll(async () => {
    [browser, pages] = await Promise.all([launchChromium(), startPageServer()]);
    page = await browser.newPage();
    await page.goto(pages.url);
    await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
  });
  afterAll(async () => {
    await browser?.close();
    await pages?.close();
  });
  return () => page!;
}
