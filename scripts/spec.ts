/**
 * Pure functions that read `connectionMachine` (its state nodes, transitions, delays and
 * descriptions) and write the files in `visualizations/`: a Mermaid statechart, Graphviz DOT
 * (rendered to SVG by `renderSvg`), and SPEC.md; the invariants in SPEC.md and the README's table come
 * from the catalogue in test/support/invariants.ts. `scripts/visualize.ts` writes them;
 * `test/visualizations.test.ts` regenerates them in memory and fails on drift.
 * Output is deterministic: no timestamps, document order everywhere.
 */
import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition } from 'xstate';
import { backoffCeilingMs } from '../src/backoff.js';
import { CLOSE_CODE_TABLE } from '../src/close-codes.js';
import { connectionMachine } from '../src/connection.machine.js';
import { DEFAULTS } from '../src/options.types.js';
import { REASONS, type ReasonLabel } from '../src/reasons.js';
import { INVARIANT_CATALOGUE } from '../test/support/invariants.js';

/** The action every transition ends with; shown as the transition's reason, not as an action. */
const REASON_ACTION = 'recordReason';

/** One state node, flattened. */
export interface StateInfo {
  /** Dotted path from the root, e.g. `session.open.listening`. */
  readonly path: string;
  readonly key: string;
  readonly depth: number;
  readonly description: string;
  readonly tags: readonly string[];
  /** Named delays of this node's own `after` transitions: the timers it arms. */
  readonly timers: readonly string[];
  readonly entry: readonly string[];
  /** Actions run whenever a transition leaves this state (not when the actor stops). */
  readonly exit: readonly string[];
  readonly invokes: readonly string[];
  /** Path of the initial child, for compound states. */
  readonly initial: string | null;
  readonly children: readonly string[];
}

/** One transition, flattened (a guarded array gives one row per branch, in priority order). */
export interface TransitionInfo {
  readonly source: string;
  /** The raw event type, e.g. `xstate.after.backoffDelay.connection.backoff`. */
  readonly eventType: string;
  /** What a reader sees: `after backoffDelay`, `SOCKET.CLOSED`. */
  readonly event: string;
  /** `isRetryableClose`, `not isRetryableClose`, `else` (an unguarded fallback after guarded branches), or null. */
  readonly guard: string | null;
  /** Target paths; null for a targetless transition (stays, runs actions only). */
  readonly targets: readonly string[] | null;
  readonly reenter: boolean;
  /** Action names, without the reason. */
  readonly actions: readonly string[];
  /** The label `recordReason` records, or null (message delivery records none). */
  readonly reason: ReasonLabel | null;
}

export function collectStates(machine: AnyStateMachine = connectionMachine): StateInfo[] {
  const states: StateInfo[] = [];
  const visit = (node: AnyStateNode) => {
    const children = Object.values(node.states) as AnyStateNode[];
    states.push({
      path: pathOf(node),
      key: node.key,
      depth: node.path.length,
      description: node.description ?? '',
      tags: [...node.tags],
      timers: node.after.map((t) => delayName(t.delay)),
      entry: node.entry.flatMap(actionName),
      exit: node.exit.flatMap(actionName),
      invokes: node.invoke.map((i) => (typeof i.src === 'string' ? i.src : i.id)),
      initial: children.length > 0 && node.initial?.target?.[0] ? pathOf(node.initial.target[0]) : null,
      children: children.map(pathOf),
    });
    children.forEach(visit);
  };
  (Object.values(machine.root.states) as AnyStateNode[]).forEach(visit);
  return states;
}

export function collectTransitions(machine: AnyStateMachine = connectionMachine): TransitionInfo[] {
  const rows: TransitionInfo[] = [];
  const visit = (node: AnyStateNode) => {
    // Eventless (`always`) transitions are listed with an empty event: the label is the guard alone.
    const eventless: Array<[string, AnyTransitionDefinition[]]> = node.always ? [['', node.always as AnyTransitionDefinition[]]] : [];
    for (const [eventType, branches] of [...(node.transitions as Map<string, AnyTransitionDefinition[]>), ...eventless]) {
      branches.forEach((t, i) => {
        const delay = node.after.find((a) => a.eventType === eventType)?.delay;
        const names = t.actions.flatMap(actionName);
        const reasonAction = t.actions.find((a) => typeof a === 'object' && a !== null && (a as { type?: string }).type === REASON_ACTION);
        rows.push({
          source: pathOf(node),
          eventType,
          event: delay === undefined ? eventType : `after ${delayName(delay)}`,
          guard: t.guard ? guardName(t.guard) : i > 0 ? 'else' : null,
          targets: t.target ? t.target.map(pathOf) : null,
          // A target that is an ancestor of the source is exited and entered again, `reenter` or not.
          reenter: t.reenter || (t.target ?? []).some((target) => pathOf(node).startsWith(`${pathOf(target)}.`)),
          actions: names.filter((n) => n !== REASON_ACTION),
          reason: reasonAction ? ((reasonAction as { params: { reason: ReasonLabel } }).params.reason ?? null) : null,
        });
      });
    }
    (Object.values(node.states) as AnyStateNode[]).forEach(visit);
  };
  visit(machine.root);
  return rows;
}

/** The event and guard as an edge label: `SOCKET.CLOSED [hasRetriesLeft]`, `after backoffDelay`. */
export function transitionLabel(t: TransitionInfo): string {
  return t.guard ? `${t.event} [${t.guard}]`.trim() : t.event;
}

// --- Mermaid -------------------------------------------------------------------------------

export function toMermaid(machine: AnyStateMachine = connectionMachine): string {
  const states = collectStates(machine);
  const transitions = collectTransitions(machine);
  const byPath = new Map(states.map((s) => [s.path, s]));
  const lines = ['stateDiagram-v2'];
  const rootInitial = machine.root.initial?.target?.[0];
  if (rootInitial) lines.push(`  [*] --> ${mermaidId(pathOf(rootInitial))}`);

  const declare = (state: StateInfo, indent: string) => {
    const id = mermaidId(state.path);
    if (state.children.length > 0) {
      lines.push(`${indent}state ${id} {`);
      if (state.initial) lines.push(`${indent}  [*] --> ${mermaidId(state.initial)}`);
      for (const child of state.children) declare(byPath.get(child)!, `${indent}  `);
      lines.push(`${indent}}`);
    } else {
      lines.push(`${indent}${id}`);
    }
    const internal = transitions.filter((t) => t.source === state.path && t.targets === null);
    if (internal.length > 0) {
      lines.push(`${indent}note right of ${id}`);
      for (const t of internal) lines.push(`${indent}  ${internalLabel(t)}`);
      lines.push(`${indent}end note`);
    }
  };
  for (const state of states.filter((s) => s.depth === 1)) declare(state, '  ');

  // Parallel edges (same source and target) become one edge with one label line per transition.
  const edges = new Map<string, string[]>();
  for (const t of transitions) {
    for (const target of t.targets ?? []) {
      const key = `${mermaidId(t.source)} --> ${mermaidId(target)}`;
      edges.set(key, [...(edges.get(key) ?? []), transitionLabel(t)]);
    }
  }
  for (const [edge, labels] of edges) lines.push(`  ${edge} : ${labels.join('<br/>')}`);
  return `${lines.join('\n')}\n`;
}

/** A targetless transition, listed inside its state: `after closeTimeout / abandonSocket`. */
function internalLabel(t: TransitionInfo): string {
  return t.actions.length > 0 ? `${transitionLabel(t)} / ${t.actions.join(', ')}` : transitionLabel(t);
}

function mermaidId(path: string): string {
  return path.split('.').at(-1)!;
}

// --- Graphviz ------------------------------------------------------------------------------

export function toDot(machine: AnyStateMachine = connectionMachine): string {
  const states = collectStates(machine);
  const transitions = collectTransitions(machine);
  const byPath = new Map(states.map((s) => [s.path, s]));
  const lines = [
    `digraph ${JSON.stringify(machine.id)} {`,
    '  graph [compound=true, rankdir=TB, fontname="Helvetica", fontsize=12, nodesep=0.5, ranksep=0.6];',
    '  node [shape=box, style="rounded,filled", fillcolor="#f5f7ff", color="#4a5a8a", fontname="Helvetica", fontsize=12];',
    '  edge [color="#4a5a8a", fontname="Helvetica", fontsize=10];',
    '  "[*]" [shape=point, width=0.15, fillcolor="#000000", color="#000000"];',
  ];
  const anchor = (path: string) => (byPath.get(path)!.children.length > 0 ? `${path}.[*]` : path);

  const declare = (state: StateInfo, indent: string) => {
    const internal = transitions.filter((t) => t.source === state.path && t.targets === null).map(internalLabel);
    const label = htmlLabel(state.key, internal);
    if (state.children.length > 0) {
      lines.push(`${indent}subgraph ${JSON.stringify(`cluster_${state.path}`)} {`);
      lines.push(`${indent}  label=${label}; labeljust=l; style="rounded"; color="#4a5a8a";`);
      lines.push(`${indent}  ${JSON.stringify(`${state.path}.[*]`)} [shape=point, width=0.12, fillcolor="#000000", color="#000000"];`);
      for (const child of state.children) declare(byPath.get(child)!, `${indent}  `);
      lines.push(`${indent}}`);
      lines.push(`${indent}${JSON.stringify(`${state.path}.[*]`)} -> ${JSON.stringify(anchor(state.initial!))};`);
    } else {
      lines.push(`${indent}${JSON.stringify(state.path)} [label=${label}];`);
    }
  };
  for (const state of states.filter((s) => s.depth === 1)) declare(state, '  ');

  const rootInitial = machine.root.initial?.target?.[0];
  if (rootInitial) lines.push(`  "[*]" -> ${JSON.stringify(anchor(pathOf(rootInitial)))};`);
  // Parallel edges (same source and target) become one edge with one label line per transition.
  const edges = new Map<string, { from: string; to: string; labels: string[]; attrs: string[] }>();
  for (const t of transitions) {
    if (t.targets === null) continue;
    for (const target of t.targets) {
      const attrs: string[] = [];
      if (byPath.get(t.source)!.children.length > 0) attrs.push(`ltail=${JSON.stringify(`cluster_${t.source}`)}`);
      // An edge into a compound state ends at its border, unless it comes from inside (re-entry).
      if (byPath.get(target)!.children.length > 0 && !t.source.startsWith(`${target}.`)) {
        attrs.push(`lhead=${JSON.stringify(`cluster_${target}`)}`);
      }
      const key = `${t.source} -> ${target}`;
      const edge = edges.get(key) ?? { from: anchor(t.source), to: anchor(target), labels: [], attrs };
      edge.labels.push(transitionLabel(t));
      edges.set(key, edge);
    }
  }
  for (const { from, to, labels, attrs } of edges.values()) {
    const label = `label=${JSON.stringify(labels.map((l) => ` ${l} `).join('\n'))}`;
    lines.push(`  ${JSON.stringify(from)} -> ${JSON.stringify(to)} [${[label, ...attrs].join(', ')}];`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** A state's name in bold, then its internal transitions, as a Graphviz HTML-like label. */
function htmlLabel(name: string, internal: readonly string[]): string {
  const rows = internal.map((line) => `<br/><font point-size="10">${escapeHtml(line)}</font>`).join('');
  return `<<b>${escapeHtml(name)}</b>${rows}>`;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Renders DOT to SVG offline with Graphviz compiled to WebAssembly (`@viz-js/viz`). */
export async function renderSvg(dot: string): Promise<string> {
  const { instance } = await import('@viz-js/viz');
  const viz = await instance();
  const result = viz.render(dot, { format: 'svg' });
  if (result.status !== 'success') {
    throw new Error(`Graphviz failed: ${result.errors.map((e) => e.message).join('; ')}`);
  }
  return result.output;
}

// --- SPEC.md -------------------------------------------------------------------------------

/** Where each named delay comes from, with its default (read from `DEFAULTS`). */
export const DELAY_DOCS: Readonly<Record<string, { readonly from: string; readonly defaultMs: string; readonly meaning: string }>> = {
  connectTimeout: {
    from: '`connectTimeoutMs`',
    defaultMs: String(DEFAULTS.connectTimeoutMs),
    meaning: 'longest time in `connecting`; then the socket is closed with 3008 and the attempt counts as failed',
  },
  closeTimeout: {
    from: '`closeTimeoutMs`',
    defaultMs: String(DEFAULTS.closeTimeoutMs),
    meaning: 'longest wait in `closing` for CLOSED; then the adapter abandons the socket and reports a 1006 close, which `shouldReconnect` sees like any other',
  },
  backoffDelay: {
    from: '`context.retryDelayMs`, drawn by `planRetry` from `backoff.*` and the generator state (`seed`)',
    defaultMs:
      `uniform in [ceiling × (1 − jitter), ceiling], jitter = ${DEFAULTS.backoff.jitter}, ceiling = ` +
      `min(${DEFAULTS.backoff.maxDelayMs}, ${DEFAULTS.backoff.initialDelayMs} × ${DEFAULTS.backoff.factor}^(n−1))`,
    meaning: 'the wait in `backoff` before retry n (n ≤ `maxRetries`)',
  },
  handshakeTimeout: {
    from: '`handshake.timeoutMs`',
    defaultMs: String(DEFAULTS.handshake.timeoutMs),
    meaning: 'longest wait in `session.handshaking` for the verdict; then the socket is closed with 3008 and the attempt counts as failed',
  },
  stableUptime: {
    from: '`stableUptimeMs`',
    defaultMs: String(DEFAULTS.stableUptimeMs),
    meaning: 'time open (with a handshake: since ready) before the retry budget resets',
  },
  heartbeatWait: {
    from: '`context.heartbeatWaitMs`: `heartbeat.intervalMs` less the silence already seen',
    defaultMs: String(DEFAULTS.heartbeat.intervalMs),
    meaning: 'wait in `open.listening` before asking the adapter how long the socket was silent',
  },
  heartbeatTimeout: {
    from: '`heartbeat.timeoutMs`',
    defaultMs: String(DEFAULTS.heartbeat.timeoutMs),
    meaning: 'wait after a ping for any inbound message before the connection is declared dead',
  },
};

/** The tests that pin the chart itself and show the checks catch broken machines. */
export const CHART_TESTS = ['test/connection.table.test.ts', 'test/broken-machines.test.ts'] as const;

export function toSpec(machine: AnyStateMachine = connectionMachine): string {
  const states = collectStates(machine);
  const transitions = collectTransitions(machine);
  const delays = Object.keys(machine.implementations.delays).sort();
  const undocumented = delays.filter((d) => !(d in DELAY_DOCS));
  if (undocumented.length > 0) throw new Error(`scripts/spec.ts: add ${undocumented.join(', ')} to DELAY_DOCS`);
  const unknownReasons = transitions.flatMap((t) => (t.reason !== null && !(t.reason in REASONS) ? [t.reason] : []));
  if (unknownReasons.length > 0) throw new Error(`unknown reason labels: ${unknownReasons.join(', ')}`);

  const out: string[] = [];
  out.push(
    `# \`${machine.id}\` statechart: specification`,
    '',
    '<!-- Generated by `npm run visualize` from src/connection.machine.ts. Do not edit by hand. -->',
    '',
    'Generated from `connectionMachine` itself: state meanings are the `description` fields of its state',
    'nodes, transitions are read from the chart, delays and close codes from `DEFAULTS` and',
    '`CLOSE_CODE_TABLE`. The diagram is in [README.md](README.md) (Mermaid) and [connection.svg](connection.svg).',
    '',
    '## States',
    '',
    'Status is the public status (`getStatus`) a state reports through its tag; nested states report their parent\'s.',
    '',
    '| state | status | meaning | timers armed | on entry | on exit |',
    '| --- | --- | --- | --- | --- | --- |',
  );
  const statusOf = (path: string): string | null => {
    const parts = path.split('.');
    for (let i = parts.length; i > 0; i--) {
      const s = states.find((x) => x.path === parts.slice(0, i).join('.'));
      if (s && s.tags.length > 0) return s.tags.join(', ');
    }
    return null;
  };
  for (const s of states) {
    const name = `${'&nbsp;&nbsp;'.repeat(s.depth - 1)}\`${s.path}\``;
    const status = statusOf(s.path);
    const invokes = s.invokes.length > 0 ? ` Invokes \`${s.invokes.join('`, `')}\`.` : '';
    const initial = s.initial ? ` Starts in \`${s.initial}\`.` : '';
    out.push(
      `| ${name} | ${status === null ? 'its child\'s' : `\`${status}\``} | ${cell(s.description + invokes + initial)} | ${list(s.timers.map((t) => `[\`${t}\`](#delays)`))} | ${list(s.entry.map(code))} | ${list(s.exit.map(code))} |`,
    );
  }

  out.push(
    '',
    '## Transitions',
    '',
    'One row per branch, in the order the guards are tried (`else`: none of the guards above it held).',
    'Rows without a target run their actions and stay. Every transition but message delivery also',
    'runs `recordReason`, which sets `context.reason` to the label in the last column and its details',
    '(see [Reasons](#reasons)). A transition that leaves a state runs that state\'s exit actions',
    '([States](#states)) first: every `SOCKET.CLOSED` that ends a `session` records and emits the close.',
    '',
    '| # | source | event | guard | target | actions | reason |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  );
  transitions.forEach((t, i) => {
    const target = t.targets === null ? '— (stays)' : t.targets.map((p) => `\`${p}\`${t.reenter ? ' (re-entered)' : ''}`).join(', ');
    out.push(
      `| ${i + 1} | ${t.source ? `\`${t.source}\`` : 'any state'} | ${t.event ? `\`${t.event}\`` : '(eventless)'} | ${t.guard ? `\`${t.guard}\`` : ''} | ${target} | ${list(t.actions.map(code))} | ${t.reason ? `${t.reason}` : '—'} |`,
    );
  });

  out.push(
    '',
    '## Delays',
    '',
    'Every timer is an `after` transition with one of these named delays, so the actor\'s `clock` controls all time.',
    '',
    '| delay | from | default (ms) | meaning |',
    '| --- | --- | --- | --- |',
  );
  for (const d of delays) {
    const doc = DELAY_DOCS[d]!;
    out.push(`| \`${d}\` | ${doc.from} | ${doc.defaultMs} | ${doc.meaning} |`);
  }
  const ceilings = Array.from({ length: DEFAULTS.maxRetries }, (_, i) => backoffCeilingMs(i + 1, DEFAULTS.backoff));
  out.push(
    '',
    `With the defaults (\`maxRetries\` ${DEFAULTS.maxRetries}), the delay ceiling of retries 1–${DEFAULTS.maxRetries}, in ms:`,
    ceilings.join(', ') + '.',
  );

  out.push('', '## Close codes', '', 'From `CLOSE_CODE_TABLE` (src/close-codes.ts); `shouldReconnect` overrides it.', '', '| code | action | why |', '| --- | --- | --- |');
  for (const [code, policy] of CLOSE_CODE_TABLE) out.push(`| ${code} | ${policy.retry ? 'retry' : '**stop** (gaveUp)'} | ${cell(policy.why)} |`);

  out.push('', '## Reasons', '', '`context.reason` is one of these labels, then its details, e.g. `retry scheduled {attempt: 1, delayMs: 1250, closeCode: 1006}`.', '', '| label | meaning |', '| --- | --- |');
  for (const [label, meaning] of Object.entries(REASONS)) out.push(`| ${label} | ${cell(meaning)} |`);

  out.push('', '## Invariants', '', 'Each names the tests that prove it (in the repository; they do not ship with the package).', '', '| # | invariant | statement | proved by |', '| --- | --- | --- | --- |');
  for (const inv of INVARIANT_CATALOGUE) {
    const links = inv.provedBy.map((p) => `\`${p.file}\``).join(', ');
    out.push(`| ${inv.id} | ${inv.name} | ${cell(inv.statement)} | ${links} |`);
  }
  const chartTests = CHART_TESTS.map((t) => `\`${t}\``).join(' and ');
  out.push('', `The transition table is pinned cell by cell, and deliberately broken machines are shown to be caught, in ${chartTests}.`);
  return `${out.join('\n')}\n`;
}

/** visualizations/README.md: the Mermaid diagram where repository hosts render it. */
export function toVisualizationsReadme(mermaid: string): string {
  return [
    '# Visualizations',
    '',
    '<!-- Generated by `npm run visualize` from src/connection.machine.ts. Do not edit by hand. -->',
    '',
    'Generated from `connectionMachine` by `npm run visualize`; `npm test` fails when they drift.',
    '',
    '- [`connection.mmd`](connection.mmd): the statechart as Mermaid (rendered below).',
    '- [`connection.svg`](connection.svg): the same, rendered offline by Graphviz.',
    '- [`SPEC.md`](SPEC.md): every state, transition, delay, close code and invariant.',
    '',
    'Edges read `event [guard]`; `else` is the fallback after guarded branches of the same event.',
    'Notes list transitions that stay in their state (`event / actions`).',
    '',
    '```mermaid',
    mermaid.trimEnd(),
    '```',
    '',
  ].join('\n');
}

/** The repository README's statechart block, between these markers, is regenerated too. */
export const README_MARKERS = ['<!-- statechart:start (generated by npm run visualize) -->', '<!-- statechart:end -->'] as const;

/** Replaces the block between README_MARKERS with the diagram; throws if the markers are missing. */
export function withReadmeDiagram(readme: string, mermaid: string): string {
  const [start, end] = README_MARKERS;
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  if (from < 0 || to < from) throw new Error(`README.md needs the markers ${start} and ${end}`);
  return `${readme.slice(0, from + start.length)}\n\n\`\`\`mermaid\n${mermaid.trimEnd()}\n\`\`\`\n\n${readme.slice(to)}`;
}

export const README_INVARIANT_MARKERS = ['<!-- invariants:start (generated by npm run visualize) -->', '<!-- invariants:end -->'] as const;

/** The README's invariants table, from the catalogue in test/support/invariants.ts. */
export function toReadmeInvariants(): string {
  const rows = INVARIANT_CATALOGUE.map((inv) => {
    // Test files are named as code, not linked: they do not ship, so a link would be dead on the registry page.
    const links = inv.provedBy.map((p) => `${p.label} (\`${p.file}\`)`).join(', ');
    return `| ${inv.id} | **${inv.name}.** ${cell(inv.statement)} | ${links} |`;
  });
  return ['| # | invariant | proved by |', '| --- | --- | --- |', ...rows].join('\n');
}

/** Replaces the block between README_INVARIANT_MARKERS with the invariants table; throws if the markers are missing. */
export function withReadmeInvariants(readme: string, table: string = toReadmeInvariants()): string {
  const [start, end] = README_INVARIANT_MARKERS;
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  if (from < 0 || to < from) throw new Error(`README.md needs the markers ${start} and ${end}`);
  return `${readme.slice(0, from + start.length)}\n\n${table}\n\n${readme.slice(to)}`;
}

/** Every generated file, by path relative to the repository root (README.md excluded). */
export async function generateVisualizations(machine: AnyStateMachine = connectionMachine): Promise<Record<string, string>> {
  const mermaid = toMermaid(machine);
  return {
    'visualizations/connection.mmd': mermaid,
    'visualizations/README.md': toVisualizationsReadme(mermaid),
    'visualizations/connection.svg': await renderSvg(toDot(machine)),
    'visualizations/SPEC.md': toSpec(machine),
  };
}

// --- helpers -------------------------------------------------------------------------------

function pathOf(node: AnyStateNode): string {
  return node.path.join('.');
}

function delayName(delay: unknown): string {
  return typeof delay === 'string' ? delay : typeof delay === 'number' ? `${delay}ms` : 'a computed delay';
}

/** Names of an action reference; inline functions (e.g. the timers `after` schedules) have none. */
function actionName(action: unknown): string[] {
  if (typeof action === 'string') return [action];
  if (typeof action === 'object' && action !== null && typeof (action as { type?: unknown }).type === 'string') {
    return [(action as { type: string }).type];
  }
  return [];
}

/** `isX`, `not isX` for not(), `isX and isY` for and(), `isX or isY` for or(). */
function guardName(guard: unknown): string {
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'function') {
    const inner = (guard as { guards?: unknown[] }).guards;
    if (inner) {
      const names = inner.map(guardName);
      if (guard.name === 'not') return names.length === 1 ? `not ${names[0]}` : `not (${names.join(' and ')})`;
      return names.join(guard.name === 'or' ? ' or ' : ' and ');
    }
    return guard.name || 'inline guard';
  }
  if (typeof guard === 'object' && guard !== null && typeof (guard as { type?: unknown }).type === 'string') return (guard as { type: string }).type;
  return 'inline guard';
}

function code(name: string): string {
  return `\`${name}\``;
}

function list(items: readonly string[]): string {
  return items.length > 0 ? items.join(', ') : '—';
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
