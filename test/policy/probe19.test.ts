import { describe, expect, it } from 'vitest';
import { probeEngine } from './probe-engine.js';

/**
 * Classes helper `benign`'s probe 19 (4 Dec, everyday work in R, Julia, Pants, Nix, Haskell, Perl,
 * Lua, Terraform, Go and Gradle projects) found refused without cause: R and Julia one-liners that
 * call the project's development tools (`Rscript -e "devtools::test()"`), Go's flag package's
 * `--name` spelling (`go test --race`, `terraform fmt --recursive`), `node --test` with no file,
 * busted's module search path in the workspace, `nix fmt FILE`, Gradle's formatter tasks, and tools
 * with no spec (pants, nixpkgs-fmt, alejandra, statix, deadnix, treefmt, hpack, terraform-docs,
 * llscheck, carton). Each class is tested both ways: what must stay refused (code, paths and
 * configs from elsewhere, writes outside the workspace, publishing, REPLs, unknown options) and
 * everyday spellings not in the probe.
 */
const { expectAll, check } = probeEngine();

describe('R and Julia one-liners that call the project’s development tools', () => {
  it('allows calls of listed functions with literal arguments', () => {
    expectAll(
      [
        'Rscript -e "devtools::test()"',
        'Rscript -e \'devtools::test(filter = "proc_freq")\'',
        'R --vanilla --quiet -e "devtools::check(document = FALSE)"',
        'Rscript -e \'devtools::load_all(); testthat::test_file("tests/testthat/test-anon.R")\'',
        'Rscript -e \'library(testthat); library(mypkg); test_check("mypkg")\'',
        'Rscript -e \'rcmdcheck::rcmdcheck(args = c("--no-manual", "--no-tests"), error_on = "error")\'',
        'Rscript -e "roxygen2::roxygenise()"',
        'Rscript -e "styler::style_file(\'R/utils.R\')"',
        "Rscript -e \"rmarkdown::render('README.Rmd', output_file = 'README.md')\"",
        'Rscript -e "covr::package_coverage()"',
        "julia --project -e 'using Pkg; Pkg.instantiate()'",
        "julia --project=. -e 'using Pkg; Pkg.test(; coverage=true)'",
        "julia --project=docs docs/make.jl && julia --project=docs -e 'using Pkg; Pkg.status()'",
        'julia -e \'using JuliaFormatter; format_file("src/Foo.jl")\'',
        'julia --project -e \'include("test/runtests.jl")\'',
        "julia --threads 2 --project -e 'import Pkg; Pkg.build()'",
      ],
      'allow',
    );
  });
  it('refuses other code, code or paths from elsewhere, installs and writes outside', () => {
    expectAll(
      [
        'Rscript -e "system(\'id\')"',
        'Rscript -e "devtools::test(); system(\'id\')"',
        "Rscript -e 'devtools::test()' -e 'unlink(\"~\", recursive = TRUE)'",
        'Rscript -e "devtools::install_github(\'u/r\')"',
        'Rscript -e "install.packages(\'x\')"',
        'Rscript -e "devtools::build()"',
        'Rscript -e "devtools:::test()"',
        'Rscript -e \'testthat::test_file("/srv/x.R")\'',
        'Rscript -e \'devtools::load_all("../other")\'',
        'Rscript -e \'library(devtools, lib.loc = "/srv/lib"); test()\'',
        'Rscript -e \'rcmdcheck::rcmdcheck(args = "--output=/srv/x")\'',
        "Rscript -e 'x <- 1; devtools::test()'",
        "Rscript -e 'devtools::test(pkg = getwd())'",
        'Rscript -e "$CODE"',
        "julia -e 'run(`rm -rf /srv`)'",
        'julia -e \'using Pkg; Pkg.test("$(run(`id`))")\'',
        'julia -e \'include("/srv/x.jl")\'',
        'julia -e \'Pkg.activate("/srv/env"); Pkg.test()\'',
        'julia -e \'using Pkg; Pkg.add(url="https://x.example/y.git")\'',
        "julia -e 'import Pkg as P; P.test()'",
        "julia -L /srv/x.jl -e 'using Pkg; Pkg.test()'",
        "julia --project=/srv/x -e 'using Pkg; Pkg.test()'",
        "echo 'run(`id`)' | julia -i -e 'using Pkg; Pkg.status()'",
      ],
      'refused',
    );
    expect(check('Rscript -e \'styler::style_file("/etc/profile")\'').decision).toBe('deny');
    expect(check('julia -e \'using JuliaFormatter; format("/etc")\'').decision).toBe('deny');
    expect(check('Rscript -e \'testthat::test_file(".env")\'').decision).toBe('deny');
  });
});

describe("Go's flag package: `--name` is `-name`", () => {
  it('allows the double-dash spelling of a known option', () => {
    expectAll(
      [
        'go test --race ./...',
        'go test --count=1 --run TestX ./pkg/...',
        'go build --trimpath -o bin/app ./cmd/app',
        'terraform fmt --recursive',
        'terraform fmt --check --diff',
        'buildifier --mode=check BUILD.bazel',
      ],
      'allow',
    );
  });
  it('reads the double-dash spelling with the option’s effect, and takes no abbreviation', () => {
    expectAll(
      [
        'go test --exec=/srv/x ./...',
        'go test --toolexec x ./...',
        'go vet --vettool=/srv/v ./...',
        'go build --o /etc/x ./cmd/app',
        'go test --overlay=/srv/o.json ./...',
        'go test --rac ./...',
        'terraform fmt --recur',
        'buildifier --diff_command=sh BUILD.bazel',
      ],
      'refused',
    );
  });
});

describe('node --test, busted search paths, nix fmt and Gradle formatters', () => {
  it('allows the project’s own', () => {
    expectAll(
      [
        'node --test',
        'node --test --experimental-test-coverage',
        'node --test --test-reporter=spec',
        'node --test --test-reporter ./reporters/ci.mjs test/',
        'busted --lpath=./lua/?.lua ./test',
        'busted --cpath=./build/?.so spec',
        'nix fmt flake.nix',
        'nix fmt -- --fail-on-change',
        './gradlew spotlessKotlin spotlessApply',
        'gradle formatKotlin lintKotlin',
        './gradlew :app:spotlessCheck',
      ],
      'allow',
    );
  });
  it('refuses reporters, search paths and hooks from elsewhere, and writes outside', () => {
    expectAll(
      [
        // a test reporter is a module node loads: this was allowed on main
        'node --test --test-reporter=/srv/rep.mjs test/',
        'node --test --test-reporter /root/r.js',
        'echo "x" | node',
        'busted --lpath=/srv/?.lua ./test',
        'busted --cpath=~/lib/?.so spec',
        'nix fmt /etc/nixos/configuration.nix',
        './gradlew spotlessInstallGitPrePushHook',
        'gradle addKtlintCheckGitPreCommitHook',
        './gradlew ktlintApplyToIdeaGlobally',
        './gradlew publishToMavenLocal',
      ],
      'refused',
    );
  });
});

describe('specs for Pants, Nix formatters, treefmt, hpack, terraform-docs, llscheck and Carton', () => {
  it('allows their everyday commands', () => {
    expectAll(
      [
        'pants test ::',
        'pants fmt lint check src/python::',
        'pants --changed-since=origin/main --changed-dependents=transitive test',
        'pants package src/docker:app',
        'pants run src/python/app:main',
        'pants tailor --check update-build-files --check ::',
        'nixpkgs-fmt --check .',
        'alejandra -q .',
        'statix check -i .direnv',
        'statix fix .',
        'deadnix --fail .',
        'deadnix --edit nix/',
        'treefmt --ci',
        'treefmt src/main.rs',
        'hpack',
        'hpack packages/core',
        'terraform-docs markdown table .',
        'terraform-docs markdown table --output-file README.md --output-mode inject modules/vpc',
        'terraform-docs json .',
        'llscheck lua/',
        'carton install --deployment',
        'carton exec -- prove -lr t',
        'carton exec perl script/app.pl',
      ],
      'allow',
    );
  });
  it('refuses REPLs, publishing, configs and plugins from elsewhere, unknown options and writes outside', () => {
    expectAll(
      [
        'pants repl ::',
        'pants publish ::',
        'pants export ::',
        'pants test /srv::',
        'pants test ../other::',
        'pants --pants-config-files=/srv/p.toml test ::',
        'pants --backend-packages=evil test ::',
        'nixpkgs-fmt /etc/nixos/configuration.nix',
        'alejandra ~/.config/home-manager/home.nix',
        'statix fix /etc/nixos',
        'deadnix --edit /etc/nixos/x.nix',
        'treefmt --config-file /srv/treefmt.toml',
        'treefmt /etc/hosts',
        'hpack /srv/pkg',
        'terraform-docs markdown table --output-file /etc/motd .',
        'terraform-docs --frobnicate .',
        'carton exec rm -rf ~',
        'carton update',
        'carton bundle',
        'carton install --path /srv/local',
      ],
      'refused',
    );
    expect(check('carton exec rm -rf ~').decision).toBe('deny');
    expect(check('hpack /srv/pkg').decision).toBe('deny');
  });
});

describe('perl -MModule -e 1: whether a module is installed', () => {
  it('allows module names and a number as the code', () => {
    expectAll(
      ['perl -MTest::More -e 1', 'perl -MDBI -MDBD::Pg -e 1 2>/dev/null', 'perl -mJSON::PP -E 1'],
      'allow',
    );
  });
  it('refuses other code, import arguments, other options and script operands', () => {
    expectAll(
      [
        "perl -MFoo -e 'system 1'",
        "perl -MFoo -e '1; unlink glob q(~/*)'",
        'perl -MFoo=bar -e 1',
        'perl -I/srv/lib -MFoo -e 1',
        'perl -MFoo -e 1 x.pl',
        'perl -e 1',
        'perl -MFoo -e "$CODE"',
      ],
      'refused',
    );
  });
});
