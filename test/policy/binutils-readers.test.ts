import { describe, it } from 'vitest';
import { probeEngine } from './probe-engine.js';

// binutils' readers of object files (nm, objdump, readelf, size, strings, addr2line) have specs
// (lead, stop 53). They were allowed by name: `nm --plugin /root/x.so a.o` loads and runs a shared
// object, and `@FILE` reads more options (a plugin among them) from a file the policy does not read;
// both passed on main 83716e6. Options come from each program's --help (binutils 2.42).

describe('binutils readers of object files', () => {
  const { expectAll } = probeEngine();

  it('a plugin from elsewhere, option files and unknown options are refused', () => {
    expectAll(
      [
        'nm --plugin /root/x.so a.o',
        'nm --plugin=/srv/lto/liblto_plugin.so build/lib.a',
        'nm @/root/opts a.o',
        'objdump @opts.txt -d build/app',
        'readelf @/tmp/../root/opts -a a.o',
        'size @/root/opts a.o',
        'strings @/root/opts a.o',
        'addr2line @/root/opts -e a.out 0x401000',
        'objdump --debuginfod -d a.o',
        'addr2line -e /root/.ssh/id_rsa 0x10',
      ],
      'refused',
    );
  });

  it('everyday reading of the project’s binaries passes', () => {
    expectAll(
      [
        'nm -C build/libfoo.a',
        'nm -gD --defined-only build/libx.so | grep foo',
        'nm --demangle=gnu-v3 -S --size-sort build/app',
        'nm -an -t x build/app',
        'objdump -d build/app',
        'objdump -d -M intel --no-show-raw-insn build/app',
        'objdump -Mintel -d build/app | head -50',
        'objdump -s -j .rodata mystery',
        'objdump -h build/app',
        'objdump --disassemble=main -C build/app',
        'objdump -dS -l build/app',
        'objdump -Wi build/app',
        'objdump --dwarf=info build/app',
        'objdump -EB -d fw.bin -b binary -m arm',
        'readelf -a build/app',
        'readelf -h build/app',
        'readelf -Ws build/lib.so',
        'readelf --debug-dump=info build/app',
        'readelf -x .rodata build/app',
        'readelf -wi build/app',
        'size build/app',
        'size -A -d build/app',
        'size --format=sysv build/app',
        'strings -n 5 data.bin',
        'strings -8 build/app',
        'strings -a vmlinux | grep -i version',
        'addr2line -e build/app -f -C 0x401136',
        'nm --plugin ./build/plugin.so build/x.o',
        'objdump -S -I ../include -d build/app',
      ],
      'allow',
    );
  });
});

// ack reads options from the file `--ackrc` names (any unique prefix of it), a pager among them
// (lead, stop 53: allowed by name before).
describe('ack --ackrc', () => {
  const { expectAll } = probeEngine();

  it('an rc file named on the line asks; searching passes', () => {
    expectAll(['ack --ackrc=/root/x foo', 'ack --ack /root/x foo', 'ack-grep --ackrc .ackrc foo'], 'refused');
    expectAll(['ack -l foo src', 'ack --noenv foo', 'ack -i --type=python foo'], 'allow');
  });
});

// 7-Zip's command is a bare first word (`7z a ARCHIVE FILES…`), which archive-outside's flags never
// matched: `7z a /root/out.7z src` was allowed (lead, stop 53).
describe("7-Zip's archive commands", () => {
  const { expectAll } = probeEngine();

  it('an archive or files outside the workspace, and list files, are refused; work inside passes', () => {
    expectAll(
      [
        '7z a /srv/out.7z src',
        '7za u /srv/backup.zip src',
        '7z a x.7z /etc/passwd',
        '7z a x.7z -i@/srv/list',
      ],
      'refused',
    );
    expectAll(['7z a dist/app.7z build', '7z a -tzip -mx=9 dist/app.zip build', '7z l dist/app.7z'], 'allow');
  });
});
