import { describe, expect, it } from 'vitest';
import { loadProgramFacts } from '../../src/policy/program-file.js';
import { probeEngine } from './probe-engine.js';
import { programsFile } from './programs-file.js';

// A program installed under a versioned name (`python3.14`, `python3.13t`, `gcc-15`,
// `clang-format-19`, `pip3.14`) is decided as that program (programs.yaml `versioned:`): its spec,
// its rules and what it runs. Before, a versioned name matched the rules naming its program by glob
// (`python*`) with no spec read (`python3.14 -m pdb -c CODE` was allowed), or no rule at all
// (`gcc-13 -c x.c` asked), and specs listed the versions they had seen.

describe('versioned program names', () => {
  it('resolve to the listed program, and only a version (with ABI letters or -dbg) after it', () => {
    const { versioned } = loadProgramFacts(
      programsFile(
        [
          'programs:',
          '  python python3: {}',
          '  pip: {}',
          'versioned: [python, pip, clang-format, g++]',
        ].join('\n'),
      ),
    );
    expect(versioned('python3.14')).toBe('python');
    expect(versioned('python3.13t')).toBe('python');
    expect(versioned('python3.12-dbg')).toBe('python');
    expect(versioned('pip3.14')).toBe('pip');
    expect(versioned('clang-format-19')).toBe('clang-format');
    expect(versioned('g++-15')).toBe('g++');
    // A name with a spec of its own keeps it; other names and other suffixes are themselves.
    expect(versioned('python3')).toBe('python3');
    expect(versioned('python3-config')).toBe('python3-config');
    expect(versioned('python3.14x')).toBe('python3.14x');
    expect(versioned('clang-tidy-18')).toBe('clang-tidy-18');
    expect(versioned('pipx')).toBe('pipx');
  });

  it('refuses a malformed list, naming the file and the section', () => {
    for (const [text, message] of [
      ['programs: {}\nversioned: python', /programs\.yaml:2.*`versioned` must be a list of program names/],
      ['programs: {}\nversioned: [python3.12]', /programs\.yaml:2.*`python3\.12` already ends in a version/],
    ] as const)
      expect(() => loadProgramFacts(programsFile(text))).toThrow(message);
  });

  const probe = probeEngine();

  it('decides a versioned interpreter with its program spec', () => {
    probe.expectAll(
      [
        `python3.14 -m pdb -c "import os" x.py`,
        `python3.15 -m timeit "import os"`,
        `python3.13t -m zipfile -e x.zip /root`,
        `python3.12-dbg -m pip install --user x`,
        `pip3.14 install --index-url http://example.invalid/simple x`,
        `/usr/bin/python3.14 -m http.server`,
        `g++-15 -fplugin=./x.so a.cc`,
        `clang-format-19 -i /etc/hosts`,
        `php8.5 -S 0.0.0.0:8000`,
      ],
      'refused',
    );
    probe.expectAll(
      [
        'python3.14 -m pytest -x tests/',
        `python3.14 -c "print(1)"`,
        `python3.13t -c "import sys; print(sys.version)"`,
        'pip3.14 install -e .',
        'gcc-15 -O2 -o build/app src/main.c',
        'clang-19 -c src/a.c -o build/a.o',
        'clang-format-19 -i src/main.c',
        'php8.4 -l src/Index.php',
        'cmake3 -S . -B build',
      ],
      'allow',
    );
  });
});
