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

describe('ownership', () => {
  it('treats a live process as owner, a dead or reused pid as gone, another host as not ours', async () => {
    const { ownerLabels, ownerAlive, LABEL } = await import('../../src/sandbox/index.js');
    const mine = ownerLabels('r1');
    expect(mine[LABEL.run]).toBe('r1');
    expect(ownerAlive(mine)).toBe(true);
    expect(ownerAlive({ ...mine, [LABEL.pidStart]: '1' })).toBe(false);
    expect(ownerAlive({ ...mine, [LABEL.pid]: '999999999' })).toBe(false);
    expect(ownerAlive({ ...mine, [LABEL.pid]: '999999999', [LABEL.host]: 'elsewhere' })).toBe(true);
  });
});
