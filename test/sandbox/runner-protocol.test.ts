// The runner protocol (runner-script.ts + runner-client.ts) without Docker: the runner
// runs under the host's static bash in a scratch cgroup of this test's own, standing in
// for a container's. It checks the cases a container test hits only by chance: a worker
// killed before it read its request, stdin closed before the worker opened it, and the
// worker's early end line (Y) against exit, exec, signals and traps. Needs root and a
// v1 cgroupfs (this is where per-call mode runs here); skipped otherwise, saying why.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, rmdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Duplex, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectCgroupHost } from '../../src/sandbox/cgroup-host.js';
import type { ContainerCgroup } from '../../src/sandbox/call-cgroup.js';
import { INITIAL_SLOTS, RunnerClient, type CallRequest } from '../../src/sandbox/runner-client.js';
import { RUNNER_SCRIPT } from '../../src/sandbox/runner-script.js';
import { runtimeSource } from '../../src/sandbox/runtime.js';

const CONTROLLERS = ['memory', 'pids', 'cpu', 'cpuacct'] as const;
const bashPath = runtimeSource()?.bash ?? null;
const cg = detectCgroupHost();
const why =
  process.getuid?.() !== 0
    ? 'not root'
    : cg.version !== 1 || !cg.writable
      ? `needs a writable v1 cgroupfs (${cg.detail})`
      : CONTROLLERS.some((c) => !existsSync(`${cg.root}/${c}/cgroup.procs`))
        ? 'memory, pids, cpu and cpuacct must each be mounted on their own'
        : !bashPath
          ? 'no static bash on this machine'
          : null;
if (why) console.warn(`runner protocol tests skipped: ${why}`);

const name = `drydock-test-runner-${process.pid}`;
const dirs = CONTROLLERS.map((c) => `${cg.root}/${c}/${name}`);
let root = '';
let child: ChildProcess | null = null;
let rc: RunnerClient;

function req(command: string, o: Partial<CallRequest> = {}): CallRequest {
  return {
    command,
    cwd: '/',
    env: {},
    memoryBytes: 1024 ** 3,
    cpus: 1,
    pids: 256,
    timeoutMs: 30_000,
    maxOutputBytes: 1024 * 1024,
    ...o,
  };
}

const run = async (command: string, o: Partial<CallRequest> = {}) => (await rc.exec(req(command, o))).result;

describe.skipIf(why !== null)('runner protocol on the host', () => {
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'drydock-runner-'));
    mkdirSync(join(root, 'run/drydock'), { recursive: true });
    for (const d of dirs) mkdirSync(d);
    const script = RUNNER_SCRIPT.replace('D=/run/drydock', `D=${root}/run/drydock`);
    // The runner moves itself into the scratch cgroup first, so all it forks is inside.
    const enter = CONTROLLERS.map((c) => `echo $$ > ${cg.root}/${c}/${name}/cgroup.procs`).join('; ');
    child = spawn(
      bashPath!,
      ['-c', `${enter}; exec "$0" -c "$1" drydock-runner ${INITIAL_SLOTS}`, bashPath!, script],
      {
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    // The attach stream's framing (stdout 1, stderr 2), as the engine sends it.
    const frame = (s: number, b: Buffer) => {
      const h = Buffer.alloc(8);
      h[0] = s;
      h.writeUInt32BE(b.length, 4);
      return Buffer.concat([h, b]);
    };
    const stream = new Duplex({
      read() {},
      write(c, _e, cb) {
        child!.stdin!.write(c, cb);
      },
      final(cb) {
        child!.stdin!.end();
        cb();
      },
    });
    child.stdout!.on('data', (b: Buffer) => stream.push(frame(1, b)));
    child.stderr!.on('data', (b: Buffer) => stream.push(frame(2, b)));
    child.stdout!.on('end', () => stream.push(null));
    rc = new RunnerClient(stream, 'test');
    const parent: ContainerCgroup = {
      version: 1,
      memory: dirs[0]!,
      pids: dirs[1]!,
      cpu: dirs[2]!,
      cpuacct: dirs[3]!,
    };
    rc.attachHost(root, parent);
    await rc.waitReady(10_000);
    rc.openControl();
  });

  afterAll(async () => {
    rc?.close();
    child?.kill('SIGKILL');
    // Whatever the runner started is in the scratch cgroup: all of it goes, then the cgroups.
    for (let round = 0; round < 100; round++) {
      const pids = existsSync(dirs[1]!)
        ? readFileSync(`${dirs[1]}/cgroup.procs`, 'utf8').split('\n').filter(Boolean)
        : [];
      const subs = dirs.flatMap((d) =>
        existsSync(d)
          ? readdirSync(d, { withFileTypes: true })
              .filter((e) => e.isDirectory())
              .map((e) => `${d}/${e.name}`)
          : [],
      );
      for (const sub of subs) {
        let procs = '';
        try {
          procs = readFileSync(`${sub}/cgroup.procs`, 'utf8');
        } catch {
          // The runner removed this cgroup between the listing and the read: nothing left in it.
        }
        for (const p of procs.split('\n').filter(Boolean)) pids.push(p);
      }
      for (const p of pids) {
        try {
          process.kill(Number(p), 'SIGKILL');
        } catch {
          // Gone.
        }
      }
      for (const sub of subs) {
        try {
          rmdirSync(sub);
        } catch {
          // Still busy: next round.
        }
      }
      if (pids.length === 0 && subs.length === 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    for (const d of dirs) {
      try {
        rmdirSync(d);
      } catch {
        // Reported by the check below.
      }
    }
    rmSync(root, { recursive: true, force: true });
    expect(dirs.filter((d) => existsSync(d))).toEqual([]);
  });

  it('a worker killed before it read its request leaves nothing that runs later', async () => {
    for (let k = 0; k < 12; k++) {
      // Long enough that the 1 ms timeout often lands before the worker has read it all.
      await run(`echo MUST-NOT-RUN-AGAIN${'x'.repeat(k * 9000)}`, { timeoutMs: 1 });
      const next = await run('echo fine');
      expect(next.stdout).toBe('fine\n');
      expect(next.exitCode).toBe(0);
    }
  });

  it('stdin arrives whole even when drydock has written it all before the worker opens it', async () => {
    for (let k = 0; k < 15; k++) {
      const r = await run('cat', { stdin: Buffer.from(`data-${k}`), timeoutMs: 10_000 });
      expect(r.stdout).toBe(`data-${k}`);
    }
    const big = await run('wc -c', {
      stdin: Readable.from([Buffer.alloc(100_000, 97), Buffer.alloc(100_000, 98)]),
      timeoutMs: 10_000,
    });
    expect(big.stdout.trim()).toBe('200000');
  });

  it('reports the status however the command ends: return, exit, exec, signal, EXIT trap, set -e', async () => {
    expect((await run('(exit 6)')).exitCode).toBe(6);
    expect((await run('exit 7')).exitCode).toBe(7);
    expect((await run('exec sh -c "exit 8"')).exitCode).toBe(8);
    expect((await run('kill -TERM $BASHPID')).exitCode).toBe(143);
    expect((await run('set -e; (exit 5); echo no')).exitCode).toBe(5);
    const trapped = await run('trap "echo bye" EXIT; echo hi; (exit 4)');
    expect(trapped.stdout).toBe('hi\nbye\n');
    expect(trapped.exitCode).toBe(4);
    const traced = await run('set -x; echo a');
    expect(traced.stdout).toBe('a\n');
    expect(traced.stderr).toBe('++ echo a\n');
  });

  it('kills what a call left running before its result is returned', async () => {
    const r = await run('sleep 300 & echo $! > /tmp/drydock-runner-test-pid; echo started');
    expect(r.stdout).toBe('started\n');
    const pid = Number(readFileSync('/tmp/drydock-runner-test-pid', 'utf8'));
    rmSync('/tmp/drydock-runner-test-pid');
    // Out of the call's cgroup when the result came: dead, at most a zombie not yet reaped.
    const state = existsSync(`/proc/${pid}/stat`)
      ? readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]![0]
      : 'gone';
    expect(['gone', 'Z', 'X']).toContain(state);
  });

  it('runs concurrent calls on more slots than it started with, each with its own output', async () => {
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => run(`sleep 0.2; echo call-${i}`)));
    results.forEach((r, i) => expect(r.stdout).toBe(`call-${i}\n`));
  });

  it('runs a request of megabytes whole, and the next ones on the same slots after it', async () => {
    // The request travels in the slot's request file (read in one go), not byte by byte.
    const big = 'y'.repeat(3 * 1024 * 1024);
    const r = await run(`v='${big}'; printf %s "\${#v}"`, { env: { BIG: big.slice(0, 100_000) } });
    expect(r.stdout).toBe(String(big.length));
    const after = await Promise.all(
      Array.from({ length: 6 }, (_, i) => run(`echo "$X-${i}"`, { env: { X: 'ok' } })),
    );
    after.forEach((a, i) => expect(a.stdout).toBe(`ok-${i}\n`));
  });

  it('a command that prints or replaces the EXIT trap, or exits with a status, is reported as it ended', async () => {
    const replaced = await run('trap "echo own" EXIT; true');
    expect(replaced.stdout).toBe('own\n');
    expect(replaced.exitCode).toBe(0);
    const removed = await run('trap - EXIT; echo gone; (exit 3)');
    expect(removed.stdout).toBe('gone\n');
    expect(removed.exitCode).toBe(3);
    expect((await run('kill -KILL $BASHPID')).exitCode).toBe(137);
    expect((await run('exit 0')).exitCode).toBe(0);
  });

  it('a kept worker (reuse-safe command) gives later calls a fresh shell and their own accounting', async () => {
    // Back to back, so the same slots' kept workers take them.
    for (let k = 0; k < 8; k++) await run('true');
    const big = await run('dd if=/dev/zero of=/dev/null bs=100M count=1 2>/dev/null');
    expect(big.peakMemoryBytes).toBeGreaterThanOrEqual(100 * 1024 ** 2);
    for (let k = 0; k < 8; k++) {
      const small = await run('cd /tmp; echo "$PWD $OLDPWD"', { cwd: '/' });
      // Neither the 100 MB peak nor the CPU of calls before shows here; cwd and OLDPWD as fresh.
      expect(small.stdout).toBe('/tmp /\n');
      expect(small.peakMemoryBytes).toBeLessThan(20 * 1024 ** 2);
      expect(small.cpuMs).toBeLessThan(1000);
    }
    // An environment a kept worker did not export is not seen by a call without it.
    for (let k = 0; k < 6; k++) await run('true', { env: { LEAK: 'yes' } });
    for (let k = 0; k < 6; k++) expect((await run('printenv LEAK; echo end')).stdout).toBe('end\n');
    // What a kept call leaves running is killed like any call's.
    const r = await run('sh -c "sleep 300 & echo \\$! > /tmp/drydock-runner-kept-pid"; echo started');
    expect(r.stdout).toBe('started\n');
    const pid = Number(readFileSync('/tmp/drydock-runner-kept-pid', 'utf8'));
    rmSync('/tmp/drydock-runner-kept-pid');
    const state = existsSync(`/proc/${pid}/stat`)
      ? readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]![0]
      : 'gone';
    expect(['gone', 'Z', 'X']).toContain(state);
  });

  it('applies per-call limits that differ from the defaults its cgroups were made with', async () => {
    const oom = await run('dd if=/dev/zero of=/dev/null bs=200M count=1', { memoryBytes: 64 * 1024 ** 2 });
    expect(oom.killedBy).toBe('oom');
    const bomb = await run('for i in $(seq 200); do sleep 5 & done; wait', { pids: 32 });
    expect(bomb.killedBy).toBe('pids');
    // The next calls on those slots get the defaults (1 GiB) back.
    const after = await Promise.all(
      Array.from({ length: 4 }, () => run('dd if=/dev/zero of=/dev/null bs=200M count=1 2>/dev/null')),
    );
    for (const r of after) {
      expect(r.killedBy).toBeNull();
      expect(r.exitCode).toBe(0);
      expect(r.peakMemoryBytes).toBeGreaterThanOrEqual(200 * 1024 ** 2);
    }
  });
});
