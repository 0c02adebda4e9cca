import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { baselineScript, evalEnvScripts, loadScripts, type EnvResult } from '../../src/harness/index.js';
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
    expect(results.map((r) => [r.repo_name, r.success, r.exit_code, r.issues_count])).toEqual([
      ['fx/good', true, 0, 0],
      ['fx/bad', false, 0, 1],
    ]);
    expect(results[1]!.issues![0]).toMatch(/app\.py: Import "notinstalled_dep" could not be resolved/);
    const written = JSON.parse(readFileSync(path!, 'utf8')) as EnvResult[];
    expect(Object.keys(written[0]!)).toEqual(
      expect.arrayContaining([
        'repo_name',
        'commit_sha',
        'exit_code',
        'issues_count',
        'execution_time',
        'container_logs',
      ]),
    );
  });
});
