import { beforeAll, describe, expect, it } from 'vitest';
import { PolicyEngine } from '../../src/policy/index.js';

// What a program's spec says it writes (policies/programs.yaml: `cp`/`mv`/`install`/`ln`/`rsync`
// destinations, `tee`/`touch` outputs, `rm`/`chmod`/`truncate` operands, `dd of=`, `sed -i` and
// `w` files, `sort -o`, `iconv -o`, `mvn -Dmaven.repo.local=`) is a file part of its own
// (access write), so every file rule decides it as it decides a redirection; words the spec
// says are not read (outputs, names listed inside the workspace, a grep pattern) are not taken
// for reads by the command rules.
let engine: PolicyEngine;
beforeAll(async () => {
  engine = await PolicyEngine.create({ budgetMs: Infinity, unattended: false });
});

const decided: Array<[string, 'allow' | 'ask' | 'deny', string?]> = [
  // file rules see spec writes (the command twins are gone for these programs)
  ['cp hook.sh .git/hooks/pre-commit', 'deny', 'protected-paths'],
  ['cp hook.sh .git/hooks/', 'deny', 'protected-paths'],
  ['cp -t .git/hooks hook.sh', 'deny'],
  ['mv hook.sh .git/hooks/pre-commit', 'deny', 'protected-paths'],
  ['install -m 755 hook.sh .git/hooks/pre-commit', 'deny', 'protected-paths'],
  ['rm -rf .git', 'deny', 'protected-paths'],
  ['chmod +x .git/hooks/pre-commit', 'deny', 'protected-paths'],
  ['dd if=x of=.git/hooks/pre-commit', 'deny', 'protected-paths'],
  ['sed -i s/a/b/ .github/workflows/ci.yml', 'deny', 'protected-paths'],
  ['sed -e s/a/b/ -i .github/workflows/ci.yml', 'deny', 'protected-paths'],
  ["sed -n 'w .git/hooks/pre-commit' x.sh", 'deny'],
  ['tee .git/hooks/pre-commit < x', 'deny', 'protected-paths'],
  ['sort -o .npmrc x', 'ask', 'package-manager-config-files'],
  ['uniq a.txt .npmrc', 'ask'],
  ['cp /tmp/x .npmrc', 'ask', 'package-manager-config-files'],
  ['touch .pypirc', 'ask', 'package-manager-config-files'],
  ['sed -i s/a/b/ .gitmodules', 'ask', 'package-manager-config-files'],
  ['cp settings.json .vscode', 'ask', 'tool-settings-files'],
  ['cp x.json .vscode/tasks.json', 'ask', 'tool-settings-files'],
  ['ln -s /tmp/x .npmrc', 'ask', 'package-manager-config-files'],
  ['rsync -a src/ .git/hooks/', 'deny', 'protected-paths'],
  // tar: the mode decides what -f names (written by -c/-r/-u/-A/--delete, read otherwise), and
  // what an extraction writes into (-C, the members named) is a file part too
  ['tar -cf .npmrc src', 'ask', 'package-manager-config-files'],
  ['tar czf .vscode/tasks.json src', 'ask', 'tool-settings-files'],
  ['tar -cf .git/hooks/x.tar src', 'deny'],
  ['tar --delete -f /etc/x.tar a', 'deny'],
  ['tar -xzf a.tgz -C .github/workflows', 'deny', 'protected-paths'],
  ['tar -xf x.tar -C .vscode tasks.json', 'ask'],
  ['tar -czf dist.tgz dist/', 'allow'],
  ['tar -tf ~/Downloads/x.tar', 'allow'],
  ['tar -tzf /tmp/x.tgz', 'allow'],
  // reads no longer match write-only path lists
  ['sed -n 1p .gitmodules', 'allow'],
  ['cat .npmrc.example', 'allow'],
  ['grep url .gitmodules', 'allow'],
  // not_paths apply with outside: true
  ['tee /dev/null', 'allow'],
  ['echo x | tee /dev/stderr', 'allow'],
  ['tee /etc/hosts < x', 'deny'],
  ['touch /etc/x', 'deny'],
  // .env: contents stay protected, names and templates are not secrets
  ['cat .env', 'deny', 'read-credentials'],
  ['grep -r KEY .env', 'deny', 'read-credentials'],
  ['cp .env .env.bak', 'deny', 'read-credentials'],
  ['cp .env /tmp/x', 'deny'],
  ['ls ~/.ssh', 'deny', 'read-credentials'],
  ['cp .env.example .env', 'allow'],
  ['cp .env.sample config/.env', 'allow'],
  ['ls -la .env', 'allow'],
  ['grep .env .gitignore', 'allow'],
  ['grep -e .env .gitignore', 'allow'],
  ['grep -e x .env', 'deny', 'read-credentials'],
  ['tee .env.local < x', 'ask', 'secret-file-writes'],
  ['cp x .env', 'ask', 'secret-file-writes'],
  ['echo A=1 > .env', 'ask', 'secret-file-writes'],
  ['echo x > .envrc', 'ask'],
  // everyday work stays allowed
  ['cp a.py b.py', 'allow'],
  ['cp -r src/ build/', 'allow'],
  ['mv old.py new.py', 'allow'],
  ['for f in *.py; do cp "$f" "$f.bak"; done', 'allow'],
  ['for f in *.py; do sed -i s/a/b/ "$f"; done', 'allow'],
  ['grep -rl a src | xargs sed -i s/a/b/', 'allow'],
  ['rm -rf build dist', 'allow'],
  ['touch src/__init__.py', 'allow'],
  ['sort -o /tmp/out.txt in.txt', 'allow'],
  ['dd if=/dev/zero of=/tmp/blob bs=1k count=4', 'allow'],
  // item 2: path-valued build properties are writes
  ['mvn -Dmaven.repo.local=/etc/x install', 'deny', 'program:mvn'],
  ['mvn -D maven.repo.local=/opt/repo test', 'deny', 'program:mvn'],
  ['mvn --define=user.home=/root/x test', 'deny', 'program:mvn'],
  ['mvn -q -l /etc/build.log test', 'deny', 'program:mvn'],
  ['gradle -Dgradle.user.home=/etc/x build', 'deny', 'program:gradle'],
  ['./gradlew -PbuildDir=/usr/local/x test', 'deny'],
  ['mvn -Dmaven.repo.local=.m2 install', 'allow'],
  ['mvn -Dmaven.repo.local=/tmp/m2 -q test', 'allow'],
  ['mvn -Dtest=FooTest -DfailIfNoTests=false test', 'allow'],
  ['gradle -Dorg.gradle.jvmargs=-Xmx2g test', 'allow'],
];

describe('spec writes are file parts', () => {
  for (const [command, decision, rule] of decided)
    it(`${decision}s ${command}`, () => {
      const d = engine.check(command);
      expect(d.decision, `${d.rule}: ${d.reason}`).toBe(decision);
      if (rule) expect(d.rule).toBe(rule);
    });

  it('a destination is a write part of its own, with the directory case', () => {
    const files = engine
      .parts('cp hook.sh .git/hooks')
      .filter((p) => p.kind === 'file')
      .map((p) => (p.kind === 'file' ? `${p.access} ${p.path.text}` : ''));
    expect(files).toEqual(['write .git/hooks', 'write .git/hooks/hook.sh']);
  });

  it('a read does not become a write part', () => {
    expect(engine.parts('sed -n 1p .gitmodules').filter((p) => p.kind === 'file')).toEqual([]);
    expect(engine.parts('cat a b').filter((p) => p.kind === 'file')).toEqual([]);
  });
});
