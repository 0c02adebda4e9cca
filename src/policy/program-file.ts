import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { DrydockError } from '../core/index.js';
import type { CallTable } from './calls.js';
import {
  buildCalls,
  buildCommandRunners,
  buildInstallers,
  buildLeadingOptions,
  buildProjectFiles,
  buildSpecs,
  buildTextTools,
  buildUnspecified,
  buildVersioned,
  ProgramSpecError,
  type CommandRunners,
  type InterpreterFacts,
  type ProgramSpec,
  type ProjectFiles,
  type TextTool,
} from './programs.js';
import { clip } from './walk.js';

/*
 * Where the built-in policy files are, and policies/programs.yaml loaded once per process (per
 * thread): the program specs the engine matches and the walker (wrappers.ts) reads, with no
 * import of the engine or the walker (so the walker reads its per-program facts from the same file
 * without an import cycle).
 */

/** The built-in policy shipped with drydock: the nearest `policies/default.yaml` above this module (src/, dist/, an installed package). */
export const DEFAULT_POLICY_PATH = findDefaultPolicy();
/** Per-program facts (options, subcommands, what they touch), next to the default policy. */
export const PROGRAMS_PATH = join(dirname(DEFAULT_POLICY_PATH), 'programs.yaml');

let builtinPrograms: ProgramFacts | null = null;

/** Loads policies/programs.yaml once per process; refuses a malformed one naming the program and line. */
export function loadProgramSpecs(path = PROGRAMS_PATH): Map<string, ProgramSpec> {
  return loadProgramFacts(path).specs;
}

/**
 * The names of programs.yaml's `installers:` (programs that can put a new program on PATH when
 * they run), as a matcher: a trailing `*` matches any rest (`pip*`).
 */
export function loadInstallers(path = PROGRAMS_PATH): (name: string) => boolean {
  return loadProgramFacts(path).installers;
}

export function loadProgramFacts(path = PROGRAMS_PATH): ProgramFacts {
  if (path === PROGRAMS_PATH && builtinPrograms) return builtinPrograms;
  const text = readFileSync(path, 'utf8');
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    refuse(path, null, `not valid YAML (${clip((err as Error).message, 100)})`);
  }
  let specs: Map<string, ProgramSpec>;
  let installers: (name: string) => boolean;
  let unspecified: ProgramSpec | null;
  let calls: Map<string, CallTable>;
  let runners: CommandRunners;
  let versioned: (name: string) => string;
  let leading: Map<string, readonly string[]>;
  let projectFiles: ProjectFiles;
  let textTools: Map<string, TextTool>;
  try {
    specs = buildSpecs(doc);
    installers = buildInstallers(doc);
    unspecified = buildUnspecified(doc);
    calls = buildCalls(doc);
    runners = buildCommandRunners(doc);
    versioned = buildVersioned(doc, specs);
    leading = buildLeadingOptions(doc, specs);
    projectFiles = buildProjectFiles(doc);
    textTools = buildTextTools(doc);
  } catch (err) {
    if (!(err instanceof ProgramSpecError)) throw err;
    refuse(`${path}${lineOfFact(text, err.where)}`, null, `program \`${err.where}\`: ${err.message}`);
  }
  const facts = {
    specs,
    installers,
    unspecified,
    calls,
    runners,
    versioned,
    leading,
    projectFiles,
    textTools,
  };
  if (path === PROGRAMS_PATH) builtinPrograms = facts;
  return facts;
}

export interface ProgramFacts {
  specs: Map<string, ProgramSpec>;
  installers: (name: string) => boolean;
  /** programs.yaml's `unspecified:`: what is known of a program with no spec of its own. */
  unspecified: ProgramSpec | null;
  /** programs.yaml's `calls:`: the R and Julia functions whose one-liners are read. */
  calls: Map<string, CallTable>;
  /** programs.yaml's `wrappers:`, `runners:`, `cmake_tools:` and `shell_options:`: commands that run commands. */
  runners: CommandRunners;
  /** programs.yaml's `versioned:`: the program a command name is decided as (`python3.14` is `python`). */
  versioned: (name: string) => string;
  /** programs.yaml's `leading_options:`: value-taking options before the subcommand, for programs with no spec. */
  leading: ReadonlyMap<string, readonly string[]>;
  /** programs.yaml's `project_files:`: the project files a program runs (written-projects.ts). */
  projectFiles: ProjectFiles;
  /** programs.yaml's `text_tools:`: what programs do with the text passing through them (streams.ts, extract.ts). */
  textTools: ReadonlyMap<string, TextTool>;
}

/** Top-level sections of programs.yaml other than `programs:` whose errors name `SECTION NAME`. */
const SECTIONS = new Set([
  'wrappers',
  'runners',
  'cmake_tools',
  'shell_options',
  'interpreters',
  'calls',
  'installers',
  'unspecified',
  'versioned',
  'leading_options',
  'project_files',
  'text_tools',
]);

/**
 * `:LINE` of the fact an error names (`uniq`, `pip install`, `wrappers sudo`): the program's key in
 * `programs:`, or the name's key inside a top-level section (the section's own line when the name
 * is not found); '' when not found.
 */
function lineOfFact(text: string, where: string): string {
  const words = where.split(' ');
  const escape = (w: string) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const key = (w: string) => new RegExp(`^  (?:[^:\\n]*\\s)?'?${escape(w)}'?(?:\\s[^:\\n]*)?:`, 'm');
  if (!SECTIONS.has(words[0]!)) {
    const line = lineOf(text, key(words[0]!));
    return line ? `:${line}` : '';
  }
  const start = lineOf(text, new RegExp(`^${escape(words[0]!)}:`, 'm'));
  if (!start) return '';
  const rest = text.split('\n').slice(start - 1);
  const end = rest.findIndex((l, i) => i > 0 && /^[^\s#]/.test(l));
  const body = (end === -1 ? rest : rest.slice(0, end)).join('\n');
  // (the whole key: `project_files mypy dmypy` is that entry, not an earlier `mypy:`)
  const at = words[1] ? lineOf(body, key(words.slice(1).join(' '))) : 0;
  return `:${start + Math.max(at, 1) - 1}`;
}

function findDefaultPolicy(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'policies', 'default.yaml');
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return candidate;
    dir = parent;
  }
}

/** 1-based line of the first match of `re` in `text`, or 0. */
export function lineOf(text: string, re: RegExp): number {
  const m = re.exec(text);
  if (!m) return 0;
  let line = 1;
  for (let i = 0; i < m.index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

export function refuse(file: string, rule: string | null, problem: string): never {
  const where = rule ? `${file}: rule '${rule}': ` : `${file}: `;
  // One line, no separate fix line: the file, the rule and the problem say what to change.
  throw new DrydockError(`policy refused: ${where}${problem}`, undefined, 'POLICY_INVALID');
}

/** The built-in programs.yaml's commands that run commands (wrappers.ts). */
export function commandRunners(): CommandRunners {
  return loadProgramFacts(PROGRAMS_PATH).runners;
}

/**
 * The built-in programs.yaml's facts of an interpreter or shell (`interpreters:`), by its name or
 * its name without a trailing version (`tclsh8.6`, `python3`); undefined for any other program.
 */
export function interpreterFacts(name: string): InterpreterFacts | undefined {
  const table = commandRunners().interpreters;
  return table.get(name) ?? table.get(name.replace(/[0-9.]+$/, ''));
}

/** The built-in programs.yaml's `text_tools:` entry for `name` (exact name), if any. */
export function textTool(name: string): TextTool | undefined {
  return loadProgramFacts(PROGRAMS_PATH).textTools.get(name);
}

/** The built-in programs.yaml's `project_files:`: what project files a program runs (written-projects.ts). */
export function projectFiles(): ProjectFiles {
  return loadProgramFacts(PROGRAMS_PATH).projectFiles;
}
