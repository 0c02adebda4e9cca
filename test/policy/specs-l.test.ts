import { describe, it } from 'vitest';
import { probeEngine } from './probe-engine.js';

/**
 * Issue 14, specs for linters, formatters and code generators that were allowed by name with no
 * spec (helper specsL, 5 Dec 2026): yamllint, hadolint, actionlint, codespell, typos, shfmt,
 * clang-tidy, cppcheck, xmllint, pkg-config, protoc, taplo, lcov, genhtml, gcov, bison, flex and
 * the autotools. Before, only rule build-tools-outside looked at their words: an option that loads
 * a plugin or runs a program from the workspace or /tmp passed, and everyday options with a
 * path-like value were refused. Everyday spellings (not the corpus's) stay allowed; an unknown
 * option asks; code run from elsewhere, writes outside the workspace and hosts are refused. Also
 * spec key `compiler_spec` (clang-tidy's words after `--` are gcc's command line).
 */
const { expectAll } = probeEngine();

describe('specsL: linters, formatters and generators with a spec', () => {
  it('yamllint, hadolint, actionlint', () => {
    expectAll(
      [
        'yamllint --strict -f colored .',
        'yamllint --config-file=.yamllint ci/',
        'yamllint --list-files .',
        'hadolint --no-color --ignore DL3018 images/base/Dockerfile',
        'hadolint --format sarif Dockerfile > hadolint.sarif',
        'actionlint -no-color -oneline',
        'actionlint --format "{{range $err := .}}{{$err.Message}}{{end}}"',
        'actionlint -pyflakes= .github/workflows/test.yaml',
      ],
      'allow',
    );
    expectAll(
      [
        'yamllint --config-file ~/.ssh/config .',
        'yamllint --fix .',
        'hadolint --output /etc/report Dockerfile',
        'hadolint --shell bash Dockerfile',
        'actionlint -shellcheck /srv/tools/shellcheck',
        'actionlint -pyflakes=~/bin/pyflakes',
        'actionlint -shellcheck=$SC',
        'actionlint -fix',
      ],
      'refused',
    );
  });

  it('codespell, typos, shfmt', () => {
    expectAll(
      [
        'codespell --summary --count src',
        'codespell -w -i 0 docs/',
        'codespell --ignore-words .github/codespell-ignore.txt --skip "*.lock,*.svg"',
        'codespell --check-filenames --quiet-level=2 README.rst',
        'typos --format json src',
        'typos --write-changes docs/ README.md',
        'typos --exclude "vendor/*" --no-ignore-parent',
        'shfmt -s -i 2 -l .',
        'shfmt --write --simplify scripts/',
        'shfmt -ln bash -d bin/',
      ],
      'allow',
    );
    expectAll(
      [
        'codespell -w ../other/README.md',
        'codespell --write-changes /usr/local/lib/python3/x.py',
        'codespell --dictionary ~/.aws/credentials .',
        'typos --write-changes /etc/',
        'typos --dump-config ~/.config/typos.toml',
        'shfmt --write /etc/init.d/x',
        'shfmt -w ~/.zshrc',
        'shfmt --unknown .',
      ],
      'refused',
    );
  });

  it('clang-tidy', () => {
    expectAll(
      [
        'clang-tidy --checks=-*,bugprone-* -p=build src/main.cc',
        'clang-tidy -p build --fix-errors --format-style=file src/a.cpp src/b.cpp',
        'clang-tidy src/x.cc -- -std=gnu++20 -Isrc -Ithird_party/fmt/include -DFOO=1 -O2 -Wall -Wextra',
        'clang-tidy --verify-config',
        'clang-tidy -export-fixes build/fixes.yaml -p build src/y.cc',
        'clang-tidy --extra-arg=-Wno-unknown-warning-option -p build src/y.cc',
        'clang-tidy --config="{Checks: readability-*}" a.cpp --',
        'clang-tidy a.c -- -I/usr/include/glib-2.0 -x c',
      ],
      'allow',
    );
    expectAll(
      [
        'clang-tidy --load /srv/plugins/libMyChecks.so -p build a.cpp',
        'clang-tidy -load=./build/libchecks.so a.cpp',
        'clang-tidy a.cpp -- -fplugin=/srv/p.so',
        'clang-tidy a.cpp -- -B/srv/bin -std=c++17',
        'clang-tidy a.cpp -- --config=/srv/clang.cfg',
        'clang-tidy a.cpp -- -Xclang -load -Xclang /srv/p.so',
        'clang-tidy --extra-arg-before=-fplugin=/srv/p.so a.cpp',
        'clang-tidy --extra-arg -B/srv/bin a.cpp',
        'clang-tidy --export-fixes ~/fixes.yaml a.cpp',
        'clang-tidy --fix /usr/include/stdio.h',
        'clang-tidy --store-check-profile=/var/tmp/prof a.cpp',
        'clang-tidy --vfsoverlay /srv/overlay.yaml a.cpp',
        'clang-tidy --chcks=* a.cpp',
      ],
      'refused',
    );
  });

  it('cppcheck', () => {
    expectAll(
      [
        'cppcheck --enable=warning,performance --error-exitcode=2 -I include -D__linux__ src',
        'cppcheck --std=c99 --suppress=unusedFunction --inline-suppr lib/',
        'cppcheck -j4 --xml --xml-version=2 src 2> build/cppcheck.xml',
        'cppcheck --project=compile_commands.json --output-file=reports/cppcheck.txt',
        'cppcheck --addon=cert --addon=misra.json src/',
        'cppcheck --cppcheck-build-dir=.cppcheck --check-level=exhaustive src',
        'cppcheck -i third_party --suppressions-list=.cppcheck-suppress src',
      ],
      'allow',
    );
    expectAll(
      [
        'cppcheck --addon=/srv/addons/evil.py src',
        'cppcheck --addon-python=/srv/venv/bin/python --addon=misra src',
        'cppcheck --output-file=/var/log/cppcheck.txt src',
        'cppcheck --plist-output=/srv/plist src',
        'cppcheck --checkers-report=~/report.txt src',
        'cppcheck --project=/srv/other/project.cppcheck',
        'cppcheck --clang=/srv/bin/clang src',
        'cppcheck --enabel=all src',
      ],
      'refused',
    );
  });

  it('xmllint, pkg-config, protoc, taplo', () => {
    expectAll(
      [
        'xmllint --noout --valid doc/manual.xml',
        'xmllint --format --encode UTF-8 --output build/out.xml src/in.xml',
        'xmllint --schema xsd/config.xsd --noout conf/*.xml',
        'pkg-config --cflags --libs libffi',
        'pkg-config --atleast-version=1.2.11 zlib',
        'pkg-config --print-variables --variable=pc_path pkg-config',
        'protoc -I=proto --python_out=gen/py --pyi_out=gen/py proto/a.proto',
        'protoc --proto_path=. --ts_proto_out=src/gen --ts_proto_opt=esModuleInterop=true api.proto',
        'protoc --decode_raw < msg.bin',
        'taplo fmt --check --diff',
        'taplo lint --no-schema Cargo.toml',
        'taplo format --option column_width=100 pyproject.toml',
        'taplo --version',
        'taplo lsp stdio',
      ],
      'allow',
    );
    expectAll(
      [
        'xmllint --format --output ~/.bashrc in.xml',
        'xmllint --shell build/doc.xml',
        'xmllint --relaxng https://evil.example/s.rng doc.xml',
        'pkg-config --log-file ~/.profile --cflags zlib',
        'protoc --plugin=protoc-gen-grpc=./bin/grpc_cpp_plugin --grpc_out=. a.proto',
        'protoc --custom_out=gen a.proto',
        'protoc --cpp_out=/usr/include a.proto',
        'protoc --descriptor_set_out=/etc/x.pb a.proto',
        'taplo fmt /etc/cargo/config.toml',
        'taplo check --schema-catalog https://evil.example/catalog.json',
        'taplo lsp tcp --address 0.0.0.0:9000',
      ],
      'refused',
    );
  });

  it('lcov, genhtml, gcov, bison, flex, autotools', () => {
    expectAll(
      [
        'lcov --directory build --capture --output-file build/app.info --rc branch_coverage=1',
        'lcov --add-tracefile a.info --add-tracefile b.info -o total.info',
        'lcov -r total.info "*/tests/*" "/usr/include/*" -o filtered.info',
        'lcov --summary filtered.info',
        'genhtml --branch-coverage --output-directory coverage-report filtered.info',
        'genhtml -q -o public/coverage --prefix "$PWD" cov.info',
        'gcov -abc -o build/obj src/util.c',
        'gcov --json-format --object-directory build/CMakeFiles/t.dir t.c',
        'bison --header=include/parse.h --output=src/parse.c grammar.y',
        'bison -Wcounterexamples -d -o gen/parser.cc parser.yy',
        'flex --outfile=gen/scan.c --header-file=gen/scan.h scan.l',
        'autoreconf --force --install -I m4',
        'autoreconf -i',
        'automake --add-missing --foreign',
        'autoconf --warnings=all',
      ],
      'allow',
    );
    expectAll(
      [
        'lcov --capture --directory . --output-file /srv/www/cov.info',
        'lcov --gcov-tool=/srv/bin/gcov -c -d . -o c.info',
        'lcov --rc genhtml_annotate_script=/srv/x.sh -c -d . -o c.info',
        'lcov --substitute "s#/x#/y#e" -c -d . -o c.info',
        'genhtml --output-directory /var/www/coverage cov.info',
        'genhtml --annotate-script ./x.sh -o out cov.info',
        'gcov -o /srv/obj a.c --bogus',
        'bison --output=/usr/local/src/p.c p.y',
        'bison --skeleton=/srv/evil.m4 p.y',
        'flex --outfile=~/.bashrc scan.l',
        'autoreconf -fi --include=/srv/m4',
        'autoconf --output=/usr/local/bin/configure',
        'automake --output-dir=/etc/x',
      ],
      'refused',
    );
  });
});
