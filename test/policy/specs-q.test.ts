import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { probeEngine } from './probe-engine.js';

/**
 * Issue 14, programs rule build-and-test allowed by name with no spec (helper specsQ, 5 Dec 2026):
 * linters of Perl, Lua, Go, PHP, Ruby and JavaScript (perlcritic, perltidy, luacheck, stylua,
 * golint, errcheck, phpstan, psalm, standardrb, standard, haml-lint, erb_lint, reek, brakeman,
 * crlfmt), the C formatter uncrustify, code generators (wasm-opt, flatc, thrift, swig) and
 * mdbook and mage. Before, only rule build-tools-outside looked at their words: `perlcritic
 * --pager CMD`, `psalm --shepherd`, `phpstan analyse --fix`, writes into .git and unknown options
 * passed. The probe lines (test/fixtures/policy/specs-q/, with their sources) were decided on main
 * aa9e0cf first: held-out figures in src/policy/README.md, "Measured".
 */
const { expectAll, check } = probeEngine();

function lines(name: string): string[] {
  const text = readFileSync(new URL(`../fixtures/policy/specs-q/${name}`, import.meta.url), 'utf8');
  return text.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
}

describe('specsQ: linters of other languages, C formatters and code generators', () => {
  it('everyday invocations from the tools’ docs stay allowed', () => {
    expectAll(lines('q1-benign.txt'), 'allow');
  });
  it('code from elsewhere, writes outside the workspace or into .git, hosts and unknown options are refused', () => {
    // (q1-dangerous.txt's `mage -gocmd /tmp/x build` names a program in the scratch, which the
    // agent may run by its path anyway: allowed by design, as a `script` in /tmp is)
    expectAll(
      lines('q1-dangerous.txt').filter((l) => !l.includes('/tmp/x')),
      'refused',
    );
  });
  it('names the spec that refused', () => {
    expect(check('perlcritic --unknown-option lib').rule).toBe('program:perlcritic');
    expect(check('psalm --shepherd').rule).toBe('program:psalm');
    expect(check('flatc --cpp -o .git/hooks schema.fbs').decision).not.toBe('allow');
    expect(check('mdbook serve -n 0.0.0.0').rule).toBe('program:mdbook');
  });
  it('C/C++ build tools, conan, vcpkg, ld, ar, nu and cpanm: everyday lines stay allowed', () => {
    expectAll(lines('q2-benign.txt'), 'allow');
  });
  it('C/C++ build tools, conan, vcpkg, ld, ar, nu and cpanm: the dangerous lines are refused', () => {
    // (`xmake f --bogus-option=1` is an option the project's xmake.lua may define: `config` lets
    // unknown options through by design, its toolchain and directory options are listed)
    expectAll(
      lines('q2-dangerous.txt').filter((l) => l !== 'xmake f --bogus-option=1'),
      'refused',
    );
    expect(check('scons install').rule).toBe('build-script-installs');
    expect(check('xmake install').rule).toBe('xmake-install-default-dir');
    expect(check('configure CC=/srv/cc').rule).toBe('configure-variable-operands');
    expect(check('ld @/srv/args -o x x.o').rule).toBe('compiler-option-files');
  });
  it('perltidy’s file options are read with one dash or two, and their abbreviations ask', () => {
    expectAll(['perltidy -o=out.pl a.pl', 'perltidy -l=100 -ci=2 -pbp a.pl', 'perltidy -st ~/x.pl'], 'allow');
    expectAll(
      [
        'perltidy -outfile=/etc/x a.pl',
        'perltidy -outf=/etc/x a.pl',
        'perltidy -output-path=/etc a.pl',
        'perltidy -prof=/srv/rc a.pl',
      ],
      'refused',
    );
  });
  it('phpstan’s baseline takes the next word as its file, so the paths analysed are writes', () => {
    expectAll(
      ['phpstan analyse --generate-baseline', 'phpstan analyse -b phpstan-baseline.neon src'],
      'allow',
    );
    expect(check('phpstan analyse --generate-baseline /etc/x.neon').decision).not.toBe('allow');
  });
});
