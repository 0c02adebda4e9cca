import { describe, it } from 'vitest';
import { probeEngine } from './probe-engine.js';

/**
 * Response files and flags handed to a compiler or linker, found by the lead's audit (6 Dec) and
 * allowed on main e671dca: programs that read more arguments from `@FILE` but were not in rule
 * compiler-option-files (strip, gcov, zig, mypy: argparse's fromfile_prefix_chars), `@FILE`
 * inside flags handed to a tool that expands it (`go build -gcflags=@F`: Go's objabi.Flagparse),
 * and CMake's compile and link flag variables, which the build later gives
 * to every compile (`-DCMAKE_C_FLAGS=-fplugin=/root/x.so`), now decided as the compiler driver's
 * own words; the driver's `-Wl,`/`-Xlinker` words are decided with ld's spec instead of asking
 * whatever they were (`-Wl,--as-needed` passes now). Still open: `swift build -Xcc @F`
 * (swift's handed words are read as script paths, where `@` starts a scoped package elsewhere).
 */
const { expectAll } = probeEngine();

describe('@FILE response files', () => {
  it('ask wherever the program or the tool it hands flags to reads one', () => {
    expectAll(
      [
        'strip @/root/x',
        'gcov @/root/x',
        'zig cc @/root/x a.c',
        'zig build-exe @/root/x',
        'mypy @/root/args',
        'mypy @files.txt',
        'python -m mypy @/srv/args',
        'go build -gcflags=@/root/x ./...',
        'go build -ldflags=@/root/x .',
        'go test -gcflags=all=@/root/x ./...',
        'go build -asmflags=@/srv/x ./...',
        'gcc -Wl,@/root/x a.c',
        'gcc -Xlinker @/root/x a.c',
        'cmake -DCMAKE_C_FLAGS=@/root/x ..',
      ],
      'refused',
    );
  });

  it('leave the same programs’ ordinary lines alone', () => {
    expectAll(
      [
        'strip build/app',
        'gcov -b src/a.c',
        'zig build test',
        'zig build-exe src/main.zig',
        'mypy src tests',
        'mypy --strict src',
        'go build -gcflags="-N -l" ./...',
        'go build -ldflags="-s -w -X main.v=1" .',
        'swift build -Xcc -DFOO',
        'gcc -O2 -c src/a.c -o build/a.o',
      ],
      'allow',
    );
  });
});

describe("CMake's flag variables and the driver's linker words", () => {
  it('refuse what the compiler driver or the linker would refuse', () => {
    expectAll(
      [
        'cmake -DCMAKE_C_FLAGS=-fplugin=/root/x.so ..',
        'cmake -DCMAKE_CXX_FLAGS="-B/root/bin" ..',
        'cmake -DCMAKE_EXE_LINKER_FLAGS=-Wl,-plugin=/root/x.so ..',
        'cmake -DCMAKE_CXX_FLAGS_RELEASE:STRING="-O2 -fplugin=/srv/p.so" ..',
        'cmake -DCMAKE_SHARED_LINKER_FLAGS="-Wl,-o,/usr/lib/x.so" ..',
        'gcc -Wl,-o,/usr/bin/x a.c',
        // the driver's linker words are one command line: an option and its value may be apart
        'gcc -Xlinker -plugin -Xlinker /root/x.so a.c',
        'gcc -Wl,-plugin -Wl,/root/x.so a.c',
        'gcc -Xlinker -Map -Xlinker /etc/m a.c',
        'gcc -Xlinker -plugin -Xlinker "$P" a.c',
        'gcc -Wl,-plugin "-Wl,$P" a.c',
        'gcc -Wl,-plugin=/root/x.so a.c',
        'gcc -Wl,--plugin,/root/x.so a.c',
        'gcc -Wl,-Map=/etc/x.map a.c',
        'gcc -Wl,--error-handling-script=/root/x a.c',
        'gcc -Wa,-adhln=/root/x a.c',
      ],
      'refused',
    );
  });

  it('allow ordinary flags', () => {
    expectAll(
      [
        'cmake -DCMAKE_CXX_FLAGS_RELEASE="-O3 -DNDEBUG" ..',
        'cmake -DCMAKE_C_FLAGS="-O2 -Wall -Werror" -S . -B build',
        'cmake -DCMAKE_CXX_FLAGS="-fsanitize=address -g" ..',
        'cmake -DCMAKE_EXE_LINKER_FLAGS="-static" ..',
        'cmake -DCMAKE_CXX_FLAGS:STRING="-std=c++17 -Wextra" ..',
        'cmake -DCMAKE_EXE_LINKER_FLAGS=-Wl,--as-needed ..',
        'cmake -DBUILD_TESTING=ON -DCMAKE_BUILD_TYPE=Debug ..',
        'gcc -Wl,--no-undefined a.c',
        'gcc -Wl,-rpath,/usr/lib a.c -o app',
        'g++ -Wl,-z,relro,-z,now a.cpp -o app',
        'clang -Wl,--gc-sections -Xlinker --no-undefined a.c',
        'gcc -Wl,-soname,libx.so.1 -shared -o libx.so x.o',
        'gcc -Xlinker --no-undefined -Xlinker -rpath -Xlinker /usr/lib a.c',
      ],
      'allow',
    );
  });
});
