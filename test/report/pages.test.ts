import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drydock } from '../helpers/cli.js';
import { launchChromium, openReport, readPage } from '../helpers/chromium.js';
import { generateEval, generateRun, instancesFor } from '../helpers/report-fixtures.js';

/**
 * `drydock report` as a user runs it (the built CLI), its pages opened in real headless
 * Chromium. Every test leaves a screenshot in test-results/report/.
 */
const SHOTS = fileURLToPath(new URL('../../test-results/report/', import.meta.url));
let browser: Browser;
let tmp: string;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  tmp = mkdtempSync(join(tmpdir(), 'drydock-report-'));
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

function report(args: string[], env: Record<string, string> = {}): string {
  const r = drydock(['report', ...args], env, 120_000);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const m = /^report: (\S+) /.exec(r.stdout);
  expect(m, r.stdout).not.toBeNull();
  return m![1]!;
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

describe('a fix run page', () => {
  it('shows SCRIPTED, one candidate row each with its outcome, and one timeline mark per tool call, the OOM kill marked', async () => {
    const run = generateRun(join(tmp, 'run'), { toolCalls: 60 });
    const file = report([run.path]);
    const { page, problems, requests } = await openReport(browser, file);
    try {
      expect(problems).toEqual([]);
      expect(requests).toEqual([]);
      await expect(page.locator('#scripted').textContent()).resolves.toMatch(/^SCRIPTED/);

      const rows = page.locator('#candidates tbody tr');
      await expect(rows.count()).resolves.toBe(run.candidates.length);
      const seen = await rows.evaluateAll((trs) =>
        trs.map((tr) => ({
          id: tr.getAttribute('data-candidate'),
          outcome: tr.getAttribute('data-outcome'),
        })),
      );
      expect(seen).toEqual(run.candidates);
      await expect(page.locator('#candidates tr[data-candidate="c1"]').textContent()).resolves.toMatch(
        /syntax error/,
      );

      const marks = page.locator('[data-chart="timeline"] path[aria-label^="#"]');
      await expect(marks.count()).resolves.toBe(run.toolCalls);
      const killed = page.locator('[data-chart="timeline"] [aria-label^="killed by oom"]');
      await expect(killed.count()).resolves.toBe(run.oomKilled.length);
      await expect(killed.first().getAttribute('aria-label')).resolves.toContain(run.oomKilled[0]);
      const killedBar = page.locator(`[data-chart="timeline"] path[aria-label*=" ${run.oomKilled[0]},"]`);
      await expect(killedBar.getAttribute('aria-label')).resolves.toMatch(/killed by oom/);
      await expect(killedBar.getAttribute('aria-label')).resolves.toMatch(/peak 256\.0 MiB of 256\.0 MiB/);

      // Language-server processes: one bar each in their own lane, and one table row each.
      const servers = page.locator('[data-chart="timeline"] path[aria-label^="language server pyright"]');
      await expect(servers.count()).resolves.toBe(run.lspProcesses);
      expect(run.lspProcesses).toBe(4);
      const labels = await servers.evaluateAll((ps) => ps.map((p) => p.getAttribute('aria-label')));
      expect(labels.filter((l) => /\(closed\).*peak 180\.0 MiB of 4096\.0 MiB/.test(l ?? ''))).toHaveLength(
        3,
      );
      expect(labels.filter((l) => /\(crashed\).*not measured/.test(l ?? ''))).toHaveLength(1);
      await expect(
        page.locator('[data-chart="timeline"] text', { hasText: 'language server: pyright' }).count(),
      ).resolves.toBe(1);
      await expect(page.locator('#lsp-processes tbody tr').count()).resolves.toBe(4);
      await expect(page.locator('#lsp-processes tr[data-ended="crashed"]').count()).resolves.toBe(1);

      // The tool-call table pages (60 rows, 100 a page: all here) and opens a call on a click.
      await expect(page.locator('#tool-calls tbody tr').count()).resolves.toBe(60);
      await page.locator('#tool-calls tbody tr[data-row="3"]').click();
      await expect(page.locator('#tool-calls .detail').textContent()).resolves.toMatch(/KILLED by oom/);
      // A click on a timeline mark opens its call in the table.
      await page.locator('[data-chart="timeline"] path[aria-label^="#7 "]').click();
      await expect(page.locator('#tool-calls tbody tr[data-row="7"] + tr.detail-row').count()).resolves.toBe(
        1,
      );
      expect(problems).toEqual([]);
      await shot(page, 'run');
    } finally {
      await page.close();
    }
  });

  it('a crashed run (torn last line, no run.end) still renders and says where it stopped', async () => {
    const run = generateRun(join(tmp, 'crashed'), { toolCalls: 20, crashAfter: 30 });
    const file = report([run.path]);
    const { page, problems } = await openReport(browser, file);
    try {
      expect(problems).toEqual([]);
      const banner = await page.locator('#crashed').textContent();
      const last = run.events.at(-1)!;
      expect(banner).toContain(`stops at event ${last.seq} (${last.type}`);
      expect(banner).toMatch(/cut off while it was being written/);
      await expect(page.locator('#stages').textContent()).resolves.toMatch(/stopped here/);
      await expect(page.locator('[data-chart="timeline"] path[aria-label^="#"]').count()).resolves.toBe(
        run.toolCalls,
      );
      await shot(page, 'run-crashed');
    } finally {
      await page.close();
    }
  });

  it('no secret from the environment reaches the page, even one the run echoed', async () => {
    const canary = 'sk-canary-7f3a9c2e11d04b5d';
    const token = 'ghp_canaryTOKEN0123456789';
    const run = generateRun(join(tmp, 'leak'), { toolCalls: 5, leak: `${canary} ${token}` });
    expect(readPage(run.path)).toContain(canary); // the fixture really carries it
    const file = report([run.path, '--out', join(tmp, 'leak.html')], {
      OPENAI_API_KEY: canary,
      GITHUB_TOKEN: token,
    });
    const html = readPage(file);
    expect(html).not.toContain(canary);
    expect(html).not.toContain(token);
    expect(html).toContain('[redacted]');
    const { page, problems } = await openReport(browser, file);
    try {
      expect(problems).toEqual([]);
      await expect(page.content()).resolves.not.toContain(canary);
      await shot(page, 'run-redacted');
    } finally {
      await page.close();
    }
  });
});

describe('an evaluation page', () => {
  it('counts each outcome, and its instance table sorts and filters', async () => {
    const out = generateEval(join(tmp, 'eval-a'), 'run-a', instancesFor(250));
    const file = report([out]);
    const { page, problems } = await openReport(browser, file);
    try {
      expect(problems).toEqual([]);
      const count = (b: string) => page.locator(`#counts [data-bucket="${b}"] b`).textContent();
      // 250 instances over 5 outcomes; apply_failed and error are both errors.
      await expect(count('resolved')).resolves.toBe('50');
      await expect(count('unresolved')).resolves.toBe('50');
      await expect(count('error')).resolves.toBe('100');
      await expect(count('empty')).resolves.toBe('50');

      const table = page.locator('#instances');
      const ids = () => table.locator('tbody tr td:first-child').allTextContents();
      await expect(table.locator('tbody tr').count()).resolves.toBe(100); // a page at a time
      await expect(table.locator('[data-role="status"]').textContent()).resolves.toBe('1–100 of 250');

      // Sort by duration, then the other way.
      const durations = () =>
        table
          .locator('tbody tr td:nth-child(4)')
          .evaluateAll((tds) => tds.map((t) => parseFloat(t.textContent!)));
      await table.locator('th[data-key="durationMs"]').click();
      const up = await durations();
      expect(up).toEqual([...up].sort((a, b) => a - b));
      await table.locator('th[data-key="durationMs"]').click();
      const down = await durations();
      expect(down).toEqual([...down].sort((a, b) => b - a));
      await expect(table.locator('th[data-key="durationMs"]').getAttribute('aria-sort')).resolves.toBe(
        'descending',
      );

      // Filter by outcome, then by text.
      await table.locator('select[data-role="facet"]').selectOption('resolved');
      await expect(table.locator('[data-role="status"]').textContent()).resolves.toBe(
        '1–50 of 50 (filtered from 250)',
      );
      const outcomes = await table.locator('tbody tr td:nth-child(2)').allTextContents();
      expect(new Set(outcomes)).toEqual(new Set(['resolved']));
      await table.locator('input[data-role="filter"]').fill('repo-00005');
      await expect(ids()).resolves.toEqual(['org__repo-00005']);
      // Links lead to the instance's files, relative to the page.
      await expect(table.locator('tbody tr a', { hasText: 'log' }).getAttribute('href')).resolves.toBe(
        'run-a/gen-model/org__repo-00005/run_instance.log',
      );
      expect(problems).toEqual([]);
      await shot(page, 'eval');
    } finally {
      await page.close();
    }
  });

  it('--compare lists exactly the instances whose outcome changed', async () => {
    const before = instancesFor(120);
    const after = instancesFor(120, 7); // every 7th instance shifts to the next outcome
    const a = generateEval(join(tmp, 'cmp-a'), 'before', before);
    const b = generateEval(join(tmp, 'cmp-b'), 'after', after);
    const bucket = (o: string) =>
      o === 'empty_patch' ? 'empty' : o === 'apply_failed' || o === 'error' ? 'error' : o;
    const expected = after
      .filter((x, i) => bucket(x.outcome) !== bucket(before[i]!.outcome))
      .map((x) => x.id)
      .sort();
    expect(expected.length).toBeGreaterThan(5);
    const file = report([b, '--compare', a]);
    const { page, problems } = await openReport(browser, file);
    try {
      expect(problems).toEqual([]);
      const listed = await page.locator('#changes tbody tr td:first-child').allTextContents();
      expect(listed).toEqual(expected);
      await expect(page.locator('#change-count b').textContent()).resolves.toBe(String(expected.length));
      await shot(page, 'eval-compare');
    } finally {
      await page.close();
    }
  });
});
