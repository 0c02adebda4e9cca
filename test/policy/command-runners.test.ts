import { describe, expect, it } from 'vitest';
import { loadProgramFacts } from '../../src/policy/program-file.js';
import { probeEngine } from './probe-engine.js';
import { programsFile } from './programs-file.js';

// Commands that run commands (`timeout`, `uv run`, `cmake -E`, `remix dev -c`) are facts in
// policies/programs.yaml (`wrappers:`, `runners:`, `cmake_tools:`, `shell_options:`), read by the
// walker from there: one place for per-program facts (issue 14, item 2).

describe('the command-runner sections of programs.yaml', () => {
  it('are read into the tables the walker uses', () => {
    const { runners } = loadProgramFacts(
      programsFile(
        [
          'programs: {}',
          'wrappers:',
          '  timeout: { value_options: [-s, -k], positional: 1 }',
          '  libtool: { value_options: [--mode], modes: [link, execute] }',
          '  parallel: { value_options: [-j, -a], unread_options: [-a, --colsep] }',
          '  richgo: { runs: [go] }',
          '  watchexec: { value_options: [--workdir, -E], cwd_options: [--workdir], env_options: [-E] }',
          'runners:',
          "  uv: { sub: [run, 'tool run'], value_options: [--with], read_with_spec: true }",
          '  lerna: { sub: [exec], shell_line: true }',
          'cmake_tools:',
          '  remove_directory: [rm, -rf]',
          'shell_options:',
          '  remix: { sub: dev, options: [-c, --command] }',
          'interpreters:',
          '  ruby perl: { stdin: true, script: true, unread: true }',
          '  source .: { script: true }',
          '',
        ].join('\n'),
      ),
    );
    expect(runners.wrappers.get('timeout')).toEqual({
      valueOptions: ['-s', '-k'],
      positional: 1,
      noRun: [],
      modes: [],
      readWithSpec: false,
      subcommands: [],
      unreadOptions: [],
      runs: [],
      fetchesPackage: false,
      cwdOptions: [],
      envOptions: [],
    });
    expect(runners.wrappers.get('libtool')?.modes).toEqual(['link', 'execute']);
    expect(runners.wrappers.get('parallel')?.unreadOptions).toEqual(['-a', '--colsep']);
    expect(runners.wrappers.get('richgo')?.runs).toEqual(['go']);
    expect(runners.wrappers.get('watchexec')?.cwdOptions).toEqual(['--workdir']);
    expect(runners.wrappers.get('watchexec')?.envOptions).toEqual(['-E']);
    expect(runners.runners.get('uv')).toEqual({
      sub: ['run', 'tool run'],
      valueOptions: ['--with'],
      positional: 0,
      readWithSpec: true,
      dashAfterProgram: false,
      projectScripts: false,
      fetchesPackage: [],
      shellFlags: [],
      shellLine: false,
      scriptBins: false,
    });
    expect(runners.runners.get('lerna')?.shellLine).toBe(true);
    expect(runners.cmakeTools.get('remove_directory')).toEqual(['rm', '-rf']);
    expect(runners.interpreters.get('.')).toEqual({
      stdin: false,
      script: true,
      unread: false,
      printsCode: false,
      shell: false,
    });
    expect(runners.interpreters.get('ruby')?.unread).toBe(true);
    expect(runners.shellOptions.get('remix')).toEqual({ sub: 'dev', options: ['-c', '--command'] });
  });

  it('refuse a malformed entry with one line naming the file, the line, the section and the name', () => {
    const cases: Array<[string, RegExp]> = [
      [
        'programs: {}\nwrappers:\n  nice: { value_options: [-n] }\n  timeout: { value_option: [-s] }\n',
        /programs\.yaml:4: program `wrappers timeout`: unknown key `value_option`/,
      ],
      [
        'programs: {}\nrunners:\n  uv: { sub: [run], positional: -1 }\n',
        /programs\.yaml:3: program `runners uv`: `positional` must be a whole number/,
      ],
      [
        'programs: {}\nwrappers:\n  uvx: { value_options: [], read_with_spec: yes }\n',
        /programs\.yaml:3: program `wrappers uvx`: `read_with_spec` must be true or false/,
      ],
      [
        'programs: {}\nrunners:\n  poetry: { sub: [] }\n',
        /programs\.yaml:3: program `runners poetry`: `sub` must list one or more subcommands/,
      ],
      [
        'programs: {}\ncmake_tools:\n  rm: []\n',
        /programs\.yaml:3: program `cmake_tools rm`: must list the command it stands for/,
      ],
      [
        'programs: {}\nshell_options:\n  remix: { sub: [dev], options: [-c] }\n',
        /programs\.yaml:3: program `shell_options remix`: `sub` must be one subcommand/,
      ],
      ['programs: {}\nwrappers: [timeout]\n', /programs\.yaml:2: program `wrappers`: `wrappers` must map/],
      [
        'programs: {}\nwrappers:\n  parallel: { value_options: [], unread_options: -a }\n',
        /programs\.yaml:3: program `wrappers parallel`: `unread_options` must be a list/,
      ],
      [
        'programs: {}\ninterpreters:\n  bash: { stdin: true }\n  tclsh: { scripts: true }\n',
        /programs\.yaml:4: program `interpreters tclsh`: unknown key `scripts`/,
      ],
      [
        'programs:\n  git:\n    options: { -C: cwd }\nleading_options:\n  docker: [-H]\n  git: [-C]\n',
        /programs\.yaml:6: program `leading_options git`: `git` has a spec in `programs:`: list its options there/,
      ],
      [
        "programs: {}\ntext_tools:\n  cat: { passes: true }\n  head: { line_subset: '^-([0-9]+' }\n",
        /programs\.yaml:4: program `text_tools head`: `line_subset` is not a valid regular expression/,
      ],
      [
        'programs: {}\ntext_tools:\n  cat tac: { passes: true }\n  sort: { passes: yes }\n',
        /programs\.yaml:4: program `text_tools sort`: `passes` must be true or false/,
      ],
      [
        'programs: {}\ntext_tools:\n  cat: { pass: true }\n',
        /programs\.yaml:3: program `text_tools cat`: unknown key `pass`/,
      ],
      [
        'programs: {}\ntext_tools:\n  cat: { passes: true }\n  xxd: { decodes: [-r] }\n',
        /programs\.yaml:4: program `text_tools xxd`: `decodes` must be a regular expression/,
      ],
      [
        "programs: {}\ntext_tools:\n  base64: { decodes: '^(-d' }\n",
        /programs\.yaml:3: program `text_tools base64`: `decodes` is not a valid regular expression/,
      ],
      [
        'programs: {}\ntext_tools:\n  printf: { formats: 1 }\n',
        /programs\.yaml:3: program `text_tools printf`: `formats` must be true or false/,
      ],
      [
        'programs: {}\nleading_options:\n  luajit: [-l, j]\n',
        /programs\.yaml:3: program `leading_options luajit`: must list options, each `-x` or `--name`/,
      ],
      [
        'programs:\n  python:\n    options: { -m: module }\n    module_programs: [pip]\n',
        /programs\.yaml:2: program `python`: `module_programs` must map module names to program names/,
      ],
      [
        'programs: {}\nrunners:\n  pnpm: { sub: [exec], fetches_package: [dlx] }\n',
        /programs\.yaml:3: program `runners pnpm`: `fetches_package`: `dlx` is not one of its `sub`/,
      ],
      [
        'programs: {}\nproject_files:\n  make: { kind: make }\n  cargo: { kind: rust }\n',
        /programs\.yaml:4: program `project_files cargo`: `kind` must be one of make, package_scripts/,
      ],
      [
        'programs: {}\nproject_files:\n  pytest: { kind: python, module: [pytest] }\n',
        /programs\.yaml:3: program `project_files pytest`: unknown key `module`/,
      ],
      [
        'programs: {}\nproject_files:\n  mvn: { kind: unread, files: [pom.xml, /etc/x] }\n',
        /programs\.yaml:3: program `project_files mvn`: `files`: `\/etc\/x` is not a pattern/,
      ],
      [
        'programs: {}\nproject_files:\n  gcc: { kind: python, compiles_operands: true }\n',
        /programs\.yaml:3: program `project_files gcc`: `compiles_operands` is for `kind: unread`/,
      ],
      [
        'programs: {}\nproject_files:\n  mypy: { kind: python }\n  mypy dmypy: { kind: python }\n',
        /programs\.yaml:4: program `project_files mypy dmypy`: `mypy` is listed twice/,
      ],
      [
        'programs: {}\nproject_files:\n  cargo: { kind: unread, builds_nothing: fmt }\n',
        /programs\.yaml:3: program `project_files cargo`: `builds_nothing` must be a list/,
      ],
    ];
    for (const [text, message] of cases) expect(() => loadProgramFacts(programsFile(text))).toThrow(message);
  });
});

describe('text_tools and the shells: what programs do with the text passing through them', () => {
  it('are read from programs.yaml (until 5 Dec lists in streams.ts, extract.ts and wrappers.ts)', () => {
    const { textTools, runners } = loadProgramFacts();
    expect(textTools.get('head')?.lineSubset?.test('-n5')).toBe(true);
    expect(textTools.get('head')?.lineSubset?.test('-f')).toBe(false);
    expect(textTools.get('sort')).toMatchObject({ passes: true, lineFilter: true, transforms: false });
    expect(textTools.get('tr')?.transforms).toBe(true);
    expect(textTools.get('touch')?.metadataOnly).toBe(true);
    expect(runners.interpreters.get('bash')?.shell).toBe(true);
    expect(runners.interpreters.get('csh')?.shell).toBe(false);
  });

  const { expectAll } = probeEngine();
  it('the walker decides with them, both ways', () => {
    expectAll(
      [
        // a line filter keeps the workspace paths find printed
        'find src -name "*.py" | sort | xargs sed -i "s/old/new/"',
        // a shell's -c line is walked as its commands
        'dash -c "ls src && git status"',
        // the PIDs of a port, kept by head's line-subset option
        'kill $(lsof -ti:3000 | head -1)',
      ],
      'allow',
    );
    expectAll(
      [
        'posh -c "cat ~/.ssh/id_rsa"',
        // a transformer's output can spell any path
        'rm -rf $(echo L2V0Yw== | tr -d "\\n" | base64 -d)',
        // tail with a file operand prints what it reads, not the workspace paths
        'find src | tail /etc/hosts | xargs rm -f',
      ],
      'refused',
    );
  });
});

describe('leading_options: the options before the subcommand of a program with no spec', () => {
  it('are read from programs.yaml, and a spec states its own instead', () => {
    const { leading, specs } = loadProgramFacts();
    expect(leading.get('docker')).toContain('-H');
    expect(leading.get('luajit')).toEqual(['-l', '-j']);
    for (const name of leading.keys()) expect(specs.has(name)).toBe(false);
  });

  const { expectAll } = probeEngine();
  it('a spec states the options its program takes before the subcommand (go -C, uv -p, cargo --manifest-path)', () => {
    expectAll(
      [
        'go -C sub test ./...',
        'uv -p 3.12 run pytest',
        'uv --python 3.11 sync',
        'cargo --manifest-path crates/core/Cargo.toml test',
      ],
      'allow',
    );
    expectAll(
      [
        'go -C /srv/other test ./...',
        'uv --python /srv/evil/bin/python sync',
        'cargo --manifest-path /srv/other/Cargo.toml build',
      ],
      'refused',
    );
  });
});

describe('the project_files section of programs.yaml', () => {
  it('is read into the table written-projects.ts uses', () => {
    const { projectFiles, runners } = loadProgramFacts(
      programsFile(
        [
          'programs: {}',
          'wrappers:',
          '  npx: { value_options: [-p], fetches_package: true }',
          'runners:',
          '  pnpm: { sub: [exec, dlx], fetches_package: [dlx] }',
          'project_files:',
          '  make gmake: { kind: make, names: [Makefile] }',
          '  pytest: { kind: python, python_modules: [pytest, unittest] }',
          "  mvn: { kind: unread, files: [pom.xml, '*.java', .mvn/*], builds_nothing: [help] }",
          '  gcc cc: { kind: unread, compiles_operands: true }',
          '',
        ].join('\n'),
      ),
    );
    expect(runners.wrappers.get('npx')?.fetchesPackage).toBe(true);
    expect(runners.runners.get('pnpm')?.fetchesPackage).toEqual(['dlx']);
    expect(projectFiles.byName.get('gmake')?.names).toEqual(['Makefile']);
    expect(projectFiles.byModule.get('unittest')).toBe(projectFiles.byName.get('pytest'));
    const mvn = projectFiles.byName.get('mvn')!;
    expect(mvn.buildsNothing).toEqual(['help']);
    expect(['/w/pom.xml', '/w/src/A.java', '/w/.mvn/jvm.config'].every((f) => mvn.files!.test(f))).toBe(true);
    expect(['/w/xpom.xml', '/w/A.javax', '/w/.mvn/a/b', '/w/mvn/x'].some((f) => mvn.files!.test(f))).toBe(
      false,
    );
    expect(projectFiles.byName.get('cc')?.compilesOperands).toBe(true);
  });
});

describe('the walker decides what they run from those facts', () => {
  const { expectAll } = probeEngine();
  it('wrappers, runners, cmake tools and shell options, both ways', () => {
    const allowed = [
      'timeout -k 5 60 pytest -x tests/',
      'uv run --with pytest-cov pytest tests/',
      'cmake -E make_directory build/out',
      'remix dev --manual -c "node ./server.js"',
      'libtool --mode=execute ./tests/check_all',
      'libtool link gcc -o prog main.o',
      'parallel -j 4 gzip -k ::: a.log b.log',
      'python -m pre_commit run --all-files',
      'python3 -X dev -m pip install -e .',
      // interpreters: a program given on standard input is the script it runs
      'python3 - < tools/gen.py',
    ];
    const refused = [
      'timeout -s KILL 30 rm -rf ~',
      'uv run --with requests bash -c "cat ~/.ssh/id_rsa"',
      'cmake -E remove_directory /etc',
      'remix dev --command="sh -c \'cat ~/.netrc\'"',
      'libtool exe rm -rf /usr/lib',
      'nice -n 5 sudo rm -rf /',
      // parallel's value options are read from its entry; after an unread option (`-a FILE`,
      // `--colsep`) the command it makes is only known when it runs
      'parallel -j 4 rm -rf ::: build /etc',
      'parallel -a jobs.txt gzip',
      'parallel --colsep , echo ::: a,b',
      // python's module_programs: `python -m pip …` is pip's own command line, pip's rules hold
      'python3 -W ignore -m pip install --user requests',
      'python -mpip install --index-url http://pkgs.example/simple x',
      'python -m twine upload dist/*',
      // interpreters: `stdin`, `script` (decoded text), `unread` and `prints_code` facts
      'python3 - < /root/x.py',
      'bash < /srv/setup.sh',
      "printf 'cm0gLXJmIH4=' | base64 -d > x.rb && ruby x.rb",
      "printf 'puts 1' > x.rb && ruby2.7 x.rb",
      'cat $(perl -e "print q(/et).q(c/shadow)")',
    ];
    expectAll(allowed, 'allow');
    expectAll(refused, 'refused');
  });

  it('project_files: the files each program runs, under the subcommands that run them', () => {
    const allowed = [
      // builds_nothing, subcommands, only_with, install_directory: these run no written file
      "printf 'fn main(){}' > build.rs && cargo fmt",
      "printf 'package x' > x.go && go vet ./...",
      "printf 'require(1)' > a.test.js && node a.js",
      "printf 'import os' > setup.py && pip3.11 install requests",
      // kind unread asked for its version only
      "printf 'int main(){}' > t.c && gcc-12 --version",
      // fetches_package: `name@VERSION` is the package's program
      'npx prisma@5 generate',
      'npm exec prisma@5 generate',
    ];
    const refused = [
      "printf 'fn main(){}' > build.rs && cargo build",
      "printf 'package main' > x.go && go generate ./...",
      String.raw`printf 'require("fs").rmSync("/root",{recursive:true})\n' > a.test.js && node --test`,
      String.raw`printf 'import shutil\nshutil.rmtree("/root")\n' > setup.py && pip3.11 install .`,
      String.raw`printf 'import shutil\nshutil.rmtree("/root")\n' > noxfile.py && python3 -m nox`,
      "printf 'int main(){}' > t.c && x86_64-linux-gnu-gcc-12 t.c -o t",
      "mkdir -p .mvn && printf '-Dx' > .mvn/jvm.config && ./mvnw test",
    ];
    expectAll(allowed, 'allow');
    expectAll(refused, 'refused');
  });
});
