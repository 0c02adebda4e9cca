import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PolicyEngine } from '../../src/policy/index.js';

/**
 * Classes from agent-stream-3 (SWE-agent on Java, five models): system package installs and
 * queries, and `sudo` in front of them. The sandbox is the wall (a container that runs as root
 * with no-new-privileges, no network unless the run's mode gives it): a package from the image's
 * configured archive lands in that container only. What is not that still asks or is denied:
 * apt options that run commands, package files, removing or upgrading, and sudo anywhere else.
 */
let engine: PolicyEngine;
beforeAll(async () => {
  engine = await PolicyEngine.create({ unattended: true, budgetMs: Infinity });
});
const decide = (c: string) => engine.check(c);

describe('system packages from the configured archive', () => {
  it('allows installs and queries as agents write them', () => {
    for (const c of [
      'apt-get update',
      'apt-get install -y libssl-dev',
      'apt-get update && apt-get install -y llvm-dev',
      'DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends openjdk-17-jdk',
      'apt-get install -qqy curl',
      'apt install -y maven',
      'apt install python3/bookworm-backports',
      'apt-get install -f',
      'apt-get build-dep -y python3',
      'apt list --installed',
      'apt list | grep openjdk',
      'apt search jdk',
      'apt show maven',
      'apt-cache policy maven',
      'apt-get clean',
      'apt-get check',
      'dpkg -l | grep -i jdk',
      'dpkg -L libssl-dev',
      'dpkg -S /usr/bin/java',
      'dpkg --print-architecture',
      "dpkg-query -W -f '${Version}' python3",
    ])
      expect(decide(c).decision, c).toBe('allow');
  });

  it('asks for what runs commands, installs a file, or changes what the image already has', () => {
    for (const [c, rule] of [
      // apt.conf(5): APT::Update::Pre-Invoke and DPkg::Pre-Invoke run shell commands (GTFOBins apt-get)
      ['apt-get update -o APT::Update::Pre-Invoke::=/bin/sh', 'program:apt-get'],
      ['apt-get -oDpkg::Pre-Invoke::=/bin/sh install sl', 'program:apt-get'],
      ['apt-get --option=Dpkg::Pre-Invoke::=id install sl', 'program:apt-get'],
      ['apt-get install -c conf sl', 'program:apt-get'],
      ['apt install ./x_1.0_all.deb', 'apt-local-packages'],
      ['apt-get install -y /tmp/x.deb', 'apt-local-packages'],
      ['apt-get install ~/x.deb', 'apt-local-packages'],
      ['apt install https://x.example/y', 'apt-local-packages'],
      ['apt-get install --allow-unauthenticated sl', 'program:apt-get'],
      ['apt-get install --allow-remove-essential sl', 'program:apt-get'],
      ['apt-get remove -y python3', 'program:apt-get'],
      ['apt-get purge python3', 'program:apt-get'],
      ['apt autoremove', 'program:apt-get'],
      ['apt-get upgrade -y', 'program:apt-get'],
      ['apt full-upgrade', 'program:apt-get'],
      ['apt edit-sources', 'program:apt-get'],
      ['apt-get changelog apt', 'program:apt-get'],
      ['apt-get source curl', 'program:apt-get'],
      ['dpkg -i x_1.0_all.deb', 'program:dpkg'],
      ['dpkg --unpack x.deb', 'program:dpkg'],
      ['dpkg -r python3', 'program:dpkg'],
      ['dpkg --configure -a', 'program:dpkg'],
      ['dpkg --force-all -i x.deb', 'program:dpkg'],
      ['dpkg-query --admindir=/tmp/x -l', 'program:dpkg-query'],
      ['yum install maven', 'system-packages'],
      ['apk add curl', 'system-packages'],
    ]) {
      const d = decide(c!);
      expect(d.decision, c).not.toBe('allow');
      expect(d.rule, c).toBe(rule);
    }
  });

  it('asks for packages named only when it runs (any of them may be a package file)', () => {
    for (const c of ['apt-get install -y $(cat apt.txt)', 'apt install "$PKG"', 'dpkg -l $P'])
      expect(decide(c).rule, c).toMatch(/^apt-(local|dynamic)-packages$/);
  });

  it('decides the archive settings apt reads as files', () => {
    expect(decide("echo 'deb http://x.example/ stable main' >> /etc/apt/sources.list").decision).toBe('deny');
    expect(decide("sed -i 's/a/b/' /etc/apt/sources.list").decision).toBe('deny');
  });
});

describe('sudo', () => {
  it('is let through in front of the system package tools, decided as the tool itself', () => {
    for (const c of [
      'sudo apt-get update',
      'sudo apt-get install -y default-jdk',
      'sudo apt-get update && sudo apt-get install maven',
      'sudo -E apt-get install -y curl',
      'sudo -u root apt list --installed',
      'sudo dpkg -l',
      'sudo apt-cache search jdk',
      'sudo DEBIAN_FRONTEND=noninteractive apt-get install -y tzdata',
    ])
      expect(decide(c).decision, c).toBe('allow');
    // …and the tool's own refusals hold through it.
    expect(decide('sudo apt-get update -o APT::Update::Pre-Invoke::=/bin/sh').rule).toBe('program:apt-get');
    expect(decide('sudo dpkg -i x_1.0_all.deb').rule).toBe('program:dpkg');
    expect(decide('sudo apt-get remove -y python3').rule).toBe('program:apt-get');
  });

  it('is refused anywhere else, with the rephrasing in the reason', () => {
    for (const c of [
      'sudo id',
      'sudo -n id -u',
      '/usr/bin/sudo -n id -u',
      'command sudo id',
      'sudo ls',
      'sudo -u nobody ls',
      'sudo find / -name x',
      'sudo -s',
      'echo id | sudo -s',
      'sudo -l',
      'sudo X=1 id',
      'sudo A=1 B=2 apt-get update',
    ]) {
      const d = decide(c);
      expect(d.decision, c).toBe('deny');
      expect(d.rule, c).toBe('sudo');
      expect(d.reason, c).toMatch(/run the command without sudo/);
    }
  });

  it('keeps shells, editors, askpass, chroot and other directories out', () => {
    for (const c of [
      'sudo -i',
      'sudo -i apt-get update',
      'sudo -A apt update',
      'sudo -e /etc/hosts',
      'sudoedit /etc/hosts',
    ])
      expect(decide(c).decision, c).not.toBe('allow');
    expect(decide('sudo -R /x apt-get update').rule).toBe('program:sudo');
    // -D is the wrapped command's working directory: outside the workspace it is refused.
    expect(decide('sudo -D / apt-get update').rule).toBe('program:sudo');
    expect(decide('sudo --chdir=/etc apt-get update').rule).toBe('program:sudo');
    expect(decide('sudo -D /testbed/sub apt-get update').decision).toBe('allow');
  });

  it('decides the wrapped command with its own rules first (a worse finding wins)', () => {
    expect(decide('sudo rm -rf ~').decision).toBe('deny');
    expect(decide('sudo su').decision).toBe('deny');
    expect(decide('sudo $CMD').rule).toBe('shell:dynamic-command-name');
    expect(decide('sudo LD_PRELOAD=/tmp/x.so apt-get update').rule).toBe('code-injecting-variables');
    expect(decide('sudo apt-get update; sudo rm -rf ~').decision).toBe('deny');
  });
});

describe('not_subcommand (a rule condition)', () => {
  it('matches when the first operand after the global options is none of the listed words', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'drydock-not-subcommand-'));
    const file = join(dir, 'test.yaml');
    writeFileSync(
      file,
      [
        'tier: user',
        'rules:',
        '  - id: only-status',
        '    decision: deny',
        '    reason: only git status here',
        '    command: git',
        "    not_subcommand: [status, 'remote show']",
        "    match: ['git log', 'git -C x diff', 'git remote add o u']",
        "    not_match: ['git status', 'git -C x status -s', 'git remote show origin']",
      ].join('\n'),
    );
    const e = await PolicyEngine.create({ files: [file] });
    rmSync(dir, { recursive: true });
    expect(e.check('git log').rule).toBe('only-status');
    expect(e.check('git status').rule).not.toBe('only-status');
  });
});
