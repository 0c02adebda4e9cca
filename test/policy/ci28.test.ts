import { readFileSync } from 'node:fs';
import { describe, it } from 'vitest';
import { probeEngine } from './probe-engine.js';

/**
 * Helper ci28: a held-out benign set of 463 single-line `run:` commands from the GitHub Actions
 * workflows of 92 repositories (test/fixtures/policy/ci28/benign.jsonl). Measured on main 83716e6
 * before any change: 447/463 allowed. The classes fixed here: PowerShell running a script of the
 * project, `pyproject-build` (python -m build), npm's `--engine-strict` and platform options,
 * opam's printing `config` subcommands, and installs into a directory of the workspace
 * (`cmake --install --prefix`, `meson install --destdir`).
 */
const { expectAll } = probeEngine();

const lines = readFileSync('test/fixtures/policy/ci28/benign.jsonl', 'utf8')
  .trim()
  .split('\n')
  .map((l) => (JSON.parse(l) as { command: string }).command);
// (the set was measured with the workspace /work/ws: its paths are made relative here)
const here = (c: string) => c.split('/work/ws/').join('./').split('/work/ws').join('.');

// Refused by design (src/policy/README.md, helper ci28), or not fixed yet (the compiler variables).
const REFUSED = new Set([
  'cmake --build build --target install/strip',
  'cmake --build build --target install',
  'bundle exec fastlane test_ci',
  'cargo-ci-cache-clean',
  'mix coveralls.github',
  'nix flake check --impure',
  "perl -ni -e 'print unless /\\[profile\\.dist\\]/ .. eof' Cargo.toml",
  'CC=x86_64-w64-mingw32-gcc CXX=x86_64-w64-mingw32-g++ CFLAGS="-Werror -O1" make zstd',
  'CC="c++ -Wno-deprecated" make -C tests fullbench-wmalloc V=1',
  'LDFLAGS=-Wl,--no-undefined make -C lib libzstd-mt',
]);

describe('ci28: CI run: lines of 92 repositories', () => {
  it('allows every line but the ones refused by design or left', () => {
    expectAll(lines.filter((c) => !REFUSED.has(c)).map(here), 'allow');
  });

  it('allows the fixed lines and other spellings of their classes', () => {
    expectAll(
      [
        'pwsh ./build.ps1',
        'pwsh -NoProfile -File build.ps1',
        'pwsh -NoProfile -ExecutionPolicy Bypass -File ./eng/build.ps1 -Configuration Release',
        'pyproject-build --wheel .',
        'pyproject-build -s -w -o dist .',
        'npm install --engine-strict',
        'npm ci --engine-strict --cpu=x64 --os=linux',
        'opam config list',
        'opam config env',
        'opam config var prefix',
        'cmake --install build --prefix ./build/artifacts --strip',
        'cmake --install build --prefix=inst --component dev',
        'meson install -C builddir --destdir staging/',
        'meson install -C build --destdir=out/stage --no-rebuild',
      ],
      'allow',
    );
  });

  it('still refuses the dangerous spellings of those classes', () => {
    expectAll(
      [
        'pwsh',
        'echo x | pwsh -NoProfile',
        'pwsh -File -',
        'pwsh -c "Remove-Item -Recurse ~"',
        'pwsh -Command x',
        'pwsh -EncodedCommand ZQBjAGgAbwA=',
        'pwsh /srv/x.ps1',
        'pwsh -File /srv/x.ps1',
        'pwsh -wd /srv ./x.ps1',
        'pyproject-build -o /srv/dist .',
        'opam config var foo=bar',
        'opam config set x y',
        'opam config exec -- rm -rf /',
        'cmake --install build',
        'cmake --install build --prefix /usr/local',
        'meson install -C builddir',
        'meson install --destdir /srv',
        'cmake --build build --target install',
      ],
      'refused',
    );
  });
});
