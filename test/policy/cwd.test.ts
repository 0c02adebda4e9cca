import { beforeAll, describe, expect, it } from 'vitest';
import { PolicyEngine } from '../../src/policy/index.js';
import type { CommandPart } from '../../src/policy/types.js';
import { buildUnspecified } from '../../src/policy/programs.js';

// The working directory after `cd`: a chain of cds is one directory (plus the one before the
// chain, since a cd may fail), and what an unknown directory refuses says so.
let engine: PolicyEngine;
beforeAll(async () => {
  engine = await PolicyEngine.create({ budgetMs: Infinity });
});

const lastCommand = (command: string): CommandPart => {
  const parts = engine.parts(command).filter((p): p is CommandPart => p.kind === 'command');
  return parts[parts.length - 1]!;
};

describe('a chain of cd into workspace directories is followed', () => {
  it('nine or more `cd DIR;` keep one directory (and the one before them), not a growing set', () => {
    // 100 cds: a directory of 408 characters (a longer one than 512 is not followed, below).
    for (const n of [9, 20, 100]) {
      const cmd = `${'cd src; '.repeat(n)}cat x.py`;
      const part = lastCommand(cmd);
      expect(part.cwd).toEqual([`/testbed${'/src'.repeat(n)}`, '/testbed']);
      expect(engine.check(cmd).decision).toBe('allow');
    }
    const distinct = Array.from({ length: 30 }, (_, i) => `cd d${i};`).join(' ');
    const part = lastCommand(`${distinct} ls x`);
    expect(part.cwd).toEqual([
      `/testbed/${Array.from({ length: 30 }, (_, i) => `d${i}`).join('/')}`,
      '/testbed',
    ]);
    expect(engine.check(`${distinct} sed -i s/a/b/ x.py`).decision).toBe('allow');
  });

  it('a cd that may fail still leaves the directory before it possible', () => {
    // If `cd build` fails, `rm -rf .` deletes the workspace.
    expect(engine.check('cd build; rm -rf .').decision).toBe('deny');
    expect(engine.check('cd build && rm -rf .').decision).toBe('allow');
    // If `cd a` fails, `cd ..` goes above the workspace.
    expect(engine.check('cd a; cd ..; rm -rf x').decision).toBe('deny');
    expect(engine.check('cd a && cd .. && rm -rf x').decision).toBe('allow');
    // If `cd /testbed` fails, the shell is still in /etc.
    expect(engine.check('cd /etc; cd /testbed; rm -f passwd').decision).toBe('deny');
    expect(engine.check('cd src; cd lib; rm -rf ../../../x').decision).toBe('deny');
    // Alternatives multiply: `cd b` runs where `cd a` failed.
    expect(lastCommand('cd a || cd b; ls').cwd).toEqual(
      expect.arrayContaining(['/testbed', '/testbed/a', '/testbed/b']),
    );
  });

  it('a chain too long to follow makes the directory unknown, and the refusal says so', () => {
    const d = engine.check(`${'cd src; '.repeat(12_000)}ls`);
    expect(d.decision).not.toBe('allow');
    expect(d.rule).toBe('shell:unknown-cwd');
    expect(d.reason).toMatch(
      /working directory is not known here \(the directory after these `cd`s is longer than 512/,
    );
    expect(d.reason).not.toMatch(/^`cd src`: reads credentials/);
    // Just past the length: 127 cds make /testbed/src/…/src of 516 characters; 126 are followed.
    expect(engine.check(`${'cd src; '.repeat(126)}cat x.py`).decision).toBe('allow');
    const past = engine.check(`${'cd src; '.repeat(127)}cat x.py`);
    expect(past.decision).not.toBe('allow');
    expect(past.rule).toBe('shell:unknown-cwd');
  });
});

describe('an unknown working directory', () => {
  it('refuses relative paths naming why, with the decision the design gives unknown paths', () => {
    for (const [cmd, decision] of [
      ['cd "$D"; cat x.py', 'deny'],
      ['cd "$D"; rm -rf build', 'deny'],
      ['cd "$D" && echo hi > out.txt', 'deny'],
    ] as const) {
      const d = engine.check(cmd);
      expect(d.decision, cmd).toBe(decision);
      expect(d.rule, cmd).toBe('shell:unknown-cwd');
      expect(d.reason, cmd).toMatch(
        /working directory is not known here \(`cd "\$D"` goes to a directory only known when it runs\)/,
      );
    }
  });

  it('keeps the rule of a refusal that holds wherever the command runs', () => {
    const d = engine.check('cd "$D"; rm -rf /');
    expect(d.decision).toBe('deny');
    expect(d.rule).toBe('delete-outside-workspace');
    expect(engine.check('cd "$D"; ls').decision).toBe('allow');
  });
});

describe('a directory a wrapper moves one command to (env -C, sudo -D, subprocess cwd=)', () => {
  it('is that command’s only: the line goes on where it was, whichever way the wrapper ends', () => {
    // GNU env: `-C DIR` runs the command in DIR, `-S STRING` splits STRING into it; the shell
    // running the line stays where it was, so the `rm` after it removes /etc/x.
    for (const line of [
      'cd /etc && env -C /testbed -S true; rm -rf x',
      'cd /etc; env -C /testbed -S; rm -rf x',
      'cd /etc && env -C /testbed ls; rm -rf x',
      'cd /etc && sudo -D /testbed apt-get update; rm -rf x',
    ])
      expect(engine.check(line).rule, line).toBe('delete-outside-workspace');
    // (/testbed too: the `cd /etc` may have failed, and `;` runs the rm anyway)
    expect(lastCommand('cd /etc && env -C /testbed -S "ls"; rm -rf x').cwd).toEqual(['/etc', '/testbed']);
    expect(lastCommand('cd /etc; env -C /tmp -S "ls"; rm -rf x').cwd).not.toContain('/tmp');
    // The wrapped command itself runs in the wrapper's directory.
    expect(lastCommand('env -C /etc -S "rm -rf x"').cwd).toEqual(['/etc']);
    expect(engine.check('env -C sub -S "ls -la"; rm -rf build').decision).toBe('allow');
  });
});

describe("a command's own relative environment value after `cd` is taken from that directory", () => {
  // trio's ci.sh: `cd empty && MYPYPATH=".." mypy …` (probe 16 of everyday work) names the workspace.
  const outcome = (c: string) => `${engine.check(c).decision}/${engine.check(c).rule}`;
  it('allows one that stays in the workspace from there', () => {
    for (const line of [
      'cd empty && MYPYPATH=".." mypy src',
      'cd sub && PYTHONPATH=.. pytest',
      'cd sub && env PYTHONPATH=.. pytest',
      'cd a/b && NODE_PATH=../../lib node x.js',
    ])
      expect(outcome(line), line).toMatch(/^allow\//);
  });
  it('refuses one that climbs out from there, or where the directory or the program’s is not known', () => {
    for (const [line, rule] of [
      ['cd sub && PYTHONPATH=../.. pytest', 'module-path-variables'],
      ['cd sub && MYPYPATH=../.. mypy .', 'environment-values-outside'],
      ['cd a/b && NODE_PATH=../../.. node x.js', 'module-path-variables'],
      ['cd /tmp && PYTHONPATH=.. pytest', 'module-path-variables'],
      // (a bare `pytest` there is now refused by itself, its tests being wherever $X is: cwd-unknown-target)
      ['cd "$X" && PYTHONPATH=.. echo hi', 'module-path-variables'],
      ['cd sub || true; PYTHONPATH=.. pytest', 'module-path-variables'],
      // the program moves itself: `..` is then taken from the workspace, above it
      ['cd sub && PYTHONPATH=.. make -C .. test', 'module-path-variables'],
      ['cd sub && env -C .. PYTHONPATH=.. pytest', 'module-path-variables'],
      // exported or given to make: used from wherever a later command runs
      ['cd sub && export PYTHONPATH=.. && cd .. && pytest', 'module-path-variables'],
      ['cd sub && make test PYTHONPATH=..', 'module-path-variables'],
    ] as Array<[string, string]>)
      expect(outcome(line), line).toBe(`ask/${rule}`);
  });
});

describe('whether the program works where its own relative environment value is set: its spec says', () => {
  const outcome = (c: string) => `${engine.check(c).decision}/${engine.check(c).rule}`;
  it('keeps the directory when the options it is given move nothing (ls -C is columns, node -C a condition)', () => {
    for (const line of [
      'cd sub && PYTHONPATH=.. ls -C',
      'cd sub && NODE_PATH=../lib node -C dev x.js',
      'cd sub && PYTHONPATH=.. timeout 5 make test',
    ])
      expect(outcome(line), line).toMatch(/^allow\//);
  });
  it("takes the value from the workspace when an option its spec marks `cwd` moves it, or programs.yaml's `unspecified:` one for a program with no spec", () => {
    for (const line of [
      'cd sub && PYTHONPATH=.. git -C .. status',
      'cd sub && PYTHONPATH=.. npm --prefix .. test',
      'cd sub && PYTHONPATH=.. python -m pytest --rootdir=.. x',
      'cd sub && PYTHONPATH=.. timeout 5 make -C .. test',
      // pytest has no spec: `unspecified:`'s options, with their unique prefixes
      'cd sub && PYTHONPATH=.. pytest --rootdir=.. x',
      'cd sub && PYTHONPATH=.. pytest --root=.. x',
    ])
      expect(outcome(line), line).toBe('ask/module-path-variables');
  });
});

describe("programs.yaml's `unspecified:`", () => {
  it('takes options only', () => {
    expect(() => buildUnspecified({ unspecified: { subcommands: { x: {} } } })).toThrow(/only `options`/);
    expect(buildUnspecified({})).toBeNull();
    expect(buildUnspecified({ unspecified: { options: { '-C': 'cwd' } } })?.moves).toBe(true);
  });
});
