import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { DrydockError } from '../core/index.js';
import type { ImageName } from '../sandbox/index.js';

export type TestFormat = 'pytest' | 'node' | 'exit-code';

/** How to build and test a repository: from flags, from its drydock.yaml, or detected. */
export interface Environment {
  language: 'python' | 'node' | 'other';
  image: ImageName;
  setup: string | null;
  test: string | null;
  format: TestFormat;
  /** Where each came from, for the summary. */
  source: string;
}

export const PYTEST = 'python -m pytest -rA -p no:cacheprovider';

/** Reads only files at the repository's root. Pure apart from those reads. */
export function detectEnvironment(repo: string, flags: { setup?: string; test?: string } = {}): Environment {
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
    };
    const deps = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }).length > 0;
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
  const format: TestFormat = test === null ? 'exit-code' : testFormat(test, language);
  return { language, image, setup, test, format, source };
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
