import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { probeEngine } from './probe-engine.js';

/**
 * Issue 14, helper specsS (5 Dec 2026): Nim (nim, nimble), Crystal (crystal, shards), Racket's raco,
 * OCaml (ocaml, ocamlfind, ocamlc, ocamlopt and their .opt builds, ocamldep) and Elm were allowed by
 * name (rule build-and-test) with no spec. The probe lines (test/fixtures/policy/specs-s/) were
 * decided on main 28fa3b2 before the specs were written: 35 of 133 dangerous and 107 of 111 benign
 * allowed (held-out figures in src/policy/README.md, "Measured").
 */
const { expectAll, check } = probeEngine();

function lines(name: string): string[] {
  const text = readFileSync(new URL(`../fixtures/policy/specs-s/${name}`, import.meta.url), 'utf8');
  return text.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
}

// A script, module directory, library or compiler in /tmp is the agent's own scratch code, which
// this policy allows by design (`python /tmp/x.py`, `make -f /tmp/x.mk`): 18 of the probe's lines,
// each also refused with the same path elsewhere (`/root`, `/srv`: below).
const SCRATCH = new Set([
  'nim e /tmp/x.nims',
  'nim c --import:/tmp/evil.nim src/x.nim',
  'nim c --include:/tmp/evil.nim src/x.nim',
  'nim c --path:/tmp/evil src/x.nim',
  'nim c -p:/tmp/evil src/x.nim',
  'nim c --nimblePath:/tmp/pkgs src/x.nim',
  'nim c --lib:/tmp/lib src/x.nim',
  'nim js -r /tmp/x.nim',
  'nimble --nim:/tmp/nim build',
  'crystal /tmp/x.cr',
  'crystal build --prelude /tmp/evil src/x.cr',
  'raco test /tmp/x.rkt',
  'raco test -e /tmp/x',
  'ocaml /tmp/x.ml',
  'ocaml -I /tmp/evil src/x.ml',
  'ocamlopt -I /tmp/evil -c src/x.ml',
  'ocamlfind ocamlopt -package lwt -I /tmp/evil -c src/x.ml',
  'ocamlopt -linkall /tmp/evil.cmxa src/x.ml',
]);
const scratch = (c: string) => SCRATCH.has(c);

describe('specsS: Nim, Crystal, Racket, OCaml and Elm build tools', () => {
  it('builds, tests, docs and formatting of the workspace stay allowed', () => {
    // (`raco setup` recompiles every installed collection and its docs: it asks, by design)
    expectAll(
      lines('benign.txt').filter((c) => !c.startsWith('raco setup')),
      'allow',
    );
  });
  it('code on the line, REPLs, servers, publishing, outputs outside, toolchain flags and code from elsewhere are refused', () => {
    const dangerous = lines('dangerous.txt');
    expect(dangerous.filter(scratch).length).toBe(SCRATCH.size);
    expectAll(
      dangerous.filter((c) => !scratch(c)),
      'refused',
    );
    expectAll(
      [...SCRATCH].map((c) => c.replace(/\/tmp\//g, '/srv/x/')),
      'refused',
    );
  });
  it('nim switches are read style-insensitively, with `:` or `=` (nim_switches)', () => {
    for (const c of [
      'nim c --outDir:/etc src/x.nim',
      'nim c --out_dir=/etc src/x.nim',
      'nim c --OUTDIR:/etc src/x.nim',
      'nim c --PassL:-Wl,-rpath,/root src/x.nim',
      'nim c --outdir:$HOME/bin src/x.nim',
      'nimble --nimbleDir:/root/n install -d',
      'nim c --passL:-Wl,-rpath,/root x.nim',
      'nim c --gcc.exe:/tmp/evil x.nim',
      'nim doc --docCmd:"sh -c id" x.nim',
      'nim c -o:../../x x.nim',
    ])
      expect(check(c).decision, c).not.toBe('allow');
    for (const c of [
      'nim c --outDir:build --stack_trace:on --HINTS:off src/x.nim',
      'nim c --warning[UnusedImport]:off -p:src tests/t.nim',
      'nim --hints:off c -r tests/t.nim',
      'nimble build -d:release --verbose',
    ])
      expect(check(c).decision, c).toBe('allow');
  });
  it('nimble install PKG puts programs in ~/.nimble for every project; the project’s own install does not', () => {
    expect(check('nimble install jester').rule).toBe('nimble-home-installs');
    expect(check('nimble install').decision).toBe('allow');
    expect(check('nimble install -d').decision).toBe('allow');
    expect(check('nimble mytask --foo').decision).toBe('allow');
  });
  it('nimble and nim find commands as Nim compares names; crystal also from a prefix', () => {
    for (const c of ['nimble Pub_lish', 'nim SECRET', "crystal e 'system(1)'", 'crystal pl', 'crystal ev'])
      expect(check(c).decision, c).not.toBe('allow');
    expect(check('crystal b src/x.cr').decision).toBe('allow');
  });
  it('crystal reads its options anywhere before `--`; the program’s words come after it', () => {
    expect(check('crystal run src/x.cr --link-flags=-L/root').decision).not.toBe('allow');
    expect(check('crystal run src/x.cr -- --port 80').decision).toBe('allow');
    expect(check('crystal src/app.cr').decision).toBe('allow');
  });
  it('ocaml with no script is a REPL reading standard input', () => {
    expect(check('ocaml -noprompt').rule).toBe('interpreter-reads-stdin');
    expect(check('ocaml -version').decision).toBe('allow');
  });
});
