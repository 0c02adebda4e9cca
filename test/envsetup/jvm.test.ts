import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkScript, JVM_IMAGE } from '../../src/harness/index.js';
import { openSandbox } from '../../src/sandbox/index.js';
import { imagesPresent } from '../helpers/containers.js';
import { jvmFixtures } from './fixtures.js';

// drydock/jvm is large (a JDK), so a plain `drydock setup` does not build it; `npm test` runs
// `drydock setup --jvm`, so under CI a missing image fails here instead of skipping.
const present = await imagesPresent(JVM_IMAGE);
if (!present)
  console.warn('skipping the JVM check tests: drydock/jvm is not built (run `drydock setup --jvm`)');

const tmp = mkdtempSync(join(tmpdir(), 'dd-envjvm-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The version of a Maven plugin Debian ships in the image (not the `debian` alias). */
async function debianPlugin(name: string): Promise<string> {
  const sb = await openSandbox({ image: JVM_IMAGE, network: 'none' });
  try {
    const r = await sb.exec(`ls /usr/share/maven-repo/org/apache/maven/plugins/${name}/`);
    const v = r.stdout.split('\n').find((l) => /^\d/.test(l.trim()));
    if (!v) throw new Error(`no version of ${name} in drydock/jvm: ${r.stdout}${r.stderr}`);
    return v.trim();
  } finally {
    await sb.close();
  }
}

describe.skipIf(!present)("EnvBench's JVM check in drydock/jvm (no network)", () => {
  it('a Maven project with no external dependencies compiles; one that needs Maven Central is said to be unable to download', async () => {
    const plugins = {
      compiler: await debianPlugin('maven-compiler-plugin'),
      resources: await debianPlugin('maven-resources-plugin'),
    };
    const { plain, centralDep } = jvmFixtures(join(tmp, 'mirror'), plugins);
    const ok = await checkScript(
      plain.dir,
      '#!/bin/bash\ntrue\n',
      { repo_name: plain.name, commit_sha: plain.commit },
      { language: 'jvm', network: 'none' },
    );
    expect(ok.issues).toEqual([]);
    expect(ok.record).toMatchObject({ exit_code: 0, issues_count: 0, build_tool: 'maven' });
    expect(ok.success).toBe(true);

    const offline = await checkScript(
      centralDep.dir,
      '#!/bin/bash\ntrue\n',
      { repo_name: centralDep.name, commit_sha: centralDep.commit },
      { language: 'jvm', network: 'none' },
    );
    expect(offline.success).toBe(false);
    expect(offline.record.issues_count).toBeGreaterThan(0);
    expect(offline.note).toMatch(/could not be downloaded/);
  }, 900_000);
});
