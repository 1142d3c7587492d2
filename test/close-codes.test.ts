import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CLOSE_CODE_TABLE, closeCodePolicy, fitCloseReason, MAX_CLOSE_REASON_BYTES, isRetryableCloseCode, UPGRADE_STATUS_CLOSE_CODES, upgradeCloseCode } from '../src/close-codes.js';

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

describe('closeCodePolicy', () => {
  const row = (key: number | string) => CLOSE_CODE_TABLE.find(([code]) => code === key)![1];
  const named = CLOSE_CODE_TABLE.flatMap(([code, policy]) => (typeof code === 'number' ? [[code, policy] as const] : []));

  it.each(named)('answers %i with its own row of the table', (code, policy) => {
    expect(closeCodePolicy(code)).toBe(policy);
  });

  it.each([4000, 4001, 4403, 4999])('answers %i with the 4000–4999 row', (code) => {
    expect(closeCodePolicy(code)).toBe(row('4000–4999'));
  });

  it.each([0, 999, 1004, 1015, 2999, 3000, 3008, 3999, 5000, 65535])('answers %i, a code without a row, with "any other"', (code) => {
    expect(closeCodePolicy(code)).toBe(row('any other'));
  });

  it('has one row per code and a distinct reason on every row', () => {
    const codes = CLOSE_CODE_TABLE.map(([code]) => code);
    expect(new Set(codes).size).toBe(codes.length);
    const whys = CLOSE_CODE_TABLE.map(([, policy]) => policy.why);
    expect(new Set(whys).size).toBe(whys.length);
  });
});

describe('isRetryableCloseCode', () => {
  it('agrees with closeCodePolicy for every code 0–5999', () => {
    for (let code = 0; code < 6000; code++) expect(isRetryableCloseCode(code), String(code)).toBe(closeCodePolicy(code).retry);
  });
});

describe('upgradeCloseCode: the close reported for a rejected upgrade', () => {
  it.each([
    [401, 4401],
    [403, 4403],
  ])('maps HTTP %i to %i, which the policy does not retry', (status, code) => {
    expect(upgradeCloseCode(status)).toBe(code);
    expect(isRetryableCloseCode(code)).toBe(false);
  });

  it.each([400, 404, 426, 429, 500, 502, 503])('maps HTTP %i to 1006, which the policy retries', (status) => {
    expect(upgradeCloseCode(status)).toBe(1006);
    expect(isRetryableCloseCode(1006)).toBe(true);
  });

  it('names exactly 401 and 403 in its table', () => {
    expect(UPGRADE_STATUS_CLOSE_CODES).toEqual({ 401: 4401, 403: 4403 });
  });
});

describe('fitCloseReason: a reason as it fits a close frame', () => {
  const bytes = (text: string) => new TextEncoder().encode(text).length;

  it('keeps a reason of at most 123 UTF-8 bytes as it is', () => {
    expect(fitCloseReason('')).toBe('');
    expect(fitCloseReason('x'.repeat(123))).toBe('x'.repeat(123));
    expect(fitCloseReason('é'.repeat(61) + 'x')).toBe('é'.repeat(61) + 'x'); // 123 bytes
  });

  it('cuts a longer one at a character boundary and ends it with …', () => {
    expect(fitCloseReason('x'.repeat(124))).toBe('x'.repeat(120) + '…');
    // 4-byte characters: 30 of them take 120 bytes, the 31st would not fit beside '…'.
    expect(fitCloseReason('😀'.repeat(40))).toBe('😀'.repeat(30) + '…');
    expect(fitCloseReason('é'.repeat(70))).toBe('é'.repeat(60) + '…');
  });

  it('always returns at most 123 UTF-8 bytes, a prefix of the reason (plus …), never a broken character', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('x', 'é', '€', '😀', '\ud800'), maxLength: 200 }), (reason) => {
        const fitted = fitCloseReason(reason);
        expect(bytes(fitted)).toBeLessThanOrEqual(MAX_CLOSE_REASON_BYTES);
        if (bytes(reason) <= MAX_CLOSE_REASON_BYTES) expect(fitted).toBe(reason);
        else {
          expect(fitted.endsWith('…')).toBe(true);
          const kept = fitted.slice(0, -1);
          // A prefix in whole code points: a surrogate pair is never split.
          expect([...reason].slice(0, [...kept].length).join('')).toBe(kept);
          expect(bytes(fitted)).toBeGreaterThan(MAX_CLOSE_REASON_BYTES - 3 - 4); // cut no earlier than needed
        }
      }),
    );
  });
});
