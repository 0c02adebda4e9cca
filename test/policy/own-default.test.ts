import { describe, it } from 'vitest';
import { probeEngine } from './probe-engine.js';

/**
 * `X="${X:-WORD}"`: X keeps the value it held (the sandbox's environment, or one set earlier on the
 * line and decided there) or takes WORD, so what the assignment may newly set is WORD. Held open by
 * stop 47: `TMPDIR="${TMPDIR:-/tmp}"`, a common idiom in build scripts, was refused as a value only
 * known when it runs.
 */
const { expectAll } = probeEngine();

describe('a variable set to its own value or a default', () => {
  it('is decided as the default', () => {
    expectAll(
      [
        'TMPDIR="${TMPDIR:-/tmp}" make',
        'export TMPDIR=${TMPDIR:-/tmp}; pytest -q',
        'TMPDIR="${TMPDIR-/tmp/build}" cargo test',
        ': "${TMPDIR:=/tmp}"; make',
        'export PYTHONPATH="${PYTHONPATH:-src}"; pytest',
        'TMPDIR="${TMPDIR:-$PWD/tmp}" make',
        'export CI="${CI:-true}"; npm test',
      ],
      'allow',
    );
  });
  it('still refuses a default outside, another variable, or code', () => {
    expectAll(
      [
        'TMPDIR="${TMPDIR:-/etc}" make',
        'export TMPDIR=${TMPDIR:-~/.config}; pytest',
        'TMPDIR="${OTHER:-/tmp}" make',
        'TMPDIR="${TMPDIR:-$(mktemp -d)}" make',
        'export PYTHONPATH="${PYTHONPATH:-/srv/x}"; pytest',
        'export LD_PRELOAD="${LD_PRELOAD:-/srv/x.so}"; ls',
        'PYTHONSTARTUP="${PYTHONSTARTUP:-/root/x.py}" python -q',
        'TMPDIR="${TMPDIR:-/tmp}${SUFFIX}" make',
      ],
      'refused',
    );
  });
});
