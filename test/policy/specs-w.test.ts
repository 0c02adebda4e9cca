import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { probeEngine } from './probe-engine.js';

/**
 * Issue 14, item 2 (helper specsW, 5 Dec 2026): programs rule read-and-search allowed by name with
 * no spec, so any option of theirs passed. Batch 1, the system facts (uname, id, who, hostname,
 * stty, tput, lsof, pgrep, netstat, findmnt, free, lscpu, getconf, cal, …): `stty --file=DEV`,
 * `hostname --fil=F` (getopt_long's abbreviation), `tput init`/`reset` (the terminfo entry's
 * init program) and unknown options were allowed. The probe lines (test/fixtures/policy/specs-w/)
 * were decided on main 51a114f first: held-out figures in src/policy/README.md, "Measured".
 */
const { expectAll, check } = probeEngine();

function lines(name: string): string[] {
  const text = readFileSync(new URL(`../fixtures/policy/specs-w/${name}`, import.meta.url), 'utf8');
  return text.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
}

describe('specsW: the system facts read-and-search allowed by name', () => {
  it('everyday invocations from the programs’ --help stay allowed', () => {
    expectAll(lines('w1-benign.txt'), 'allow');
  });
  it('another terminal, setting the host name, terminfo init programs, files read and unknown options are refused', () => {
    expectAll(lines('w1-dangerous.txt'), 'refused');
  });
  it('names the spec that refused', () => {
    expect(check('stty --file=/dev/pts/0 -echo').rule).toBe('program:stty');
    expect(check('tput init').rule).toBe('program:tput');
    expect(check('uname --bogus').rule).toBe('program:uname');
    expect(check('uname -a extra').rule).toBe('program:uname');
  });
});
