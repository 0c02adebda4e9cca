import { describe, expect, it } from 'vitest';
import { parseDuration, parseSize } from '../../src/sandbox/index.js';

describe('CLI units', () => {
  it('parses sizes the way Docker reads them', () => {
    expect(parseSize('256m')).toBe(256 * 1024 * 1024);
    expect(parseSize('1g')).toBe(1024 ** 3);
    expect(parseSize('512K')).toBe(512 * 1024);
    expect(parseSize('1.5m')).toBe(1.5 * 1024 * 1024);
    expect(parseSize('100')).toBe(100);
    expect(() => parseSize('lots')).toThrow(/not a size/);
  });

  it('parses durations, bare numbers as seconds', () => {
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('2m')).toBe(120_000);
    expect(parseDuration('3')).toBe(3000);
    expect(() => parseDuration('soon')).toThrow(/not a duration/);
  });
});
