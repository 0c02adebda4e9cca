import { describe, expect, it } from 'vitest';
import { backoffMs, costOf, findPrice, parseRetryAfter, parseScript } from '../../src/model/index.js';

describe('retry timing', () => {
  it('reads retry-after-ms, Retry-After seconds and Retry-After dates', () => {
    expect(parseRetryAfter(new Headers({ 'retry-after-ms': '250', 'retry-after': '9' }))).toBe(250);
    expect(parseRetryAfter(new Headers({ 'retry-after': '2' }))).toBe(2000);
    expect(parseRetryAfter(new Headers({ 'retry-after': '0.5' }))).toBe(500);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:03 GMT' }), now)).toBe(3000);
    expect(parseRetryAfter(new Headers({ 'retry-after': 'soon' }))).toBeNull();
    expect(parseRetryAfter(new Headers())).toBeNull();
  });

  it('backs off exponentially with jitter, up to the cap', () => {
    expect([1, 2, 3, 4].map((a) => backoffMs(a, 100, 10_000, () => 1))).toEqual([100, 200, 400, 800]);
    expect(backoffMs(1, 100, 10_000, () => 0)).toBe(50);
    expect(backoffMs(20, 100, 1_000, () => 1)).toBe(1000);
  });
});

describe('prices', () => {
  it('prefers an exact entry, then the longest prefix', () => {
    const table = {
      'gpt-4o*': { input: 2.5, output: 10 },
      'gpt-4o-mini*': { input: 0.15, output: 0.6 },
      'gpt-4o-2024': { input: 9, output: 9 },
    };
    expect(findPrice('gpt-4o-mini-2024', table)).toEqual({ input: 0.15, output: 0.6 });
    expect(findPrice('gpt-4o-2024', table)).toEqual({ input: 9, output: 9 });
    expect(findPrice('llama3', table)).toBeNull();
    expect(
      costOf('gpt-4o', { promptTokens: 1000, completionTokens: 100, totalTokens: 1100 }, table),
    ).toBeCloseTo(0.0035, 12);
  });
});

describe('script files', () => {
  it('rejects scripts that would confuse a test, with the path of the problem', () => {
    expect(() => parseScript({ turns: [] })).toThrow(/turns/);
    expect(() => parseScript({ turns: [{ content: 'a', choices: [{ content: 'b' }] }] })).toThrow(
      /either choices/,
    );
    expect(() => parseScript({ turns: [{ fail: [{ status: 500, reset: true }] }] })).toThrow(
      /exactly one of/,
    );
    expect(() => parseScript({ turns: [{ match: '(' }] })).toThrow(/turns\.0\.match/);
    expect(() => parseScript({ turns: [{ contnet: 'typo' }] })).toThrow(/Unrecognized key/);
  });
});
