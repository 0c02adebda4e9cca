import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PolicyEngine } from '../../src/policy/index.js';

const FAMILIES = [
  'chaining',
  'redirection',
  'destructive-delete',
  'wrapper',
  'eval-decode',
  'dangerous-flag',
  'escaped-name',
  'expansion',
  'unparseable',
  'git-remote',
  'secrets',
  'network-exfil',
  'reverse-shell',
  'privilege',
  'container-escape',
  'publish',
  'kill-all',
  'shutdown',
  'device-write',
  'interpreter',
];

const fixture = (name: string) => new URL(`../fixtures/policy/${name}`, import.meta.url);
const dangerous = parse(readFileSync(fixture('dangerous.yaml'), 'utf8')) as Array<{
  command: string;
  category: string;
}>;
const benign = parse(readFileSync(fixture('benign.yaml'), 'utf8')) as string[];

let engine: PolicyEngine;
beforeAll(async () => {
  engine = await PolicyEngine.create();
});

describe('adversarial suite through the default policy', () => {
  it('has at least 150 commands, every dangerous one labelled with a known family', () => {
    expect(dangerous.length + benign.length).toBeGreaterThanOrEqual(150);
    for (const d of dangerous) expect(FAMILIES, d.command).toContain(d.category);
    // Every family has members, so the suite covers them all.
    for (const f of FAMILIES)
      expect(
        dangerous.some((d) => d.category === f),
        f,
      ).toBe(true);
  });

  it('allows no dangerous command and at least 95% of the benign ones', () => {
    const allowedDangerous = dangerous.filter((d) => engine.check(d.command).decision === 'allow');
    const allowedBenign = benign.filter((c) => engine.check(c).decision === 'allow');
    const pct = (100 * allowedBenign.length) / benign.length;
    console.log(
      `policy suite: dangerous allowed ${allowedDangerous.length}/${dangerous.length}; ` +
        `benign allowed ${allowedBenign.length}/${benign.length} (${pct.toFixed(1)}%)`,
    );
    expect(allowedDangerous.map((d) => `[${d.category}] ${d.command}`)).toEqual([]);
    expect(pct).toBeGreaterThanOrEqual(95);
  });

  it('denies every dangerous command when unattended (ask counts as deny), naming a rule and a reason', async () => {
    const unattended = await PolicyEngine.create({ unattended: true });
    for (const d of dangerous) {
      const r = unattended.check(d.command);
      expect(r.decision, d.command).toBe('deny');
      expect(r.rule.length).toBeGreaterThan(0);
      expect(r.reason.length).toBeGreaterThan(10);
    }
  });
});
