import { beforeAll, describe, expect, it } from 'vitest';
import { PolicyEngine } from '../../src/policy/index.js';

// The linear reader gives a repeated simple command (and a repeated plain word among many
// arguments) as one node, and the walker walks a statement once while the state it depends on
// stays the same. These check that nothing that must be refused slips through that sharing.
let linear: PolicyEngine;
let auto: PolicyEngine;
beforeAll(async () => {
  linear = await PolicyEngine.create({ budgetMs: Infinity, shellReader: 'linear' });
  auto = await PolicyEngine.create({ budgetMs: Infinity });
});

const refuse = (d: { decision: string }) => d.decision !== 'allow';

const cases: Array<[string, 'allow' | 'refuse']> = [
  [`cat a.txt${' | sort'.repeat(200)}`, 'allow'],
  [`cat a.txt${' | sort'.repeat(200)} | sh`, 'refuse'],
  [`sort a.txt${' | sort'.repeat(200)} | rm -rf /`, 'refuse'],
  [`${'sort a.txt | '.repeat(200)}bash`, 'refuse'],
  [`${'ls; '.repeat(300)}rm -rf /`, 'refuse'],
  [`${'ls; '.repeat(300)}ls`, 'allow'],
  // The same statement in another directory is walked again.
  [`${'ls; '.repeat(10)}${'cd ..; '.repeat(4)}${'rm -rf tmp; '.repeat(10)}`, 'refuse'],
  [`${'rm -rf build; '.repeat(10)}cd ..; ${'rm -rf build; '.repeat(10)}`, 'refuse'],
  [`${'rm -rf build; '.repeat(200)}`, 'allow'],
  // Many arguments, few distinct: the last differs.
  [`wc -l ${'a.py '.repeat(300)}`, 'allow'],
  [`cat ${'a.py '.repeat(300)}.env`, 'refuse'],
  [`cat ${'a.py '.repeat(300)}~/.ssh/id_rsa ${'a.py '.repeat(300)}`, 'refuse'],
  [`rm -rf ${'build '.repeat(300)}/`, 'refuse'],
  [`rm -f ${'x.o '.repeat(300)}../x.o`, 'refuse'],
  [`find . ${'-name a -o '.repeat(300)}-name b -delete`, 'allow'],
  [`find . ${'-name a -o '.repeat(300)}-exec rm -rf / \\;`, 'refuse'],
  [`find . ${'-name a -o '.repeat(300)}-exec sh -c 'rm -rf ~' \\;`, 'refuse'],
  // A repeated word is still each argument's own: an option value among repeats keeps its role.
  [`sort ${'a.txt '.repeat(300)}-o /etc/passwd`, 'refuse'],
  [`sort ${'a.txt '.repeat(300)}-o out.txt`, 'allow'],
  [`echo ${'{a,b} '.repeat(100)}`, 'allow'],
  // A repeated word shares one node; a pattern value among them must not make the others patterns.
  [`tar -cf out.tar ${'a.py '.repeat(100)}--exclude .env .env`, 'refuse'],
  [`tar -cf out.tar ${'a.py '.repeat(100)}--exclude .env`, 'allow'],
  [`rsync -a ${'a.py '.repeat(100)}--exclude .git .git ~/.ssh/`, 'refuse'],
];

describe('repeated statements and words decide as written out', () => {
  for (const [command, expected] of cases) {
    it(`${command.slice(0, 60)}… (${command.length} chars): ${expected}`, () => {
      for (const engine of [linear, auto]) {
        const d = engine.check(command);
        expect(refuse(d) ? 'refuse' : 'allow', `${d.rule}: ${d.reason.slice(0, 160)}`).toBe(expected);
      }
    });
  }

  it('a repeated stage reads the same as the first one, rule and all', () => {
    for (const command of [
      `cat a.txt${' | sort -o /etc/x'.repeat(100)}`,
      `${'cat ~/.ssh/id_rsa; '.repeat(100)}`,
    ]) {
      const a = linear.check(command);
      const b = auto.check(command);
      expect(a.decision).toBe('deny');
      expect(a.rule).toBe(b.rule);
    }
  });
});
