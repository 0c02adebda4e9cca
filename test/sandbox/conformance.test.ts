import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DrydockError } from '../../src/core/index.js';
import {
  DockerSandbox,
  HostSandbox,
  POOL_LABEL,
  SandboxClosedError,
  SandboxPool,
  SandboxUnsupportedError,
  type Sandbox,
} from '../../src/sandbox/index.js';
import { busyboxImage, hostBusybox, testbedImage } from './foreign-images.js';
import { MB, docker, engineReady, removeRun, testImage, testRunId } from './helpers.js';

/**
 * The Sandbox contract: the same behavioural checks against every implementation.
 * A new implementation (or a new kind of image) is one more entry in `targets`.
 */
interface Target {
  name: string;
  /** Whether the target can run here (else the block is skipped, with a warning from its check). */
  ready: () => Promise<boolean>;
  open: (repo: string) => Promise<Sandbox>;
  /** Whether the image has git (diff needs it; an image without it still passes everything else). */
  git: boolean;
  /** Whether it enforces per-call limits (the limits block runs only there). */
  limits: boolean;
  /** Whether it copies the repository in (not an image holding it already). */
  copies?: boolean;
}

const runId = testRunId('conformance');
const engine = await engineReady();
let busybox = '';
let testbed = '';
let pool: SandboxPool | null = null;
const targets: Target[] = [
  {
    name: 'HostSandbox',
    ready: async () => true,
    open: (repo) => HostSandbox.open({ repo }),
    git: true,
    limits: false,
  },
  {
    name: `DockerSandbox (${testImage()})`,
    ready: async () => engine,
    open: (repo) => DockerSandbox.open({ image: testImage(), repo, runId }),
    git: true,
    limits: true,
  },
  {
    name: 'DockerSandbox (an image whose only shell is busybox sh, FROM scratch)',
    ready: async () => {
      if (!engine) return false;
      if (!hostBusybox()) {
        if (process.env.CI) throw new Error('busybox-static is missing: apt-get install busybox-static');
        console.warn('busybox image tests skipped: apt-get install busybox-static');
        return false;
      }
      busybox = await busyboxImage(runId);
      return true;
    },
    open: (repo) => DockerSandbox.open({ image: busybox, repo, runId }),
    git: false,
    limits: true,
  },
  {
    name: 'DockerSandbox (an image with the repository already at /testbed)',
    ready: async () => {
      if (!engine) return false;
      testbed = await testbedImage(runId, testImage(), { 'a.txt': 'one\n' });
      return true;
    },
    // The repository is the image's own: nothing is copied in.
    open: () => DockerSandbox.open({ image: testbed, runId }),
    git: true,
    limits: true,
    copies: false,
  },
  {
    name: `DockerSandbox handed out warm by a pool (${testImage()})`,
    ready: async () => engine,
    open: async (repo) => {
      pool ??= new SandboxPool({ size: 1 });
      pool.warm({ image: testImage(), runId }, 1);
      await pool.whenWarm();
      const sb = await DockerSandbox.open({ image: testImage(), repo, runId }, { pool });
      // It must really be one started ahead (a cold open would not test the hand-out).
      const labels = (await docker.getContainer(sb.id).inspect()).Config.Labels;
      if (labels[POOL_LABEL] !== '1') throw new Error('the pool handed out no warm sandbox');
      return sb;
    },
    git: true,
    limits: true,
  },
  {
    name: `DockerSandbox forked from another (what changed copied into a fresh container of its image)`,
    ready: async () => engine,
    open: async (repo) => {
      const parent = await DockerSandbox.open({ image: testImage(), repo, runId });
      try {
        await parent.exec('echo from the parent > /tmp/parent.txt');
        const [fork] = await parent.fork(1);
        const imageId = (await docker.getImage(testImage()).inspect()).Id;
        if (
          parent.mode === 'per-call-cgroup' &&
          (await docker.getContainer(fork!.id).inspect()).Image !== imageId
        ) {
          throw new Error('the fork was not started from the parent image (a commit, not a delta)');
        }
        if ((await fork!.exec('cat /tmp/parent.txt')).stdout !== 'from the parent\n') {
          throw new Error('the fork lacks what the parent wrote outside /testbed');
        }
        return fork!;
      } finally {
        await parent.close();
      }
    },
    git: true,
    limits: true,
  },
];

afterAll(async () => {
  await pool?.close();
  if (engine) await removeRun(runId);
});

const GIT = '-c user.email=t@example.invalid -c user.name=t';

for (const t of targets) {
  const ready = await t.ready();
  describe.skipIf(!ready)(`Sandbox contract: ${t.name}`, () => {
    let repo: string;
    let sb: Sandbox;

    beforeAll(async () => {
      repo = mkdtempSync(join(tmpdir(), 'drydock-conf-'));
      writeFileSync(join(repo, 'a.txt'), 'one\n');
      sb = await t.open(repo);
      if (t.git) {
        const init = await sb.exec(`git init -q && git add -A && git ${GIT} commit -qm base && echo ok`);
        expect(init.stdout).toBe('ok\n');
      }
    });
    afterAll(async () => {
      await sb?.close();
      if (repo) rmSync(repo, { recursive: true, force: true });
    });

    it('exec: exit code, stdout and stderr apart, working directory /testbed', async () => {
      const r = await sb.exec('echo out; echo err >&2; pwd; exit 7');
      expect(r.exitCode).toBe(7);
      expect(r.stdout).toBe('out\n/testbed\n');
      expect(r.stderr).toBe('err\n');
      expect(r.truncated).toBe(false);
      expect(r.killedBy).toBeNull();
      expect(r.wallMs).toBeGreaterThanOrEqual(0);
      expect(typeof r.mode).toBe('string');
    });

    it('exec: cwd, per-call env and stdin', async () => {
      const r = await sb.exec('pwd; printf "%s\\n" "$GREETING"; cat', {
        cwd: '/tmp',
        env: { GREETING: 'hello world' },
        stdin: 'from stdin\n',
      });
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toBe('/tmp\nhello world\nfrom stdin\n');
      // Without input, stdin is empty and closed: readers of it end at once instead of waiting.
      const noStdin = await sb.exec(
        'cat; cat /dev/stdin; head -c 1; read -r line; echo "read $?"; ' +
          "if command -v python3 >/dev/null; then python3 -c 'import sys; print(repr(sys.stdin.read()))'; else echo \"''\"; fi; echo end",
        { timeoutMs: 60_000 },
      );
      expect(noStdin.killedBy).toBeNull();
      expect(noStdin.stdout).toBe("read 1\n''\nend\n");
    });

    it.skipIf(t.copies === false)(
      'the repository is copied in without the credentials its git configuration files carry',
      async () => {
        const checkout = mkdtempSync(join(tmpdir(), 'drydock-conf-creds-'));
        const config = [
          '[core]',
          '\tbare = false',
          '[remote "origin"]',
          '\turl = https://x-access-token:ghs_FAKE1234@github.com/o/r',
          '[http "https://github.com/"]',
          '\textraheader = AUTHORIZATION: basic FAKE5678',
          '',
        ].join('\n');
        mkdirSync(join(checkout, '.git'));
        writeFileSync(join(checkout, '.git', 'config'), config);
        // a submodule's git directory (GitLab CI's relative submodule URLs carry the job token)
        const sub = join(checkout, '.git', 'modules', 'vendor', 'lib');
        mkdirSync(sub, { recursive: true });
        writeFileSync(join(sub, 'HEAD'), 'ref: refs/heads/main\n');
        const subConfig =
          '[remote "origin"]\n\turl = https://gitlab-ci-token:glcbt-FAKE42@gitlab.example/g/lib.git\n';
        writeFileSync(join(sub, 'config'), subConfig);
        // a repository nested in the tree (a vendored clone)
        mkdirSync(join(checkout, 'third_party', 'x', '.git'), { recursive: true });
        writeFileSync(
          join(checkout, 'third_party', 'x', '.git', 'config'),
          '[remote "origin"]\n\turl = https://oauth2:FAKE77@git.example/x.git\n',
        );
        writeFileSync(join(checkout, 'b.txt'), 'two\n');
        const other = await t.open(checkout);
        try {
          const r = await other.exec(
            'cat .git/config .git/modules/vendor/lib/config third_party/x/.git/config; cat b.txt',
          );
          expect(r.stdout).not.toMatch(/FAKE/);
          expect(r.stdout).toContain('url = https://git.example/x.git');
          expect(r.stdout).toContain('url = https://github.com/o/r');
          expect(r.stdout).toContain('url = https://gitlab.example/g/lib.git');
          expect(r.stdout).toContain('two');
          // the host's checkout keeps its own files
          expect(readFileSync(join(checkout, '.git', 'config'), 'utf8')).toBe(config);
          expect(readFileSync(join(sub, 'config'), 'utf8')).toBe(subConfig);
        } finally {
          await other.close();
          rmSync(checkout, { recursive: true, force: true });
        }
      },
    );

    it('exec: a command killed by a signal reports 128 + signal', async () => {
      // `exec`: the call's own process is the one killed ($$ may be a runner's pid).
      const r = await sb.exec("exec sh -c 'kill -9 $$'");
      expect(r.exitCode).toBe(137);
    });

    it('output cap: head and tail kept, the middle cut and counted, per stream', async () => {
      const r = await sb.exec(
        "printf 'HEAD'; head -c 300000 /dev/zero | tr '\\0' x; printf 'TAIL'; printf 'short' >&2",
        { maxOutputBytes: 1000 },
      );
      expect(r.exitCode).toBe(0);
      expect(r.truncated).toBe(true);
      expect(r.stdoutBytesCut).toBe(300008 - 1000);
      expect(r.stderrBytesCut).toBe(0);
      expect(r.stdout.startsWith('HEAD')).toBe(true);
      expect(r.stdout.endsWith('TAIL')).toBe(true);
      expect(r.stdout).toContain(`cut ${300008 - 1000} bytes`);
      expect(r.stderr).toBe('short');
    });

    it('timeout: the call and its children are killed and the result says timeout', async () => {
      const r = await sb.exec('sleep 30 & sleep 30; echo never', { timeoutMs: 500 });
      expect(r.killedBy).toBe('timeout');
      expect(r.exitCode).not.toBe(0);
      expect(r.stdout).not.toContain('never');
      expect(r.wallMs).toBeLessThan(10_000);
      const next = await sb.exec('echo alive');
      expect(next.stdout).toBe('alive\n');
    });

    it("a call's background processes do not outlive it", async () => {
      const r = await sb.exec('(sleep 1; echo late > /testbed/late.txt) >/dev/null 2>&1 & echo started');
      expect(r.stdout).toBe('started\n');
      await new Promise((res) => setTimeout(res, 1800));
      const check = await sb.exec('test -e /testbed/late.txt && echo present || echo absent');
      expect(check.stdout).toBe('absent\n');
    });

    it('readFile / writeFile: round trip, new directories, UTF-8, relative to /testbed', async () => {
      expect(await sb.readFile('/testbed/a.txt')).toBe('one\n');
      await sb.writeFile('/testbed/deep/er/n\u00e9w.txt', 'caf\u00e9 \u{1F600}\n');
      expect(await sb.readFile('/testbed/deep/er/n\u00e9w.txt')).toBe('caf\u00e9 \u{1F600}\n');
      const seen = await sb.exec("cat '/testbed/deep/er/n\u00e9w.txt'");
      expect(seen.stdout).toBe('caf\u00e9 \u{1F600}\n');
      await sb.writeFile('/testbed/bin.dat', Buffer.from([0x61, 0x62, 0x0a]));
      expect(await sb.readFile('bin.dat')).toBe('ab\n');
      await sb.exec('rm -rf /testbed/deep /testbed/bin.dat');
    });

    it('readFile of a missing file is a DrydockError naming the path', async () => {
      const err = await sb.readFile('/testbed/nope.txt').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DrydockError);
      expect((err as Error).message).toContain('/testbed/nope.txt');
      expect((err as Error).message).toMatch(/No such file or directory/);
    });

    it('the repository is a copy: the host checkout is never touched', async () => {
      await sb.writeFile('/testbed/a.txt', 'changed\n');
      expect(readFileSync(join(repo, 'a.txt'), 'utf8')).toBe('one\n');
      await sb.writeFile('/testbed/a.txt', 'one\n');
    });

    it.runIf(t.git)('diff: changes against HEAD with new files, the agent staging untouched', async () => {
      await sb.writeFile('/testbed/a.txt', 'two\n');
      await sb.writeFile('/testbed/sub/new.txt', 'new\n');
      const diff = await sb.diff();
      expect(diff).toContain('-one\n+two');
      expect(diff).toContain('+++ b/sub/new.txt');
      const staged = await sb.exec('git diff --cached --name-only');
      expect(staged.stdout).toBe('');
      await sb.exec('git checkout -q a.txt && rm -rf sub');
      expect(await sb.diff()).toBe('');
    });

    it('fork: each fork has the state, and forks change independently of each other and the parent', async () => {
      await sb.writeFile('/testbed/state.txt', 'parent\n');
      const forks = await sb.fork(2);
      try {
        expect(forks).toHaveLength(2);
        expect(new Set([sb.id, ...forks.map((f) => f.id)]).size).toBe(3);
        for (const f of forks) expect(await f.readFile('/testbed/state.txt')).toBe('parent\n');
        await forks[0]!.writeFile('/testbed/state.txt', 'fork 0\n');
        expect(await forks[1]!.readFile('/testbed/state.txt')).toBe('parent\n');
        expect(await sb.readFile('/testbed/state.txt')).toBe('parent\n');
        if (t.git) expect(await forks[1]!.diff()).toContain('+++ b/state.txt');
      } finally {
        await Promise.all(forks.map((f) => f.close()));
      }
      // The parent outlives its forks.
      expect((await sb.exec('cat state.txt; rm state.txt')).stdout).toBe('parent\n');
    });

    it('fork(0) and fork(1.5) are refused', async () => {
      await expect(sb.fork(0)).rejects.toBeInstanceOf(DrydockError);
      await expect(sb.fork(1.5)).rejects.toBeInstanceOf(DrydockError);
    });

    it.runIf(t.limits)(
      'limits: OOM, pids and timeout are enforced and reported, and the sandbox survives',
      async () => {
        const oom = await sb.exec('dd if=/dev/zero of=/dev/null bs=512M count=1', { memoryBytes: 128 * MB });
        expect(oom.killedBy).toBe('oom');
        expect(oom.exitCode).not.toBe(0);
        const bomb = await sb.exec('bomb() { bomb | bomb & }; bomb; sleep 20', {
          pids: 64,
          timeoutMs: 30_000,
        });
        expect(bomb.killedBy).toBe('pids');
        expect(bomb.wallMs).toBeLessThan(20_000);
        const slow = await sb.exec('sleep 30', { timeoutMs: 500 });
        expect(slow.killedBy).toBe('timeout');
        const next = await sb.exec('echo still here');
        expect(next.stdout).toBe('still here\n');
        expect(next.killedBy).toBeNull();
        expect(next.peakMemoryBytes).toBeGreaterThan(0);
      },
    );

    it('close: every later call is refused with SandboxClosedError; closing twice is fine', async () => {
      const other = await t.open(repo);
      await other.close();
      await other.close();
      await expect(other.exec('true')).rejects.toBeInstanceOf(SandboxClosedError);
      await expect(other.fork(1)).rejects.toBeInstanceOf(SandboxClosedError);
    });
  });
}

describe('HostSandbox refuses what it cannot do', () => {
  it('per-call memory, CPU and pids limits throw a typed error instead of being ignored', async () => {
    const sb = await HostSandbox.open();
    try {
      for (const opts of [{ memoryBytes: 1 << 20 }, { cpus: 0.5 }, { pids: 10 }]) {
        const err = await sb.exec('true', opts).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(SandboxUnsupportedError);
        expect((err as DrydockError).message).toMatch(
          /cannot enforce a per-call (memoryBytes|cpus|pids) limit/,
        );
      }
      expect((await sb.exec('true')).mode).toBe('host');
      await expect(sb.writeFile('/etc/drydock-should-not-exist', 'x')).rejects.toBeInstanceOf(
        SandboxUnsupportedError,
      );
      expect(existsSync('/etc/drydock-should-not-exist')).toBe(false);
    } finally {
      const root = (sb as HostSandbox).root;
      await sb.close();
      expect(existsSync(root)).toBe(false);
    }
  });
});
