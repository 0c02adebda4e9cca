import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadEnvDataset, runEnvBench } from '../../src/harness/index.js';
import { imageRef } from '../../src/sandbox/index.js';
import { imagesPresent } from '../helpers/containers.js';
import { scripted } from '../model/helpers.js';
import { FIXTURE_SCRIPTS, PIP_ENV, pythonFixtures } from './fixtures.js';

const present = await imagesPresent(imageRef('python'));
if (!present) console.warn('skipping envbench run tests: drydock/python is not built (run drydock setup)');

const root = mkdtempSync(join(tmpdir(), 'dd-envrun-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe.skipIf(!present)('drydock envbench run: setup then evaluation over a dataset', () => {
  it('baseline and SCRIPTED agent runs write EnvBench records per repository and results.json; a rerun resumes', async () => {
    const mirror = join(root, 'mirror');
    const fx = pythonFixtures(mirror).find((f) => f.name === 'fx/import-name')!;
    const dataset = join(root, 'dataset.jsonl');
    writeFileSync(dataset, `${JSON.stringify({ repository: fx.name, revision: fx.commit })}\n`);
    const tasks = loadEnvDataset(dataset);
    const steps: string[] = [];
    const progress = { step: (s: string) => steps.push(s), detail: () => {} };

    const base = await runEnvBench(tasks, mirror, {
      out: join(root, 'baseline'),
      network: 'none',
      env: PIP_ENV,
      progress,
    });
    expect([base.mode, base.succeeded, base.total]).toEqual(['baseline', 0, 1]);

    let opened = 0;
    const model = async () => {
      opened += 1;
      const s = await scripted(FIXTURE_SCRIPTS[fx.name]!);
      return { client: s.client, scripted: true, name: s.server.model, close: s.close };
    };
    const out = join(root, 'agent');
    const agent = await runEnvBench(tasks, mirror, { out, network: 'none', env: PIP_ENV, model, progress });
    expect([agent.mode, agent.scripted, agent.succeeded, agent.total]).toEqual(['agent', true, 1, 1]);
    expect(steps.some((s) => /\[1\/1\] fx\/import-name: success .*SCRIPTED/.test(s))).toBe(true);

    // EnvBench's layout: results/<owner>__<name>.json, results.jsonl; and results.json (a list).
    const perRepo = JSON.parse(readFileSync(join(out, 'results', 'fx__import-name.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(perRepo).toMatchObject({
      repo_name: fx.name,
      commit_sha: fx.commit,
      exit_code: 0,
      issues_count: 0,
    });
    const sample = JSON.parse(
      readFileSync(new URL('../fixtures/harness/envbench-results-sample.json', import.meta.url), 'utf8'),
    ) as { python: Record<string, unknown> };
    expect(Object.keys(perRepo).sort()).toEqual(Object.keys(sample.python).sort());
    expect(JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'))).toEqual([perRepo]);
    expect(readFileSync(join(out, 'results.jsonl'), 'utf8').trim()).toBe(JSON.stringify(perRepo));
    expect(readFileSync(join(out, 'scripts', 'fx__import-name.sh'), 'utf8')).toContain('pip install PyFYaml');

    // Resumable: the repository has its record, so nothing runs again (no model is opened).
    const again = await runEnvBench(tasks, mirror, { out, network: 'none', env: PIP_ENV, model, progress });
    expect([again.resumed, again.succeeded, opened]).toEqual([1, 1, 1]);
    expect(existsSync(join(out, 'results.json'))).toBe(true);
  }, 900_000);
});
