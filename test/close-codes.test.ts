import { describe, expect, it } from 'vitest';
import { CLOSE_CODE_TABLE, closeCodePolicy, isRetryableCloseCode } from '../src/close-codes.js';

describe('close-code policy', () => {
  it.each([1002, 1003, 1007, 1008, 1009, 1010, 4000, 4001, 4401, 4999])('stops on %i', (code) => {
    expect(isRetryableCloseCode(code)).toBe(false);
  });

  it.each([1000, 1001, 1005, 1006, 1011, 1012, 1013, 1014, 3000, 3008, 1015, 2000, 5000])('retries on %i', (code) => {
    expect(isRetryableCloseCode(code)).toBe(true);
  });

  it('explains every decision in one line', () => {
    expect(closeCodePolicy(1008).why).toMatch(/policy/);
    expect(closeCodePolicy(4321).why).toMatch(/application/);
    for (const [, policy] of CLOSE_CODE_TABLE) expect(policy.why).not.toMatch(/\n/);
  });
});

describe('isRetryableCloseCode', () => {
  it('agrees with closeCodePolicy for every code 0–5999', () => {
    for (let code = 0; code < 6000; code++) expect(isRetryableCloseCode(code), String(code)).toBe(closeCodePolicy(code).retry);
  });
});
