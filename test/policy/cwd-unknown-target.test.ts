import { describe, it } from 'vitest';
import { probeEngine } from './probe-engine.js';

/**
 * The current directory as an implicit target after a `cd` to a directory only known when it
 * runs (issue 14's "the current directory as an implicit target after `cd`"): `cd "$D" && make`
 * runs the Makefile of wherever $D is, `pytest` its tests and conftest.py, `git init` makes a
 * repository there. shell:unknown-cwd decides only the relative paths a line names, and a bare
 * `make` names none, so these passed until stop 60 (probe 34 noted `cd "$D" && make`). The rules
 * of a program's working directory (cwd_outside) now count such a directory as possibly outside.
 * Streams 3–25: none of their 260 commands with a `cd` to an expansion changes.
 */
const { expectAll } = probeEngine();

describe('a program whose target is the directory a cd to an unknown place led to', () => {
  it('is refused', () => {
    expectAll(
      [
        'cd "$D" && make',
        'cd $(cat dir.txt) && pytest',
        'cd "$D" && git init',
        'cd "$D" && npm install',
        'cd "$HOME" && make',
        'cd "${TARGET:-/srv/app}" && python -m pytest',
        'cd `cat d` && cargo build',
      ],
      'refused',
    );
  });

  it('leaves known places and programs with no implicit target alone', () => {
    expectAll(
      [
        'cd src && make',
        'cd /testbed && make',
        'make',
        'cd "$D" && ls',
        'cd /tmp/build && cmake ..',
        'cd $PWD && pytest',
      ],
      'allow',
    );
  });
});
