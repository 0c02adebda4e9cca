import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listEntries, PolicyEngine, type Entry } from '../../src/policy/index.js';
import { HostSandbox } from '../../src/sandbox/index.js';
import { Toolbox } from '../../src/tools/index.js';

// Archives and patches are decided by their entries, where the program puts them.

const dir = mkdtempSync(join(tmpdir(), 'drydock-unpack-'));
let engine: PolicyEngine;
beforeAll(async () => {
  engine = await PolicyEngine.create({ unattended: false });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A tar (or zip) made by the host's own tools from a tree written here. */
function archive(name: string, files: Record<string, string>, links: Record<string, string> = {}): Buffer {
  const root = mkdtempSync(join(dir, 'tree-'));
  for (const [p, content] of Object.entries(files)) {
    mkdirSync(join(root, p, '..'), { recursive: true });
    writeFileSync(join(root, p), content);
  }
  for (const [p, target] of Object.entries(links)) symlinkSync(target, join(root, p));
  const members = [...Object.keys(files), ...Object.keys(links)];
  const out = join(dir, name);
  if (name.endsWith('.zip')) execFileSync('zip', ['-q', '--symlinks', out, ...members], { cwd: root });
  else execFileSync('tar', [name.endsWith('gz') ? '-czf' : '-cf', out, ...members], { cwd: root });
  return readFileSync(out);
}

const decide = (command: string, entries: Record<string, Entry[] | null> = {}) =>
  engine.decide({ kind: 'shell', command, entries });

describe('listEntries', () => {
  it('lists tar, tar.gz and zip members with link targets, and the files a patch touches', () => {
    const files = { 'src/a.py': 'x', '.git/hooks/pre-commit': '#!/bin/sh\n' };
    const links = { 'home-link': '/root' };
    for (const name of ['t.tar', 't.tgz', 't.zip']) {
      const e = listEntries(archive(name, files, links));
      expect(e, name).toEqual(
        expect.arrayContaining([
          { path: 'src/a.py' },
          { path: '.git/hooks/pre-commit' },
          { path: 'home-link', link: '/root' },
        ]),
      );
    }
    const patch = 'diff --git a/x.py b/x.py\n--- a/x.py\n+++ b/x.py\n@@ -1 +1 @@\n-a\n+b\n';
    expect(listEntries(Buffer.from(patch))).toEqual(
      expect.arrayContaining([{ path: 'a/x.py' }, { path: 'b/x.py' }]),
    );
    expect(listEntries(Buffer.from('just text'))).toBeNull();
    expect(listEntries(Buffer.from([0x42, 0x5a, 0x68, 0x39]))).toBeNull(); // bzip2: not listed
  });
});

describe('extracting and applying, decided by the entries', () => {
  it('allows an archive whose entries stay in the workspace, and names the entry that does not', () => {
    const good = listEntries(archive('good.tar', { 'pkg/a.py': 'x', 'pkg/b.py': 'y' }))!;
    expect(decide('tar xf good.tar', { '/testbed/good.tar': good }).decision).toBe('allow');
    const hooks = listEntries(archive('hooks.tar', { 'pkg/a.py': 'x', '.git/hooks/post-checkout': 'sh' }))!;
    const d = decide('tar -xzf hooks.tar', { '/testbed/hooks.tar': hooks });
    expect(d).toMatchObject({ decision: 'deny', rule: 'unpack-entries' });
    expect(d.reason).toMatch(
      /would write entry `\.git\/hooks\/post-checkout` at `\/testbed\/\.git\/hooks\/post-checkout`, inside a \.git directory/,
    );
    const link = listEntries(archive('link.zip', { 'a.txt': 'x' }, { cfg: '/root/.ssh' }))!;
    expect(decide('unzip -o link.zip -d out', { '/testbed/link.zip': link }).reason).toMatch(
      /entry `cfg`, a link to `\/root\/\.ssh` outside the workspace/,
    );
    const up: Entry[] = [{ path: '../../etc/cron.d/x' }];
    expect(decide('cd sub && tar xf ../up.tar', { '/testbed/up.tar': up }).reason).toMatch(
      /at `\/etc\/cron\.d\/x`, outside the workspace/,
    );
  });

  it('asks when the entries are unknown: not given, read from a pipe, or a name known only when it runs', () => {
    for (const c of [
      'tar xf new.tar',
      'curl -s http://x.invalid/a.tgz | tar xz',
      'unzip "$f"',
      'git apply fix.patch',
    ]) {
      const d = decide(c, {});
      expect(d.decision, c).not.toBe('allow');
    }
    expect(decide('tar xf new.tar', { '/testbed/new.tar': null }).rule).toBe('unpack-entries');
  });

  it('reads a patch written earlier in the same line, and patch ORIGFILE writes only ORIGFILE', () => {
    const write = (body: string) => `cat <<'EOF' > a.patch\n${body}EOF\ngit apply a.patch`;
    expect(decide(write('--- a/src/x.py\n+++ b/src/x.py\n@@ -1 +1 @@\n-a\n+b\n')).decision).toBe('allow');
    expect(
      decide(write('--- a/.git/hooks/pre-commit\n+++ b/.git/hooks/pre-commit\n@@ -0,0 +1 @@\n+sh\n')).reason,
    ).toMatch(/inside a \.git directory/);
    expect(decide('patch src/a.py fix.diff').decision).toBe('allow');
    expect(decide('patch .git/hooks/pre-commit fix.diff').decision).toBe('deny');
  });

  it('reads patches in files, on stdin redirects and in here-documents, with the strip count', () => {
    const good = listEntries(Buffer.from('--- a/src/x.py\n+++ b/src/x.py\n@@ -1 +1 @@\n-a\n+b\n'))!;
    expect(decide('git apply fix.patch', { '/testbed/fix.patch': good }).decision).toBe('allow');
    expect(decide('patch -p1 < fix.patch', { '/testbed/fix.patch': good }).decision).toBe('allow');
    const hook = listEntries(
      Buffer.from(
        'diff --git a/.git/hooks/pre-commit b/.git/hooks/pre-commit\nnew file mode 100755\n--- /dev/null\n+++ b/.git/hooks/pre-commit\n@@ -0,0 +1 @@\n+sh\n',
      ),
    )!;
    expect(decide('git apply evil.patch', { '/testbed/evil.patch': hook }).decision).toBe('deny');
    const heredoc = (body: string) => `patch -p1 <<'EOF'\n${body}EOF`;
    expect(decide(heredoc('--- a/src/x.py\n+++ b/src/x.py\n@@ -1 +1 @@\n-a\n+b\n')).decision).toBe('allow');
    expect(
      decide(heredoc('--- a/../../root/.bashrc\n+++ b/../../root/.bashrc\n@@ -0,0 +1 @@\n+x\n')).reason,
    ).toMatch(/outside the workspace/);
    // Listing, checking and dry runs put nothing anywhere.
    for (const c of [
      'tar -tzf a.tgz',
      'unzip -l a.zip',
      'git apply --check fix.patch',
      'patch -p1 --dry-run < fix.patch',
    ])
      expect(decide(c).decision, c).toBe('allow');
  });

  it('the toolbox reads the archive from the sandbox and the policy decides on its entries', async () => {
    const sb = await HostSandbox.open();
    try {
      await sb.writeFile('/testbed/good.tar', archive('g2.tar', { 'pkg/a.py': 'x' }));
      await sb.writeFile('/testbed/evil.tar', archive('e2.tar', { '.git/hooks/pre-commit': 'sh' }));
      const policy = await PolicyEngine.create({ unattended: true });
      const decisions: string[] = [];
      const tb = new Toolbox({
        sandbox: sb,
        policy,
        trajectory: {
          append: (e) => {
            if (e.type === 'policy.decision') decisions.push(e.rule);
          },
        },
      });
      const run = (command: string) =>
        tb.run({ id: command, name: 'bash', arguments: JSON.stringify({ command }) });
      const ok = await run('tar xf good.tar && cat pkg/a.py');
      expect(ok.observation.content).toMatch(/x/);
      expect(ok.decision?.decision).toBe('allow');
      const bad = await run('tar xf evil.tar');
      expect(bad.decision).toMatchObject({ decision: 'deny', rule: 'unpack-entries' });
      expect(bad.observation.content).toMatch(/\.git\/hooks\/pre-commit/);
      expect((await run('tar xf missing.tar')).decision?.decision).toBe('deny'); // ask, unattended
      expect(decisions.slice(1)).toEqual(['unpack-entries', 'unpack-entries']);
    } finally {
      await sb.close();
    }
  });
});
