import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LspProcessEvent } from '../../src/core/index.js';
import { DiagnosticsSession, PYRIGHT } from '../../src/lsp/index.js';
import { treeUsage } from '../../src/lsp/process-usage.js';
import { imageRef, openSandbox, type DockerSandbox } from '../../src/sandbox/index.js';
import { readTrajectory, TrajectoryWriter } from '../../src/trajectory/index.js';
import { drydock } from '../helpers/cli.js';
import { launchChromium, openReport } from '../helpers/chromium.js';
import { imagesPresent } from '../helpers/containers.js';

/**
 * Language-server processes on the run's timeline, from a real pyright in a real sandbox: the
 * session records each process's life in the trajectory it is given (`lsp.process`), and the
 * page shows one bar per process with its usage. On this host's default mode
 * (per-call-cgroup) the usage is the server's own cgroup's (sandbox spawn).
 */
const FIXTURES = fileURLToPath(new URL('../fixtures/lsp/', import.meta.url));
const SHOTS = fileURLToPath(new URL('../../test-results/report/', import.meta.url));
const image = imageRef('python');

describe('the usage of a process tree, from a /proc scan', () => {
  it('sums CPU ticks (own and reaped children) and each live process peak over the tree only', () => {
    const scan = [
      '1 (sh) S 0 1 1 0 -1 0 0 0 0 0 5 5 0 0 20 0 1 0|VmHWM:\t    1000 kB',
      // the server (pid 7, a name with spaces and a parenthesis) and its child 9
      '7 (node (main) x) S 1 7 7 0 -1 0 0 0 0 0 100 50 30 20 20 0 1 0|VmHWM:\t  204800 kB',
      '9 (tsserver) S 7 7 7 0 -1 0 0 0 0 0 40 10 0 0 20 0 1 0|VmHWM:\t  102400 kB',
      '12 (grep) R 1 1 1 0 -1 0 0 0 0 0 1 1 0 0 20 0 1 0|',
    ].join('\n');
    expect(treeUsage(scan, 7)).toEqual({
      cpuMs: (100 + 50 + 30 + 20 + 40 + 10) * 10,
      peakMemoryBytes: (204800 + 102400) * 1024,
      processes: 2,
    });
    expect(treeUsage(scan, 42)).toBeNull();
  });
});

describe('language-server processes in the trajectory and on the page (Docker, pyright)', async () => {
  const present = await imagesPresent(image);
  if (!present) console.warn(`skipping: ${image} is not built (run drydock setup)`);
  let sb: DockerSandbox | undefined;
  let browser: Browser | undefined;
  let tmp = '';

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'drydock-report-lsp-'));
    mkdirSync(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await sb?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it.skipIf(!present)(
    'records a killed, a crashed and a closed server with start, wall, CPU and peak memory, and the page draws each',
    async () => {
      sb = await openSandbox({
        image,
        repo: join(FIXTURES, 'py-repo'),
        runId: `test-report-lsp-${process.pid}`,
      });
      const path = join(tmp, 'run', 'trajectory.jsonl');
      const trajectory = TrajectoryWriter.atPath(path, 'lsp-run');
      trajectory.append({ type: 'run.start', runId: 'lsp-run', model: 'none', scripted: true, task: 'lsp' });
      const session = new DiagnosticsSession(sb, { trajectory });
      const lspEvents = () =>
        readTrajectory(path).events.filter((e): e is typeof e & LspProcessEvent => e.type === 'lsp.process');
      const waitFor = async (n: number) => {
        for (let i = 0; i < 100 && lspEvents().length < n; i++) await new Promise((r) => setTimeout(r, 100));
        expect(lspEvents()).toHaveLength(n);
      };

      await session.diagnostics(['app/main.py']);
      await session.killServers(); // drydock kills it: usage read first
      await waitFor(1);
      await session.diagnostics(['app/main.py']);
      const pidFile = session.client(PYRIGHT).pidFile!;
      // The server dies by itself (from drydock's view): no usage can be read any more.
      await sb.exec(`kill -9 "$(cat ${pidFile})"`, { timeoutMs: 10_000 });
      await waitFor(2);
      await session.diagnostics(['app/util.py']);
      await session.close(); // shutdown: usage read first, the event written before close returns
      expect(lspEvents()).toHaveLength(3);
      trajectory.append({ type: 'run.end', status: 'success', reason: 'done' });
      trajectory.close();

      const [killed, crashed, closed] = lspEvents();
      // Per-call-cgroup sandboxes spawn servers in cgroups of their own, which account for
      // them to the end (a crash too); elsewhere drydock reads /proc before it ends one.
      const ownCgroup = sb.mode === 'per-call-cgroup';
      for (const e of [killed!, crashed!, closed!]) {
        expect(e.server).toBe('pyright');
        expect(Date.parse(e.startedAt)).toBeLessThanOrEqual(Date.parse(e.ts) - e.wallMs + 50);
        expect(e.wallMs).toBeGreaterThan(0);
        expect(e.limits?.pids).toBeGreaterThan(0);
      }
      for (const e of ownCgroup ? [killed!, crashed!, closed!] : [killed!, closed!]) {
        expect(e.cpuMs).toBeGreaterThan(0); // pyright's analysis took CPU
        expect(e.peakMemoryBytes).toBeGreaterThan(20 * 1024 * 1024); // a node process's resident set
        expect(e.measured).toMatch(ownCgroup ? /its own cgroup/ : /^\/proc in the sandbox/);
      }
      expect(killed!.ended).toBe('killed');
      expect(closed!.ended).toBe('closed');
      expect(crashed!.ended).toBe('crashed');
      if (ownCgroup) {
        expect(closed!.limits?.memoryBytes).toBeGreaterThan(0);
        expect(crashed!.endReason).toMatch(/signal 9/);
      } else {
        expect(crashed).toMatchObject({ cpuMs: null, peakMemoryBytes: null });
        expect(crashed!.measured).toMatch(/not measured/);
      }

      const r = drydock(['report', path, '--out', join(tmp, 'lsp.html')], {}, 120_000);
      expect(r.status, r.stderr).toBe(0);
      browser = await launchChromium();
      const { page, problems } = await openReport(browser, join(tmp, 'lsp.html'));
      try {
        expect(problems).toEqual([]);
        const bars = page.locator('[data-chart="timeline"] path[aria-label^="language server pyright"]');
        await expect(bars.count()).resolves.toBe(3);
        const labels = await bars.evaluateAll((ps) => ps.map((p) => p.getAttribute('aria-label') ?? ''));
        expect(
          labels.filter((l) => /\((killed|closed)\).*cpu \d+ ms, peak \d+\.\d MiB/.test(l)),
        ).toHaveLength(2);
        await expect(page.locator('#lsp-processes tbody tr').count()).resolves.toBe(3);
        await page.screenshot({ path: join(SHOTS, 'run-lsp.png'), fullPage: true });
      } finally {
        await page.close();
      }
    },
    180_000,
  );
});
