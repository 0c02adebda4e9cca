import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  HostCommandError,
  onHostPath,
  pipeFromHost,
  runHost,
  runHostLogged,
  runHostSync,
  streamHost,
} from '../../src/core/index.js';

const dir = mkdtempSync(join(tmpdir(), 'drydock-host-process-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('host processes (execa, one function per need)', () => {
  it('runs a command with input and extra environment, and returns its output', async () => {
    const r = await runHost('sh', ['-c', 'printf "%s:" "$GREETING"; cat'], {
      input: 'from stdin',
      env: { GREETING: 'hello' },
    });
    expect(r).toEqual({ exitCode: 0, stdout: 'hello:from stdin', stderr: '' });
    expect(runHostSync('sh', ['-c', 'pwd'], { cwd: dir }).stdout.trim()).toBe(dir);
  });

  it('a failing command is a HostCommandError naming it and quoting its stderr', async () => {
    const fail = ['-c', 'echo one >&2; echo two >&2; exit 3'];
    const err = await runHost('sh', fail).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HostCommandError);
    expect((err as HostCommandError).message).toBe(
      'sh -c echo one >&2; echo two >&2; exit 3 exited 3: one two',
    );
    expect((err as HostCommandError).exitCode).toBe(3);
    expect(() => runHostSync('sh', fail)).toThrow(/exited 3: one two/);
    expect(() => runHostSync('no-such-program-drydock', [])).toThrow(/could not start/);
  });

  it('kills a command at its timeout and says so', async () => {
    const t0 = Date.now();
    const err = (await runHost('sleep', ['30'], { timeoutMs: 300 }).catch(
      (e: unknown) => e,
    )) as HostCommandError;
    expect(err.why).toBe('timed out after 300 ms');
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it('appends a long command’s output to its log', () => {
    const log = join(dir, 'run.log');
    runHostLogged('sh', ['-c', 'echo out; echo err >&2'], log);
    runHostLogged('sh', ['-c', 'echo again'], log);
    expect(readFileSync(log, 'utf8').split('\n').filter(Boolean).sort()).toEqual(['again', 'err', 'out']);
    expect(() => runHostLogged('sh', ['-c', 'exit 7'], log)).toThrow(/exited 7/);
  });

  it('streams lines as they come, keeps the stderr tail, and ends a run past its limit', async () => {
    const lines: string[] = [];
    const r = await streamHost('sh', ['-c', 'echo a; echo b >&2; printf c; exit 2'], {
      env: { PATH: process.env.PATH },
      onLine: (l) => lines.push(l),
    });
    expect(r).toEqual({ exitCode: 2, stderrTail: 'b\n', timedOut: false });
    expect(lines.sort()).toEqual(['a', 'b', 'c']);
    // Only the environment given: nothing of the host's leaks in.
    const env: string[] = [];
    await streamHost('sh', ['-c', 'echo "[$HOME]"'], {
      env: { PATH: process.env.PATH },
      onLine: (l) => env.push(l),
    });
    expect(env).toEqual(['[]']);
    const slow = await streamHost('sleep', ['30'], { env: { PATH: process.env.PATH }, timeoutMs: 300 });
    expect(slow).toMatchObject({ exitCode: null, timedOut: true });
  });

  it('pipes a command’s stdout to a consumer and reports its failure', async () => {
    const ok = pipeFromHost('sh', ['-c', 'printf data']);
    const chunks: Buffer[] = [];
    for await (const c of ok.stdout) chunks.push(Buffer.from(c as Buffer));
    await ok.done;
    expect(Buffer.concat(chunks).toString()).toBe('data');
    const bad = pipeFromHost('sh', ['-c', 'echo broken >&2; exit 1']);
    bad.stdout.resume();
    await expect(bad.done).rejects.toThrow(/exited 1: broken/);
  });

  it('a started daemon lets its starter exit, outlives it, and writes to its log', async () => {
    // `npm test` builds dist first; the starter is a separate node process, as `drydock setup` is.
    const lib = fileURLToPath(new URL('../../dist/core/host-process.js', import.meta.url));
    expect(existsSync(lib)).toBe(true);
    const log = join(dir, 'daemon', 'daemon.log');
    const daemon = 'echo started; sleep 2; echo "after the starter ended"';
    const script = `import { startHostDaemon } from ${JSON.stringify(lib)};
      startHostDaemon('sh', ['-c', ${JSON.stringify(daemon)}], ${JSON.stringify(log)});`;
    const started = Date.now();
    const exit = await new Promise<{ code: number | null; signal: string | null }>((resolve) => {
      const child = execFile(process.execPath, ['--input-type=module', '-e', script], { timeout: 15_000 });
      child.on('exit', (code, signal) => resolve({ code, signal }));
    });
    // The starter ends on its own, long before the daemon (a held pipe would keep it alive
    // until the 15 s kill).
    expect(exit).toEqual({ code: 0, signal: null });
    expect(Date.now() - started).toBeLessThan(10_000);
    for (let i = 0; i < 100 && !readFileSync(log, 'utf8').includes('after'); i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(readFileSync(log, 'utf8')).toBe('started\nafter the starter ended\n');
  });

  it('finds programs on PATH', () => {
    expect(onHostPath('sh')).toBe(true);
    expect(onHostPath('no-such-program-drydock')).toBe(false);
    expect(onHostPath('sh; touch /tmp/x')).toBe(false);
  });
});
