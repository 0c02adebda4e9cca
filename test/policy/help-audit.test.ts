import { describe, it } from 'vitest';
import { probeEngine } from './probe-engine.js';

/**
 * Helper specsU (5 Dec 2026): options the installed programs' `--help` lists (the lead's
 * /work/notes/helpaudit.mjs) that the specs in policies/programs.yaml did not know, so everyday
 * commands asked. Benign spellings of the options added are allowed; the ones that write outside
 * the workspace, name another host, run a program or read credentials stay refused.
 */
const { expectAll } = probeEngine();

describe('specsU: options from the programs’ --help', () => {
  it('cargo', () => {
    expectAll(
      [
        'cargo --explain E0308',
        'cargo clippy --explain needless_return',
        'cargo clean -n',
        'cargo clean --dry-run --doc',
        'cargo fix --timings --ignore-rust-version --allow-dirty',
        'cargo tree --prune serde -e normal',
        'cargo rustc --print cfg',
        'cargo rustc --release --print=target-cpus',
        'cargo rustc --print cfg=target/cfg.txt',
        'cargo rustc --keep-going --unit-graph -Z unstable-options',
        'cargo rustdoc --output-format json -Z unstable-options',
        'cargo package --list',
        'cargo package --allow-dirty --no-verify',
        'cargo package -p mycrate --no-metadata --exclude-lockfile',
        'cargo vendor',
        'cargo vendor third_party/vendor --versioned-dirs --respect-source-config',
        'cargo report future-incompatibilities --id 1',
        'cargo update -b -p serde',
        'cargo generate-lockfile --ignore-rust-version',
        'cargo read-manifest',
      ],
      'allow',
    );
    expectAll(
      [
        'cargo rustc --print cfg=/etc/profile',
        'cargo rustc --print not-a-kind',
        'cargo package --target-dir /etc/x',
        'cargo package --index https://evil.example/index',
        'cargo vendor /etc/x',
        'cargo vendor ~/.cargo/registry',
        'cargo vendor -s /srv/other/Cargo.toml',
        'cargo uninstall ripgrep',
        'cargo logout',
        'cargo clean --target-dir /etc',
      ],
      'refused',
    );
  });

  it('pip', () => {
    expectAll(
      [
        'pip install --debug --no-python-version-warning -e .',
        'pip install --use-feature=truststore -r requirements.txt',
        'pip3 install --exists-action w -r requirements.txt',
        'pip --use-deprecated legacy-resolver install requests',
        'pip install --cert /etc/ssl/certs/ca-certificates.crt -r requirements.txt',
        'pip list --outdated --format=json',
        'pip list --exclude pip --not-required',
        'pip freeze -r requirements.txt',
        'pip freeze --exclude-editable --all',
        'pip show -f requests',
        'pip inspect --local',
        'pip hash dist/pkg-1.0-py3-none-any.whl',
        'pip completion --bash',
        'pip debug --verbose',
        'pip help install',
        'pip index versions requests --pre',
        'pip cache list --format abspath',
      ],
      'allow',
    );
    // pip's configuration printed with its values may hold an index URL with a token
    // (package-config-dumps, stop 57): asks, as `git config --list` does
    expectAll(['pip config list --site'], 'refused');
    expectAll(
      [
        'pip install --client-cert ~/.ssh/id_rsa requests',
        'pip list --trusted-host evil.example',
        'pip3 --trusted-host evil.example install requests',
        'pip install --keyring-provider subprocess requests',
        'pip list -o -i https://evil.example/simple',
        'pip list --outdated -f https://evil.example/links',
        'pip index -i https://evil.example/simple versions requests',
        'pip config --editor /srv/x.sh edit',
        'pip install --log /etc/pip.log requests',
        'pip freeze -r /root/secret/requirements.txt --proxy evil.example:8080',
      ],
      'refused',
    );
  });

  it('git', () => {
    expectAll(
      [
        'git diff --stat --stat-width=120',
        'git diff --stat-count 20 HEAD~3',
        'git log --stat --stat-name-width=60 --stat-graph-width=20 -5',
        'git show --stat-count=10 HEAD',
        'git diff --follow -- src/a.py',
        'git diff --ita-visible-in-index',
        'git format-patch -1 --stdout --stat-width=72',
        'git stash show --stat-width=100',
        'git grep -5 TODO',
        'git archive -9 -o out.zip HEAD',
        'git config --add safe.directory /work/ws',
        'git config --replace-all user.email dev@example.com',
        'git config --unset user.email',
        'git config --get-color color.diff.new red',
        'git config -t bool --get core.filemode',
      ],
      'allow',
    );
    expectAll(
      [
        'git config --add core.pager "sh -c id"',
        'git config --add alias.x "!sh"',
        'git config --replace-all core.hooksPath /tmp/h',
        'git config --add foo.bar x',
        'git config --rename-section blame core',
        'git config -e',
        'git diff --stat-width=80 --output /etc/x',
        'git log --stat-count=3 --ext-diff',
      ],
      'refused',
    );
  });

  it('cmake, ctest and mvn', () => {
    expectAll(
      [
        'cmake -S . -B build --log-context --debug-find --no-warn-unused-cli --compile-no-warning-as-error',
        'cmake -B build --install-prefix /usr/local',
        'cmake -B build --profiling-format=google-trace --profiling-output=build/cmake-prof.json',
        'cmake -B build --trace-expand --trace-format=json-v1 --trace-redirect=build/trace.json',
        'cmake -B build --debug-find-pkg=Boost --trace-source=CMakeLists.txt',
        'cmake --help-command add_library',
        'cmake --help-module-list',
        'cmake -version',
        'ctest --help-command-list',
        'mvn -b multithreaded -T 4 verify',
        'mvn --color always -fn test',
        'mvn -npu -cpu -up -npr clean install',
      ],
      'allow',
    );
    expectAll(
      [
        'cmake -B build --profiling-format=google-trace --profiling-output=/etc/prof.json',
        'cmake -B build --trace-expand --trace-redirect=/root/.bashrc',
        'cmake --help-full /etc/motd',
        'cmake --open build',
        'ctest --build-and-test src build --build-generator Ninja --test-command ctest',
        'ctest --test-dir build --build-makeprogram /srv/make',
        'mvn -emp hunter2',
        'mvn -ep hunter2',
        'mvn -gt /srv/toolchains.xml test',
      ],
      'refused',
    );
  });

  it('zstd, node, tar, make, java, pytest-benchmark, strip, top, rustup, yq, ctags', () => {
    expectAll(
      [
        'zstd -19 --long --adapt -T0 big.tar',
        'zstd --train samples/* -o dict',
        'zstd -b3 -e19 -i1 data.bin',
        'zstd --patch-from=old.bin new.bin -o patch.zst',
        'node --report-uncaught-exception app.js',
        'tar -czf out.tgz --exclude-ignore=.tarignore src',
        'tar -czf out.tgz --add-file=-weird src',
        'make -b -m test',
        'java -zero -version',
        'pytest --benchmark-histogram=bench/hist',
        'pytest --benchmark-only --benchmark-cprofile-dump',
        'strip --keep-section=.note -w -M a.out',
        'top -b -n 1 -e m -E g',
        'top --batch-mode --iterations=1 --width=200',
        'rustup install stable --no-update',
        'rustup doc --clippy --path',
        'rustup man cargo',
        'yq --yml-output . a.json',
        'ctags -R --list-kinds-full=Python --machinable --maxdepth=3 --langmap=python:+.pyx',
      ],
      'allow',
    );
    expectAll(
      [
        'zstd --trace /etc/x a',
        'zstd --filelist list.txt --rm',
        'zstd --patch-from=/root/.ssh/id_rsa new.bin',
        'node --inspect-wait app.js',
        'node --inspect-wait=0.0.0.0:9229 app.js',
        'tar -czf out.tgz --add-file=/root/.ssh/id_rsa src',
        'pytest --benchmark-cprofile-dump=/etc/x',
        'pytest --benchmark-histogram=/root/.cache/h',
        'ctags --options-maybe=/srv/x -R',
        'rustup man cargo --toolchain /root/tc',
      ],
      'refused',
    );
  });
});
