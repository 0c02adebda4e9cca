import { beforeAll, describe, expect, it } from 'vitest';
import { PolicyEngine } from '../../src/policy/index.js';

// A pipeline whose producer lists paths below known roots (`find ROOTS`, `ls DIR`, through line
// filters) hands `xargs PROG` paths below those roots: PROG's reads and writes are decided on
// them (`find ~ | xargs cat` reads below `~`, credentials included), as `find ~ -exec cat {} +`
// is. A single `-name PAT` narrows the names. Producers this does not know keep the decision
// they had (a value only known when it runs).
let engine: PolicyEngine;
beforeAll(async () => {
  engine = await PolicyEngine.create({ budgetMs: Infinity, unattended: true });
});

const refused = [
  'find ~ | xargs cat',
  'find ~ -type f | head -100 | xargs cat',
  'find ~ -type f | sort | xargs cat',
  "find ~ -name '*' | xargs cat",
  'find ~/.aws | xargs cat',
  'find /home -name .env | xargs cat',
  "find / -name '*.pem' | xargs cat",
  'find /root -name id_rsa | xargs cat',
  'ls ~/.ssh | xargs cat',
  "find ~ -name '*.py' | xargs grep foo",
  'find /usr/lib/python3 | xargs grep foo',
  // find's own -exec is handed the same paths: a name filter inside the workspace may name a
  // protected file (3 Dec: these were allowed while their xargs forms were denied).
  "find . -name '.env*' -exec cat {} +",
  "find . -name 'id_rsa*' -exec cp {} public/ \\;",
  "find src -name '*.pem' -execdir cat {} \\;",
];

const allowed = [
  "find . -name '*.py' | xargs grep foo",
  "find src -name '*.py' | xargs wc -l",
  'git ls-files | xargs grep foo',
  "find /usr/lib/python3 -name '*.py' | xargs grep foo",
  'find /usr/local/lib/python3.11/site-packages/django -name "*.py" | xargs grep -n "def get_"',
  'ls | xargs wc -l',
  "find . -name '*.py' -exec grep -l foo {} +",
  "find . -name '*.pyc' -exec rm -f {} +",
  "find src -name '*.ts' -exec sed -i 's/a/b/' {} +",
];

describe('xargs is handed the paths its producer lists', () => {
  for (const command of refused)
    it(`refuses ${command}`, () => {
      const d = engine.check(command);
      expect(d.decision, `${d.rule}: ${d.reason}`).toBe('deny');
    });
  for (const command of allowed)
    it(`allows ${command}`, () => {
      const d = engine.check(command);
      expect(d.decision, `${d.rule}: ${d.reason}`).toBe('allow');
    });
  it('the refusal names the paths the program was handed', () => {
    expect(engine.check('find ~ | xargs cat').reason).toContain('`cat <paths below ~>`');
  });
  it('a workspace under /home: a name filter there reaches no rule about /home itself', async () => {
    // (stream 5's agents work in /home/ubuntu/…/worktrees/…: `/home/*` names /home's entries,
    // not files below the workspace; the filter still finds a protected name there)
    const home = await PolicyEngine.create({
      budgetMs: Infinity,
      unattended: true,
      workspace: { workspace: '/home/ubuntu/proj' },
    });
    expect(home.check("find . -name '*.py' | xargs grep -l foo").decision).toBe('allow');
    expect(home.check("find . -name '*.py' -type f -exec grep -l foo {} \\;").decision).toBe('allow');
    expect(home.check("find . -name '.env*' -exec cat {} +").decision).toBe('deny');
    expect(home.check("find ~ -name '*.py' | xargs grep foo").decision).toBe('deny');
  });
  it('an unknown producer keeps the decision it had', () => {
    expect(engine.check('cat list.txt | xargs cat').decision).toBe('allow');
    expect(engine.check('cat list.txt | xargs rm').decision).toBe('deny');
  });
});
