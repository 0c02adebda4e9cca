import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drydock } from '../helpers/cli.js';
import { launchChromium, openReport } from '../helpers/chromium.js';
import { generateBatch } from '../helpers/report-fixtures.js';

/** `drydock report` on a run-batch output (the built CLI), opened in headless Chromium. */
const SHOTS = fileURLToPath(new URL('../../test-results/report/', import.meta.url));
let browser: Browser;
let tmp: string;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  tmp = mkdtempSync(join(tmpdir(), 'drydock-report-batch-'));
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('a run-batch page', () => {
  it('has one row per instance with its outcome, filters by outcome, and links to each instance page', async () => {
    const b = generateBatch(join(tmp, 'batch'));
    const r = drydock(['report', b.predictions], {}, 120_000);
    expect(r.status, r.stderr).toBe(0);
    const file = join(b.runsDir, 'report.html');
    expect(r.stdout).toContain(`report: ${file} (run-batch, 6 instances`);
    // Each instance with a trajectory got its own page; the one that never ran has none.
    for (const [id, outcome] of Object.entries(b.outcomes))
      expect(existsSync(join(b.runsDir, id, 'report.html'))).toBe(outcome !== 'not run');

    const { page, problems, requests } = await openReport(browser, file);
    try {
      expect(problems).toEqual([]);
      expect(requests).toEqual([]);
      await expect(page.locator('#scripted').count()).resolves.toBe(1);
      await expect(page.locator('#counts [data-bucket="patched"] b').textContent()).resolves.toBe('2');
      const table = page.locator('#instances');
      const rows = await table
        .locator('tbody tr')
        .evaluateAll((trs) =>
          trs.map((tr) => [tr.children[0]!.textContent, tr.children[1]!.textContent] as [string, string]),
        );
      expect(Object.fromEntries(rows)).toEqual(b.outcomes);

      await table.locator('select[data-role="facet"]').selectOption('patched');
      await expect(table.locator('tbody tr td:first-child').allTextContents()).resolves.toEqual([
        'org__calc-1',
        'org__calc-6',
      ]);
      await table.locator('select[data-role="facet"]').selectOption('');
      await table.locator('input[data-role="filter"]').fill('calc-4');
      await expect(table.locator('tbody tr td:nth-child(3)').textContent()).resolves.toMatch(
        /stopped before it finished/,
      );
      await table.locator('input[data-role="filter"]').fill('calc-5');
      await expect(table.locator('tbody tr a', { hasText: 'fix report' }).count()).resolves.toBe(0);

      await table.locator('input[data-role="filter"]').fill('calc-6');
      const link = table.locator('tbody tr a', { hasText: 'fix report' });
      await expect(link.getAttribute('href')).resolves.toBe('org__calc-6/report.html');
      await page.screenshot({ path: join(SHOTS, 'batch.png'), fullPage: true });
      await link.click();
      await page.waitForURL(/org__calc-6\/report\.html$/);
      await expect(page.locator('h1').textContent()).resolves.toMatch(/drydock fix — run /);
      await expect(page.locator('#candidates tbody tr').count()).resolves.toBe(3);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('the .runs folder names the same batch; --compare is refused in one line', () => {
    const b = generateBatch(join(tmp, 'batch2'));
    const r = drydock(['report', b.runsDir, '--out', join(tmp, 'b2.html')], {}, 120_000);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('run-batch, 6 instances');
    const bad = drydock(['report', b.predictions, '--compare', b.runsDir], {}, 60_000);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr.trim().split('\n')[0]).toMatch(/--compare works on evaluation runs/);
  });
});
