// @vitest-environment happy-dom
/**
 * The README's React example, run as written: README.md's block is examples/react-chat.tsx (checked
 * here), rendered in `<StrictMode>` against a local `ws` echo server with `ws` as the global WebSocket.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cleanup, fireEvent, render } from '@testing-library/react';
import { createElement, StrictMode } from 'react';
import { afterEach, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { ChatRoom } from '../examples/react-chat.js';
import { startFaultServer } from './support/fault-server.js';
import { waitFor } from './support/wait-for.js';

// Paths, not URL objects: under happy-dom the global URL is the DOM's, which readFile does not take.
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

it('README React section shows examples/react-chat.tsx as it is', async () => {
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## React (`xstate-websocket/react`)\n')).split(/\n## /)[1]!;
  const block = /```tsx\n([\s\S]*?)```/.exec(section)?.[1];
  expect(block).toBe(await readFile(join(ROOT, 'examples/react-chat.tsx'), 'utf8'));
});

it('examples/react-chat.tsx in <StrictMode>: one socket, status open, a click sends and the echo is listed', async () => {
  const server = await startFaultServer();
  try {
    vi.stubGlobal('WebSocket', WebSocket);
    const view = render(createElement(StrictMode, null, createElement(ChatRoom, { url: server.url })));
    await waitFor(() => view.getByText(/^status:/).textContent === 'status: open', 3000, 'status: open');
    fireEvent.click(view.getByText('send'));
    await waitFor(() => view.container.querySelectorAll('li').length === 1, 3000, 'the echo listed');
    expect(view.container.querySelector('li')!.textContent).toBe('hi');
    expect(server.connections[0]!.messages.map(String)).toEqual(['{"type":"chat","text":"hi"}']);
    view.unmount();
    await waitFor(() => server.connections[0]!.closeCode !== undefined, 3000, 'closed at the server');
    expect(server.connections[0]!.closeCode).toBe(1000);
    expect(server.upgrades).toBe(1);
  } finally {
    await server.close();
  }
});
