import { describe, it } from 'vitest';
import { probeEngine } from './probe-engine.js';

/**
 * Options spelled with quotes around an expansion, found by the lead's audit (6 Dec) and allowed
 * on main e671dca: a quoted word whose every shape starts with `-` (`"-exec=$X"`, `-"fplugin=$P"`,
 * `'--compress-program='"$P"`) was an operand, not the option it spells, so `go test "-exec=$X"`
 * passed while `go test -exec="$X"` asked. And an option whose name is only known when it runs
 * (`sort -$X`, `sort --"$O"`) may be any option the program has: it asks where the program has
 * one that runs, loads or writes something (sort, gcc), not where every option only reads or
 * prints (head, tail, grep).
 */
const { expectAll } = probeEngine();

describe('options spelled with quotes around an expansion', () => {
  it('are decided as the option they spell', () => {
    expectAll(
      [
        'go test "-exec=$X" ./...',
        'go test -"exec"="$X" ./...',
        'go vet "-vettool=$T" ./...',
        'sort "--compress-program=$P" f',
        `sort '--compress-program='"$P" f`,
        'sort "--compress-prog=$P" f',
        'cargo build "--config=$X"',
        'gcc "-fplugin=$P" a.c',
        'gcc -"fplugin=$P" a.c',
        'gcc "-B$D" a.c',
        'gcc "-o$OUT" a.c',
        'gcc "-Wl,$L" a.c',
        'pytest "--basetemp=$D"',
        'npm test "--prefix=$D"',
        'split "--filter=$F" big.txt',
      ],
      'refused',
    );
  });

  it('still allow quoted options whose values name nothing', () => {
    expectAll(
      [
        'go test "-run=$T" ./...',
        'go test "-count=$N" -v ./...',
        'gcc "-O$LEVEL" -c a.c',
        'pytest "-k $EXPR" tests',
        'git log "--since=$D" --oneline',
        'cargo test "--features=$F"',
        'sort "-k$K" data.txt',
        'go build "-ldflags=-X main.v=$V" .',
        'python x.py "--arg=$V"',
        'git commit -m "$MSG"',
        'grep -rn "$PAT" src',
      ],
      'allow',
    );
  });
});

describe('an option whose name is only known when it runs', () => {
  it('asks where the program has options that run, load or write', () => {
    expectAll(['sort -$X f', 'sort --"$O" f', 'sort "--$O" data.txt', 'split -$X big.txt'], 'refused');
  });

  it('passes where every option of the program only reads or prints', () => {
    expectAll(['head -$N file', 'tail -"$N" log.txt', 'head -n$N file', 'grep "-$X" f', 'ls "-$X"'], 'allow');
  });
});
