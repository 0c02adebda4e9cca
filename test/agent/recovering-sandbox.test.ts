import { describe, expect, it } from 'vitest';
import {
  RecoveringSandbox,
  RecoveryBudget,
  type SandboxRecovery,
} from '../../src/agent/recovering-sandbox.js';
import { SandboxGoneError, type ExecResult, type Sandbox } from '../../src/sandbox/index.js';

// The recovery logic on an in-memory stand-in whose container can be "killed": what is rebuilt,
// what is replayed, what is counted. The same class against a real engine, with the container
// `docker kill`ed mid-call, is in test/model/fault-runs.test.ts.
let serial = 0;

class FakeSandbox implements Sandbox {
  readonly id = `fake${String(++serial).padStart(8, '0')}`;
  readonly mode = 'host' as const;
  dead = false;
  closed = false;
  files = new Map<string, string>();
  log: string[] = [];
  /** Kill the container when a command matching this runs (once). */
  killOn: RegExp | null = null;

  constructor(readonly origin: string) {}

  private check(): void {
    if (this.dead) throw new SandboxGoneError(this.id, 'container is not running');
  }
  async exec(command: string): Promise<ExecResult> {
    this.check();
    if (this.killOn?.test(command)) {
      this.killOn = null;
      this.dead = true;
      this.check();
    }
    this.log.push(command);
    const rm = /^rm -f -- '(.+)'$/.exec(command);
    if (rm) this.files.delete(`/testbed/${rm[1]}`);
    return {
      exitCode: 0,
      stdout: `ran in ${this.origin}`,
      stderr: '',
      truncated: false,
      stdoutBytesCut: 0,
      stderrBytesCut: 0,
      mode: 'host',
      wallMs: 1,
      cpuMs: 0,
      peakMemoryBytes: 0,
      killedBy: null,
    } as ExecResult;
  }
  async readFile(path: string): Promise<string> {
    this.check();
    return this.files.get(path) ?? '';
  }
  async writeFile(path: string, content: string | Buffer): Promise<void> {
    this.check();
    this.files.set(path, content.toString());
  }
  async diff(): Promise<string> {
    this.check();
    return [...this.files.keys()].sort().join('\n');
  }
  async fork(n: number): Promise<Sandbox[]> {
    if (this.dead) throw new Error('(HTTP code 409) container is not running: cannot pause');
    return Array.from({ length: n }, () => {
      const f = new FakeSandbox(`fork of ${this.origin}`);
      f.files = new Map(this.files);
      return f;
    });
  }
  async spawn(): Promise<never> {
    throw new Error('not used');
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

function setup(max = 2) {
  const opened: FakeSandbox[] = [];
  const reopen = async () => {
    const s = new FakeSandbox(`reopened ${opened.length}`);
    opened.push(s);
    return s;
  };
  const seen: SandboxRecovery[] = [];
  const first = new FakeSandbox('first');
  const budget = new RecoveryBudget(max, (r) => seen.push(r));
  return { first, opened, seen, sandbox: new RecoveringSandbox(first, reopen, budget) };
}

describe('RecoveringSandbox', () => {
  it('a call that meets SANDBOX_GONE runs again in a sandbox rebuilt from the repository and the files last written', async () => {
    const { first, opened, seen, sandbox } = setup();
    await sandbox.writeFile('/testbed/calc.py', 'v1');
    await sandbox.writeFile('/testbed/calc.py', 'v2');
    await sandbox.writeFile('/testbed/other.py', 'x');
    first.killOn = /pytest/;
    const r = await sandbox.exec('python -m pytest');
    expect(r.stdout).toBe('ran in reopened 0');
    expect(first.closed).toBe(true);
    expect(opened).toHaveLength(1);
    // Each file once, as last written, before the call was made again.
    expect([...opened[0]!.files]).toEqual([
      ['/testbed/calc.py', 'v2'],
      ['/testbed/other.py', 'x'],
    ]);
    expect(opened[0]!.log).toEqual(['python -m pytest']);
    expect(seen).toEqual([
      expect.objectContaining({
        lost: first.id.slice(0, 12),
        replacement: opened[0]!.id.slice(0, 12),
        during: 'exec python -m pytest',
        restored: ['/testbed/calc.py', '/testbed/other.py'],
        kind: 'base',
        attempt: 1,
        max: 2,
      }),
    ]);
    expect(sandbox.id).toBe(opened[0]!.id);
  });

  it('a file removed with rm -f -- is not restored (the reproduction test never becomes part of a patch)', async () => {
    const { first, opened, sandbox } = setup();
    await sandbox.writeFile('/testbed/calc.py', 'fixed');
    await sandbox.writeFile('/testbed/tests/test_drydock_reproduction.py', 'test');
    await sandbox.exec(`rm -f -- 'tests/test_drydock_reproduction.py'`);
    first.dead = true;
    expect(await sandbox.diff()).toBe('/testbed/calc.py');
    expect([...opened[0]!.files.keys()]).toEqual(['/testbed/calc.py']);
  });

  it('past the limit the typed error goes through, so the run ends with SANDBOX_GONE as before', async () => {
    const { first, opened, seen, sandbox } = setup(1);
    first.dead = true;
    await sandbox.exec('true');
    opened[0]!.dead = true;
    await expect(sandbox.exec('python -m pytest')).rejects.toMatchObject({ code: 'SANDBOX_GONE' });
    expect(seen).toHaveLength(1);
    expect(opened).toHaveLength(1);
  });

  it('other errors are not recovered from', async () => {
    const { first, opened, sandbox } = setup();
    first.exec = async () => {
      throw new Error('invalid environment variable name');
    };
    await expect(sandbox.exec('x')).rejects.toThrow('invalid environment variable name');
    expect(opened).toHaveLength(0);
  });

  it("a fork killed mid-call is replaced by a new fork of its parent with the fork's own files; a dead parent is rebuilt first", async () => {
    const { first, opened, seen, sandbox } = setup();
    await sandbox.writeFile('/testbed/base.txt', 'base');
    const [fork] = await sandbox.fork(1);
    await fork!.writeFile('/testbed/calc.py', 'candidate c2');
    // The whole engine restarted: the parent and the fork are both gone.
    first.dead = true;
    const inner = (fork as unknown as { current: FakeSandbox }).current;
    inner.killOn = /pytest/;
    const r = await fork!.exec('python -m pytest tests/test_calc.py');
    // The parent was rebuilt (its write replayed), then forked, then the fork's write replayed.
    expect(opened).toHaveLength(1);
    expect(r.stdout).toBe('ran in fork of reopened 0');
    const replacement = (fork as unknown as { current: FakeSandbox }).current;
    expect(Object.fromEntries(replacement.files)).toEqual({
      '/testbed/base.txt': 'base',
      '/testbed/calc.py': 'candidate c2',
    });
    expect(seen.map((s) => [s.kind, s.during])).toEqual([
      ['base', 'fork'],
      ['fork', 'exec python -m pytest tests/test_calc.py'],
    ]);
    expect(seen.map((s) => s.attempt)).toEqual([1, 2]);
  });
});
