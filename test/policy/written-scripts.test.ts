import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PolicyEngine } from '../../src/policy/index.js';

// A script the command line writes with literal text and then runs is decided as the commands
// it holds (wrappers.ts runWritten). Every line here is only decided, never run.
let engine: PolicyEngine;
beforeAll(async () => {
  engine = await PolicyEngine.create({ unattended: true, budgetMs: Infinity });
});
afterAll(() => engine.close());

const decide = (c: string) => engine.check(c);

describe('a script the line writes and then runs', () => {
  it('is walked in a child shell when bash runs it, in this shell when it is sourced', () => {
    // bash x.sh: the script's cd ends with it, so the rm after it is in the workspace.
    expect(decide("echo 'cd /etc' > c.sh; bash c.sh; rm -rf x").decision).toBe('allow');
    // . c.sh: the cd is this shell's, so the rm removes /etc/x.
    expect(decide("echo 'cd /etc' > c.sh; . ./c.sh; rm -rf x").rule).toBe('delete-outside-workspace');
    expect(decide("echo 'cd /etc' > c.sh; source c.sh; rm -rf x").rule).toBe('delete-outside-workspace');
  });

  it('is forgotten once something else writes the file, and kept across chmod', () => {
    // What cp put there is not known: it runs as any workspace script does (the earlier text is
    // not used to allow or refuse it).
    expect(decide("echo 'rm -rf ~' > x.sh; cp tools/ok.sh x.sh; bash x.sh").decision).toBe('allow');
    expect(decide("echo 'rm -rf ~' > x.sh; python gen.py > x.sh; bash x.sh").decision).toBe('allow');
    // chmod changes its mode, not its text.
    expect(decide("echo 'rm -rf ~' > x.sh; chmod +x x.sh; ./x.sh").rule).toBe('delete-outside-workspace');
  });

  it('is read again when its text changed, even where the same statement repeats', () => {
    expect(decide("echo ls > x.sh; bash x.sh; echo 'rm -rf ~' > x.sh; bash x.sh").rule).toBe(
      'delete-outside-workspace',
    );
    expect(decide('echo ls > x.sh; bash x.sh; echo pwd > x.sh; bash x.sh').decision).toBe('allow');
  });

  it('is resolved where it was written: another directory holds another file', () => {
    expect(decide("echo 'rm -rf ~' > x.sh; cd src && bash x.sh").decision).toBe('allow');
    expect(decide("echo 'rm -rf ~' > src/x.sh; cd src && bash x.sh").rule).toBe('delete-outside-workspace');
  });

  it('is walked as shell only with a shell interpreter line (or none); a Python one is read as Python (written-code.test.ts)', () => {
    expect(
      decide("printf '#!/usr/bin/env python3\\nimport os\\n' > t.py; chmod +x t.py; ./t.py").decision,
    ).toBe('allow');
    expect(decide("printf '#!/bin/bash\\nrm -rf ~\\n' > t.sh; chmod +x t.sh; ./t.sh").rule).toBe(
      'delete-outside-workspace',
    );
  });

  it('takes printf values and echo escapes as the shells do', () => {
    expect(decide("printf '%s %s\\n' rm '-rf ~' > x.sh; sh x.sh").rule).toBe('delete-outside-workspace');
    expect(decide("echo -n 'rm -rf ~' > x.sh; sh x.sh").rule).toBe('delete-outside-workspace');
  });

  // printf.ts: bash's printf conversions with flags, widths and precisions, %c, %q, %b, and the
  // format used again while arguments remain (probe 11 of issue 14: all were read as unknown).
  it('follows printf widths, precisions, %c, %q and a format used again', () => {
    for (const c of [
      "printf '%5s\\n' 'rm -rf ~' > x.sh; sh x.sh",
      "printf '%-10s\\n' 'rm -rf ~' > x.sh; bash x.sh",
      "printf '%.8s\\n' 'rm -rf ~/.ssh' > x.sh; bash x.sh",
      "printf '%*s\\n' 8 'rm -rf ~' > x.sh; bash x.sh",
      "printf '%c%c -rf ~\\n' rm mx > x.sh; bash x.sh",
      "printf '%q -rf ~\\n' rm > x.sh; bash x.sh",
      "printf '%s\\n' ls 'rm -rf ~' > x.sh; bash x.sh",
      "printf -- '%s %s %s\\n' rm -rf '~' > x.sh; bash x.sh",
    ])
      expect(decide(c).rule, c).toBe('delete-outside-workspace');
    for (const c of [
      "printf '%8s\\n' 'make test' > x.sh; bash x.sh",
      "printf '%s\\n' '#!/bin/sh' 'npm test' > ci.sh; sh ci.sh",
      "printf '%-12s %5d\\n' total 42 > report.txt",
      "printf '%05d\\n' 42 > n.txt; cat n.txt",
    ])
      expect(decide(c).decision, c).toBe('allow');
  });
});

// Text the line puts together that the walk does not read (a printf conversion it does not
// follow, an expansion, a filter's or inline code's output, a pipe of such text into tee or cat),
// written to a file the line then runs: code nobody read, denied as decoded text is.
describe('a script the line writes with text it cannot read', () => {
  it('is denied when run, whichever way it was put together', () => {
    for (const c of [
      "printf '%(%s)T rm -rf ~\\n' -1 > x.sh; bash x.sh",
      // (a variable the line set to a literal is that text: `c='rm -rf ~'; echo "$c" > x.sh`
      // writes `rm -rf ~`, denied as itself when run, below)
      'c=$(cat cmd.txt); echo "$c" > x.sh; bash x.sh',
      "echo '~ fr- mr' | rev > x.sh; bash x.sh",
      "echo 'sr -rf ~' | tr s m > x.sh; . ./x.sh",
      "sed 's/^/rm -rf ~ #/' README.md > x.sh; bash x.sh",
      "echo 'rm -rf ~' | tee x.sh; bash x.sh",
      "echo 'rm -rf ~' | cat > x.sh; chmod +x x.sh; ./x.sh",
      "{ echo rm; echo ' -rf ~'; } | tr -d '\\n' > x.sh; bash x.sh",
      'echo \'make test\' > x.sh; echo "$X" >> x.sh; bash x.sh',
      "python3 -c 'print(1)' > x.py; python3 x.py",
    ])
      expect(decide(c).rule, c).toBe('shell:decoded-script');
  });

  it('follows a literal the line itself put in a variable into the script (stop 58)', () => {
    expect(decide('c=\'rm -rf ~\'; echo "$c" > x.sh; bash x.sh').rule).toBe('delete-outside-workspace');
    expect(decide('c=\'make test\'; echo "$c" > x.sh; bash x.sh').decision).toBe('allow');
  });

  it('leaves a program run for its output, cat of files and here-documents as they were', () => {
    for (const c of [
      'python gen.py > x.sh; bash x.sh',
      'cat scripts/a.sh scripts/b.sh > all.sh; bash all.sh',
      "cat > x.sh <<'EOF'\npython -m pytest -q\nEOF\nbash x.sh",
      'python -m pytest > out.txt 2>&1; tail -5 out.txt',
      'git diff | tee changes.patch',
      "printf '%(%Y)T\\n' -1 > year.txt; cat year.txt",
    ])
      expect(decide(c).decision, c).toBe('allow');
  });
});
