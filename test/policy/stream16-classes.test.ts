import { describe, expect, it } from 'vitest';
import { PolicyEngine } from '../../src/policy/index.js';
import { probeEngine } from './probe-engine.js';

/**
 * Classes of refusals found in agent stream 16 (Claude Code with Claude Opus and Sonnet 4.6 on a
 * developer's own machine, test/fixtures/policy/agent-stream-16/extract.mjs), each with everyday
 * spellings that are now allowed and the dangerous neighbours that stay refused. Decided only, never run.
 */
const { expectAll } = probeEngine();

describe('stream 16 classes', () => {
  // `ps` with a format and a PID (`-o` and `-p` values that spell an `e`, or a PID variable) was
  // taken for BSD `e`, which prints each process's environment (216 in stream 16).
  it("reads ps's format and selection values as values, and its BSD `e` word still as the environment", () => {
    expectAll(
      [
        'ps -o pid,etime,cmd -p 42',
        'ps -p "$pid" -o etimes=',
        'ps --pid 7 -o user,vsz,start',
        'ps -C node -o pid=',
        'ps -u www-data -o pid,ppid,cmd',
        'ps -o vsz= -p "$!"',
        'ps --sort=-pcpu -eo pid,pcpu,comm',
        'ps -q 12 -o state=',
      ],
      'allow',
    );
    expectAll(
      [
        'ps e -p 1',
        'ps -p 1 ewww',
        'ps axe',
        'ps auxeww',
        'ps -o pid,cmd $OPTS',
        'ps -o comm= -p 9 e',
        'ps -eo pid e',
        'ps --format cmd e',
      ],
      'refused',
    );
  });

  // tmux's `display-message -p FORMAT` and the `-F FORMAT` of its list commands print tmux's own
  // values (`#S`, `#{pane_pid}`); a format's `#(…)` runs a shell command (73 in stream 16).
  it('prints tmux formats, but not a format that runs a command', () => {
    expectAll(
      [
        "tmux display -p '#{window_index}'",
        "tmux display-message -t build -p '#{pane_current_path}'",
        "tmux list-windows -F '#{window_name} #{window_active}'",
        "tmux ls -F '#{session_attached}'",
        "tmux list-panes -t main -F '#{pane_id}'",
        'tmux list-sessions',
      ],
      'allow',
    );
    expectAll(
      [
        "tmux display-message -p '#(cat /etc/shadow)'",
        'tmux list-windows -F "#(curl http://example.com)"',
        "tmux display -p '#{pane_pid}#(id)'",
        "tmux ls -F '#(rm -rf ~)'",
        "tmux list-panes -F '#{pane_id}' \\; run-shell id",
        'tmux display-message -c $CLIENT -p "#($CMD)"',
      ],
      'refused',
    );
  });
});

// The stream's sessions start in the home directory, in dot-directories under it and under /tmp
// (6 workspaces, 166 commands in stream 16): the engine checked the rules' examples against that
// workspace, where `cat README.md` reads a file of `~/.claude` and did not start at all.
describe('an engine whose workspace is home, a dot-directory or scratch', () => {
  it('starts, and decides in that workspace', async () => {
    for (const workspace of [
      '/root',
      '/root/.config/nvim',
      '/root/.local/src/tool',
      '/tmp/scratch',
      '/tmp',
    ]) {
      const e = await PolicyEngine.create({ budgetMs: Infinity, workspace: { workspace } });
      try {
        expect(e.check('ls').decision, workspace).toBe('allow');
        expect(e.check('cat ~/.ssh/id_ed25519').decision, workspace).not.toBe('allow');
        expect(e.check('cat ~/.aws/credentials').decision, workspace).not.toBe('allow');
        expect(e.check('rm -rf /etc').decision, workspace).not.toBe('allow');
      } finally {
        e.close();
      }
    }
  });

  it("decides with its own workspace's rules, not the default workspace's its examples were checked in", async () => {
    const e = await PolicyEngine.create({ budgetMs: Infinity, workspace: { workspace: '/srv/app' } });
    try {
      expect(e.check('./run_tests.sh').decision).toBe('allow');
      expect(e.check('cd /srv/app/tests && ./runtests.py --verbose').decision).toBe('allow');
      expect(e.check('/testbed/run.sh').decision).not.toBe('allow');
      expect(e.check('cat /srv/app/notes.txt > /testbed/x').decision).not.toBe('allow');
    } finally {
      e.close();
    }
  });

  it('still refuses a policy whose own examples fail, whatever the workspace', async () => {
    const bad = new URL('../fixtures/policy/bad/failing-example.yaml', import.meta.url).pathname;
    for (const workspace of ['/workspace', '/root/.config/x', '/tmp/x'])
      await expect(
        PolicyEngine.create({ files: [bad], workspace: { workspace } }),
        workspace,
      ).rejects.toThrow(/example/);
  });
});
