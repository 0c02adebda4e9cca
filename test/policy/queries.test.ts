import { beforeAll, describe, expect, it } from 'vitest';
import { PolicyEngine } from '../../src/policy/index.js';

/**
 * Everyday queries and small tools agents reach for (found in agent-stream and agent-stream-3:
 * `top`, `locate`, `ldconfig -p`, `msgfmt`, `dot`, `sphinx-quickstart`, `fallocate`, `mkfifo`,
 * and version questions): each now has a spec, so the invocation is allowed only as far as its
 * spec knows it, and the neighbour that writes elsewhere, runs something or changes the system
 * still asks or is denied.
 */
let engine: PolicyEngine;
beforeAll(async () => {
  engine = await PolicyEngine.create({ unattended: true, budgetMs: Infinity });
});
const decide = (c: string) => engine.check(c);

describe('queries and small tools', () => {
  it('allows them as agents write them', () => {
    for (const c of [
      'git --version',
      'git --help',
      'cargo --version',
      'cargo --list',
      'top -b -n 1',
      'top -bn1 | head -20',
      'ldconfig -p | grep ssl',
      'locate java',
      'locate -i jdk | head',
      'update-alternatives --list java',
      'update-alternatives --display java',
      'javap -cp target/classes com.example.Main',
      'javap -c -p target/classes/Foo.class',
      'sphinx-quickstart -q -p Test -a Author -v 0.1 --ext-autodoc docs',
      'mkdir reproduction && cd reproduction && sphinx-quickstart -q -p "Test Project" -a "Author" -v "0.1" --ext-autodoc',
      'msgfmt --version',
      'msgfmt -o locale/fr/LC_MESSAGES/django.mo locale/fr/LC_MESSAGES/django.po',
      'dot -Tsvg test.dot -o test.svg',
      'dot -V',
      'fallocate -l 1M big.bin',
      'mkfifo /tmp/pipe',
    ])
      expect(decide(c).decision, c).toBe('allow');
  });

  it('refuses the neighbours that write elsewhere, run something or change the system', () => {
    for (const [c, rule] of [
      ['git -C /etc --version', 'program:git'],
      ['git -c core.pager=sh --version', 'git-c-program-keys'],
      ['git', 'default'],
      ['cargo --config \'target.x.runner="sh"\' --version', 'program:cargo'],
      ['ldconfig', 'default'],
      ['ldconfig /usr/local/lib', 'default'],
      ['ldconfig -p -f /tmp/x.conf', 'program:ldconfig'],
      ['update-alternatives --set java /tmp/evil', 'program:update-alternatives'],
      ['update-alternatives --install /usr/bin/java java /tmp/evil 100', 'program:update-alternatives'],
      ['javap -J-javaagent:/tmp/x.jar Foo', 'program:javap'],
      ['sphinx-quickstart -q -p T -a A /etc/x', 'program:sphinx-quickstart'],
      ['cd / && sphinx-quickstart -q -p T -a A', 'cwd-writes-outside'],
      ['cd /etc && msgfmt a.po', 'cwd-writes-outside'],
      ['msgfmt -o /etc/x.mo a.po', 'program:msgfmt'],
      ['dot -Tpng -o/etc/x test.dot', 'program:dot'],
      ['dot -O test.dot', 'program:dot'],
      ['fallocate -l 1M /etc/x', 'write-outside-workspace'],
      ['mkfifo ~/.bashrc', 'write-outside-workspace'],
    ]) {
      const d = decide(c!);
      expect(d.decision, c).not.toBe('allow');
      expect(d.rule, c).toBe(rule);
    }
    expect(decide('locate -d /root/.ssh/db x').decision).toBe('deny');
  });
});

describe("a toolchain's programs outside PATH", () => {
  it('are decided as the program they name (conda, a JDK, Go), with its rules', () => {
    for (const c of [
      '/opt/miniconda3/envs/testbed/bin/python -m pytest tests/test_x.py',
      '/opt/miniconda3/bin/conda list',
      '/opt/conda/envs/testbed/bin/pip list',
      '/usr/lib/jvm/java-11-openjdk-amd64/bin/java -version',
      '/usr/lib/jvm/java-17-openjdk-amd64/bin/javac Foo.java',
      '/usr/local/go/bin/go test ./...',
      'source /opt/miniconda3/bin/activate testbed',
      'source /opt/miniconda3/bin/activate && conda activate testbed && python -m pytest -x',
      '. /opt/conda/envs/testbed/bin/activate',
      'conda deactivate',
    ])
      expect(decide(c).decision, c).toBe('allow');
    expect(decide(`/opt/miniconda3/envs/testbed/bin/python -c "import os; os.system('rm -rf ~')"`).rule).toBe(
      'delete-outside-workspace',
    );
    expect(decide('/opt/x/bin/rm -rf ~').rule).toBe('delete-outside-workspace');
    expect(decide('/usr/lib/jvm/x/bin/java -javaagent:/root/a.jar Main').decision).not.toBe('allow');
    expect(decide('/opt/miniconda3/bin/pip install --user x').decision).not.toBe('allow');
  });

  it('is not the scratch, the workspace, /proc or a home directory, whose programs may be the agent’s', async () => {
    for (const c of ['/proc/self/root/usr/bin/rm -rf /tmp/x', '/root/.local/bin/pytest -x', '/home/u/bin/ls'])
      expect(decide(c).decision, c).not.toBe('allow');
    // A workspace under /opt keeps its programs the workspace's: given a path outside, they ask.
    const opt = await PolicyEngine.create({
      unattended: true,
      budgetMs: Infinity,
      workspace: { workspace: '/opt/app' },
    });
    expect(opt.check('/opt/app/bin/cat /etc/hostname').rule).toBe('workspace-program-outside-args');
    expect(decide('/tmp/x/bin/cat /etc/hostname').rule).toBe('workspace-program-outside-args');
    expect(decide('source ~/.venv/bin/activate').decision).not.toBe('allow');
  });
});
