import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { DrydockError } from '../core/index.js';
import type { ImageName } from '../sandbox/index.js';
import type { TestReading } from './types.js';

/** How test results are read: by runner (pytest, node), by a harness's parser (`reading`), or by exit code alone. */
export type TestFormat = 'pytest' | 'node' | 'reading' | 'exit-code';

/** How to build and test a repository: from flags, from its drydock.yaml, or detected. */
export interface Environment {
  language: 'python' | 'node' | 'other';
  image: ImageName;
  setup: string | null;
  test: string | null;
  format: TestFormat;
  /** Variables the test command sets before its program (`PYTHONPATH=src pytest`): every command the agent runs gets them. */
  vars: Record<string, string>;
  /** The test files the test command names, relative to the repository. */
  testFiles: string[];
  /** A harness's print command and parser for the test output, when given. */
  reading?: TestReading;
  /** Wall time of one test run (default TEST_LIMITS' 300 s): a slow suite or a loaded machine needs more. */
  testTimeoutMs?: number;
  /** Where each came from, for the summary. */
  source: string;
}

export const PYTEST = 'python -m pytest -rA -p no:cacheprovider';

/** Reads only files at the repository's root. Pure apart from those reads. */
export function detectEnvironment(
  repo: string,
  flags: { setup?: string; test?: string; reading?: TestReading; testTimeoutMs?: number } = {},
): Environment {
  const has = (f: string) => existsSync(join(repo, f));
  let file: { image?: string; setup?: string; test?: string } = {};
  if (has('drydock.yaml')) {
    try {
      file = (parseYaml(readFileSync(join(repo, 'drydock.yaml'), 'utf8')) ?? {}) as typeof file;
    } catch (err) {
      throw new DrydockError(
        `drydock.yaml in ${repo} is not valid YAML: ${(err as Error).message}`,
        'fix the file, or pass --setup and --test-cmd',
        'ENV_CONFIG',
      );
    }
  }
  const python =
    has('pyproject.toml') || has('setup.py') || has('requirements.txt') || hasPythonSources(repo);
  const node = has('package.json');
  const language = node && !python ? 'node' : python ? 'python' : 'other';
  let setup: string | null = null;
  let test: string | null = null;
  if (language === 'python') {
    if (has('requirements.txt')) setup = 'pip install -q -r requirements.txt';
    test = PYTEST;
  } else if (language === 'node') {
    const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as {
      scripts?: Record<string, string>;
      dependencies?: object;
      devDependencies?: object;
      workspaces?: unknown;
    };
    // A workspace root often declares nothing itself: its packages' dependencies are in the lock.
    const deps =
      Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }).length > 0 || pkg.workspaces !== undefined;
    if (deps) setup = has('package-lock.json') ? 'npm ci --no-audit' : 'npm install --no-audit';
    if (pkg.scripts?.test) test = 'npm test --silent';
  }
  const image: ImageName =
    file.image === 'node' || file.image === 'python' || file.image === 'base'
      ? file.image
      : language === 'node'
        ? 'node'
        : 'python';
  const source = flags.test || flags.setup ? 'flags' : has('drydock.yaml') ? 'drydock.yaml' : 'detected';
  setup = flags.setup ?? file.setup ?? setup;
  test = flags.test ?? file.test ?? test;
  const format: TestFormat =
    test === null ? 'exit-code' : flags.reading ? 'reading' : testFormat(test, language);
  const words = test ? shellWords(test) : [];
  const vars: Record<string, string> = {};
  for (const w of words) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(w);
    if (!m) break;
    vars[m[1]!] = m[2]!;
  }
  const testFiles = words.filter(
    (w) => /\.(py|[cm]?[jt]sx?)$/.test(w) && !w.startsWith('-') && !w.includes('=') && has(w),
  );
  return {
    language,
    image,
    setup,
    test,
    format,
    vars,
    testFiles,
    reading: flags.reading,
    source,
    ...(flags.testTimeoutMs ? { testTimeoutMs: flags.testTimeoutMs } : {}),
  };
}

function testFormat(command: string, language: Environment['language']): TestFormat {
  if (/pytest/.test(command)) return 'pytest';
  if (/node\s+--test|npm\s+(run\s+)?test/.test(command) && language === 'node') return 'node';
  return 'exit-code';
}

/** A Python project without packaging files: .py files at the root or one level down. */
function hasPythonSources(repo: string): boolean {
  const entries = readdirSync(repo, { withFileTypes: true }).filter((e) => !e.name.startsWith('.'));
  return entries.some(
    (e) =>
      (e.isFile() && e.name.endsWith('.py')) ||
      (e.isDirectory() &&
        e.name !== 'node_modules' &&
        readdirSync(`${repo}/${e.name}`).some((f) => f.endsWith('.py'))),
  );
}

/** The words of a simple command line, quotes removed (enough for `A=b cmd 'x y' path`). */
export function shellWords(line: string): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(/(?:[^\s'"]+|'[^']*'|"(?:\\.|[^"\\])*")+/g))
    out.push(
      m[0].replace(
        /'([^']*)'|"((?:\\.|[^"\\])*)"/g,
        (_x, a: string | undefined, b: string | undefined) => a ?? b ?? '',
      ),
    );
  return out;
}
