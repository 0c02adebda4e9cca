import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PolicyEngine } from '../../src/policy/index.js';
import { probeEngine } from './probe-engine.js';

/**
 * Rule `version-and-usage` (condition `only_args`): a program asked only for its version or usage
 * is allowed whatever its name, since programs print those and exit; in Terminal-Bench streams 14
 * and 10 (not committed) 84 commands were refused for nothing else (`yt-dlp --version`, `pdp11
 * --help`, `ffmpeg -version`, `coqc --version`). Anything more on the command, a program named by
 * a path that may be any file, and a program another rule refuses keep their decision.
 */
const { expectAll, check } = probeEngine();

describe('a program asked only for its version or usage', () => {
  it('is allowed for a program no rule covers', () => {
    expectAll(
      [
        'psql --version',
        'ffmpeg -version',
        'ffprobe -version',
        'gpg --version',
        'gallery-dl --version',
        'rencrypt --help',
        'pdp11 -h',
        'java -help',
        'qemu-img --help',
        '/usr/local/bin/yt-dlp --version',
        '/usr/bin/sqlite3 --version',
        'psql --version && sqlite3 --version',
        'redis-server --version 2>&1 | head -1',
        'which ffmpeg && ffmpeg -version | head -3',
      ],
      'allow',
    );
    expect(check('coqc --version').rule).toBe('version-and-usage');
  });

  it('is not when the command does more, the word is unknown or computed, or another rule refuses the program', () => {
    expectAll(
      [
        'psql --version -c "drop table users"',
        'qemu-img info disk.img --version',
        'gallery-dl -i urls.txt --version',
        'foo --help bar',
        'foo -v',
        'foo version',
        'foo "$(cat ~/.aws/credentials)"',
        'foo --help > /etc/profile',
        'foo --help "$x"',
        'foo --hel*',
        '/srv/tools/x --help',
        '/root/bin/x --version',
        'f() { rm -rf ~; }; f --help',
        'alias psql="rm -rf ~"; psql --version',
        'sudo --version',
        'shutdown -h',
        'poweroff --help',
        'mkfs --help',
        'nc -h',
      ],
      'refused',
    );
  });
});

describe('only_args in a policy file', () => {
  it('is a command condition only, named in the error with its file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'drydock-only-args-'));
    const file = join(dir, 'policy.yaml');
    writeFileSync(
      file,
      'version: 1\nrules:\n  - id: x\n    decision: allow\n    reason: r\n    file: "**/x"\n    only_args: [--help]\n',
    );
    try {
      await expect(PolicyEngine.create({ builtin: false, files: [file] })).rejects.toThrow(
        /policy\.yaml.*only_args.*applies only to `command` rules|only_args.*applies only/s,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
