// Report pages at scale: a generated fix run with 2,000 tool calls and an evaluation of
// 2,000 instances, written by `src/report` and opened in headless Chromium (Debian's, driven
// by playwright-core). Time to first contentful paint and to a ready page (the load event,
// after the page script has built its tables), each the median of several loads; the
// baseline, in the same browser and run, is a minimal page and the same reports at 20 rows.
// Run: npm run bench:report
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { writeEvalReport, writeRunReport } from '../src/report/index.js';
import { chromiumVersion, chromiumPath, launchChromium } from '../test/helpers/chromium.js';
import { generateEval, generateRun, instancesFor } from '../test/helpers/report-fixtures.js';
import { reportFigures } from './report.js';

const LOADS = 5;
const tmp = mkdtempSync(join(tmpdir(), 'drydock-bench-report-'));

interface Load {
  fcpMs: number;
  readyMs: number;
}

async function load(browser: Browser, file: string): Promise<Load> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(`file://${file}`, { waitUntil: 'load' });
  // First contentful paint can be reported a frame after load.
  // A string, not a function: tsx would wrap a function's inner names in a helper the page lacks.
  const t = (await page.evaluate(`new Promise((resolve) => {
    const read = () => {
      const fcp = performance.getEntriesByName('first-contentful-paint')[0];
      const nav = performance.getEntriesByType('navigation')[0];
      if (fcp) resolve({ fcp: fcp.startTime, ready: nav.loadEventEnd });
      else requestAnimationFrame(read);
    };
    read();
  })`)) as { fcp: number; ready: number };
  await page.close();
  if (errors.length) throw new Error(`${file}: ${errors.join('; ')}`);
  return { fcpMs: t.fcp, readyMs: t.ready };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function measure(browser: Browser, file: string): Promise<{ fcp: number; ready: number }> {
  await load(browser, file); // warm the browser's caches and code
  const runs: Load[] = [];
  for (let i = 0; i < LOADS; i++) runs.push(await load(browser, file));
  return {
    fcp: Math.round(median(runs.map((r) => r.fcpMs))),
    ready: Math.round(median(runs.map((r) => r.readyMs))),
  };
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const v = await fn();
  return [v, Math.round(performance.now() - t)];
}

try {
  const minimal = join(tmp, 'minimal.html');
  writeFileSync(
    minimal,
    '<!doctype html><html><head><meta charset="utf-8"><title>x</title></head><body><p>hello</p></body></html>',
  );
  const bigRun = generateRun(join(tmp, 'run-2000'), { toolCalls: 2000, oomEvery: 100 });
  const smallRun = generateRun(join(tmp, 'run-20'), { toolCalls: 20 });
  const bigEval = generateEval(join(tmp, 'eval-2000'), 'big', instancesFor(2000));
  const smallEval = generateEval(join(tmp, 'eval-20'), 'small', instancesFor(20));

  const [runPage, runWriteMs] = await timed(() => writeRunReport(bigRun.path));
  const [smallRunPage] = await timed(() => writeRunReport(smallRun.path));
  const [evalPage, evalWriteMs] = await timed(() => writeEvalReport(bigEval));
  const [smallEvalPage] = await timed(() => writeEvalReport(smallEval));

  const browser = await launchChromium();
  try {
    const base = await measure(browser, minimal);
    const run = await measure(browser, runPage.path);
    const run20 = await measure(browser, smallRunPage.path);
    const evl = await measure(browser, evalPage.path);
    const eval20 = await measure(browser, smallEvalPage.path);
    reportFigures(
      'report-pages',
      {
        run2000_first_paint_ms: run.fcp,
        run2000_ready_ms: run.ready,
        eval2000_first_paint_ms: evl.fcp,
        eval2000_ready_ms: evl.ready,
        baseline_minimal_first_paint_ms: base.fcp,
        baseline_run20_first_paint_ms: run20.fcp,
        baseline_eval20_first_paint_ms: eval20.fcp,
        run2000_vs_run20_first_paint: +(run.fcp / run20.fcp).toFixed(2),
        eval2000_vs_eval20_first_paint: +(evl.fcp / eval20.fcp).toFixed(2),
        run2000_page_kib: Math.round(runPage.bytes / 1024),
        eval2000_page_kib: Math.round(evalPage.bytes / 1024),
        run2000_write_ms: runWriteMs,
        eval2000_write_ms: evalWriteMs,
        loads_per_page: LOADS,
        chromium: chromiumVersion(chromiumPath()),
        cpus: cpus().length,
        load_average_1m: +loadavg()[0]!.toFixed(1),
      },
      {
        run2000_first_paint_ms: '< 2000',
        eval2000_first_paint_ms: '< 2000',
        run2000_vs_run20_first_paint: 'the cost of 100x the rows',
      },
    );
  } finally {
    await browser.close();
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
