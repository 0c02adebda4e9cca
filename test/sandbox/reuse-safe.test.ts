// keepsWorkerState: which commands may run on a worker that then takes the slot's next
// call (runner-script.ts). Every command judged safe here is also run in the host's bash
// between two snapshots of the shell's state, which must be equal: the judgement is
// checked against bash itself, not only against this file's expectations.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { keepsWorkerState } from '../../src/sandbox/reuse-safe.js';
import { runtimeSource } from '../../src/sandbox/runtime.js';

const SAFE = [
  'true',
  '',
  'ls -la /testbed',
  'python -m pytest tests/test_x.py -q 2>&1 | tail -20',
  'grep -rn "foo bar" src/ || echo none',
  "sed -n '1,20p' a.py; cat b.py",
  'echo "$HOME ${PATH} $1 $? $#" > /dev/null',
  'cd /tmp && ls',
  "find . -name '*.py' -exec grep -l x {} \\;",
  'git status --short && git diff | head',
  'test -f x || [ -d y ]',
  '! grep -q x /etc/hostname',
  'cat <<< hello',
  'ls 2>&1 >/dev/null',
  'ls &>/dev/null',
  "echo $'it\\'s'",
  'echo a#b',
  '/bin/true arg',
  './run.sh --flag=1',
  'ls 2>x',
];

const UNSAFE = [
  'export A=1',
  'A=1',
  'A=1 ls',
  'cd /tmp; export X=1',
  'set -e',
  'trap "echo" EXIT',
  'exec ls',
  'source x.sh',
  '. x.sh',
  'eval ls',
  'f() { cd /; }',
  '{ cd /; }',
  '(cd /; ls)',
  'echo $(cd /)',
  'echo `cd /`',
  'echo ${X:=1}',
  'echo $((X=1))',
  'sleep 1 &',
  'ls\nexport X=1',
  'cat <<EOF\nx\nEOF',
  'ls {fd}>/tmp/x',
  'exec {fd}>/tmp/x',
  '"cd" /',
  '\\cd /',
  '$X',
  'c? /',
  'umask 0',
  'ulimit -n 10',
  'shopt -s nullglob',
  'read x',
  'printf -v x 1',
  'pushd /tmp',
  'hash -p /bin/ls foo',
  'alias x=y',
  'declare -x A=1',
  'time ls',
  'coproc ls',
  'if true; then export A=1; fi',
  'for i in 1; do export A=1; done',
  '[[ a =~ (a) ]]',
  'ls # comment; export X=1',
  "echo $'\\'' ; export X=1 ; echo '",
  'diff <(ls) <(ls)',
  'command cd /',
  'builtin cd /',
  'exit 0',
  'wait',
  'kill %1',
];

describe('keepsWorkerState', () => {
  it.each(SAFE)('keeps: %j', (c) => expect(keepsWorkerState(c)).toBe(true));
  it.each(UNSAFE)('refuses: %j', (c) => expect(keepsWorkerState(c)).toBe(false));

  const bash = runtimeSource()?.bash ?? '/bin/bash';
  it('every command it keeps leaves bash in the state it found it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'drydock-reuse-'));
    try {
      const snap = `{ declare -p; declare -f; alias; shopt; set -o; trap -p; umask; ulimit -a; hash; jobs; echo "fds: $(ls /proc/$BASHPID/fd | grep -v '^[0-9][0-9]*$' ; ls /proc/$BASHPID/fd | wc -l)"; } 2>&1 | grep -Ev '^declare -[^ ]* (BASHPID|BASH_COMMAND|BASH_LINENO|BASH_SOURCE|FUNCNAME|LINENO|RANDOM|SECONDS|SRANDOM|EPOCH[A-Z]*|_|PIPESTATUS|BASH_ARGC|BASH_ARGV|OLDPWD|PWD|cmd|snap[a-z]*)='`;
      const script = (cmd: string) =>
        `cd ${dir}; cmd=${JSON.stringify(cmd).replace(/\$/g, '\\$')}; snapa=$(${snap}); eval "$cmd" >/dev/null 2>&1 </dev/null; hash -r; cd ${dir}; snapb=$(${snap}); [[ $snapa == "$snapb" ]] && echo SAME || diff <(echo "$snapa") <(echo "$snapb")`;
      for (const c of [...SAFE, 'cd /; ls', 'cd nowhere']) {
        if (!keepsWorkerState(c)) continue;
        const r = spawnSync(bash, ['-c', script(c)], { encoding: 'utf8', timeout: 20_000 });
        expect(`${c}: ${r.stdout.trim()}`).toBe(`${c}: SAME`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
