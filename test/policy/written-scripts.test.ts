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

  it('is read only as shell: a file with another interpreter line run by its path is not', () => {
    expect(
      decide("printf '#!/usr/bin/env python3\\nimport os\\n' > t.py; chmod +x t.py; ./t.py").decision,
    ).toBe('allow');
    expect(decide("printf '#!/bin/bash\\nrm -rf ~\\n' > t.sh; chmod +x t.sh; ./t.sh").rule).toBe(
      'delete-outside-workspace',
    );
  });

  it('takes printf values and echo escapes as the shells do', () => {
    expect(decide("printf '%s %s\\n' rm '-rf ~' > x.sh; sh x.sh").rule).toBe('delete-outside-workspace');
    // a directive it does not follow: the text is not known
    expect(decide("printf '%5s\\n' 'rm -rf ~' > x.sh; sh x.sh").decision).toBe('allow');
    expect(decide("echo -n 'rm -rf ~' > x.sh; sh x.sh").rule).toBe('delete-outside-workspace');
  });
});
