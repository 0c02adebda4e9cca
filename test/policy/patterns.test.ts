import { beforeAll, describe, expect, it } from 'vitest';
import { PolicyEngine } from '../../src/policy/index.js';

// Options whose value is a pattern matched against file names (`rsync --exclude .git`), not
// a path: the program spec marks them `pattern` (policies/programs.yaml) and path rules skip
// them, while every real path of the same command is still checked.
let engine: PolicyEngine;
beforeAll(async () => {
  engine = await PolicyEngine.create({ budgetMs: Infinity, unattended: true });
});

const allowed = [
  'rsync -a --exclude .git src/ dst/',
  'rsync -a --exclude=.git src/ dst/',
  'rsync -a src/ dst/ --exclude .git',
  "rsync -a --exclude .git --exclude '.github/workflows/**' ./ /tmp/copy/",
  "rsync -av --include '*.py' --exclude '*' src/ dst/",
  'rsync -a --exclude /etc src/ dst/',
  'tar --exclude .git -czf /tmp/a.tgz .',
  'tar --exclude=.git -czf /tmp/a.tgz .',
  'tar -czf /tmp/a.tgz --exclude .git --exclude .github/workflows .',
  'grep -r --exclude-dir .git foo .',
  "find . -name .git -prune -o -name '*.py' -print",
];

const refused: Array<[string, string]> = [
  ['rsync -a src/ .git/hooks/', 'protected-paths'],
  ['rsync -a hook.sh .git/hooks/pre-commit', 'protected-paths'],
  ['rsync -a --exclude .git src/ .git/hooks/', 'protected-paths'],
  ['rsync -a --exclude=.git hook.sh .git/hooks/pre-commit', 'protected-paths'],
  ['rsync -a ~/.ssh dst/', 'read-credentials'],
  ['rsync -a --exclude .git ~/.ssh/ dst/', 'read-credentials'],
  ['rsync -a --include .git ~/.aws/credentials dst/', 'read-credentials'],
  ['rsync -a --exclude .git src/ /etc/', 'copy-or-link-outside'],
  ['tar -czf .git/hooks/x.tgz --exclude .git .', 'program:tar'],
  ['tar -xzf a.tgz --exclude x -C .git/hooks', 'program:tar'],
];

describe('a pattern option is not a path', () => {
  for (const command of allowed)
    it(`allows ${command}`, () => {
      const d = engine.check(command);
      expect(d.decision, `${d.rule}: ${d.reason}`).toBe('allow');
    });
  for (const [command, rule] of refused)
    it(`still refuses ${command}`, () => {
      const d = engine.check(command);
      expect(d.decision).toBe('deny');
      expect(d.rule).toBe(rule);
    });
  it('an abbreviation that could be a file option (`--excl`: --exclude or --exclude-from) stays a path', () => {
    expect(engine.check('rsync -a --excl .git src/ dst/').decision).not.toBe('allow');
  });
});
