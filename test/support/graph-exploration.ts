/**
 * Exhaustive exploration of a connection machine with `xstate/graph` (`getShortestPaths`): every reachable
 * (state, context) for small settings, every event the active states own — including the
 * `xstate.after.*` events of their delayed transitions — and statechart-level checks of the
 * invariants on every state and every edge. Pure: the socket actor is a stub that is never
 * started and the settings have no jitter (delays at their ceiling), so each edge is one call
 * of `transition()` — or two where the adapter answers a command at once by contract: ABANDON_SOCKET is always followed by
 * SOCKET.CLOSED (`ABANDONED_CLOSE`, with the app's policy left to the close-code table), which
 * test/socket.actor.test.ts pins on the real adapter.
 */
import { backoffBudgetMs } from './backoff-bound.js';
import { fromCallback, transition, type AnyStateNode, type StateValue } from 'xstate';
import { getShortestPaths, getStateNodes } from 'xstate/graph';
import { backoffCeilingMs, backoffFloorMs } from '../../src/backoff.js';
import { getStatus, HIDDEN_CHECK_DEFAULT_MS, resolveOptions, type ConnectionEvent, type ConnectionSettings, type ConnectionStatus } from '../../src/index.js';
import { ABANDONED_CLOSE } from '../../src/socket.actor.js';
import type { InvariantId } from './invariants.js';
import type { ConnectionMachine, MachineUnderTest } from './model/system.js';

type Snapshot = ReturnType<ConnectionMachine['getInitialSnapshot']>;
type Action = { type: string; params?: Record<string, unknown> };

export interface Edge {
  readonly from: string;
  readonly event: ConnectionEvent;
  readonly to: string;
  readonly actions: readonly Action[];
  /** The snapshot the step reached (its key leaves out fields such as `gaveUpReason`). */
  readonly next: Snapshot;
}

export interface Exploration {
  readonly machine: ConnectionMachine;
  readonly settings: ConnectionSettings;
  readonly initial: string;
  readonly states: ReadonlyMap<string, Snapshot>;
  /** The shortest event path from the initial state to each state, for readable counterexamples. */
  readonly paths: ReadonlyMap<string, readonly string[]>;
  readonly edges: readonly Edge[];
}

export interface StatechartViolation {
  readonly invariant: InvariantId;
  readonly message: string;
  /** Events from the initial state to the violation. */
  readonly path: readonly string[];
}

/**
 * Small settings: the cap is reached by retry 2, so an uncapped delay shows by then. No jitter,
 * so every delay sits at its ceiling whatever the generator draws, and the generator's state
 * (which only feeds the draws) can be left out of a state's key.
 */
export function explorationSettings(
  overrides: { maxRetries?: number; heartbeat?: boolean; handshake?: boolean; pauseWhenHidden?: boolean } = {},
): ConnectionSettings {
  return resolveOptions({
    url: 'ws://graph.invalid/',
    WebSocket: class {} as never,
    maxRetries: overrides.maxRetries ?? 2,
    connectTimeoutMs: 1_000,
    closeTimeoutMs: 300,
    stableUptimeMs: 5_000,
    backoff: { initialDelayMs: 100, maxDelayMs: 150, factor: 2, jitter: 0 },
    heartbeat: overrides.heartbeat ? { intervalMs: 1_000, timeoutMs: 500 } : false,
    // The handshake's timeout sits between the heartbeat's and stableUptimeMs.
    ...(overrides.handshake ? { handshake: { reply: () => undefined, timeoutMs: 700 } } : {}),
    pauseWhenHidden: overrides.pauseWhenHidden ?? false,
    seed: 0,
  }).settings;
}

const QUIET: ReadonlySet<ConnectionStatus> = new Set(['idle', 'gaveUp', 'manuallyClosed']);
const SESSION: ReadonlySet<ConnectionStatus> = new Set(['connecting', 'open', 'closing']);
const USER_ACTIONS = new Set(['CONNECT', 'RECONNECT']);
/** What the environment says when it gives back what it took: each starts an attempt that spends no retry. */
const ENVIRONMENT_RETURNS = new Set(['NETWORK.ONLINE', 'PAGE.RESTORED']);

/** Payload variants per event type: retryable, clean and terminal closes; every silence report. */
function eventVariants(type: string, settings: ConnectionSettings): ConnectionEvent[] {
  const payloads: Record<string, object[]> = {
    DISCONNECT: [{ code: 1000, reason: '' }],
    'SOCKET.OPENED': [{ protocol: '' }],
    'SOCKET.CLOSED': [
      { code: 1006, reason: '', wasClean: false },
      { code: 1000, reason: '', wasClean: true },
      { code: 1008, reason: 'policy', wasClean: true },
    ],
    'SOCKET.ERROR': [{ message: 'error' }],
    'SOCKET.MESSAGE': [{ data: 'hello' }],
    'SOCKET.SILENCE': [{ silentMs: 0 }, { silentMs: settings.heartbeat?.intervalMs ?? 0 }],
    'SOCKET.HANDSHAKE': [{ verdict: 'ready' }, { verdict: 'rejected', reason: 'denied' }],
    'SOCKET.HELLO_FAILED': [{ message: 'hello failed' }],
    // Hidden briefly, and for the interval the check waits for (the heartbeat's, else the default).
    'PAGE.VISIBLE': [{ hiddenMs: 0 }, { hiddenMs: settings.heartbeat?.intervalMs ?? HIDDEN_CHECK_DEFAULT_MS }],
    'CLOCK.JUMPED': [{ lateMs: 2 * (settings.heartbeat?.intervalMs ?? HIDDEN_CHECK_DEFAULT_MS) }],
  };
  // CONNECT, RECONNECT, NETWORK.*, PAGE.HIDDEN/CACHED/RESTORED, SOCKET.ALIVE and every xstate.after.* delayed event carry none.
  return (payloads[type] ?? [{}]).map((payload) => ({ type, ...payload }) as ConnectionEvent);
}

function valueOf(path: readonly string[]): StateValue {
  return path.length === 1 ? path[0]! : { [path[0]!]: valueOf(path.slice(1)) };
}

/** The state nodes active in a snapshot (root first). */
export function activeNodes(machine: ConnectionMachine, snapshot: Snapshot): AnyStateNode[] {
  return [machine.root, ...getStateNodes(machine.root).filter((node) => snapshot.matches(valueOf(node.path) as never))];
}

/** The delayed transitions armed in a snapshot, with their delays resolved to milliseconds. */
export function armedDelays(machine: ConnectionMachine, snapshot: Snapshot): Array<{ state: string; event: string; delay: string; ms: number }> {
  const delays = machine.implementations.delays as Record<string, number | ((args: unknown) => number)>;
  // A guarded delayed transition is one timer with several branches: one entry per event.
  return activeNodes(machine, snapshot).flatMap((node) =>
    node.after.filter((t, i) => node.after.findIndex((u) => u.eventType === t.eventType) === i).map((t) => {
      const delay = t.delay as unknown as number | string;
      const impl = typeof delay === 'number' ? delay : delays[delay];
      const ms = typeof impl === 'function' ? impl({ context: snapshot.context, event: { type: 'xstate.init' } }) : Number(impl);
      return { state: node.id, event: t.eventType, delay: String(t.delay), ms };
    }),
  );
}

const commands = (actions: readonly Action[], type: string) =>
  actions.some((a) => a.type === 'xstate.sendTo' && (a.params?.event as { type?: string } | undefined)?.type === type);

/**
 * `transition()` plus the adapter's synchronous answer: an ABANDON_SOCKET sent on the way is
 * followed by its SOCKET.CLOSED in the same step, as the real adapter does before the clock returns.
 */
export function transitionWithAdapter(machine: ConnectionMachine, snapshot: Snapshot, event: ConnectionEvent): [Snapshot, Action[]] {
  const [next, actions] = transition(machine, snapshot, event) as unknown as [Snapshot, Action[]];
  if (!commands(actions, 'ABANDON_SOCKET')) return [next, actions];
  const [closed, more] = transition(machine, next, { type: 'SOCKET.CLOSED', ...ABANDONED_CLOSE }) as unknown as [Snapshot, Action[]];
  return [closed, [...actions, ...more]];
}

/** Builds the pure machine: a stub socket actor (the chart itself is closed, its draws come from the input's seed). */
export function pureMachine(machine: MachineUnderTest): ConnectionMachine {
  return machine.machine.provide({ actors: { socket: fromCallback(() => {}) } });
}

export function explore(machineUnderTest: MachineUnderTest, settings: ConnectionSettings): Exploration {
  const machine = pureMachine(machineUnderTest);
  const ownEvents = (snapshot: Snapshot) => [...new Set(activeNodes(machine, snapshot).flatMap((node) => node.ownEvents))];
  // A state is its value and the context fields that guards and delays read; the rest (last
  // close, close request, gave-up reason) only shapes emitted payloads, so it is left out.
  const key = (s: Snapshot) => {
    const { retries, retryDelayMs, heartbeatWaitMs, closeIntent, network, page } = s.context;
    return JSON.stringify([s.value, retries, retryDelayMs, heartbeatWaitMs, closeIntent, network, page]);
  };
  // The traversal's transition function, keeping each step (and its spawns, timers) as an edge.
  const edges: Edge[] = [];
  const logic = Object.create(machine, {
    transition: {
      value: (snapshot: Snapshot, event: ConnectionEvent) => {
        const [next, actions] = transitionWithAdapter(machine, snapshot, event);
        edges.push({ from: key(snapshot), event, to: key(next), actions, next });
        return next;
      },
    },
  }) as ConnectionMachine;
  const shortest = getShortestPaths(logic, {
    input: settings,
    serializeState: key as never,
    // A function, not a list: the events the active states own, after events included.
    events: (snapshot) => ownEvents(snapshot).flatMap((type) => eventVariants(type, settings)),
    limit: 500_000,
  });
  const states = new Map(shortest.map((p) => [key(p.state), p.state]));
  // Each path's steps start with the initial state under an `xstate.init` event.
  const paths = new Map(shortest.map((p) => [key(p.state), p.steps.slice(1).map((s) => describeEvent(s.event))]));
  const initial = key(shortest.find((p) => p.weight === 0)!.state);
  return { machine, settings, initial, states, paths, edges };
}

const spawnsSocket = (edge: Edge) => edge.actions.some((a) => a.type === 'xstate.spawnChild' && a.params?.id === 'socket');
const sendsPing = (edge: Edge) => commands(edge.actions, 'SEND_PING');
/** Delayed events an edge leaves armed (raised with a delay and not cancelled later in the same step). */
function armedBy(edge: Edge): string[] {
  const armed = new Set<string>();
  for (const a of edge.actions) {
    if (a.type === 'xstate.raise' && a.params?.delay !== undefined) armed.add(String(a.params.id));
    if (a.type === 'xstate.cancel') armed.delete(String(a.params?.sendId));
  }
  return [...armed];
}

export function describeEvent(event: ConnectionEvent): string {
  const { type, ...payload } = event as { type: string } & Record<string, unknown>;
  const short = type.startsWith('xstate.after.') ? `after ${type.split('.')[2]}` : type;
  const args = Object.values(payload).filter((v) => v !== '');
  return args.length > 0 ? `${short}(${args.join(', ')})` : short;
}

/**
 * Longest total weight of a path that avoids `excluded` edges, from every state; `Infinity` where a
 * cycle of positive weight is reachable. Bellman-Ford for longest paths (the graphs are small): after
 * |V| rounds every value has settled unless a positive cycle feeds it, and those still grow in the
 * next 2|V| rounds (a lap of the cycle and the way from the state to it are each under |V| edges).
 */
function longestPaths(exp: Exploration, weight: (e: Edge) => number, excluded: (e: Edge) => boolean): Map<string, number> {
  const keys = [...exp.states.keys()];
  const index = new Map(keys.map((k, i) => [k, i]));
  const kept = exp.edges.filter((e) => !excluded(e));
  const from = kept.map((e) => index.get(e.from)!);
  const to = kept.map((e) => index.get(e.to)!);
  const w = kept.map(weight);
  const best = new Float64Array(keys.length);
  const grown = new Uint8Array(keys.length);
  for (let round = 0; round < 3 * keys.length; round++) {
    let changed = false;
    for (let i = 0; i < kept.length; i++) {
      const via = w[i]! + best[to[i]!]!;
      if (via <= best[from[i]!]!) continue;
      best[from[i]!] = via;
      changed = true;
      if (round >= keys.length) grown[from[i]!] = 1;
    }
    // Settled: no positive cycle is reachable from anywhere.
    if (!changed) break;
  }
  return new Map(keys.map((k, i) => [k, grown[i] ? Infinity : best[i]!]));
}

/** Every statechart-level invariant, on every reachable state and edge. */
const checked = new WeakMap<Exploration, StatechartViolation[]>();
export function checkStatechart(exp: Exploration): StatechartViolation[] {
  if (!checked.has(exp)) checked.set(exp, check(exp));
  return checked.get(exp)!;
}

function check(exp: Exploration): StatechartViolation[] {
  const { machine, settings, states, edges, paths } = exp;
  const violations: StatechartViolation[] = [];
  const statuses = new Map([...states].map(([key, snapshot]) => [key, getStatus(snapshot)]));
  const statusOf = (key: string) => statuses.get(key)!;
  const armed = new Map([...states].map(([key, snapshot]) => [key, armedDelays(machine, snapshot)]));
  const isWaiting = (key: string) => states.get(key)!.matches({ backoff: 'waiting' });
  const edgesFrom = new Map<string, Edge[]>();
  for (const e of edges) (edgesFrom.get(e.from) ?? edgesFrom.set(e.from, []).get(e.from)!).push(e);
  const report = (invariant: InvariantId, message: string, at: string, event?: ConnectionEvent) => {
    violations.push({ invariant, message, path: [...(paths.get(at) ?? ['?']), ...(event ? [describeEvent(event)] : [])] });
  };
  const heartbeat = settings.heartbeat;

  for (const [key, snapshot] of states) {
    const status = getStatus(snapshot);
    const children = Object.keys(snapshot.children);
    const hasSocket = children.includes('socket');
    // 1. The socket actor runs exactly in the session states, and there is one.
    if (SESSION.has(status) !== hasSocket || children.length > 1) {
      report(1, `status ${status} with children [${children.join(', ')}]`, key);
    }
    // 2. Retries never exceed the budget.
    if (snapshot.context.retries > settings.maxRetries) report(2, `retries ${snapshot.context.retries} > maxRetries ${settings.maxRetries}`, key);
    // 3. A planned delay is a finite integer within its attempt's bounds (waits for the network or the page have none).
    if (snapshot.matches({ backoff: 'waiting' })) {
      const { retries, retryDelayMs } = snapshot.context;
      const floor = backoffFloorMs(retries, settings.backoff);
      const ceiling = backoffCeilingMs(retries, settings.backoff);
      if (!Number.isSafeInteger(retryDelayMs) || retryDelayMs < floor || retryDelayMs > ceiling) {
        report(3, `retry ${retries} planned ${retryDelayMs} ms, bounds [${floor}, ${ceiling}]`, key);
      }
    }
    const armedHere = armed.get(key)!;
    // 5. Quiet states arm no delayed transition.
    if (QUIET.has(status) && armedHere.length > 0) report(5, `${status} arms ${armedHere.map((a) => `${a.delay} (${a.ms} ms)`).join(', ')}`, key);
    // 6. The heartbeat never waits longer than intervalMs for silence, or timeoutMs for the pong.
    if (heartbeat && status === 'open') {
      for (const a of armedHere) {
        const limit = a.delay === 'heartbeatWait' ? heartbeat.intervalMs : a.delay === 'heartbeatTimeout' ? heartbeat.timeoutMs : Infinity;
        if (a.ms > limit) report(6, `${a.delay} waits ${a.ms} ms, limit ${limit} ms`, key);
      }
    }
  }

  const closeTimeoutEvents = (key: string) => new Set(armed.get(key)!.filter((a) => a.ms === settings.closeTimeoutMs).map((a) => a.event));

  // 1. closing is bounded: every closing state arms closeTimeoutMs, and that timer leaves closing.
  for (const [key] of states) {
    if (statusOf(key) !== 'closing') continue;
    const timeouts = closeTimeoutEvents(key);
    const leaves = (edgesFrom.get(key) ?? []).some((e) => timeouts.has(e.event.type) && statusOf(e.to) !== 'closing');
    if (!leaves) report(1, `closing is not left closeTimeoutMs (${settings.closeTimeoutMs} ms) after it was entered`, key);
  }

  for (const edge of edges) {
    const from = statusOf(edge.from);
    const to = statusOf(edge.to);
    const fromHasSocket = 'socket' in states.get(edge.from)!.children;
    // 1. A new socket only when the earlier one closed, or was abandoned after closeTimeoutMs.
    if (spawnsSocket(edge) && fromHasSocket) {
      const closedOrAbandoned =
        from === 'closing' && (edge.event.type === 'SOCKET.CLOSED' || closeTimeoutEvents(edge.from).has(edge.event.type));
      if (!closedOrAbandoned) report(1, `a new socket starts from ${from} while the old one is not closed`, edge.from, edge.event);
    }
    // 2. connect()/reconnect() promise a fresh budget: an attempt they start (or keep, from
    // connecting) has used no retries, and so does the session a reconnect() close leads to.
    const freshBudgetPromised =
      (USER_ACTIONS.has(edge.event.type) && to === 'connecting') ||
      (from === 'closing' && spawnsSocket(edge) && states.get(edge.from)!.context.closeIntent === 'reconnect');
    if (freshBudgetPromised && states.get(edge.to)!.context.retries !== 0) {
      report(2, `${edge.event.type} from ${from} kept ${states.get(edge.to)!.context.retries} used retries`, edge.from, edge.event);
    }
    // 4. manuallyClosed is left by connect()/reconnect() only; 2. gaveUp by those and close() (it sits there,
    // hearing the environment).
    const userAction = USER_ACTIONS.has(edge.event.type) || (from === 'gaveUp' && edge.event.type === 'DISCONNECT');
    if ((from === 'manuallyClosed' || from === 'gaveUp') && !userAction) {
      if (to !== from || spawnsSocket(edge) || armedBy(edge).length > 0) {
        report(from === 'manuallyClosed' ? 4 : 2, `${from} left for ${to} without a user action`, edge.from, edge.event);
      }
    }
    // 5. Entering a quiet state leaves no timer armed.
    if (QUIET.has(to) && armedBy(edge).length > 0) report(5, `entering ${to} arms ${armedBy(edge).join(', ')}`, edge.from, edge.event);
    // 6. Pings only while open.
    if (sendsPing(edge) && (from !== 'open' || to !== 'open')) report(6, `ping sent on ${from} → ${to}`, edge.from, edge.event);
  }

  // 16. With a handshake, the session opens only on the server's 'ready'.
  const isReady = (e: ConnectionEvent) => e.type === 'SOCKET.HANDSHAKE' && e.verdict === 'ready';
  if (settings.handshake) {
    for (const edge of edges) {
      if (statusOf(edge.to) === 'open' && statusOf(edge.from) !== 'open' && !isReady(edge.event)) {
        report(16, `${statusOf(edge.from)} → open on ${describeEvent(edge.event)}, not on the server's ready`, edge.from, edge.event);
      }
    }
  }

  // 2. Between user actions, returns of the environment (online after offline, a restored page) and
  // without stable uptime (a session open for stableUptimeMs): at most maxRetries + 1 sockets, and at
  // most the sum of the capped delays spent in backoff.
  const isBudgetReset = (e: Edge) =>
    USER_ACTIONS.has(e.event.type) ||
    ENVIRONMENT_RETURNS.has(e.event.type) ||
    (e.event.type.startsWith('xstate.after.stableUptime.') && statusOf(e.from) === 'open');
  const sockets = longestPaths(exp, (e) => (spawnsSocket(e) ? 1 : 0), isBudgetReset);
  const sumOfCeilings = backoffBudgetMs(settings.maxRetries, settings.backoff);
  const waited = longestPaths(
    exp,
    (e) => (isWaiting(e.to) && !isWaiting(e.from) ? states.get(e.to)!.context.retryDelayMs : 0),
    isBudgetReset,
  );
  const resets = edges.filter(isBudgetReset);
  for (const start of [...resets.map((e) => ({ at: e.to, edge: e })), { at: exp.initial, edge: undefined }]) {
    const n = (start.edge && spawnsSocket(start.edge) ? 1 : 0) + sockets.get(start.at)!;
    const where = start.edge ? start.edge.from : start.at;
    if (n > settings.maxRetries + 1) {
      report(2, `${n === Infinity ? 'unboundedly many' : n} sockets can follow without a user action (maxRetries ${settings.maxRetries})`, where, start.edge?.event);
      break;
    }
    if (waited.get(start.at)! > sumOfCeilings) {
      report(2, `${waited.get(start.at)} ms of backoff can follow, bound ${sumOfCeilings} ms`, where, start.edge?.event);
      break;
    }
  }

  // 17. After a rejection: no new socket and no backoff until connect()/reconnect(); only closing, gaveUp or (after close()) manuallyClosed.
  const rejectedSeen = new Set<string>();
  const isRejection = (e: Edge) => e.event.type === 'SOCKET.HANDSHAKE' && e.event.verdict === 'rejected' && e.to !== e.from;
  const afterRejection = new Set(['closing', 'gaveUp', 'manuallyClosed']);
  for (const rejection of edges.filter(isRejection)) {
    const queue = [rejection.to];
    while (queue.length > 0) {
      const s = queue.shift()!;
      if (rejectedSeen.has(s)) continue;
      rejectedSeen.add(s);
      if (!afterRejection.has(statusOf(s))) report(17, `${statusOf(s)} reached after a rejected handshake without a user action`, s);
      for (const e of edgesFrom.get(s) ?? []) {
        if (USER_ACTIONS.has(e.event.type)) continue;
        if (spawnsSocket(e)) report(17, 'a socket is created after a rejected handshake without a user action', e.from, e.event);
        if (statusOf(e.to) === 'gaveUp' && statusOf(e.from) !== 'gaveUp' && e.next.context.gaveUpReason !== 'handshake-rejected') {
          report(17, `gave up with ${e.next.context.gaveUpReason} after a rejected handshake`, e.from, e.event);
        }
        queue.push(e.to);
      }
    }
  }

  // 18. Offline spends nothing: no socket while offline, no retry, no retry event, no backoff timer.
  const emits = (edge: Edge, type: string) => edge.actions.some((a) => a.type === 'xstate.emit' && JSON.stringify(a.params ?? {}).includes(`"${type}"`));
  for (const [key, snapshot] of states) {
    if (snapshot.context.network !== 'offline') continue;
    const status = statusOf(key);
    if (status === 'connecting' || status === 'open') report(18, `${status} while the environment says offline`, key);
    if (status === 'backoff' && armed.get(key)!.length > 0) report(18, 'a backoff timer runs while offline', key);
  }
  for (const edge of edges) {
    if (states.get(edge.from)!.context.network !== 'offline' || edge.next.context.network !== 'offline') continue;
    if (spawnsSocket(edge)) report(18, 'a socket is created while offline', edge.from, edge.event);
    if (edge.next.context.retries > states.get(edge.from)!.context.retries) report(18, 'a retry is spent while offline', edge.from, edge.event);
    if (emits(edge, 'retry')) report(18, 'a retry event fires while offline', edge.from, edge.event);
  }
  // 19. Back online, at once: one attempt with the budget it had, unless paused for a hidden page.
  for (const edge of edges.filter((e) => e.event.type === 'NETWORK.ONLINE' && states.get(e.from)!.matches({ backoff: 'offline' }))) {
    const before = states.get(edge.from)!;
    const paused = settings.pauseWhenHidden === true && before.context.page === 'hidden';
    if (paused ? spawnsSocket(edge) : !spawnsSocket(edge) || statusOf(edge.to) !== 'connecting') {
      report(19, `online from ${JSON.stringify(before.value)} leads to ${statusOf(edge.to)}${paused ? ' though paused while hidden' : ''}`, edge.from, edge.event);
    }
    if (edge.next.context.retries !== before.context.retries) report(19, `online changed the retries ${before.context.retries} → ${edge.next.context.retries}`, edge.from, edge.event);
  }
  // 21. A cached page holds no socket and arms no timer until restored (or a user action); restored, one attempt at once.
  // Every state with a socket takes pagehide (an event no state takes has no edge to check).
  for (const [key] of states) {
    if (SESSION.has(statusOf(key)) && !(edgesFrom.get(key) ?? []).some((e) => e.event.type === 'PAGE.CACHED')) {
      report(21, `${statusOf(key)} ignores the page going into the back/forward cache`, key);
    }
  }
  for (const [key, snapshot] of states) {
    if (snapshot.matches({ backoff: 'cached' }) && armed.get(key)!.length > 0) report(21, 'a timer runs while the page is cached', key);
  }
  for (const edge of edges) {
    const before = states.get(edge.from)!;
    if (edge.event.type === 'PAGE.CACHED' && SESSION.has(statusOf(edge.from)) && statusOf(edge.to) !== 'closing') {
      report(21, `the page went into the cache from ${statusOf(edge.from)}, and its socket is not closing`, edge.from, edge.event);
    }
    if (before.matches({ backoff: 'cached' }) && !USER_ACTIONS.has(edge.event.type) && edge.event.type !== 'PAGE.RESTORED' && spawnsSocket(edge)) {
      report(21, 'a socket is created while the page is cached', edge.from, edge.event);
    }
    if (before.matches({ backoff: 'cached' }) && edge.event.type === 'PAGE.RESTORED') {
      const expected = before.context.network === 'offline' ? 'backoff' : 'connecting';
      if (statusOf(edge.to) !== expected || edge.next.context.retries !== 0) {
        report(21, `restored while ${before.context.network}: ${statusOf(edge.to)} with ${edge.next.context.retries} retries used`, edge.from, edge.event);
      }
    }
    // Back in sight after an interval hidden, or a clock that jumped: an open heartbeat that is not already waiting for a pong pings now.
    const suspect =
      (edge.event.type === 'PAGE.VISIBLE' && heartbeat !== null && edge.event.hiddenMs >= heartbeat.intervalMs) || edge.event.type === 'CLOCK.JUMPED';
    const checking = before.matches({ session: { open: 'listening' } }) || before.matches({ session: { open: 'probingSilence' } });
    if (suspect && checking && !(sendsPing(edge) && edge.next.matches({ session: { open: 'awaitingPong' } }))) {
      report(21, `${describeEvent(edge.event)} in ${JSON.stringify(before.value)} did not check the connection`, edge.from, edge.event);
    }
  }

  // 4. After close(): no new socket and nowhere but closing/manuallyClosed until connect()/reconnect().
  const out = new Map<string, Edge[]>();
  for (const e of edges) if (!USER_ACTIONS.has(e.event.type)) (out.get(e.from) ?? out.set(e.from, []).get(e.from)!).push(e);
  const seen = new Set<string>();
  for (const close of edges.filter((e) => e.event.type === 'DISCONNECT')) {
    const queue = [close.to];
    while (queue.length > 0) {
      const s = queue.shift()!;
      if (seen.has(s)) continue;
      seen.add(s);
      const status = statusOf(s);
      if (status !== 'closing' && status !== 'manuallyClosed') report(4, `${status} reached after close() without a user action`, s);
      for (const e of out.get(s) ?? []) {
        if (spawnsSocket(e)) report(4, `a socket is created after close() without a user action`, e.from, e.event);
        queue.push(e.to);
      }
    }
  }
  return violations;
}
