import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  baselineScript,
  evalEnvScripts,
  loadScripts,
  removeBadCommands,
  type EnvBenchRecord,
} from '../../src/harness/index.js';
import { initRepo } from './helpers.js';

const root = mkdtempSync(join(tmpdir(), 'dd-envbench-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// Installing a package offline: the script copies a vendored package into site-packages.
const install =
  'cp -r vendor/fixturedep "$(python3 -c \'import sysconfig; print(sysconfig.get_paths()["purelib"])\')/"';

describe('envbench', () => {
  it('the baseline script follows the manifests', () => {
    const dir = join(root, 'manifests');
    initRepo(dir, {
      'package.json': '{"name":"x"}',
      'package-lock.json': '{}',
      'requirements.txt': 'attrs\n',
      'requirements-dev.txt': 'pytest\n',
      'pyproject.toml': '[project]\nname = "x"\n',
    });
    const s = baselineScript(dir);
    expect(s).toContain('npm ci');
    expect(s).toContain('python3 -m pip install -r requirements-dev.txt');
    expect(s).toContain('python3 -m pip install -r requirements.txt');
    expect(s).toContain('python3 -m pip install -e .');
    expect(s).not.toContain('mvn');
  });

  it('a script that fails under set -e ends there, as EnvBench sources it: exit code kept, check not run', async () => {
    const mirror = join(root, 'mirror-fail');
    const rev = initRepo(join(mirror, 'fx', 'failing'), { 'app.py': 'import os\n' });
    const { results } = await evalEnvScripts(
      [{ repository: 'fx/failing', revision: rev, script: 'echo start\nfalse\necho never\n' }],
      mirror,
      { network: 'none' },
    );
    expect(results[0]!.record.exit_code).toBe(1);
    expect(results[0]!.record.issues_count).toBe(0);
    expect(results[0]!.record.pyright).toEqual({});
    expect(results[0]!.record.container_logs).toContain('start');
    expect(results[0]!.record.container_logs).not.toContain('never');
    expect(results[0]!.success).toBe(false);
  }, 300_000);

  it("EnvBench's remove_bad_commands: build and test lines are dropped from a script", () => {
    expect(
      removeBadCommands('mvn -q dependency:resolve\n  mvn compile -q\n./gradlew build\ngradle test\necho ok'),
    ).toBe('mvn -q dependency:resolve\necho ok');
  });

  it('eval: a script that installs what the code imports succeeds; one that leaves an import missing fails', async () => {
    const mirror = join(root, 'mirror');
    const files = {
      'vendor/fixturedep/__init__.py': 'VALUE = 1\n',
      'pyrightconfig.json': '{"exclude": ["vendor"]}\n',
    };
    const good = initRepo(join(mirror, 'fx', 'good'), {
      ...files,
      'app.py': 'import fixturedep\n\nprint(fixturedep.VALUE)\n',
    });
    const bad = initRepo(join(mirror, 'fx', 'bad'), {
      ...files,
      'app.py': 'import fixturedep\nimport notinstalled_dep\n\nprint(fixturedep.VALUE, notinstalled_dep)\n',
    });
    const scriptsFile = join(root, 'scripts.jsonl');
    writeFileSync(
      scriptsFile,
      [
        { repository: 'fx/good', revision: good, script: `#!/bin/bash\nset -e\n${install}\n` },
        { repository: 'fx/bad', revision: bad, script: `#!/bin/bash\nset -e\n${install}\n` },
      ]
        .map((o) => JSON.stringify(o))
        .join('\n'),
    );
    const out = join(root, 'out');
    const { results, path } = await evalEnvScripts(loadScripts(scriptsFile), mirror, {
      out,
      network: 'none',
    });
    expect(
      results.map((r) => [r.record.repo_name, r.success, r.record.exit_code, r.record.issues_count]),
    ).toEqual([
      ['fx/good', true, 0, 0],
      ['fx/bad', false, 0, 1],
    ]);
    expect(results[1]!.issues![0]).toMatch(/app\.py: Import "notinstalled_dep" could not be resolved/);
    // results.json is EnvBench's own shape: the same keys, the same types, nothing else.
    const written = JSON.parse(readFileSync(path!, 'utf8')) as EnvBenchRecord[];
    const sample = JSON.parse(
      readFileSync(new URL('../fixtures/harness/envbench-results-sample.json', import.meta.url), 'utf8'),
    ) as { python: Record<string, unknown> };
    const shape = (o: Record<string, unknown>) =>
      Object.fromEntries(
        Object.entries(o)
          .map(([k, v]) => [k, v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v])
          .sort(([a], [b]) => String(a).localeCompare(String(b))),
      );
    for (const w of written)
      expect(shape(w as unknown as Record<string, unknown>)).toEqual(shape(sample.python));
    const diags = (written[1]!.pyright as { generalDiagnostics: { rule: string; message: string }[] })
      .generalDiagnostics;
    expect(diags.filter((d) => d.rule === 'reportMissingImports').map((d) => d.message)).toEqual([
      'Import "notinstalled_dep" could not be resolved',
    ]);
  }, 300_000);
});
