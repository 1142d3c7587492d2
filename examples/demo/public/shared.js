// @ts-check
/**
 * The shared-connection demo page: open it in two tabs. One tab leads (holds the Web Lock, runs
 * the socket to the demo chat server), the others follow; closing the leader tab hands over live.
 * Imports the BUILT package by name (the import map points at /dist/).
 */
import { json } from 'xstate-websocket';
import { createSharedConnection } from 'xstate-websocket/shared';

/** @param {string} id */
function $(id) {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is missing from shared.html`);
  return element;
}

/** @param {string} kind @param {string} text */
function log(kind, text) {
  const item = document.createElement('li');
  item.dataset.kind = kind;
  item.dataset.text = text;
  item.textContent = `${new Date().toLocaleTimeString()} ${kind} ${text}`;
  $('log').prepend(item);
}

const tabName = `tab-${Math.random().toString(36).slice(2, 6)}`;
document.title = `${tabName} · xstate-websocket/shared`;

const conn = createSharedConnection({
  key: 'demo-chat',
  url: () => `${location.origin.replace(/^http/, 'ws')}/chat?room=lobby&user=shared&handshake`,
  handshake: {
    hello: () => JSON.stringify({ type: 'hello', payload: { token: 'demo-token' } }),
    reply: (/** @type {unknown} */ data) => {
      const message = typeof data === 'string' ? JSON.parse(data) : undefined;
      if (message?.type === 'ready') return /** @type {const} */ ('ready');
      if (message?.type === 'denied') return { verdict: /** @type {const} */ ('rejected'), reason: String(message.payload?.reason ?? 'denied') };
      return undefined;
    },
  },
  codec: json(),
  backoff: { initialDelayMs: 1000, maxDelayMs: 4000 },
});

function showRole() {
  const badge = $('role-badge');
  badge.dataset.role = conn.role;
  badge.textContent = conn.shared ? conn.role : 'not shared (no Web Locks here)';
  document.body.dataset.role = conn.role;
}
function showStatus() {
  document.body.dataset.status = conn.status;
  $('status-badge').dataset.status = conn.status;
  $('status-badge').textContent = conn.status;
}
showRole();
showStatus();

conn.on('role', (role) => {
  showRole();
  log('role', role === 'leader' ? 'this tab leads: it holds the lock and runs the socket' : role);
});
conn.on('status', (status) => {
  showStatus();
  log('status', status);
});
conn.on('open', ({ reconnected }) => log('open', reconnected ? 'reconnected' : 'first open'));
conn.on('dropped', ({ data, reason }) => log('dropped', `${reason}: ${String(data)}`));
conn.on('message', (/** @type {any} */ message) => {
  if (message?.type !== 'chat' && message?.type !== 'system') return;
  const item = document.createElement('li');
  item.textContent = message.type === 'chat' ? `${message.payload.text}` : `· ${message.payload.text}`;
  $('messages').append(item);
});

$('composer').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = /** @type {HTMLInputElement} */ ($('text'));
  const text = input.value.trim();
  if (!text) return;
  conn.send({ type: 'chat', payload: { text: `${tabName}: ${text}` } });
  input.value = '';
});
$('btn-close').addEventListener('click', () => conn.close());
$('btn-connect').addEventListener('click', () => conn.connect());
$('btn-stop').addEventListener('click', () => conn.stop());

async function pollStats() {
  try {
    const stats = await (await fetch('/stats')).json();
    $('server-stats').textContent = `server: ${stats.connections} connection(s)`;
  } catch {
    $('server-stats').textContent = 'server: unreachable';
  }
}
void pollStats();
setInterval(pollStats, 1000);

Object.assign(window, { demo: { conn, tabName } });
