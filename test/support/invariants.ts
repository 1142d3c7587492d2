/**
 * The one catalogue of invariants: id, name, statement and the tests that prove each. Everything
 * else reads it: the README table and visualizations/SPEC.md are generated from it (`npm run
 * visualize`, drift fails test/visualizations.test.ts), the model names its findings by it
 * (test/support/model/connection.model.ts), the exhaustive exploration reports by its ids
 * (test/support/graph-exploration.ts), and the property tests take their titles from it.
 * Statements are Markdown; a test file listed under `provedBy` must exist and name the invariant
 * in a test title (test/invariants.test.ts).
 */

/** One test file that proves an invariant, with the word the README links it by. */
export interface Proof {
  /** How it proves it: `model`, `graph`, `handle`, `adapter`, `real sockets`, ... */
  readonly label: string;
  /** Path from the repository root. */
  readonly file: string;
}

export interface Invariant {
  readonly id: number;
  /** Markdown; `invariantName` strips the code marks for test titles and messages. */
  readonly name: string;
  /** Markdown: the promise, one paragraph. */
  readonly statement: string;
  readonly provedBy: readonly Proof[];
}

export const INVARIANT_CATALOGUE = [
  {
    id: 1,
    name: 'One socket',
    statement:
      'At every instant at most one socket is CONNECTING or OPEN, and a socket is created only when every earlier one is CLOSED or was abandoned after `closeTimeoutMs` (with and without `terminate()`).',
    provedBy: [
      { label: 'model', file: 'test/connection.model.test.ts' },
      { label: 'graph', file: 'test/connection.graph.test.ts' },
    ],
  },
  {
    id: 2,
    name: 'Bounded retries',
    statement:
      'Between two user actions (`connect`, `reconnect`) or returns of the environment (the network back online after offline, a page restored from the back/forward cache: each starts one attempt that spends no retry), and without a stable uptime (a session open for `stableUptimeMs`; with a handshake, counted from the server\'s `\'ready\'`, so a server that accepts and never says ready, or says ready and drops at once, still ends in `gaveUp`), at most `maxRetries` + 1 sockets are created, and the machine then sits in `gaveUp` for any amount of time. Each `connect()`/`reconnect()` grants a fresh budget: no give-up on max-retries before `maxRetries` + 1 sockets since then. Total time spent in backoff is bounded by the sum of the capped delays.',
    provedBy: [
      { label: 'model', file: 'test/connection.model.test.ts' },
      { label: 'graph', file: 'test/connection.graph.test.ts' },
    ],
  },
  {
    id: 3,
    name: 'Delays in bounds',
    statement:
      'Every scheduled backoff delay is a finite integer within the bounds for its attempt number (also far past the cap), the wait lasts exactly that delay, and jitter stays spread.',
    provedBy: [
      { label: 'model', file: 'test/connection.model.test.ts' },
      { label: 'graph', file: 'test/connection.graph.test.ts' },
      { label: 'handle', file: 'test/create-connection.model.test.ts' },
      { label: 'backoff', file: 'test/backoff.test.ts' },
    ],
  },
  {
    id: 4,
    name: 'Manual close is final',
    statement:
      'After `close()` no socket is created and no timer fires until `connect()` (only the close itself waits, at most `closeTimeoutMs`), whatever the server, the network or the clock does.',
    provedBy: [
      { label: 'model', file: 'test/connection.model.test.ts' },
      { label: 'graph', file: 'test/connection.graph.test.ts' },
    ],
  },
  {
    id: 5,
    name: 'Quiet when idle',
    statement:
      'In `idle`, `gaveUp` and `manuallyClosed` there is no socket, listener or armed timer; `stop()` from any status leaves none but, where the implementation has `terminate()`, the one timer that ends a socket still closing, due within `closeTimeoutMs` (invariant 14).',
    provedBy: [
      { label: 'model', file: 'test/connection.model.test.ts' },
      { label: 'graph', file: 'test/connection.graph.test.ts' },
    ],
  },
  {
    id: 6,
    name: 'Heartbeat',
    statement:
      'Pings are sent only while open; a dead connection is detected within `intervalMs + timeoutMs` of its last message, for any ratio of the two; a live one (pongs on time) is never dropped.',
    provedBy: [
      { label: 'model', file: 'test/connection.model.test.ts' },
      { label: 'graph', file: 'test/connection.graph.test.ts' },
    ],
  },
  {
    id: 7,
    name: 'Handed over or reported',
    statement:
      "Every message `send` accepted is handed to a socket (its `send`) exactly once, in the order of the `send` calls, with the bytes it had at `send()`, or reported through `dropped`. A message the WebSocket refuses makes `send` return `false` (or, from the queue, is reported when it is handed over) through `dropped` `'refused'` and `error`, and never holds up the ones after it. This is not a delivery guarantee: bytes handed to a socket just before the connection dies silently can still be lost on the wire, with no close to report them (every WebSocket client has that gap). When every message must arrive, acknowledge at the application level and resend what was not acknowledged.",
    provedBy: [
      { label: 'model, through the handle', file: 'test/create-connection.model.test.ts' },
    ],
  },
  {
    id: 8,
    name: 'Late events are harmless',
    statement:
      'Events from a disposed socket change nothing: state, context, timers, sockets, emitted events.',
    provedBy: [
      { label: 'model', file: 'test/connection.model.test.ts' },
    ],
  },
  {
    id: 9,
    name: 'Calls are final in the tick they are made',
    statement:
      'With `autoConnect`, a `connect()`, `close()`, `reconnect()` or `stop()` before the first microtask is not undone by the deferred first attempt; with none, that microtask connects (or, with the environment offline, waits for the network in `backoff`).',
    provedBy: [
      { label: 'model, through the handle', file: 'test/create-connection.model.test.ts' },
    ],
  },
  {
    id: 10,
    name: 'Status after stop',
    statement:
      "After `stop()` the status is `manuallyClosed`; listeners got one `close` (if a socket's life ended) and one `status` (unless already `manuallyClosed`), in that order, then only `dropped`.",
    provedBy: [
      { label: 'model, through the handle', file: 'test/create-connection.model.test.ts' },
    ],
  },
  {
    id: 11,
    name: 'One registration, one call',
    statement:
      'Every event reaches each active `on()` registration once, in registration order; an unsubscribe removes its own registration only.',
    provedBy: [
      { label: 'model, through the handle', file: 'test/create-connection.model.test.ts' },
    ],
  },
  {
    id: 12,
    name: "The app's policy decides every retry",
    statement:
      'With `shouldReconnect` given, every attempt that no user action started follows a close of the attempt before it that `shouldReconnect` was asked about and did not refuse (also closes the client makes itself: timeouts with an async `url` pending, abandoned sockets, failures before a socket exists).',
    provedBy: [
      { label: 'model', file: 'test/connection.model.test.ts' },
    ],
  },
  {
    id: 13,
    name: 'The chart is closed',
    statement:
      'The same input and events give the same snapshots: `transition(connectionMachine, snapshot, event)` reads nothing else (randomness is data: the `seed` option starts a generator whose state is in context), so a recorded run replays exactly, also from a persisted snapshot, and the n-th retry waits what the n-th draw from `seed` gives.',
    provedBy: [
      { label: 'replay', file: 'test/connection.closed.test.ts' },
      { label: 'model', file: 'test/connection.model.test.ts' },
    ],
  },
  {
    id: 14,
    name: '`stop()` ends every socket',
    statement:
      '`closeTimeoutMs` after `stop()` no socket is CONNECTING, OPEN or CLOSING and no timer is left, where the implementation has `terminate()` (without it, see `stop()` above).',
    provedBy: [
      { label: 'model', file: 'test/connection.model.test.ts' },
      { label: 'real sockets', file: 'test/faults.ws.test.ts' },
    ],
  },
  {
    id: 15,
    name: 'Callbacks cannot kill the connection',
    statement:
      'Whatever `url` (throwing, rejecting, a thenable that throws, fulfils twice or late), `shouldReconnect`, `handshake.hello` and `codec.parse` do, the actor stays active and keeps its promises; a message `codec.parse` throws on is reported (`error` with its `data`), never delivered.',
    provedBy: [
      { label: 'model', file: 'test/connection.model.test.ts' },
      { label: 'adapter', file: 'test/socket.actor.test.ts' },
      { label: 'model, through the handle', file: 'test/create-connection.model.test.ts' },
    ],
  },
  {
    id: 16,
    name: 'Nothing before ready',
    statement:
      "With a `handshake`, nothing from the app goes out before the server's `'ready'` on the current socket (only the hello, and pings once open): the session opens (status `open`, the `open` event, the queue's flush) only then; until then the status is `connecting` and no timer of an open session (heartbeat, stable uptime) runs.",
    provedBy: [
      { label: 'model', file: 'test/connection.model.test.ts' },
      { label: 'model, through the handle', file: 'test/create-connection.model.test.ts' },
      { label: 'graph', file: 'test/connection.graph.test.ts' },
    ],
  },
  {
    id: 17,
    name: 'A rejection is final',
    statement:
      "After the server rejects the handshake, the socket is closed at once with 4403 and the server's reason (`handshake.reply`'s, cut to 123 UTF-8 bytes) or `handshake rejected`; no socket is created and no retry is scheduled until `connect()` or `reconnect()`: the connection ends in `gaveUp` with reason `handshake-rejected` and that `rejection` (or `manuallyClosed` after `close()`), whatever the close code and `shouldReconnect` say.",
    provedBy: [
      { label: 'model', file: 'test/connection.model.test.ts' },
      { label: 'graph', file: 'test/connection.graph.test.ts' },
    ],
  },
  {
    id: 18,
    name: 'Offline spends nothing',
    statement:
      'While the environment says the network is offline, no socket is created, no retry is spent, no `retry` event fires and no backoff timer runs; an open socket is closed when offline is said (a socket wanted then waits in `backoff`, reason `waiting for network`).',
    provedBy: [
      { label: 'model', file: 'test/connection.model.test.ts' },
      { label: 'model, through the handle', file: 'test/create-connection.model.test.ts' },
      { label: 'graph', file: 'test/connection.graph.test.ts' },
    ],
  },
  {
    id: 19,
    name: 'Back online, at once',
    statement:
      'When the network comes back while a socket is wanted (status `backoff`, waiting for network or for the retry delay), exactly one attempt starts at once, with the retry budget it had (unless `pauseWhenHidden` holds it for a hidden page).',
    provedBy: [
      { label: 'model', file: 'test/connection.model.test.ts' },
      { label: 'graph', file: 'test/connection.graph.test.ts' },
    ],
  },
  {
    id: 20,
    name: 'Nothing heard after `stop()`',
    statement:
      'After `stop()` no environment listener remains (the environment\'s `listen` was undone exactly once), and whatever the environment says then changes nothing: no socket, timer or event.',
    provedBy: [
      { label: 'model, through the handle', file: 'test/create-connection.model.test.ts' },
    ],
  },
  {
    id: 21,
    name: 'A cached page holds no socket',
    statement:
      'When the page goes into the back/forward cache (`pagehide` with `persisted`), its socket is closed and no socket is created and no timer runs until the page is restored (or a user action); restored, it starts one attempt at once with a fresh budget. A page that becomes visible after being hidden at least the heartbeat interval, or whose heartbeat timer fired an interval late (a sleep), has its open connection checked at once: a ping, then `heartbeat.timeoutMs`.',
    provedBy: [
      { label: 'model', file: 'test/connection.model.test.ts' },
      { label: 'graph', file: 'test/connection.graph.test.ts' },
    ],
  },
] as const satisfies readonly Invariant[];

export type InvariantId = (typeof INVARIANT_CATALOGUE)[number]['id'];

/** Every id, in order. */
export const INVARIANT_IDS: readonly InvariantId[] = INVARIANT_CATALOGUE.map((inv) => inv.id);

export function invariant(id: InvariantId): Invariant {
  return INVARIANT_CATALOGUE.find((inv) => inv.id === id)!;
}

/** The name as plain text, e.g. `stop() ends every socket`. */
export function invariantName(id: InvariantId): string {
  return invariant(id).name.replaceAll('`', '');
}

/** A test title that states the invariant it proves: `1. One socket: <what this test checks>`. */
export function invariantTitle(id: InvariantId, claim: string): string {
  return `${id}. ${invariantName(id)}: ${claim}`;
}

/** The invariants the catalogue says `file` proves, in order. */
export function invariantsProvedIn(file: string): InvariantId[] {
  return INVARIANT_CATALOGUE.filter((inv) => inv.provedBy.some((p) => p.file === file)).map((inv) => inv.id);
}

/**
 * `[title, id]` for each invariant the catalogue says `file` proves, with the claim `file` makes for
 * it. Throws when the claims and the catalogue disagree, so neither can drift from the other.
 */
export function titledProofs(file: string, claims: Partial<Record<InvariantId, string>>): Array<readonly [string, InvariantId]> {
  const ids = invariantsProvedIn(file);
  const claimed = Object.keys(claims).map(Number);
  const unlisted = claimed.filter((id) => !ids.includes(id as InvariantId));
  if (unlisted.length > 0) throw new Error(`${file} claims invariants ${unlisted.join(', ')}, which the catalogue does not list it for`);
  return ids.map((id) => {
    const claim = claims[id];
    if (claim === undefined) throw new Error(`the catalogue lists ${file} for invariant ${id}, which it does not claim`);
    return [invariantTitle(id, claim), id] as const;
  });
}
