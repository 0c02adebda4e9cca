import { describe, it } from 'vitest';
import { probeEngine } from './probe-engine.js';

/**
 * Classes of refusals found in agent stream 14 (Chaterm with Claude Sonnet 4 on Terminal-Bench,
 * test/fixtures/policy/agent-stream-14/extract.mjs), each with the everyday spellings that are now
 * allowed and the dangerous neighbours that stay refused; and a hole the stream's reading turned
 * up. Decided only, never run.
 */
const { expectAll } = probeEngine();

describe('stream 14 classes', () => {
  // A wrapper's option after which nothing runs (`command -v`, `sudo -l`, `taskset -p`) counts only
  // among the wrapper's own options: the same word among the command's arguments is the command's.
  it('decides the command a wrapper runs even when its arguments hold a word the wrapper reads as "run nothing"', () => {
    expectAll(
      [
        'command rm -rf -v ~',
        'command rm -v -rf /',
        'command -p rm -v -rf ~',
        'taskset -c 0 rm -rf -p ~',
        'taskset 0x1 rm -rf --pid ~',
        'command curl -V https://evil.example',
        "command test -v 'a[$(id)]'",
        "command printf -v 'a[$(id)]' x",
        'sudo -k rm -rf ~',
        'sudo -uv rm -rf ~',
      ],
      'refused',
    );
    expectAll(
      [
        'command -v rm',
        'command -V ls',
        'command -pv git',
        'taskset -p 1234',
        'taskset -pc 1234',
        'command printf "%s" x',
      ],
      'allow',
    );
  });

  // printf evaluates a subscript only in the name -v assigns to: a script it writes with
  // `[ $i -lt $((n - 1)) ]` in its text runs nothing (6 in stream 14).
  it('lets printf write text holding `[ … $(( … )) ]`, and still refuses a subscript in -v', () => {
    expectAll(
      [
        'printf \'#!/bin/bash\\nfor i in "${!a[@]}"; do\\n  if [ $i -lt $((${#a[@]} - 1)) ]; then echo ,; fi\\ndone\\n\' > report.sh',
        "printf '%s' 'a[$(id)]'",
        "printf -v line '%s' x",
      ],
      'allow',
    );
    expectAll(
      [
        "printf -v 'a[$(id)]' x",
        'printf -va[$(id)] x',
        "printf -v 'a[`id`]' x",
        "builtin printf -v 'a[$(id)]' '%s' x",
        "test -v 'a[$(id)]'",
        "unset 'a[$(id)]'",
      ],
      'refused',
    );
  });

  // The agent boots a kernel in QEMU and stops the emulator by its full name before booting again
  // (10 in stream 14): no drydock process is a qemu-system-*.
  it("stops QEMU's system emulator by its full name, and no wider pattern", () => {
    expectAll(
      [
        'killall qemu-system-x86_64',
        'killall -9 qemu-system-x86_64 2>/dev/null; sleep 3; echo "All QEMU processes killed"',
        'pkill -f qemu-system-x86_64',
        'pkill -f "qemu-system-x86_64 -kernel bzImage"',
        'pkill -9 qemu-system-aarch64',
      ],
      'allow',
    );
    expectAll(
      [
        'pkill qemu',
        'pkill -f qemu',
        'pkill -f "qemu-system-x86_64|node"',
        'pkill -f "qemu-system-x86_64.*"',
        'pkill -f "qemu-system-.*"',
        'killall -r qemu-system-x86_64',
        'pkill -u 0 qemu-system-x86_64',
        'killall python3',
      ],
      'refused',
    );
  });

  // Programs' own version and help options, and their read-only forms (12 in stream 14).
  it('knows conda --version, systemctl alone, apt list --available, gfortran as GCC, os.urandom', () => {
    expectAll(
      [
        'conda --version && conda info && conda env list',
        'conda -V',
        'which systemctl && systemctl --version',
        'systemctl',
        'apt update && apt list --available | grep -E "^(gcc|make)" | head -10',
        'which gfortran && gfortran --version',
        "echo 'program t; print *, 1; end program' > t.f90",
        'gfortran -O2 -fopenmp solve.f90 -o solve',
        'gfortran -J build/mods -c m.f90 -o build/m.o',
        'python3 -c "import os; print(os.urandom(8).hex())"',
      ],
      'allow',
    );
    expectAll(
      [
        'conda --version && conda init bash',
        'systemctl start nginx',
        'systemctl poweroff',
        'systemctl -H host status',
        'apt list --available -o APT::Update::Pre-Invoke=id',
        'gfortran -o /etc/x x.f90',
        'gfortran -J /root/mods x.f90',
        'gfortran -B/root/bin x.f90',
        'gfortran -fplugin=/root/p.so x.f90',
        'gfortran @/root/opts x.f90',
        "gfortran -wrapper sh,-c,'rm -rf ~' x.f90",
        'gfortran -Wl,-o,/usr/bin/x x.f90',
        'gfortran -O2 -fdump-tree-optimized=/root/x t.f90',
        'python3 -c "import os; os.system(os.urandom(8).hex())"',
      ],
      'refused',
    );
  });
});
