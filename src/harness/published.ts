// What published benchmark rows leave to their harness: the instance image's name, and for
// SWE-bench rows the evaluation commands and the log parser (from SWE-bench's per-repository,
// per-version specs, ported in swebench-specs.ts).
import { END_TEST_OUTPUT, START_TEST_OUTPUT, SWEBENCH_PARSERS } from '../code/index.js';
import { WORKSPACE } from '../core/index.js';
import { SWEBENCH_SPECS } from './swebench-specs.js';

const ARCH = process.arch === 'arm64' ? 'arm64' : 'x86_64';

/**
 * SWE-bench-Live's default image (evaluation.py get_default_image_name):
 * `starryzhang/sweb.eval.x86_64.<id with "__" as "_1776_", lower-case>`, tag latest.
 */
export const swebenchLiveImage = (id: string) =>
  `starryzhang/sweb.eval.${ARCH}.${id.replace(/__/g, '_1776_').toLowerCase()}`;

/**
 * SWE-bench's remote instance image (TestSpec.instance_image_key with namespace "swebench"):
 * `swebench/sweb.eval.x86_64.<id, lower-case>:latest`, then every "__" as "_1776_".
 */
export const swebenchImage = (id: string) =>
  `swebench/sweb.eval.${ARCH}.${id.toLowerCase()}:latest`.replace(/__/g, '_1776_');

/**
 * The image under another namespace (`--namespace`, as both harnesses take it): everything
 * before the image's last path segment is replaced, so `--namespace 127.0.0.1:5000/starryzhang`
 * reads `starryzhang/sweb.eval…` from a registry on loopback.
 */
export function withNamespace(image: string, namespace: string | undefined): string {
  if (!namespace) return image;
  const name = image.slice(image.lastIndexOf('/') + 1);
  return `${namespace.replace(/\/+$/, '')}/${name}`;
}

/** swebench NON_TEST_EXTS (".csv" is written "csv" upstream, so any name ending in csv). */
const NON_TEST_EXTS = [
  '.json',
  '.png',
  'csv',
  '.txt',
  '.md',
  '.jpg',
  '.jpeg',
  '.pkl',
  '.yml',
  '.yaml',
  '.toml',
];

/** get_test_directives: the test files the test patch touches; Django's as test-module labels. */
export function testDirectives(repo: string, testPatch: string): string[] {
  let d = [...testPatch.matchAll(/diff --git a\/.* b\/(.*)/g)].map((m) => m[1]!);
  d = d.filter((f) => !NON_TEST_EXTS.some((e) => f.endsWith(e)));
  if (repo === 'django/django')
    d = d.map((f) => (f.endsWith('.py') ? f.slice(0, -3) : f).replace(/^tests\//, '').replace(/\//g, '.'));
  return d;
}

/**
 * The evaluation commands of a SWE-bench row, as make_eval_script_list_py writes them (drydock
 * applies the test patch itself, on test files reset to base_commit, before these run): activate
 * the conda environment, the spec's eval_commands, the install command, then the test command
 * with the directives between the start and end markers the log parser looks for.
 */
export function swebenchCommands(row: {
  instance_id: string;
  repo: string;
  version: string;
  test_patch: string;
}): { test_cmds: string[]; log_parser: string } | { field: string; error: string } {
  const byVersion = SWEBENCH_SPECS[row.repo];
  if (!byVersion || !SWEBENCH_PARSERS[row.repo])
    return {
      field: 'repo',
      error: `${row.repo} has no SWE-bench evaluation spec in drydock (it knows ${Object.keys(SWEBENCH_SPECS).length} repositories); give the row test_cmds and log_parser`,
    };
  const spec = byVersion[row.version] ?? byVersion[Number(row.version).toFixed(1)];
  if (!spec)
    return {
      field: 'version',
      error: `${row.repo} has no SWE-bench spec for version ${row.version} (known: ${Object.keys(byVersion).join(', ')})`,
    };
  const testCmd = Array.isArray(spec.test_cmd) ? spec.test_cmd.join(' && ') : spec.test_cmd;
  const test_cmds = [
    'source /opt/miniconda3/bin/activate',
    'conda activate testbed',
    `cd ${WORKSPACE}`,
    ...(spec.eval_commands ?? []),
    `git config --global --add safe.directory ${WORKSPACE}`,
    ...(spec.install ? [spec.install] : []),
    `echo '${START_TEST_OUTPUT}'`,
    [testCmd, ...testDirectives(row.repo, row.test_patch)].join(' '),
    `echo '${END_TEST_OUTPUT}'`,
  ];
  return { test_cmds, log_parser: `swebench:${row.repo}` };
}
