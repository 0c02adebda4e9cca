import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageRef } from '../../src/sandbox/index.js';
import { drydock } from '../helpers/cli.js';
import { launchChromium, openReport } from '../helpers/chromium.js';
import { imagesPresent } from '../helpers/containers.js';
import { git, initRepo } from '../harness/helpers.js';

/**
 * `drydock eval --report` (the built CLI) on a fixture repository, as the harness's own tests
 * grade one (Docker): the page is written at the end of the evaluation, with the graded
 * outcomes. `--cache-level none` removes the images the run built.
 */
const SHOTS = fileURLToPath(new URL('../../test-results/report/', import.meta.url));
const gold =
  'diff --git a/calc.py b/calc.py\n--- a/calc.py\n+++ b/calc.py\n@@ -1,2 +1,2 @@\n def add(a, b):\n-    return a - b\n+    return a + b\n';
const wrong =
  'diff --git a/calc.py b/calc.py\n--- a/calc.py\n+++ b/calc.py\n@@ -1,2 +1,2 @@\n def add(a, b):\n-    return a - b\n+    return a * b\n';
const testPatch =
  'diff --git a/tests/test_calc.py b/tests/test_calc.py\n--- a/tests/test_calc.py\n+++ b/tests/test_calc.py\n@@ -3,2 +3,6 @@ from calc import add\n def test_zero():\n     assert add(0, 0) == 0\n+\n+\n+def test_add():\n+    assert add(2, 3) == 5\n';

describe('drydock eval --report (Docker)', async () => {
  const present = await imagesPresent(imageRef('python'));
  if (!present) console.warn('skipping: the python image is not built (run drydock setup)');
  let tmp = '';
  let browser: Browser | undefined;
  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'drydock-report-eval-'));
    mkdirSync(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it.skipIf(!present)(
    'writes <out>/<run_id>/report.html at the end, with each instance graded',
    async () => {
      const work = join(tmp, 'work', 'calc');
      const base = initRepo(work, {
        'calc.py': 'def add(a, b):\n    return a - b\n',
        'tests/test_calc.py': 'from calc import add\n\n\ndef test_zero():\n    assert add(0, 0) == 0\n',
        'tests/conftest.py':
          'import sys, os\nsys.path.insert(0, os.path.dirname(os.path.dirname(__file__)))\n',
      });
      const mirror = join(tmp, 'mirror');
      git(tmp, 'clone', '-q', '--bare', work, join(mirror, 'fx', 'calc'));
      const row = (id: string) => ({
        instance_id: id,
        repo: 'fx/calc',
        base_commit: base,
        problem_statement: 'add() subtracts',
        patch: gold,
        test_patch: testPatch,
        FAIL_TO_PASS: ['tests/test_calc.py::test_add'],
        PASS_TO_PASS: ['tests/test_calc.py::test_zero'],
        env_image: 'python',
        env_setup_cmds: [],
        install_cmds: [],
        test_cmds: ['PYTHONDONTWRITEBYTECODE=1 python3 -m pytest -rA -p no:cacheprovider tests'],
        log_parser: 'pytest',
      });
      const dataset = join(tmp, 'ds.jsonl');
      writeFileSync(
        dataset,
        ['fx__calc-1', 'fx__calc-2', 'fx__calc-3'].map((id) => JSON.stringify(row(id))).join('\n'),
      );
      const predictions = join(tmp, 'preds.jsonl');
      const pred = (id: string, p: string) =>
        JSON.stringify({ instance_id: id, model_name_or_path: 'fx/model', model_patch: p });
      writeFileSync(
        predictions,
        [pred('fx__calc-1', gold), pred('fx__calc-2', wrong), pred('fx__calc-3', '')].join('\n'),
      );
      const out = join(tmp, 'out');
      const r = drydock(
        [
          'eval',
          '--dataset',
          dataset,
          '--repos',
          mirror,
          '--predictions',
          predictions,
          '--run-id',
          'rep1',
          '--out',
          out,
          '--cache-level',
          'none',
          '--report',
        ],
        {},
        400_000,
      );
      expect(r.status, r.stderr).toBe(0);
      const file = join(out, 'rep1', 'report.html');
      expect(r.stderr).toContain(`report: ${file}`);
      expect(existsSync(file)).toBe(true);

      browser = await launchChromium();
      const { page, problems } = await openReport(browser, file);
      try {
        expect(problems).toEqual([]);
        const count = (b: string) => page.locator(`#counts [data-bucket="${b}"] b`).textContent();
        await expect(count('resolved')).resolves.toBe('1');
        await expect(count('unresolved')).resolves.toBe('1');
        await expect(count('empty')).resolves.toBe('1');
        const rows = await page
          .locator('#instances tbody tr')
          .evaluateAll((trs) => trs.map((tr) => [tr.children[0]!.textContent, tr.children[1]!.textContent]));
        expect(Object.fromEntries(rows)).toEqual({
          'fx__calc-1': 'resolved',
          'fx__calc-2': 'unresolved',
          'fx__calc-3': 'empty',
        });
        await page.screenshot({ path: join(SHOTS, 'eval-report-flag.png'), fullPage: true });
      } finally {
        await page.close();
      }
    },
    420_000,
  );
});
