import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { BudgetExceededError, type ChatMessage } from '../../src/model/index.js';
import {
  TrajectoryWriter,
  formatTranscript,
  parseTrajectory,
  readTrajectory,
  resolveRun,
  trajectoryPath,
} from '../../src/trajectory/index.js';
import { scripted } from '../model/helpers.js';
import { runCli } from './cli-capture.js';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'drydock-traj-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('trajectory', () => {
  it('writes one event per line as it happens, with contiguous seq', () => {
    const runsDir = tempDir();
    const w = TrajectoryWriter.create({ runsDir, runId: 'r1' });
    w.append({ type: 'run.start', runId: 'r1', model: 'm', scripted: false });
    // Readable before close: nothing waits in a buffer.
    expect(readTrajectory(w.path).events).toHaveLength(1);
    w.append({ type: 'note', message: 'hello' });
    w.append({ type: 'run.end', status: 'success', reason: 'done' });
    w.close();
    const lines = readFileSync(trajectoryPath('r1', runsDir), 'utf8').trimEnd().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { seq: number }).seq)).toEqual([0, 1, 2]);
    expect(readTrajectory(w.path)).toMatchObject({ ended: true, truncatedTail: false, skipped: [] });
  });

  it('skips a torn last line, says so, and keeps every complete event', () => {
    const text =
      '{"v":1,"seq":0,"ts":"t","type":"run.start","runId":"r","model":"m","scripted":true}\n' +
      'garbage in the middle\n' +
      '{"v":1,"seq":1,"ts":"t","type":"note","message":"kept"}\n' +
      '{"v":1,"seq":2,"ts":"t","type":"no';
    const r = parseTrajectory(text);
    expect(r.events.map((e) => e.seq)).toEqual([0, 1]);
    expect(r.truncatedTail).toBe(true);
    expect(r.skipped).toEqual([
      { line: 2, reason: expect.stringMatching(/^not JSON/) },
      { line: 4, reason: expect.stringMatching(/incomplete last line/) },
    ]);
    const shown = formatTranscript(r);
    expect(shown).toMatch(/SCRIPTED/);
    expect(shown).toMatch(/note: kept/);
    expect(shown).toMatch(/line 4 skipped: incomplete last line/);
    expect(shown).toMatch(/no run.end event/);
  });

  it('finds a run by id, directory or file, and names recent runs when it cannot', () => {
    const runsDir = tempDir();
    const w = TrajectoryWriter.create({ runsDir, runId: '20260101-000000-abcdef' });
    w.append({ type: 'note', message: 'x' });
    w.close();
    expect(resolveRun('20260101-000000-abcdef', runsDir)).toBe(w.path);
    expect(resolveRun(join(runsDir, '20260101-000000-abcdef'), runsDir)).toBe(w.path);
    expect(resolveRun(w.path, runsDir)).toBe(w.path);
    expect(() => resolveRun('nope', runsDir)).toThrow(/no run or trajectory file named "nope"/);
    try {
      resolveRun('nope', runsDir);
    } catch (e) {
      expect((e as { fix: string }).fix).toContain('20260101-000000-abcdef');
    }
  });

  it('records a budget exhaustion: the events say which limit, run.end says why', async () => {
    const runsDir = tempDir();
    const w = TrajectoryWriter.create({ runsDir, runId: 'budget' });
    const s = await scripted(
      { turns: [{ content: 'more', repeat: true }] },
      { budget: { maxTokens: 50 } },
      (e) => w.append(e),
    );
    try {
      const client = s.client;
      w.append({ type: 'run.start', runId: w.runId, model: client.model, scripted: true });
      const messages: ChatMessage[] = [{ role: 'user', content: 'x'.repeat(200) }];
      let caught: unknown;
      try {
        for (;;) await client.complete({ messages });
      } catch (err) {
        caught = err;
        w.endWithError(err, {
          turns: client.budget.spent.turns,
          tokens: client.budget.spent.tokens,
          costUsd: client.budget.spent.costUsd,
        });
      }
      w.close();
      expect(caught).toBeInstanceOf(BudgetExceededError);
      const r = readTrajectory(w.path);
      const types = r.events.map((e) => e.type);
      expect(types.slice(-2)).toEqual(['budget.exceeded', 'run.end']);
      expect(r.events.at(-2)).toMatchObject({ limit: 'tokens', max: 50 });
      expect(r.events.at(-1)).toMatchObject({
        status: 'budget_exceeded',
        errorCode: 'BUDGET_EXCEEDED',
        reason: expect.stringMatching(/token budget of 50 spent/),
      });
      const shown = await runCli(['show', 'budget', '--runs-dir', runsDir]);
      expect(shown.code).toBe(0);
      expect(shown.stdout).toMatch(/run ended: budget_exceeded — budget exhausted: token budget of 50 spent/);
    } finally {
      await s.close();
    }
  });

  it('a run killed with SIGKILL leaves a trajectory that `drydock show` reads up to the last complete event', async () => {
    const runsDir = tempDir();
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        fileURLToPath(new URL('../fixtures/trajectory/killable-run.ts', import.meta.url)),
        runsDir,
        'killed',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // Kill it mid-stream, once it has written a good number of events and is still going.
    await new Promise<void>((resolve, reject) => {
      let seen = 0;
      child.stdout.on('data', (d: Buffer) => {
        const counts = d.toString().trim().split('\n').map(Number);
        seen = Math.max(seen, ...counts);
        if (seen >= 30) resolve();
      });
      child.on('exit', (code) => reject(new Error(`child exited early (${code}): ${stderr}`)));
    });
    child.kill('SIGKILL');
    const signal = await new Promise((resolve) => child.on('exit', (_code, sig) => resolve(sig)));
    expect(signal).toBe('SIGKILL');

    const path = trajectoryPath('killed', runsDir);
    const r = readTrajectory(path);
    expect(r.events.length).toBeGreaterThanOrEqual(30);
    expect(r.events.map((e) => e.seq)).toEqual(r.events.map((_, i) => i));
    expect(r.events[0]).toMatchObject({ type: 'run.start', scripted: true });
    expect(r.ended).toBe(false);
    // The only line that may be lost is the one being written at the kill.
    expect(r.skipped.length).toBeLessThanOrEqual(1);
    if (r.skipped.length === 1) expect(r.truncatedTail).toBe(true);

    // Whatever the kill left, a torn tail is read past and reported.
    appendFileSync(path, '{"v":1,"seq":99999,"ts":"2026');
    const shown = await runCli(['show', path]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/SCRIPTED/);
    expect(shown.stdout).toMatch(/tool bash \{"command":"echo hi"\}/);
    expect(shown.stdout).toMatch(/incomplete last line/);
    expect(shown.stdout).toMatch(/no run.end event: the run is still going or was killed/);

    const json = await runCli(['show', path, '--json']);
    const lines = json.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(r.events.length);
    expect(lines.map((l) => (JSON.parse(l) as { seq: number }).seq)).toEqual(r.events.map((e) => e.seq));
    expect(json.stderr).toMatch(/skipped: incomplete last line/);
  });
});

describe('transcript', () => {
  it('shows every kind of event a run records', () => {
    const runsDir = tempDir();
    const w = TrajectoryWriter.create({ runsDir, runId: 'all' });
    w.append({ type: 'run.start', runId: 'all', model: 'gpt-x', scripted: false, task: 'fix the bug' });
    w.append({
      type: 'model.retry',
      turn: 1,
      attempt: 1,
      reason: 'HTTP 429: slow down',
      status: 429,
      delayMs: 1000,
      delaySource: 'retry-after',
    });
    w.append({
      type: 'tool.call',
      callId: 'c1',
      tool: 'bash',
      args: { command: 'rm -rf /' },
      policy: { decision: 'deny', rule: 'no-rm-root', reason: 'deletes the filesystem' },
      resources: null,
      observation: 'Denied by rule no-rm-root',
      isError: true,
    });
    w.append({
      type: 'tool.call',
      callId: 'c2',
      tool: 'run_tests',
      args: {},
      policy: { decision: 'allow', rule: 'tests', reason: 'ok' },
      resources: { wallMs: 1200, cpuMs: 900, peakMemoryBytes: 64 * 1048576, killedBy: 'oom' },
      exitCode: 137,
      observation: 'Killed',
      observationTruncated: true,
      isError: true,
    });
    w.append({ type: 'reward', value: 0.5, source: 'lsp-diagnostics' });
    w.append({ type: 'test.result', command: 'pytest', passed: 3, failed: 1 });
    w.append({ type: 'patch', diff: '--- a/x.py\n+++ b/x.py\n@@\n-a\n+b', files: ['x.py'] });
    w.append({
      type: 'run.end',
      status: 'success',
      reason: 'tests pass',
      totals: { turns: 3, tokens: 900, costUsd: 0.0123 },
    });
    w.close();
    const text = formatTranscript(readTrajectory(w.path));
    expect(text).toMatch(/^model: gpt-x$/m);
    expect(text).not.toMatch(/SCRIPTED/);
    expect(text).toMatch(/retrying in 1000 ms as the endpoint asked \(Retry-After\)/);
    expect(text).toMatch(/policy: deny by rule no-rm-root; error/);
    expect(text).toMatch(
      /policy: allow by rule tests; exit 137; 1200 ms, cpu 900 ms, peak 64.0 MiB, killed by oom/,
    );
    expect(text).toMatch(/\(truncated\)/);
    expect(text).toMatch(/reward \+0.5 from lsp-diagnostics/);
    expect(text).toMatch(/tests \(pytest\): 3 passed, 1 failed/);
    expect(text).toMatch(/patch \(1 file\(s\): x.py\)\n {2}--- a\/x.py/);
    expect(text).toMatch(/run ended: success — tests pass\n {3}totals: 3 turns, 900 tokens, \$0.0123/);
    expect(text).not.toMatch(/no run.end event/);
  });
});
