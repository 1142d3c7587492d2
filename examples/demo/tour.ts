/**
 * The scripted fault tour: one xstate-websocket client (Node, `ws`) against the demo chat
 * server, driven through every fault the server can inject, with a timeline of what the
 * connection did. `npm run demo -- --scripted` prints it; `test/tour.test.ts` checks it.
 *
 * connect → chat → kill → reconnect → half-open → heartbeat detects → reconnect → restart →
 * reconnect → reject (1008) → gaveUp → heal + reconnect() → open → close → manuallyClosed
 */
import WebSocket from 'ws';
import { createConnection, type BackoffOptions, type Connection, type ConnectionStatus } from 'xstate-websocket';

export interface TourOptions {
  /** The chat server, `http://127.0.0.1:PORT`. */
  serverUrl: string;
  /** Heartbeat of the client (app-level JSON ping/pong). @default { intervalMs: 2000, timeoutMs: 1500 } */
  heartbeat?: { intervalMs: number; timeoutMs: number };
  /** @default { initialDelayMs: 500, maxDelayMs: 2000, factor: 1.5, jitter: 0.5 } */
  backoff?: BackoffOptions;
  /** @default 500 */
  closeTimeoutMs?: number;
  /** Outage of the `restart` fault. @default 1500 */
  restartDownMs?: number;
  /** How long the `reject` fault refuses tokens (the tour heals it early). @default 5000 */
  rejectMs?: number;
  /** How long `half-open` holds the connection (the heartbeat must notice sooner). @default 10000 */
  halfOpenMs?: number;
  /** Longest wait for any one step; the tour fails past it. @default 10000 */
  stepTimeoutMs?: number;
  /** Called with each timeline line as it happens (e.g. `console.log`). */
  onLine?: (line: string) => void;
}

export type TimelineKind = 'step' | 'status' | 'open' | 'close' | 'retry' | 'gaveUp' | 'error' | 'dropped' | 'message';

export interface TimelineEntry {
  /** Milliseconds since the tour started. */
  atMs: number;
  kind: TimelineKind;
  text: string;
  /** Why, when known (close code, the statechart's `reason`, the fault's parameters). */
  why: string;
}

export interface TourResult {
  ok: boolean;
  timeline: TimelineEntry[];
  /** Every status the connection went through, in order. */
  statuses: ConnectionStatus[];
  /** What did not go as expected; empty when `ok`. */
  problems: string[];
  durationMs: number;
}

/**
 * The statuses the tour must go through. A restart's outage may refuse one attempt or several,
 * hence the repeated `backoff connecting`.
 */
export const EXPECTED_STATUSES =
  /^connecting open backoff connecting open closing backoff connecting open backoff connecting (backoff connecting )*open gaveUp connecting open closing manuallyClosed$/;

export const EXPECTED_SUMMARY =
  'connecting → open → [kill] backoff → connecting → open → [half-open] closing → backoff → connecting → open → ' +
  '[restart] backoff → connecting (→ backoff → connecting)* → open → [reject] gaveUp → [heal, reconnect()] connecting → open → [close()] closing → manuallyClosed';

/** Problems with a status sequence, or none when it is the expected one. */
export function checkStatuses(statuses: readonly string[]): string[] {
  return EXPECTED_STATUSES.test(statuses.join(' '))
    ? []
    : [`status sequence does not match.\n  expected: ${EXPECTED_SUMMARY}\n  got:      ${statuses.join(' → ')}`];
}

export function formatEntry(entry: TimelineEntry): string {
  const at = `${String(entry.atMs).padStart(6)} ms`;
  if (entry.kind === 'step') return `${at}  ── ${entry.text}${entry.why ? `  (${entry.why})` : ''}`;
  return `${at}     ${entry.kind.padEnd(8)} ${entry.text}${entry.why ? `   ${entry.why}` : ''}`;
}

const CHAT_TEXT = 'hello from the scripted tour';

export async function runTour(options: TourOptions): Promise<TourResult> {
  const {
    serverUrl,
    heartbeat = { intervalMs: 2000, timeoutMs: 1500 },
    backoff = { initialDelayMs: 500, maxDelayMs: 2000, factor: 1.5, jitter: 0.5 },
    closeTimeoutMs = 500,
    restartDownMs = 1500,
    rejectMs = 5000,
    halfOpenMs = 10_000,
    stepTimeoutMs = 10_000,
    onLine,
  } = options;
  const started = Date.now();
  const timeline: TimelineEntry[] = [];
  const statuses: ConnectionStatus[] = [];
  const problems: string[] = [];
  const chats: string[] = [];
  /** Wakes the step waiting for a condition. */
  let wake = () => {};

  const record = (kind: TimelineKind, text: string, why = '') => {
    const entry = { atMs: Date.now() - started, kind, text, why };
    timeline.push(entry);
    onLine?.(formatEntry(entry));
    wake();
  };

  /** The last event the connection's actor received: what took the latest transition. */
  let lastEvent = '';
  const user = 'tour';
  const url = new URL('/chat', serverUrl);
  url.searchParams.set('room', 'tour');
  url.searchParams.set('user', user);
  url.searchParams.set('handshake', ''); // the token goes in the hello

  const conn: Connection = createConnection({
    url: url.href,
    WebSocket: WebSocket as never,
    handshake: {
      hello: () => JSON.stringify({ type: 'hello', payload: { token: 'demo-token' } }),
      reply: (data) => {
        const message = parse(data);
        if (message?.type === 'ready') return 'ready';
        return message?.type === 'denied' ? { verdict: 'rejected', reason: String(message.payload?.reason) } : undefined;
      },
      timeoutMs: 4000,
    },
    heartbeat: {
      ...heartbeat,
      ping: () => JSON.stringify({ type: 'ping' }),
      isPong: (data) => parse(data)?.type === 'pong',
    },
    backoff,
    closeTimeoutMs,
    connectTimeoutMs: 4000,
    autoConnect: false,
    inspect(event) {
      if (event.type === '@xstate.event' && event.actorRef.sessionId === event.rootId) lastEvent = eventName(event.event.type);
    },
  });
  conn.on('status', (status) => {
    statuses.push(status);
    record('status', status, describeTransition(status, conn.actor.getSnapshot().context, lastEvent));
  });
  // Resync: on a reconnected open an app re-subscribes; here the hello re-joins the room.
  conn.on('open', ({ reconnected, downtimeMs }) =>
    record('open', 'socket open', reconnected ? `reconnected after ${Math.round(downtimeMs)} ms: resubscribed to tour` : 'first open'),
  );
  conn.on('close', ({ code, reason, wasClean }) => record('close', `${code}${reason ? ` ${reason}` : ''}`, wasClean ? 'clean' : 'not clean'));
  conn.on('retry', ({ attempt, delayMs }) => record('retry', `attempt ${attempt} in ${delayMs} ms`));
  conn.on('gaveUp', ({ reason, retries, rejection }) => record('gaveUp', reason, `${rejection ? `server said: ${rejection}; ` : ''}${retries} retries`));
  conn.on('error', ({ message }) => record('error', message));
  conn.on('dropped', ({ reason }) => record('dropped', reason));
  conn.on('message', (data) => {
    const message = parse(data);
    if (message?.type === 'chat') {
      chats.push(String(message.payload?.text));
      record('message', `chat ${String(message.payload?.from)}: ${String(message.payload?.text)}`);
    } else if (message?.type === 'error') {
      record('message', `server error: ${String(message.payload?.message)}`);
    }
  });

  /** Resolves once `check()` holds; rejects after `stepTimeoutMs`. */
  const until = (what: string, check: () => boolean) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        wake = () => {};
        reject(new Error(`timed out after ${stepTimeoutMs} ms waiting for ${what}`));
      }, stepTimeoutMs);
      wake = () => {
        if (!check()) return;
        clearTimeout(timer);
        wake = () => {};
        resolve();
      };
      wake();
    });
  /** Resolves when the statuses seen from now on include `sequence`, in order. */
  const through = (...sequence: ConnectionStatus[]) => {
    const from = statuses.length;
    return until(sequence.join(' → '), () => {
      let i = 0;
      for (const status of statuses.slice(from)) if (status === sequence[i]) i++;
      return i === sequence.length;
    });
  };
  const fault = async (name: string, body: Record<string, number> = {}) => {
    const response = await fetch(new URL(`/fault/${name}`, serverUrl), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`POST /fault/${name}: HTTP ${response.status}`);
  };
  const step = (text: string, why = '') => record('step', text, why);

  try {
    step('connect', 'conn.connect()');
    let wait = through('connecting', 'open');
    conn.connect();
    await wait;

    step('chat', `send "${CHAT_TEXT}"`);
    conn.send(JSON.stringify({ type: 'chat', payload: { text: CHAT_TEXT } }));
    await until('the chat echo', () => chats.includes(CHAT_TEXT));

    step('kill', 'POST /fault/kill: every socket destroyed');
    wait = through('backoff', 'connecting', 'open');
    await fault('kill');
    await wait;

    step('half-open', `POST /fault/half-open: the socket goes silent; heartbeat ${heartbeat.intervalMs}+${heartbeat.timeoutMs} ms`);
    wait = through('closing', 'backoff', 'connecting', 'open');
    await fault('half-open', { durationMs: halfOpenMs });
    await wait;

    step('restart', `POST /fault/restart: down for ${restartDownMs} ms`);
    wait = through('backoff', 'connecting', 'open');
    await fault('restart', { downMs: restartDownMs });
    await wait;

    step('reject', 'POST /fault/reject: close 1008 token revoked');
    wait = through('gaveUp');
    await fault('reject', { durationMs: rejectMs });
    await wait;

    step('heal + reconnect', 'POST /fault/heal, conn.reconnect()');
    await fault('heal');
    wait = through('connecting', 'open');
    conn.reconnect();
    await wait;

    step('close', 'conn.close()');
    wait = through('closing', 'manuallyClosed');
    conn.close();
    await wait;
  } catch (error) {
    problems.push(error instanceof Error ? error.message : String(error));
  } finally {
    conn.stop();
  }

  problems.push(...checkStatuses(statuses));
  const gaveUp = timeline.find((e) => e.kind === 'gaveUp');
  if (gaveUp && gaveUp.text !== 'close-code 1008') problems.push(`gave up for "${gaveUp.text}", expected "close-code 1008"`);
  if (!timeline.some((e) => e.kind === 'close' && e.text.startsWith('1006'))) problems.push('no close 1006 from the killed socket');
  return { ok: problems.length === 0, timeline, statuses, problems, durationMs: Date.now() - started };
}

/** `xstate.after.heartbeatWait.connection…` → `after heartbeatWait`; other event types as they are. */
export function eventName(type: string): string {
  const after = /^xstate\.after\.([^.]+)\./.exec(type);
  return after ? `after ${after[1]}` : type;
}

/**
 * Why a status was entered, from plain data: the event that took the transition, the close the
 * machine requested when `closing`, and the statechart's own `reason` when its context has one.
 */
export function describeTransition(status: string, context: unknown, via: string): string {
  const { reason, closeRequest } = (context ?? {}) as { reason?: unknown; closeRequest?: { code?: unknown; reason?: unknown } };
  const parts = [via && `on ${via}`];
  if (status === 'closing' && closeRequest) parts.push(`sends close ${String(closeRequest.code)} ${String(closeRequest.reason ?? '')}`.trim());
  const why = reason ?? '';
  parts.push(typeof why === 'string' ? why : JSON.stringify(why));
  return parts.filter(Boolean).join('; ');
}

function parse(data: unknown): { type?: unknown; payload?: Record<string, unknown> } | undefined {
  if (typeof data !== 'string') return undefined;
  try {
    const value: unknown = JSON.parse(data);
    return typeof value === 'object' && value !== null ? (value as { type?: unknown }) : undefined;
  } catch {
    return undefined;
  }
}
