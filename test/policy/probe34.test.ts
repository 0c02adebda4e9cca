import { describe, expect, it } from 'vitest';
import { probeEngine, probeSuite } from './probe-engine.js';

/**
 * Helper `probe34`'s held-out probe (6 Dec), written from sources no earlier probe, corpus line,
 * test or Measured paragraph cited (each URL grepped in test/fixtures/policy, test/policy,
 * src/policy/README.md and policies/README.md first; the 48 dangerous lines whose exact spelling
 * the corpus or an earlier probe already had were replaced before measuring). Every source is
 * named in test/fixtures/policy/probe34/README.md.
 *
 * Dangerous (test/fixtures/policy/probe34/dangerous.jsonl, 388 lines): option and environment
 * spellings of programs the policy has specs for, from each program's own source or manual:
 * values that are data and paths at once (protoc's `PARAMS:DIR`, golangci-lint's `FORMAT:PATH`,
 * jest's JSON `--config`, scc's `FORMAT:FILE` lists, curl's `%output{FILE}`), response files,
 * abbreviations, `--opt=value`, glued short options, paths through `..`, `~user`, `${HOME}`, `~+`
 * and `//`, environment equivalents of options (PYTEST_ADDOPTS, NODE_OPTIONS, CARGO_*, YARN_*,
 * PIP_*, GIT_*, CC/CFLAGS/LDFLAGS), and wrappers' and build front-ends' options that set where or
 * with what the command they run starts (watchexec, GNU parallel, cmake --build, just --set).
 *
 * Benign (benign.jsonl, 86 lines): the CI workflows, scripts, Makefile, package.json and tox.ini
 * of typer, samber/lo, kysely and pip-tools (22 are spellings the corpus or an earlier probe had).
 *
 * On main e671dca, before any fix: 13 of 388 dangerous lines allowed (3 protoc `PARAMS:DIR`
 * writes outside the workspace, `cmake --build … -- SHELL=/srv/sh`, 3 `just --set NAME VALUE`
 * lines that hid `--command`/`--shell`/`--justfile`, 4 watchexec `-E`/`--env`/`--workdir`, 2 GNU
 * parallel `--workdir`/`--wd`), and 83 of 86 benign (96.5%; 62 of the 64 the corpus and earlier
 * probes had not seen, 96.9%). After: 0 of 388 and 85 of 86 (98.8%).
 */
const { expectAll, check } = probeEngine();

/** Benign lines refused, each for a reason the test states. */
const REFUSED_BENIGN: Record<string, string> = {
  // fetching from a remote is network access whose hosts a project policy allows (git-network)
  'git fetch --tags': 'by design: git network access',
};

probeSuite(
  {
    title: 'held-out probe 34: every line',
    dir: 'probe34',
    counts: { dangerous: 388, benign: 86 },
    byDesign: {},
    refusedBenign: REFUSED_BENIGN,
    sources: /^https:\/\//,
    benignAre: 'the everyday lines of the projects’ CI',
  },
  expectAll,
);

describe('a written place after a `PARAMS:` word (protoc, golangci-lint)', () => {
  it('decides the place after the colon', () => {
    expectAll(
      [
        'protoc --go_out=paths=source_relative:/root/.ssh x.proto',
        'protoc --cpp_out=lite:.git/hooks x.proto',
        'protoc --ruby_out=x:~/.local/bin x.proto',
        'protoc --go_out=Mfoo/bar.proto=example.com/x:/root/.config x.proto',
        'protoc --doc_out=markdown,x.md:/etc x.proto',
        'protoc --grpc_python_out=a:b:/root/x x.proto',
        'golangci-lint run --out-format=checkstyle:/root/.profile',
      ],
      'refused',
    );
  });
  it('allows generated code written in the workspace or /tmp', () => {
    expectAll(
      [
        'protoc --go_out=paths=source_relative:. x.proto',
        'protoc --cpp_out=lite:gen x.proto',
        'protoc --go_out=. --go-grpc_out=require_unimplemented_servers=false:. x.proto',
        'protoc --python_out=pyi_out:gen/py x.proto',
        'protoc --cpp_out=dllexport_decl=X:/tmp/out x.proto',
        'protoc --python_out=/tmp/gen x.proto',
      ],
      'allow',
    );
  });
});

describe('wrappers’ options that set where and with what the command starts', () => {
  it('decides the command in the directory `--workdir`/`--wd` names', () => {
    expectAll(
      [
        'watchexec --workdir ../../srv make',
        'watchexec --workdir=/opt/other -- npm test',
        'parallel --workdir=/srv make ::: a',
        'parallel --wd=../../srv ./run.sh ::: a',
        'parallel --workd /srv make ::: a',
      ],
      'refused',
    );
    expectAll(
      ['watchexec --workdir . make', 'watchexec --workdir=sub -- make test', 'parallel --wd . make ::: a b'],
      'allow',
    );
  });
  it('decides `-E`/`--env NAME=VALUE` as `env NAME=VALUE`', () => {
    expectAll(
      [
        'watchexec -E BASH_ENV=/srv/x -- bash build.sh',
        'watchexec -ELD_PRELOAD=/srv/x.so make',
        'watchexec --env NODE_OPTIONS=--require=/srv/x.js -- npm test',
        'watchexec --env=PATH=/srv/bin make',
        'watchexec -E "$X" make',
      ],
      'refused',
    );
    expectAll(
      [
        'watchexec -E RUST_LOG=debug cargo test',
        'watchexec --env=RUST_BACKTRACE=1 -- cargo test',
        'watchexec -ERUST_LOG=info cargo test',
        'watchexec -w src -e rs -- cargo test',
      ],
      'allow',
    );
  });
  it('keeps the directory to the command it runs', () => {
    // (`--workdir` is the child's: the `make` after `;` runs in the workspace)
    expect(check('watchexec --workdir sub -- make test; make').decision).toBe('allow');
  });
});

describe('`cmake --build DIR -- ARGS`: the native tool’s words are a make line', () => {
  it('refuses what make refuses', () => {
    expectAll(
      [
        'cmake --build build -- SHELL=/srv/sh',
        'cmake --build build -- -j4 MAKEFLAGS=--eval=x',
        'cmake --build=build -- CC=/srv/cc',
        'cmake --build build -- -f /srv/Makefile',
        "cmake --build build -- --eval='$(shell id)'",
      ],
      'refused',
    );
  });
  it('allows the everyday native flags', () => {
    expectAll(
      [
        'cmake --build build -- -j4',
        'cmake --build build -- -j4 VERBOSE=1',
        'cmake --build build --target all -- -k',
      ],
      'allow',
    );
  });
});

describe('options that take two words (`just --set NAME VALUE`, `jq --rawfile NAME FILE`)', () => {
  it('reads the options after the pair as just’s own', () => {
    expectAll(
      [
        "just --set x y --command 'curl evil.example'",
        'just --set a b --justfile=/srv/justfile build',
        'just --set a b -f /srv/justfile build',
        'just --set a b -d / build',
        'just --set=a b --shell /srv/sh build',
        'jq -n --rawfile s /root/.ssh/id_rsa "$s"',
        'jq --slurpfile d ~/.aws/credentials -n .',
      ],
      'refused',
    );
  });
  it('allows the pairs themselves', () => {
    expectAll(
      [
        'just --set x y build',
        'just --set=x y build',
        "jq --arg x 1 '.a' f.json",
        "jq -n --rawfile s notes.txt '$s'",
        "jq --argjson n 3 -n '$n'",
        "jq --slurpfile d data.json -n '$d'",
      ],
      'allow',
    );
  });
});

describe('ty and tsd', () => {
  it('allow checking the project’s types', () => {
    expectAll(
      [
        'ty check typer',
        'ty check --python .venv src',
        'ty check --output-format concise --error-on-warning .',
        'tsd test/typings',
        'tsd --typings index.d.ts --files "test/**/*.ts"',
      ],
      'allow',
    );
  });
  it('refuse a configuration or interpreter from elsewhere, secrets and the language server', () => {
    expectAll(
      [
        'ty check --config-file /srv/ty.toml',
        'ty check --python /srv/py/bin/python',
        'ty server',
        'ty check /root/.aws/credentials',
        'tsd -t /root/.ssh/id_rsa',
      ],
      'refused',
    );
  });
});
