import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listEntries, PolicyEngine, type Entry } from '../../src/policy/index.js';
import { HostSandbox } from '../../src/sandbox/index.js';
import { Toolbox } from '../../src/tools/index.js';
import { hostDecompress } from '../../src/tools/decompress.js';

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
  else execFileSync('tar', [...tarCompression(name), '-cf', out, ...members], { cwd: root });
  return readFileSync(out);
}

function tarCompression(name: string): string[] {
  if (name.endsWith('gz')) return ['-z'];
  if (name.endsWith('.xz')) return ['-J'];
  if (name.endsWith('.bz2')) return ['-j'];
  if (name.endsWith('.zst')) return ['--zstd'];
  return [];
}

/** xz, bzip2 and zstd as the host has them (Debian: xz-utils, bzip2, zstd); a missing one is said. */
const compressors = ['xz', 'bzip2', 'zstd'].filter((p) => {
  try {
    execFileSync(p, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    console.warn(`skipping ${p}-compressed archives: the host has no ${p}`);
    return false;
  }
});
const EXT: Record<string, string> = { xz: '.tar.xz', bzip2: '.tar.bz2', zstd: '.tar.zst' };

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
    expect(listEntries(Buffer.from([0x42, 0x5a, 0x68, 0x39]))).toBeNull(); // bzip2 without a decompressor
  });

  it('lists xz, bzip2 and zstd tars with the host decompressor, like gzip ones', () => {
    const files = { 'src/a.py': 'x', '.git/hooks/pre-commit': '#!/bin/sh\n' };
    const links = { 'home-link': '/root' };
    for (const tool of compressors) {
      const bytes = archive(`t${EXT[tool]}`, files, links);
      expect(listEntries(bytes), `${tool} without a decompressor`).toBeNull();
      expect(listEntries(bytes, hostDecompress), tool).toEqual(
        expect.arrayContaining([
          { path: 'src/a.py' },
          { path: '.git/hooks/pre-commit' },
          { path: 'home-link', link: '/root' },
        ]),
      );
      // Corrupt data or a missing program: not listed (the command then asks).
      expect(listEntries(Buffer.concat([bytes.subarray(0, 8), Buffer.alloc(64)]), hostDecompress)).toBeNull();
    }
    expect(listEntries(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0]), () => null)).toBeNull();
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

  it('decides the entries that land in the workspace by the file rules, as the line’s own writes', () => {
    // A listed archive or patch file that puts a CI workflow or a tool's settings in place is
    // refused as writing that file would be; the same archive unpacked in scratch is not.
    const gh = listEntries(archive('gh.tar', { 'src/a.py': 'x', '.github/workflows/ci.yml': 'on: push' }))!;
    const d = decide('tar xf gh.tar', { '/testbed/gh.tar': gh });
    expect(d).toMatchObject({ decision: 'deny', rule: 'protected-paths' });
    expect(d.reason).toMatch(/`tar` would write `\/testbed\/\.github\/workflows/);
    expect(decide('tar xf gh.tar -C /tmp/gh', { '/testbed/gh.tar': gh }).decision).toBe('allow');
    const vs = listEntries(archive('vs.zip', { '.vscode/tasks.json': '{}' }))!;
    expect(decide('unzip -o vs.zip', { '/testbed/vs.zip': vs })).toMatchObject({
      decision: 'ask',
      rule: 'tool-settings-files',
    });
    expect(decide('cd sub && unzip -o ../vs.zip', { '/testbed/vs.zip': vs }).rule).toBe(
      'tool-settings-files',
    );
    const patch = listEntries(
      Buffer.from('--- a/.claude/settings.json\n+++ b/.claude/settings.json\n@@ -0,0 +1 @@\n+{}\n'),
    )!;
    expect(decide('git apply fix.patch', { '/testbed/fix.patch': patch }).rule).toBe('tool-settings-files');
    expect(decide('patch -p1 -i fix.patch', { '/testbed/fix.patch': patch }).rule).toBe(
      'tool-settings-files',
    );
    // Each entry costs a pass over the file rules: up to 512 are decided, more ask (scratch is fine).
    const many = (n: number): Entry[] =>
      Array.from({ length: n }, (_, i) => ({ path: `pkg/m${i % 9}/f${i}.py` }));
    expect(decide('tar xf src.tar', { '/testbed/src.tar': many(512) }).decision).toBe('allow');
    const big = decide('tar xf src.tar', { '/testbed/src.tar': many(513) });
    expect(big).toMatchObject({ decision: 'ask', rule: 'unpack-entries' });
    expect(big.reason).toMatch(/puts 513 files in place, more than the 512 .* unpack it in scratch/);
    expect(decide('tar xf src.tar -C /tmp/src', { '/testbed/src.tar': many(5000) }).decision).toBe('allow');
  });

  it('decides tar -xJf / -xjf / --zstd on the entries, and asks for 7z with the reason', () => {
    const spell: Record<string, string> = { xz: 'tar -xJf', bzip2: 'tar -xjf', zstd: 'tar --zstd -xf' };
    for (const tool of compressors) {
      const good = listEntries(archive(`good${EXT[tool]}`, { 'pkg/a.py': 'x' }), hostDecompress)!;
      const file = `data${EXT[tool]}`;
      expect(decide(`${spell[tool]} ${file} -C build`, { [`/testbed/${file}`]: good }).decision, tool).toBe(
        'allow',
      );
      const bad = listEntries(archive(`bad${EXT[tool]}`, { '.git/hooks/post-merge': 'sh' }), hostDecompress)!;
      expect(decide(`${spell[tool]} ${file}`, { [`/testbed/${file}`]: bad }).reason, tool).toMatch(
        /entry `\.git\/hooks\/post-merge`/,
      );
    }
    expect(decide('7za x -y vendor.7z').decision).toBe('ask'); // no rule names 7za: asks anyway
    for (const c of ['7z x vendor.7z', '7z e vendor.7z -obuild', '7z x -y -o/tmp/v vendor.7z']) {
      const d = decide(c);
      expect(d, c).toMatchObject({ decision: 'ask', rule: 'unpack-entries' });
      expect(d.reason).toMatch(/does not read 7z archives/);
    }
    expect(engine.unpackInputs('7z x vendor.7z')).toEqual([]); // nothing to read for it
    expect(decide('7z l vendor.7z').rule).not.toBe('unpack-entries');
  });

  it('asks when the entries are unknown: not given, read from a pipe, or a name known only when it runs', () => {
    for (const c of [
      'tar xf new.tar',
      'curl -s http://x.invalid/a.tgz | tar xz',
      'unzip "$f"',
      'patch -p1 < fix.patch',
      'git diff | patch -p1',
    ]) {
      const d = decide(c, {});
      expect(d.decision, c).not.toBe('allow');
    }
    expect(decide('tar xf new.tar', { '/testbed/new.tar': null }).rule).toBe('unpack-entries');
  });

  it('lets git apply and git am take a patch it cannot read where git refuses every path out of the directory and .git itself', () => {
    // git rejects absolute paths, `..`, `.git` in any case and writes beyond a link unless told
    // --unsafe-paths (checked with git on the machine; see src/policy/README.md): run in the
    // workspace or the scratch, a patch not there when decided, from a pipe or written in the
    // same line cannot land outside or in .git.
    for (const c of [
      'git apply fix.patch',
      'git apply -R /tmp/fix.patch',
      'git diff HEAD~1 | git apply -R',
      'git am --3way 0001-fix.patch',
      'cd src && git apply -p2 ../fix.patch',
      'cd /tmp && git apply fix.patch',
    ]) {
      const d = decide(c, {});
      expect(d.decision, c).toBe('allow');
    }
    // Known entries are still read: git would refuse them too, the policy says why first.
    const bad = listEntries(
      Buffer.from('--- a/.git/hooks/pre-commit\n+++ b/.git/hooks/pre-commit\n@@ -0,0 +1 @@\n+sh\n'),
    )!;
    expect(decide('git apply fix.patch', { '/testbed/fix.patch': bad }).decision).toBe('deny');
    // Where git's checks are lifted or its directory moves, an unread patch is not allowed.
    for (const c of [
      'git apply --unsafe-paths fix.patch',
      'git apply $OPTS fix.patch',
      'git apply --directory=../other fix.patch',
      'git apply --directory /srv fix.patch',
      'git -C /srv/app apply /tmp/fix.patch',
      'git --work-tree=/srv/app apply fix.patch',
      'git apply --build-fake-ancestor=/root/idx fix.patch',
      'cd /root && git apply /tmp/fix.patch',
      'cd "$D" && git apply fix.patch',
    ]) {
      const d = decide(c, {});
      expect(d.decision, c).not.toBe('allow');
    }
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
      if (compressors.includes('xz'))
        await sb.writeFile('/testbed/evil.tar.xz', archive('e3.tar.xz', { '.git/hooks/pre-commit': 'sh' }));
      if (compressors.includes('zstd'))
        await sb.writeFile('/testbed/good.tar.zst', archive('g3.tar.zst', { 'pkg/z.py': 'z' }));
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
      if (compressors.includes('xz'))
        expect((await run('tar -xJf evil.tar.xz')).decision).toMatchObject({
          decision: 'deny',
          rule: 'unpack-entries',
        });
      if (compressors.includes('zstd')) {
        const z = await run('tar --zstd -xf good.tar.zst && cat pkg/z.py');
        expect(z.decision?.decision).toBe('allow');
        expect(z.observation.content).toMatch(/z/);
      }
    } finally {
      await sb.close();
    }
  });
});
