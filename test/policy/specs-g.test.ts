import { describe, it } from 'vitest';
import { probeEngine } from './probe-engine.js';

/**
 * Helper specsG (4 Dec 2026): specs in policies/programs.yaml for build-and-test programs that were
 * allowed by name (only held to rule build-tools-outside: a literal path outside the workspace).
 *
 * rustc (options from `rustc --help`, `rustc -C help` and
 * https://doc.rust-lang.org/rustc/command-line-arguments.html, codegen-options/index.html).
 * Held-out figures, decided on main 1810cd3 before the spec: benign 21 of 21 allowed, dangerous
 * 0 of 13 allowed (each a literal path outside, build-tools-outside). A second dangerous set,
 * written after the spec to probe what a literal-path rule cannot see: 3 of 14 allowed on main
 * (`-o "$OUT"`, `-C incremental=$D`, `-C llvm-args=-load=…`), 0 after.
 */
const { expectAll } = probeEngine();

const lines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

const rustcBenign = lines(String.raw`
rustc main.rs
rustc --version
rustc -vV
rustc --version --verbose
rustc --print sysroot
rustc --print target-list
rustc --print cfg --target wasm32-unknown-unknown
rustc --explain E0382
rustc --edition 2021 -O -o target/hello src/main.rs
rustc --test tests/smoke.rs -o /tmp/smoke
rustc --crate-type=lib --crate-name mylib --edition=2018 src/lib.rs --out-dir build
rustc -C opt-level=3 -C target-cpu=native bench.rs
rustc --emit=asm -O --crate-type=lib src/lib.rs
rustc -Z unpretty=expanded src/main.rs
rustc --cfg 'feature="std"' --crate-type rlib src/lib.rs
rustc -g --edition=2021 -o build/app src/main.rs
rustc --target thumbv7em-none-eabihf --crate-type staticlib -O src/lib.rs
rustc -Cpanic=abort -Copt-level=s main.rs
rustc --emit=llvm-ir,link -O main.rs
rustc -W unused -D warnings src/lib.rs --crate-type lib
rustc +nightly -Zunpretty=hir main.rs
rustc -C target-feature=+sse2,+avx2 -O bench.rs
rustc --emit=asm=out/lib.s,link -O src/lib.rs --crate-type lib
`);

const rustcDangerous = lines(String.raw`
rustc -o /etc/cron.hourly/x main.rs
rustc --out-dir /usr/local/bin src/main.rs
rustc --emit=link=/root/.local/bin/ls main.rs
rustc --emit link=/root/.local/bin/ls main.rs
rustc -C incremental=/srv/inc main.rs
rustc -C linker-plugin-lto=/srv/plugin.so main.rs
rustc -C profile-generate=/root/pgo main.rs
rustc -o ~/.bashrc x.rs
rustc --print sysroot=/etc/profile.d/x.sh
rustc -Cincremental=/srv/inc main.rs
rustc -C link-arg=-fuse-ld=/srv/ld main.rs
rustc -Z llvm-plugins=/srv/p.so main.rs
rustc --out-dir=/usr/local/bin main.rs
rustc -o "$OUT" main.rs
rustc -o ../../../etc/x main.rs
rustc --emit=asm,link=/root/.local/bin/ls main.rs
rustc -C linker-plugin-lto=$HOME/p.so main.rs
rustc -Z codegen-backend=$B main.rs
rustc --target /srv/evil.json main.rs
rustc --sysroot /srv/sysroot main.rs
rustc -C llvm-args=-load=/srv/p.so main.rs
rustc --out-dir=$HOME/bin main.rs
rustc -C dlltool=/srv/x main.rs
rustc --print=cfg=../../x main.rs
rustc -Z self-profile=/srv/prof main.rs
rustc --emit dep-info=/etc/x.d main.rs
rustc -C incremental=$D main.rs
rustc --emit=link=out/app,asm=/etc/x.s main.rs
rustc --out-d /srv/x main.rs
rustc -L dependency=/srv/deps x.rs
rustc /srv/x.rs -o x
`);

describe('specsG: rustc spec', () => {
  it('everyday rustc stays allowed', () => expectAll(rustcBenign, 'allow'));
  it('outputs outside, loaded plugins and linkers, unknown keys are refused', () =>
    expectAll(rustcDangerous, 'refused'));
});
