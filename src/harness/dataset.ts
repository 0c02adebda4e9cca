import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { DrydockError } from '../core/index.js';
import { swebenchCommands, swebenchImage, swebenchLiveImage } from './published.js';
import { readResources, ResourceFieldError, type PartialResources } from './resources.js';

/** Languages drydock has an image for; `env_image` names one of them. */
export type EnvImage = 'base' | 'python' | 'node';
const ENV_IMAGES: readonly EnvImage[] = ['base', 'python', 'node'];

/**
 * Which published shape a row has: `swe-bench-live` (commands and parser in the row, one
 * prebuilt image per instance), `swe-bench` (Full, Lite, Verified: no commands; the test command
 * and parser come from drydock's port of SWE-bench's per-repository specs), or `drydock`
 * (drydock's offline fields `env_image` / `env_setup_cmds` / `install_cmds`: images built here).
 */
export type RowShape = 'swe-bench-live' | 'swe-bench' | 'drydock';

/** One benchmark instance, normalized from SWE-bench, SWE-bench-Live or our offline fields. */
export interface Instance {
  instance_id: string;
  shape: RowShape;
  /**
   * The published instance image (`docker_image`, or the project's naming convention) before
   * `--namespace` is applied; null for drydock-shaped rows, whose images drydock builds.
   */
  image: string | null;
  /** SWE-bench's `version` (selects the per-repository spec). */
  version?: string;
  repo: string;
  base_commit: string;
  created_at?: string;
  problem_statement: string;
  /** The gold fix; bytes preserved (CRLF kept). */
  patch: string;
  test_patch: string;
  FAIL_TO_PASS: string[];
  PASS_TO_PASS: string[];
  FAIL_TO_FAIL: string[];
  PASS_TO_FAIL: string[];
  rebuild_cmds: string[];
  test_cmds: string[];
  print_cmds: string[];
  /** A parser name, or Python source defining `parser(log) -> dict`. */
  log_parser: string;
  env_image: EnvImage;
  env_setup_cmds: string[];
  install_cmds: string[];
  /** The row's own `memory` / `cpus` (top level or under `resources`), when it declares them. */
  resources: PartialResources;
  /** Original row, for fields the harness does not interpret. */
  raw: Record<string, unknown>;
}

/** A row that could not be used: where it is and what is wrong with it. */
export interface DatasetIssue {
  source: string;
  /** 1-based line in a JSONL file, or the index + 1 in a JSON list; 0 for a task directory. */
  line: number;
  field: string;
  message: string;
  instance_id?: string;
}

export interface Dataset {
  instances: Instance[];
  issues: DatasetIssue[];
}

class FieldError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

function str(row: Record<string, unknown>, field: string, required = true): string {
  const v = row[field];
  if (v === undefined || v === null) {
    if (required) throw new FieldError(field, 'missing');
    return '';
  }
  if (typeof v !== 'string') throw new FieldError(field, `expected a string, got ${typeof v}`);
  if (required && v.length === 0) throw new FieldError(field, 'empty');
  return v;
}

/** SWE-bench stores test lists as JSON strings; SWE-bench-Live as lists. */
function testList(row: Record<string, unknown>, field: string, required: boolean): string[] {
  let v = row[field];
  if (v === undefined || v === null) {
    if (required) throw new FieldError(field, 'missing');
    return [];
  }
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v) as unknown;
    } catch {
      throw new FieldError(field, 'a string that is not a JSON list');
    }
  }
  if (!Array.isArray(v) || !v.every((t) => typeof t === 'string'))
    throw new FieldError(field, 'expected a list of strings');
  return v as string[];
}

/** Command lists: a list of strings, or one string (one command). */
function cmdList(row: Record<string, unknown>, field: string): string[] {
  const v = row[field];
  if (v === undefined || v === null) return [];
  if (typeof v === 'string') return v.trim() ? [v] : [];
  if (!Array.isArray(v) || !v.every((t) => typeof t === 'string'))
    throw new FieldError(field, 'expected a list of strings');
  return v as string[];
}

function envImage(row: Record<string, unknown>): EnvImage {
  const v = row.env_image;
  if (v === undefined || v === null) {
    // SWE-bench-Live MultiLang rows carry `language`; plain SWE-bench is Python.
    const lang = typeof row.language === 'string' ? row.language.toLowerCase() : 'python';
    if (lang === 'python') return 'python';
    if (['javascript', 'typescript', 'js', 'ts'].includes(lang)) return 'node';
    return 'base';
  }
  if (typeof v !== 'string' || !ENV_IMAGES.includes(v as EnvImage))
    throw new FieldError('env_image', `expected one of ${ENV_IMAGES.join(', ')}, got ${JSON.stringify(v)}`);
  return v as EnvImage;
}

function rowResources(r: Record<string, unknown>): PartialResources {
  try {
    return readResources(r, 'row');
  } catch (err) {
    if (err instanceof ResourceFieldError)
      throw new FieldError(err.field, err.message.replace(/^row: \w+: /, ''));
    throw err;
  }
}

/** Validates and normalizes one row; throws FieldError naming the first bad field. */
export function normalizeInstance(row: unknown): Instance {
  if (typeof row !== 'object' || row === null || Array.isArray(row))
    throw new FieldError('(row)', 'expected a JSON object');
  const r = row as Record<string, unknown>;
  const instance_id = str(r, 'instance_id');
  const repo = str(r, 'repo');
  if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repo))
    throw new FieldError('repo', `expected owner/name, got ${repo}`);
  const base_commit = str(r, 'base_commit');
  if (!/^[0-9a-f]{7,40}$/i.test(base_commit))
    throw new FieldError('base_commit', 'expected a git commit hash');
  let test_cmds = cmdList(r, 'test_cmds');
  const shape: RowShape =
    r.env_image !== undefined || r.env_setup_cmds !== undefined || r.install_cmds !== undefined
      ? 'drydock'
      : test_cmds.length > 0 || r.log_parser !== undefined || r.rebuild_cmds !== undefined
        ? 'swe-bench-live'
        : 'swe-bench';
  const version = r.version === undefined || r.version === null ? undefined : String(r.version);
  let logParser = r.log_parser ?? r.parser;
  let image: string | null = null;
  if (typeof r.docker_image === 'string' && r.docker_image) image = r.docker_image;
  if (shape === 'swe-bench-live') image ??= swebenchLiveImage(instance_id);
  if (shape === 'swe-bench') {
    if (version === undefined)
      throw new FieldError(
        'test_cmds',
        'missing: the row has neither test_cmds (SWE-bench-Live) nor a version (SWE-bench) to find the test command by',
      );
    const spec = swebenchCommands({ instance_id, repo, version, test_patch: str(r, 'test_patch', false) });
    if ('error' in spec) throw new FieldError(spec.field, spec.error);
    test_cmds = spec.test_cmds;
    logParser = spec.log_parser;
    image ??= swebenchImage(instance_id);
  }
  if (logParser !== undefined && typeof logParser !== 'string')
    throw new FieldError('log_parser', 'expected a string');
  const inst: Instance = {
    instance_id,
    shape,
    image,
    version,
    repo,
    base_commit,
    created_at: typeof r.created_at === 'string' ? r.created_at : undefined,
    problem_statement: str(r, 'problem_statement', false),
    patch: str(r, 'patch', false),
    test_patch: str(r, 'test_patch', false),
    FAIL_TO_PASS: testList(r, 'FAIL_TO_PASS', true),
    PASS_TO_PASS: testList(r, 'PASS_TO_PASS', true),
    FAIL_TO_FAIL: testList(r, 'FAIL_TO_FAIL', false),
    PASS_TO_FAIL: testList(r, 'PASS_TO_FAIL', false),
    rebuild_cmds: cmdList(r, 'rebuild_cmds'),
    test_cmds,
    print_cmds: cmdList(r, 'print_cmds'),
    log_parser: (logParser as string | undefined) ?? 'pytest',
    env_image: envImage(r),
    env_setup_cmds: cmdList(r, 'env_setup_cmds'),
    install_cmds: cmdList(r, 'install_cmds'),
    resources: rowResources(r),
    raw: r,
  };
  if (inst.test_cmds.length === 0)
    throw new FieldError('test_cmds', 'missing: the harness needs the commands that run the tests');
  return inst;
}

function collect(source: string, rows: { line: number; row: unknown }[]): Dataset {
  const instances: Instance[] = [];
  const issues: DatasetIssue[] = [];
  const seen = new Map<string, number>();
  for (const { line, row } of rows) {
    try {
      const inst = normalizeInstance(row);
      const prev = seen.get(inst.instance_id);
      if (prev !== undefined) {
        issues.push({
          source,
          line,
          field: 'instance_id',
          message: `duplicate of line ${prev}`,
          instance_id: inst.instance_id,
        });
        continue;
      }
      seen.set(inst.instance_id, line);
      instances.push(inst);
    } catch (err) {
      const id =
        typeof row === 'object' && row && typeof (row as { instance_id?: unknown }).instance_id === 'string'
          ? (row as { instance_id: string }).instance_id
          : undefined;
      if (err instanceof FieldError)
        issues.push({ source, line, field: err.field, message: err.message, instance_id: id });
      else throw err;
    }
  }
  return { instances, issues };
}

/** Parses dataset text: JSONL (one object a line) or a JSON list. */
export function parseDatasetText(text: string, source = '<dataset>'): Dataset {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('[')) {
    let list: unknown;
    try {
      list = JSON.parse(text);
    } catch (err) {
      return {
        instances: [],
        issues: [{ source, line: 1, field: '(file)', message: `not valid JSON: ${(err as Error).message}` }],
      };
    }
    return collect(
      source,
      (list as unknown[]).map((row, i) => ({ line: i + 1, row })),
    );
  }
  const rows: { line: number; row: unknown }[] = [];
  const bad: DatasetIssue[] = [];
  text.split('\n').forEach((l, i) => {
    if (!l.trim()) return;
    try {
      rows.push({ line: i + 1, row: JSON.parse(l) as unknown });
    } catch (err) {
      bad.push({
        source,
        line: i + 1,
        field: '(json)',
        message: `not valid JSON: ${(err as Error).message}`,
      });
    }
  });
  const ds = collect(source, rows);
  ds.issues = [...bad, ...ds.issues].sort((a, b) => a.line - b.line);
  return ds;
}

/**
 * SWE-bench v5 task-repo layout: `tasks/<id>/task.yaml` (the instance's fields),
 * `tests.json` ({FAIL_TO_PASS, PASS_TO_PASS} and optionally more),
 * `gold.patch`, `test.patch`.
 */
export function loadTaskDirs(root: string): Dataset {
  const tasksDir = existsSync(join(root, 'tasks')) ? join(root, 'tasks') : root;
  const rows: { line: number; row: unknown }[] = [];
  const issues: DatasetIssue[] = [];
  for (const id of readdirSync(tasksDir).sort()) {
    const dir = join(tasksDir, id);
    if (!statSync(dir).isDirectory()) continue;
    const source = join(dir, 'task.yaml');
    try {
      if (!existsSync(source)) throw new FieldError('task.yaml', 'missing');
      const task = parseYaml(readFileSync(source, 'utf8')) as Record<string, unknown> | null;
      if (!task || typeof task !== 'object') throw new FieldError('task.yaml', 'not a YAML mapping');
      const row: Record<string, unknown> = { instance_id: id, ...task };
      if (existsSync(join(dir, 'tests.json'))) {
        try {
          Object.assign(row, JSON.parse(readFileSync(join(dir, 'tests.json'), 'utf8')) as object);
        } catch (err) {
          throw new FieldError('tests.json', `not valid JSON: ${(err as Error).message}`);
        }
      }
      if (existsSync(join(dir, 'gold.patch'))) row.patch = readFileSync(join(dir, 'gold.patch'), 'utf8');
      if (existsSync(join(dir, 'test.patch'))) row.test_patch = readFileSync(join(dir, 'test.patch'), 'utf8');
      rows.push({ line: 0, row });
    } catch (err) {
      if (err instanceof FieldError)
        issues.push({ source, line: 0, field: err.field, message: err.message, instance_id: id });
      else throw err;
    }
  }
  const ds = collect(tasksDir, rows);
  ds.issues.push(...issues);
  return ds;
}

/** Loads a dataset file (JSONL or JSON list) or a task-repo directory. */
export function loadDataset(path: string): Dataset {
  if (!existsSync(path))
    throw new DrydockError(
      `dataset not found: ${path}`,
      'pass --dataset FILE (JSONL, a JSON list, or a tasks/ directory)',
      'DATASET_NOT_FOUND',
    );
  if (statSync(path).isDirectory()) return loadTaskDirs(path);
  return parseDatasetText(readFileSync(path, 'utf8'), path);
}

export function formatIssue(i: DatasetIssue): string {
  const where = i.line > 0 ? `${i.source}:${i.line}` : i.source;
  return `${where}: field ${i.field}: ${i.message}${i.instance_id ? ` (${i.instance_id})` : ''}`;
}
