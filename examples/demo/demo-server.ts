/**
 * The chat server set up for the demo page: `public/` at `/`, the built package (`dist/`) at
 * `/dist/` and xstate's ESM build at `/vendor/xstate/`, which the page's import map points at.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startChatServer, type ChatServer, type ChatServerOptions } from './chat-server.js';

/** The port `npm run demo` tries first; a free one is picked when it is taken. */
export const DEMO_PORT = 5173;

/** The page: `index.html`, `demo.js`, `demo.css`. */
export const DEMO_PAGE_DIR = fileURLToPath(new URL('./public/', import.meta.url));

/** The built package the page imports (`npm run build`). */
export const DIST_DIR = fileURLToPath(new URL('../../dist/', import.meta.url));

/** xstate's own build directory (its ESM entry is `xstate.esm.js`). */
export function xstateDistDir(): string {
  return path.dirname(createRequire(import.meta.url).resolve('xstate'));
}

/** `staticDir` and `staticMounts` that serve the demo page and what it imports. */
export function demoStaticOptions(): Required<Pick<ChatServerOptions, 'staticDir' | 'staticMounts'>> {
  return {
    staticDir: DEMO_PAGE_DIR,
    staticMounts: { '/dist/': DIST_DIR, '/vendor/xstate/': xstateDistDir() },
  };
}

export interface DemoServerOptions extends Omit<ChatServerOptions, 'port' | 'staticDir' | 'staticMounts'> {
  /** Port on 127.0.0.1; 0 picks a free one. @default 0 */
  port?: number;
  /** When `port` is taken, listen on a free one instead of failing. @default false */
  fallbackToFreePort?: boolean;
}

/**
 * Start the chat server with the demo page. Throws when the package is not built, since the
 * page would only show import errors.
 */
export async function startDemoServer(options: DemoServerOptions = {}): Promise<ChatServer> {
  if (!existsSync(path.join(DIST_DIR, 'index.js'))) {
    throw new Error('dist/index.js is missing: run `npm run build` first (`npm run demo` does).');
  }
  const { fallbackToFreePort = false, port = 0, ...rest } = options;
  const start = (p: number) => startChatServer({ ...rest, ...demoStaticOptions(), port: p });
  try {
    return await start(port);
  } catch (error) {
    if (!fallbackToFreePort || port === 0 || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    return start(0);
  }
}
