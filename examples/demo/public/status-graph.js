// @ts-check
/**
 * The demo page's chart, read from the machine: which public status can move to which, and by
 * which events. Pure (no DOM, no import), so a unit test can compare it with the machine's own
 * transitions (examples/demo/test/status-graph.test.ts).
 */

/** @typedef {import('xstate-websocket').ConnectionStatus} Status */

/**
 * The public-status graph of a machine: every transition of every state node, mapped to the
 * status (tag) of its source and target. A transition declared on an untagged parent (the
 * `session` state) applies to each tagged descendant that does not always take that event itself
 * (see `alwaysHandles`).
 *
 * @param {any} machine
 * @param {readonly string[]} statuses the public status names, which are the machine's tags
 * @returns {{ from: Status, to: Status, labels: string[] }[]}
 */
export function statusGraph(machine, statuses) {
  /** @type {Map<string, { from: Status, to: Status, labels: string[] }>} */
  const edges = new Map();

  /** @param {any} node @returns {Status | undefined} */
  const ownStatus = (node) => node.tags.find((/** @type {string} */ tag) => statuses.includes(tag));
  /** @param {any} node @returns {Status | undefined} */
  const statusOf = (node) => {
    for (let n = node; n; n = n.parent) {
      const status = ownStatus(n);
      if (status) return status;
    }
    return undefined;
  };
  /** A target without a tag (a compound state) is entered through its initial state. */
  const entryStatus = (/** @type {any} */ node) => {
    let n = node;
    for (let depth = 0; n && depth < 10; depth++) {
      const status = statusOf(n);
      if (status) return status;
      n = n.initial?.target?.[0];
    }
    return undefined;
  };
  /** Tagged nodes at or under `node` (the nodes a parent's transition can start from). */
  const taggedBelow = (/** @type {any} */ node) => {
    /** @type {any[]} */
    const found = [];
    const visit = (/** @type {any} */ n) => (ownStatus(n) ? found.push(n) : Object.values(n.states).forEach(visit));
    Object.values(node.states).forEach(visit);
    return found;
  };
  /**
   * Whether `node` takes `eventType` itself whatever the guards say: an unguarded transition of its
   * own, or one in every child. Only then does the event never reach a parent's transition; a
   * node whose transitions for it are all guarded lets it fall through (as `closing` does with a
   * retry close, which `session`'s SOCKET.CLOSED then takes to backoff or gaveUp).
   * @type {(node: any, eventType: string) => boolean}
   */
  const alwaysHandles = (node, eventType) => {
    const own = node.transitions.get(eventType) ?? [];
    if (own.some((/** @type {any} */ t) => !t.guard)) return true;
    const children = Object.values(node.states);
    return node.type === 'compound' && children.length > 0 && children.every((child) => alwaysHandles(child, eventType));
  };

  const label = (/** @type {string} */ eventType, /** @type {any} */ guard) => {
    const after = /^xstate\.after\.([^.]+)\./.exec(eventType);
    const name = after ? `after ${after[1]}` : eventType;
    if (typeof guard === 'string') return `${name} [${guard}]`;
    if (guard?.guards) return `${name} [not ${guard.guards.join(', ')}]`;
    return name;
  };

  /**
   * The statuses a target leads to: its own, or, for a transient state (`starting`: eventless
   * transitions only), those of each of its eventless transitions' targets.
   * @type {(node: any) => (Status | undefined)[]}
   */
  const landings = (node) =>
    node.always?.length ? node.always.flatMap((/** @type {any} */ t) => (t.target?.[0] ? landings(t.target[0]) : [])) : [entryStatus(node)];

  const visit = (/** @type {any} */ node) => {
    for (const [eventType, transitions] of node.transitions) {
      for (const transition of transitions) {
        const target = transition.target?.[0];
        if (!target) continue;
        const sources = statusOf(node)
          ? [statusOf(node)]
          : taggedBelow(node).filter((n) => !alwaysHandles(n, eventType)).map(ownStatus);
        for (const [from, to] of sources.flatMap((from) => landings(target).map((to) => [from, to]))) {
          if (!from || !to || from === to) continue;
          const key = `${from}->${to}`;
          const edge = edges.get(key) ?? { from, to, labels: [] };
          const text = label(eventType, transition.guard);
          if (!edge.labels.includes(text)) edge.labels.push(text);
          edges.set(key, edge);
        }
      }
    }
    Object.values(node.states).forEach(visit);
  };
  visit(machine.root);
  return [...edges.values()];
}
