/**
 * visualizations/ is generated from the machine: regenerate it in memory and compare, so a
 * change to the chart that was not followed by `npm run visualize` fails here.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  collectStates,
  collectTransitions,
  generateVisualizations,
  toDot,
  toMermaid,
  toSpec,
  withReadmeDiagram,
  withReadmeInvariants,
} from '../scripts/spec.js';
import { connectionMachine } from '../src/index.js';
import { REASONS } from '../src/reasons.js';
import { INVARIANT_IDS } from './support/invariants.js';

const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');

describe('visualizations', () => {
  it('are up to date with the machine (run npm run visualize)', async () => {
    const files = await generateVisualizations();
    for (const [path, content] of Object.entries(files)) {
      expect(read(path) === content, `${path} is out of date: run npm run visualize`).toBe(true);
    }
    const readme = read('README.md');
    expect(withReadmeDiagram(readme, toMermaid()) === readme, 'the statechart in README.md is out of date: run npm run visualize').toBe(true);
    expect(withReadmeInvariants(readme) === readme, 'the invariants table in README.md is out of date: run npm run visualize').toBe(true);
  });

  it('are deterministic', async () => {
    expect(await generateVisualizations()).toEqual(await generateVisualizations());
  });

  it('label transitions readably: named delays and guards, no generated event names', () => {
    const mermaid = toMermaid();
    expect(mermaid).toContain('waiting --> session : NETWORK.ONLINE<br/>PAGE.VISIBLE [wasHiddenPastInterval]<br/>after backoffDelay [else]');
    expect(mermaid).toContain('starting --> offline : [isOffline]');
    expect(mermaid).toContain('session --> backoff : SOCKET.CLOSED [hasRetriesLeft]');
    expect(mermaid).toContain('SOCKET.CLOSED [not isRetryableClose]');
    expect(mermaid).not.toContain('xstate.after');
    expect(toDot()).not.toContain('xstate.after');
    expect(toSpec()).not.toContain('xstate.after');
  });

  it('take every state meaning from a description on the machine', () => {
    const states = collectStates(connectionMachine);
    expect(states.map((s) => s.path)).toContain('session.open.awaitingPong');
    for (const state of states) expect(state.description, state.path).not.toBe('');
  });

  it('show a known reason on every transition but message delivery and the environment bookkeeping', () => {
    const transitions = collectTransitions(connectionMachine);
    expect(transitions.length).toBeGreaterThan(30);
    // Bookkeeping: a change of network or page that no state acts on records it in context, and no reason.
    const bookkeeping = (t: (typeof transitions)[number]) =>
      t.targets === null && t.actions.length === 1 && /^record(Offline|Online|Hidden|Visible)$/.test(t.actions[0]!);
    for (const t of transitions) {
      // The `starting` gate letting an attempt through keeps the reason that asked for the attempt.
      const passes = t.source === 'starting' && t.guard === 'else';
      // An event a state takes to do nothing (PAGE.CACHED while closing for good) records nothing either.
      const ignored = t.targets === null && t.actions.length === 0;
      if (t.eventType === 'SOCKET.MESSAGE' || bookkeeping(t) || passes || ignored) expect(t.reason).toBeNull();
      else expect(Object.keys(REASONS), `${t.source} ${t.event}`).toContain(t.reason);
    }
  });

  it('list every delay with its default and the invariants with their tests', () => {
    const spec = toSpec();
    for (const delay of Object.keys(connectionMachine.implementations.delays)) expect(spec).toContain(`| \`${delay}\` |`);
    expect(spec).toContain('| `connectTimeout` | `connectTimeoutMs` | 10000 |');
    expect(spec).toContain('| 1008 | **stop** (gaveUp) |');
    const invariantRows = spec.slice(spec.indexOf('## Invariants')).split('\n').filter((line) => /^\| \d+ \| /.test(line));
    expect(invariantRows.map((row) => Number(row.split(' | ')[0]!.slice(2)))).toEqual(INVARIANT_IDS);
    for (const row of invariantRows) {
      const linked = [...row.matchAll(/`(test\/[\w.-]+\.test\.ts)`/g)].map((m) => m[1]!);
      expect(linked.length, row).toBeGreaterThan(0);
      for (const file of linked) expect(existsSync(new URL(`../${file}`, import.meta.url)), file).toBe(true);
    }
  });
});
