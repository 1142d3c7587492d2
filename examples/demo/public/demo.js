// @ts-check
/**
 * The demo page: one xstate-websocket connection to the demo chat server, its statechart drawn
 * from `connectionMachine` at runtime, a retry countdown, an event log, chat, and buttons that
 * make the server misbehave. Imports the BUILT package by name (the import map points at /dist/).
 */
import { CONNECTION_STATUSES, connectionMachine, createConnection, getStatus, json } from 'xstate-websocket';
import { statusGraph } from './status-graph.js';

/** @typedef {import('xstate-websocket').ConnectionStatus} Status */

// ---- settings: short on purpose, so every step of a fault can be watched ------------------

const OPTIONS = {
  heartbeat: {
    intervalMs: 2000,
    timeoutMs: 1500,
    ping: () => JSON.stringify({ type: 'ping' }),
    isPong: (/** @type {unknown} */ data) => typeof data === 'string' && parseJson(data)?.type === 'pong',
  },
  backoff: { initialDelayMs: 2000, maxDelayMs: 8000, factor: 1.5, jitter: 0.5 },
  connectTimeoutMs: 4000,
  closeTimeoutMs: 1000,
  stableUptimeMs: 5000,
  maxRetries: 8,
};

/** Fault bodies for `POST /fault/<name>`; `offline` also fires window `offline`, then `online` when the outage is over. */
const FAULTS = {
  kill: {},
  restart: { downMs: 2000 },
  'half-open': { durationMs: 10_000 },
  reject: { durationMs: 5000 },
  offline: { downMs: 5000 },
  heal: {},
};

const LOG_LIMIT = 300;
const MESSAGE_LIMIT = 200;

// ---- small helpers -----------------------------------------------------------------------

/** @param {string} text */
function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** @param {string} id */
function $(id) {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is missing from index.html`);
  return element;
}

/** @param {string} id */
const input = (id) => /** @type {HTMLInputElement} */ ($(id));

const SVG = 'http://www.w3.org/2000/svg';

/**
 * @param {string} tag
 * @param {Record<string, string | number>} attrs
 * @param {string} [text]
 */
function svg(tag, attrs, text) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

/** A `reason` the statechart may keep in its context (plain data): shown as text. */
function describeReason(/** @type {unknown} */ reason) {
  if (reason === undefined || reason === null || reason === '') return '';
  return typeof reason === 'string' ? reason : JSON.stringify(reason);
}

const started = performance.now();
const elapsed = () => `+${((performance.now() - started) / 1000).toFixed(3)}s`;

// ---- the statechart, read from the machine -------------------------------------------------

/** Where each status sits (viewBox 700 × 320): the happy path on top, the ends at the bottom. */
const POSITIONS = /** @type {Record<string, [number, number]>} */ ({
  idle: [75, 40],
  connecting: [265, 40],
  open: [490, 40],
  backoff: [265, 160],
  closing: [620, 160],
  gaveUp: [420, 280],
  manuallyClosed: [620, 280],
});
const NODE_W = 124;
const NODE_H = 36;

/** Where the line from a node's centre towards (x, y) leaves its box. */
/** @returns {[number, number]} */
function exitPoint(/** @type {[number, number]} */ [cx, cy], /** @type {number} */ x, /** @type {number} */ y, margin = 0) {
  const dx = x - cx;
  const dy = y - cy;
  const scale = Math.min((NODE_W / 2 + margin) / Math.abs(dx || 1e-9), (NODE_H / 2 + margin) / Math.abs(dy || 1e-9));
  return [cx + dx * scale, cy + dy * scale];
}

/** @param {HTMLElement} container */
function renderDiagram(container) {
  const statuses = [...CONNECTION_STATUSES];
  statuses.forEach((status, i) => (POSITIONS[status] ??= [75 + i * 100, 300])); // a status added later still shows
  const root = svg('svg', { viewBox: '0 0 700 320', role: 'img' });
  const defs = svg('defs', {});
  for (const [id, color] of /** @type {const} */ ([['arrow', '#a3abbb'], ['arrow-taken', '#2563eb']])) {
    const marker = svg('marker', { id, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 9, markerHeight: 9, markerUnits: 'userSpaceOnUse', orient: 'auto-start-reverse' });
    marker.append(svg('path', { d: 'M0,0 L10,5 L0,10 z', fill: color }));
    defs.append(marker);
  }
  root.append(defs);

  /** @type {Map<string, SVGGElement>} */
  const edgeElements = new Map();
  for (const edge of statusGraph(connectionMachine, CONNECTION_STATUSES)) {
    const a = POSITIONS[edge.from];
    const b = POSITIONS[edge.to];
    if (!a || !b) continue;
    // Bend every edge to its left, so the two directions between a pair never overlap.
    const [dx, dy] = [b[0] - a[0], b[1] - a[1]];
    const length = Math.hypot(dx, dy);
    const bend = Math.max(14, Math.min(40, length * 0.13));
    const control = /** @type {[number, number]} */ ([(a[0] + b[0]) / 2 + (dy / length) * bend, (a[1] + b[1]) / 2 - (dx / length) * bend]);
    const start = exitPoint(a, control[0], control[1]);
    const end = exitPoint(b, control[0], control[1], 2);
    const group = /** @type {SVGGElement} */ (svg('g', { class: 'edge', 'data-from': edge.from, 'data-to': edge.to }));
    group.append(svg('title', {}, `${edge.from} → ${edge.to}: ${edge.labels.join(', ')}`));
    group.append(svg('path', { d: `M${start[0]},${start[1]} Q${control[0]},${control[1]} ${end[0]},${end[1]}`, 'marker-end': 'url(#arrow)' }));
    const midX = 0.25 * start[0] + 0.5 * control[0] + 0.25 * end[0];
    const midY = 0.25 * start[1] + 0.5 * control[1] + 0.25 * end[1];
    group.append(svg('text', { x: midX, y: midY - 4, 'text-anchor': 'middle' }, '')); // what took it, when taken
    root.append(group);
    edgeElements.set(`${edge.from}->${edge.to}`, group);
  }

  /** @type {Map<string, SVGGElement>} */
  const nodeElements = new Map();
  for (const status of statuses) {
    const [x, y] = /** @type {[number, number]} */ (POSITIONS[status]);
    const group = /** @type {SVGGElement} */ (svg('g', { class: 'node', 'data-status': status }));
    group.append(svg('rect', { x: x - NODE_W / 2, y: y - NODE_H / 2, width: NODE_W, height: NODE_H, rx: 10 }));
    group.append(svg('text', { x, y }, status));
    root.append(group);
    nodeElements.set(status, group);
  }
  container.replaceChildren(root);

  return {
    /** Highlight `status`; highlight the edge from `previous` with what took it. */
    highlight(/** @type {Status} */ status, /** @type {Status | undefined} */ previous, /** @type {string} */ via) {
      for (const [name, element] of nodeElements) element.classList.toggle('current', name === status);
      for (const element of edgeElements.values()) element.classList.remove('taken');
      const edge = previous && edgeElements.get(`${previous}->${status}`);
      if (edge) {
        edge.classList.add('taken');
        const path = edge.querySelector('path');
        path?.setAttribute('marker-end', 'url(#arrow-taken)');
        const text = edge.querySelector('text');
        if (text) text.textContent = via;
      }
      for (const element of edgeElements.values()) {
        if (element !== edge) element.querySelector('path')?.setAttribute('marker-end', 'url(#arrow)');
      }
    },
  };
}

// ---- the page ------------------------------------------------------------------------------

const diagram = renderDiagram($('diagram'));
const logList = $('log');
const messageList = $('messages');
const badge = $('status-badge');
const params = new URLSearchParams(location.search);
input('user').value = params.get('user') ?? `guest-${Math.floor(1000 + Math.random() * 9000)}`;
if (params.has('room')) input('room').value = params.get('room') ?? 'lobby';

/**
 * One line in the event log (newest first).
 * @param {string} kind
 * @param {string} text
 * @param {string} [why]
 */
function log(kind, text, why = '') {
  const item = document.createElement('li');
  item.dataset.kind = kind;
  item.dataset.text = text;
  const parts = /** @type {const} */ ([
    ['t', `${elapsed()} `],
    ['k', kind],
    ['', ` ${text}`],
    ['why', why ? `  ${why}` : ''],
  ]);
  for (const [cls, content] of parts) {
    const span = document.createElement('span');
    if (cls) span.className = cls;
    span.textContent = content;
    item.append(span);
  }
  logList.prepend(item);
  while (logList.children.length > LOG_LIMIT) logList.lastElementChild?.remove();
}

/** @param {string} cls @param {string} text @param {string} [from] */
function showMessage(cls, text, from) {
  const item = document.createElement('li');
  item.className = cls;
  if (from) {
    const who = document.createElement('span');
    who.className = 'from';
    who.textContent = `${from}: `;
    item.append(who);
  }
  item.append(text);
  messageList.append(item);
  while (messageList.children.length > MESSAGE_LIMIT) messageList.firstElementChild?.remove();
  messageList.scrollTop = messageList.scrollHeight;
}

function chatUrl() {
  const url = new URL('/chat', location.href);
  url.searchParams.set('room', input('room').value.trim());
  url.searchParams.set('user', input('user').value.trim());
  url.searchParams.set('handshake', ''); // the token goes in the hello, not the URL
  return url;
}

/**
 * The app-level handshake: the hello carries the token (read on every attempt, so a new token
 * applies on the next one); the server answers `ready`, or `denied` with its reason, which the
 * connection sends back in its 4403 close and reports in `gaveUp`.
 */
const HANDSHAKE = {
  hello: () => JSON.stringify({ type: 'hello', payload: { token: input('token').value.trim() } }),
  reply: (/** @type {unknown} */ data) => {
    const message = typeof data === 'string' ? parseJson(data) : undefined;
    if (message?.type === 'ready') return /** @type {const} */ ('ready');
    if (message?.type === 'denied') return { verdict: /** @type {const} */ ('rejected'), reason: String(message.payload?.reason ?? 'denied') };
    return undefined;
  },
  timeoutMs: 5000,
};

/** The event that last reached the connection's actor: what took the latest transition. */
let lastEvent = '';
const conn = createConnection({
  ...OPTIONS,
  url: chatUrl, // called before every attempt: a new room or user applies on the next one
  handshake: HANDSHAKE,
  codec: json(), // messages arrive parsed; one that is not JSON is an `error` event, not a message
  inspect(event) {
    if (event.type === '@xstate.event' && event.actorRef.sessionId === event.rootId) {
      const after = /^xstate\.after\.([^.]+)\./.exec(event.event.type);
      lastEvent = after ? `after ${after[1]}` : event.event.type;
    }
  },
});

/** @type {Status} */
let status = getStatus(conn.actor.getSnapshot());
function showStatus(/** @type {Status} */ next, /** @type {Status | undefined} */ previous) {
  document.body.dataset.status = next;
  badge.dataset.status = next;
  badge.textContent = next;
  diagram.highlight(next, previous, lastEvent);
}
showStatus(status, undefined);

// The handshake runs inside `connecting` (the socket is open, the session not yet): the status
// does not change, so the page reads the state value `session.handshaking` and the reason.
let handshaking = false;
conn.actor.subscribe((snapshot) => {
  const now = snapshot.matches({ session: 'handshaking' });
  if (now === handshaking) return;
  handshaking = now;
  document.body.dataset.handshake = now ? 'running' : '';
  badge.textContent = now ? `${status} · handshake…` : status;
  if (now) log('handshake', 'hello sent, waiting for ready', describeReason(snapshot.context.reason));
});

conn.on('status', (next) => {
  const previous = status;
  status = next;
  const context = /** @type {{ reason?: unknown, closeRequest?: { code: number, reason: string } }} */ (
    conn.actor.getSnapshot().context
  );
  const closeRequest = next === 'closing' && context.closeRequest;
  const why = [
    lastEvent && `on ${lastEvent}`,
    closeRequest && `sends close ${closeRequest.code} ${closeRequest.reason}`.trim(),
    describeReason(context.reason ?? ''),
  ];
  showStatus(next, previous);
  log('status', `${previous} → ${next}`, why.filter(Boolean).join('; '));
  if (next !== 'backoff') stopCountdown();
  void pollStats();
});
conn.on('open', ({ protocol, reconnected, downtimeMs }) => {
  log('open', protocol ? `protocol ${protocol}` : 'socket open', reconnected ? `reconnected after ${Math.round(downtimeMs)} ms` : 'first open');
  // Resync: the server forgot this client when the socket dropped; here the hello re-joins the
  // room, and an app with subscriptions would send them again now, exactly once per reconnect.
  if (reconnected) log('resync', `resubscribed to ${input('room').value.trim() || 'lobby'}`, `down ${Math.round(downtimeMs)} ms`);
});
conn.on('close', ({ code, reason, wasClean }) => log('close', `${code}${reason ? ` ${reason}` : ''}`, wasClean ? 'clean' : 'not clean'));
conn.on('retry', ({ attempt, delayMs }) => {
  log('retry', `attempt ${attempt} in ${delayMs} ms`);
  startCountdown(attempt, delayMs);
});
conn.on('gaveUp', ({ reason, close, retries, rejection }) =>
  log('gaveUp', reason, `${rejection ? `server said: ${rejection}; ` : ''}${close ? `last close ${close.code} ${close.reason}; ` : ''}${retries} retries`),
);
conn.on('error', ({ message }) => log('error', message));
conn.on('dropped', ({ reason }) => log('dropped', `a message (${reason})`));
conn.on('message', (/** @type {any} */ message) => {
  switch (message?.type) {
    case 'chat':
      return showMessage('chat', String(message.payload?.text ?? ''), String(message.payload?.from ?? '?'));
    case 'system':
      return showMessage('system', `— ${String(message.payload?.text ?? '')} (${message.payload?.online ?? '?'} online)`);
    case 'error':
      return showMessage('error', `server: ${String(message.payload?.message ?? 'error')}`);
    default:
      return showMessage('system', JSON.stringify(message));
  }
});

// ---- retry countdown -------------------------------------------------------------------------

/** @type {ReturnType<typeof setInterval> | undefined} */
let countdownTimer;
function startCountdown(/** @type {number} */ attempt, /** @type {number} */ delayMs) {
  stopCountdown();
  const deadline = performance.now() + delayMs;
  const update = () => {
    const left = Math.max(0, deadline - performance.now());
    $('countdown-text').textContent = `retry ${attempt} in ${(left / 1000).toFixed(1)} s`;
    $('countdown-bar').style.width = `${delayMs > 0 ? (100 * left) / delayMs : 0}%`;
    if (left === 0) stopCountdown();
  };
  $('countdown').hidden = false;
  update();
  countdownTimer = setInterval(update, 100);
}
function stopCountdown() {
  clearInterval(countdownTimer);
  countdownTimer = undefined;
  $('countdown').hidden = true;
}

// ---- controls ----------------------------------------------------------------------------------

/** @param {keyof typeof FAULTS} name */
async function injectFault(name) {
  const body = FAULTS[name];
  log('fault', name, Object.keys(body).length ? JSON.stringify(body) : '');
  if (name === 'offline') {
    // A page cannot switch its own network off, so both halves of "offline" are played: the page
    // fires what a browser fires (the connection's default environment hears window `offline`),
    // and the server cuts the link for the outage. `online` comes once the server says the outage
    // is over, so the one attempt it starts succeeds and no retry is spent.
    log('action', "window 'offline' dispatched");
    window.dispatchEvent(new Event('offline'));
    setTimeout(() => void dispatchOnlineWhenUp(), FAULTS.offline.downMs);
  }
  try {
    const response = await fetch(`/fault/${name}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) log('error', `POST /fault/${name}: HTTP ${response.status}`);
  } catch (error) {
    log('error', `POST /fault/${name}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Fires window `online` once `GET /stats` shows no outage (polled every 200 ms, for at most 10 s). */
async function dispatchOnlineWhenUp() {
  for (let polls = 0; polls < 50; polls++) {
    try {
      const stats = await (await fetch('/stats')).json();
      if (!stats.faults.active.some((/** @type {{ kind: string }} */ fault) => fault.kind === 'outage')) break;
    } catch {
      // the HTTP listener stays up during an outage; a failed poll just tries again
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  log('action', "window 'online' dispatched");
  window.dispatchEvent(new Event('online'));
}

for (const button of document.querySelectorAll('button[data-fault]')) {
  const name = /** @type {keyof typeof FAULTS} */ (/** @type {HTMLElement} */ (button).dataset.fault);
  button.addEventListener('click', () => void injectFault(name));
}

const actions = {
  connect: () => conn.connect(),
  reconnect: () => conn.reconnect(),
  close: () => conn.close(1000, 'bye from the demo page'),
};
for (const button of document.querySelectorAll('button[data-action]')) {
  const name = /** @type {keyof typeof actions} */ (/** @type {HTMLElement} */ (button).dataset.action);
  button.addEventListener('click', () => {
    log('action', `conn.${name}()`);
    actions[name]();
  });
}

$('composer').addEventListener('submit', (event) => {
  event.preventDefault();
  const text = input('text').value.trim();
  if (!text) return;
  input('text').value = '';
  const queued = status !== 'open';
  if (conn.send({ type: 'chat', payload: { text } }) && queued) {
    showMessage('local', `(queued until open) ${text}`);
  }
});

$('identity').addEventListener('submit', (event) => {
  event.preventDefault();
  log('action', 'conn.reconnect()', `as ${input('user').value} in ${input('room').value}`);
  conn.reconnect();
});

// ---- server stats, polled ------------------------------------------------------------------------

async function pollStats() {
  try {
    const response = await fetch('/stats', { cache: 'no-store' });
    const stats = await response.json();
    const faults = (stats.faults?.active ?? [])
      .map((/** @type {{ name: string, remainingMs: number }} */ f) => `${f.name} ${(f.remainingMs / 1000).toFixed(1)} s`)
      .join(', ');
    $('server-stats').textContent = `server: ${stats.connections} connection(s)${faults ? ` · fault: ${faults}` : ''}`;
  } catch {
    $('server-stats').textContent = 'server: unreachable';
  }
}
void pollStats();
setInterval(pollStats, 1000);

Object.assign(window, { demo: { conn, statusGraph } });
