/**
 * The catalogue of invariants (test/support/invariants.ts) is the one place they are written:
 * numbered 1..n, each proved by test files that exist, and the README table and SPEC.md are
 * generated from it (their drift fails test/visualizations.test.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toReadmeInvariants } from '../scripts/spec.js';
import { INVARIANT_CATALOGUE, INVARIANT_IDS, invariantName, invariantsProvedIn, invariantTitle, titledProofs } from './support/invariants.js';
import { InvariantViolation } from './support/model/connection.model.js';

const exists = (file: string) => existsSync(new URL(`../${file}`, import.meta.url));

describe('the invariants catalogue', () => {
  it('numbers its invariants 1..n in order, with a name, a one-paragraph statement and at least one proof each', () => {
    expect(INVARIANT_IDS).toEqual(INVARIANT_CATALOGUE.map((_, i) => i + 1));
    for (const inv of INVARIANT_CATALOGUE) {
      expect(inv.name, `invariant ${inv.id}`).toMatch(/\S/);
      expect(inv.statement, `invariant ${inv.id}`).not.toMatch(/\n|\|/);
      expect(inv.provedBy.length, `invariant ${inv.id}`).toBeGreaterThan(0);
    }
  });

  it('names only test files that exist as proofs', () => {
    for (const inv of INVARIANT_CATALOGUE) {
      for (const proof of inv.provedBy) expect(exists(proof.file) && proof.file.endsWith('.test.ts'), `${inv.id}: ${proof.file}`).toBe(true);
    }
  });

  it('gives the model its names: a violation message names the invariant as the catalogue does', () => {
    for (const id of INVARIANT_IDS) {
      expect(new InvariantViolation(id, 'x').message).toBe(`Invariant ${id} (${invariantName(id)}) violated: x`);
    }
    expect(new InvariantViolation(14, 'x').message).toContain('(stop() ends every socket)');
  });

  it('is what the README table shows, row by row', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const rows = toReadmeInvariants().split('\n').slice(2);
    expect(rows).toHaveLength(INVARIANT_IDS.length);
    for (const row of rows) expect(readme).toContain(row);
  });

  it('titles a proof with its invariant, and refuses claims the catalogue does not list', () => {
    expect(invariantTitle(1, 'at most one socket')).toBe(`1. ${invariantName(1)}: at most one socket`);
    expect(invariantsProvedIn('test/connection.graph.test.ts')).toEqual([1, 2, 3, 4, 5, 6, 16, 17, 18, 19, 21]);
    expect(() => titledProofs('test/connection.graph.test.ts', { 1: 'x' })).toThrow(/does not claim/);
    expect(() => titledProofs('test/connection.graph.test.ts', { 1: 'a', 2: 'b', 3: 'c', 4: 'd', 5: 'e', 6: 'f', 16: 'p', 17: 'q', 7: 'g' })).toThrow(/does not list it for/);
  });
});
