import { posix } from 'node:path';
import { tick } from './budget.js';
import { climbs, isStrictlyInside, resolvePath } from './glob.js';
import { sedEffects } from './sed.js';
import { SHAPE_ALT } from './words.js';
import type { Arg, CommandPart, Decision, Workspace } from './types.js';
import type { CallKind, CallTable } from './calls.js';

/**
 * Per-program specs (policies/programs.yaml): what each option and subcommand of a
 * known program does. An invocation that a builtin `allow` rule would let through is
 * allowed only when every option and the subcommand are in the program's spec and
 * what they name (files written, programs run, hosts, working directories) is fine.
 */

/** What an option does with its value (or, for `flag`, that it takes none). */
export type Effect =
  | 'flag'
  | 'value'
  | 'pattern'
  | 'optional'
  | 'optional-write'
  | 'optional-recipe'
  | 'optional-read'
  | 'optional-host'
  | 'optional-script'
  | 'read'
  | 'write'
  | 'write-or-pipe'
  | 'target'
  | 'property'
  | 'run'
  | 'host'
  | 'source'
  | 'cwd'
  | 'ask'
  | 'ask-flag'
  | 'deny-flag'
  | 'env-flag'
  | 'code'
  | 'module'
  | 'inplace'
  | 'stdout'
  | 'recipe'
  | 'archive'
  | 'create'
  | 'extract'
  | 'end'
  | 'package'
  | 'setting'
  | 'tmpdir'
  | 'environment'
  | 'report'
  | 'toolflags'
  | 'flags'
  | 'linker'
  | 'exec'
  | 'mode'
  | 'debugger'
  | 'choice'
  | 'suffix'
  | 'script';

const EFFECTS: readonly Effect[] = [
  'mode',
  'flag',
  'value',
  'pattern',
  'optional',
  'optional-write',
  'optional-recipe',
  'optional-read',
  'optional-host',
  'optional-script',
  'read',
  'write',
  'write-or-pipe',
  'target',
  'property',
  'run',
  'host',
  'source',
  'cwd',
  'ask',
  'ask-flag',
  'deny-flag',
  'env-flag',
  'code',
  'module',
  'inplace',
  'stdout',
  'recipe',
  'archive',
  'create',
  'extract',
  'end',
  'package',
  'setting',
  'tmpdir',
  'environment',
  'report',
  'toolflags',
  'flags',
  'linker',
  'exec',
  'debugger',
  'choice',
  'suffix',
  'script',
];

/** What a program does with its operands. */
export type OperandKind =
  | 'any'
  | 'read'
  | 'write'
  | 'output'
  | 'changed'
  | 'listed'
  | 'text'
  | 'pattern'
  | 'package'
  | 'none'
  | 'word'
  | 'setting'
  | 'recipe'
  | 'script'
  | 'url';
const OPERANDS: readonly OperandKind[] = [
  'any',
  'read',
  'write',
  'output',
  'changed',
  'listed',
  'text',
  'pattern',
  'package',
  'none',
  'word',
  'setting',
  'recipe',
  'script',
  'url',
];

export interface ProgramSpec {
  name: string;
  /**
   * The language of the code it is given inline (`-c`/`-e` options of effect `code`, a program on
   * standard input) and of the scripts the same line wrote that it runs: read with tree-sitter
   * (src/policy/inline.ts) and decided as the calls it makes. Null: such code is not read (asks).
   */
  language: CodeLanguage | null;
  options: Map<string, Effect>;
  /** Long options sorted, for unique-prefix resolution. */
  longNames: string[];
  /** Long options may be abbreviated to a unique prefix (getopt_long, argparse, git, npm). */
  longAbbrev: boolean;
  /** `-name` style options: a single dash never starts a cluster of letters. */
  singleDashLong: boolean;
  /**
   * yargs and cac (jest, vitest) read a `--kebab-case` option as the `--camelCase` one they
   * define, in the name's first dot-separated part (`--test-path-pattern` is `--testPathPattern`,
   * `--pool-options.threads.singleThread` is `--poolOptions.threads.singleThread`): the spec
   * lists the camelCase spelling only.
   */
  kebabCase: boolean;
  /** yargs and cac read `--no-NAME` as turning a listed option NAME off: a flag. */
  noPrefix: boolean;
  /**
   * MSBuild's switches and System.CommandLine's options (`dotnet`): `-p:Name=Value`, `/p:Name=Value`,
   * `-property:…`, `--property:…`, `-bl`, `-warnaserror`, `-c:Release`; the name after `-`, `--` or
   * `/` is case-insensitive, its value follows `:` or `=`. Each is read as its listed spelling (one
   * letter `-x`, longer `--name`; `/name` only when that is listed, or it is a path), and a
   * `property` value is each of its `;`/`,`-separated `Key=Value` properties, keys compared without
   * case (MSBuild's property names are case-insensitive). Inherited by the subcommands.
   */
  msbuild: boolean;
  /**
   * Nim's switches (`nim`, `nimble`): `--name:value` or `--name=value`, `-d:release`, `-o:out`,
   * `--warning[Name]:off`; a name is style-insensitive (`--outDir`, `--out_dir` and `--OUTDIR` are
   * one option, compared as Nim's `normalize` does: lower case, no underscores). Each is read as its
   * listed spelling: one letter `-x` with the value attached, longer `--name=value` (a `[Name]`
   * selector dropped). Inherited by the subcommands.
   */
  nim: boolean;
  /**
   * TypeScript's spellings (`ts_switches`: tsc, src/compiler/commandLineParser.ts): an option is
   * named after one dash or two, without regard to case (`-outDir`, `--outdir` and `--OUTDIR` are
   * `--outDir`, `-P` is `-p`), read as its listed spelling; a name not listed stays as typed.
   */
  tsSwitches: boolean;
  /**
   * A single-dash option may have its value attached (`-GNinja`, `-T4`); false for programs that
   * only take a separate value (ffmpeg, sqlite3: `-safe` is not `-s afe`, so an option not listed asks).
   */
  attachedValues: boolean;
  /**
   * Go's flag package (`go`, `terraform`, buildifier, mockgen): `--name` is `-name`, and a name is
   * never abbreviated.
   */
  goFlags: boolean;
  /** `-20` is a number option (`head -20`, `kill -9`). */
  numeric: boolean;
  /** Options not in the spec are allowed (only where listing them all is not done yet; see README). */
  otherOptions: boolean;
  /** Positional operand kinds; the last one repeats. */
  operands: OperandKind[];
  /** Why running it at all needs a person (`ask` programs: evaluators, `m4`, `dc`). */
  ask?: string;
  subcommands: Map<string, ProgramSpec> | null;
  /** Subcommands resolve from a unique prefix (`npm publ` is `npm publish`). */
  subAbbrev: boolean;
  /** Subcommand names are also matched without regard to case (Symfony Console: `composer INSTALL`). */
  subFoldCase: boolean;
  /**
   * The subcommand a first operand that names none of the listed ones runs as: `yarn lint:fix` and
   * `pnpm test-unit` run the package.json script of that name (or a dependency's binary), as `run`
   * does, so every builtin command of the program is listed (the ones not known safe with `ask`).
   */
  scriptSub: string | null;
  /**
   * A first operand that names none of the subcommands is the program's own operand, decided with
   * the rest by its `operands` (`elm-test tests/X.elm`, `elm-review src/`): programs whose
   * subcommands are few and all listed and that otherwise take files.
   */
  operandsOrSub: boolean;
  /** Options after the subcommand may also be the program's global ones. */
  inherit: boolean;
  aliases: Map<string, string>;
  parent: ProgramSpec | null;
  /** The first operand ends the options: the rest belong to the script it names. */
  rest: boolean;
  /** `-m` modules that run given code, extract, serve or open a REPL (python): ask. */
  modulesAsk: Set<string>;
  /** `-m` modules with a spec of their own (`python -m venv DIR` writes DIR). */
  modules: Map<string, ProgramSpec> | null;
  /**
   * `-m` modules whose command line is a program's own (its console script: `python -m pip …` is
   * `pip …`, `pre_commit` is `pre-commit`), which the walker also records as that program's.
   */
  modulePrograms: Map<string, string> | null;
  /**
   * Scripts, by file name, whose command line is a program's own (`python manage.py migrate` is
   * Django's `manage.py migrate`), which the walker also records as that program's.
   */
  scriptPrograms: Map<string, string> | null;
  /** Operand words (phases, tasks) allowed for `word` operands (globs with `*`). */
  words: RegExp | null;
  /**
   * The values a `choice` option takes (globs with `*`): the program's built-in ones (git merge's
   * strategies); any other value names a program it runs, found by name (`git-merge-NAME`).
   */
  choices: RegExp | null;
  /**
   * The words after `--` are a compiler's flags, each one held to that compiler's harmless flags
   * (`compiler_flags: rustc`: `cargo rustdoc -- --cfg docsrs -D warnings`, the words RUSTFLAGS is
   * read with); any other word, or one only known when it runs, asks.
   */
  compilerFlags: RegExp | null;
  /**
   * The words after `--` are a compiler's command line, decided with the spec of the program named
   * (`compiler_spec: gcc`: `clang-tidy a.cpp -- -std=c++17 -Iinclude`, where `-fplugin=F`, `-B DIR`
   * and a driver `--config` file load code as they do in `gcc`'s own line).
   */
  compilerSpec: string | null;
  /**
   * The program whose options an option of effect `flags` hands on (`flags_spec: ghc`: `cabal build
   * --ghc-options="-pgmL /root/x"` is decided as `ghc -pgmL /root/x`, `-Werror` passes); a
   * subcommand takes its program's.
   */
  flagsSpec: string | null;
  /**
   * Environment variables whose value is this program's own options (`PYTEST_ADDOPTS='-vv
   * --durations=20'`): the value is split at blanks and decided with this spec, as the program's
   * command line (src/policy/match.ts); options the spec refuses make the variable's rule match.
   */
  optionVariables: string[];
  /**
   * Settings (effect `setting`) whose value is this program's own options (`option_settings:
   * [addopts]`: `pytest -o addopts="-p no:cacheprovider"` is decided as `pytest -p
   * no:cacheprovider`): the value is split at blanks and decided with the program's root spec.
   */
  optionSettings: string[];
  /**
   * The program reads more arguments from a file named by a word starting with `@` (GCC's and
   * binutils' expandargv, argparse's fromfile_prefix_chars, Go's tools, javac, rustc, zig): such a
   * word, wherever it stands, asks, as does a glob that may expand to one; so do they in words
   * handed to the program by another (`swift build -Xcc @F`, `go build -gcflags=@F`).
   */
  responseFiles: boolean;
  /** The `words` as the spec lists them (for reasons: what is allowed instead). */
  wordList: string[];
  /**
   * `KEY=VALUE` properties whose value is another program's command line (`flags_properties:
   * {compile-args: meson compile}`: `pip install . -Ccompile-args=-j2` is decided as `meson compile
   * -j2`): the value is split at blanks and decided with that program's spec after the words given.
   */
  flagsProperties: Map<string, string> | null;
  /**
   * Words refused even where `words` takes them (`*Test` but not `connectedAndroidTest`, which
   * installs on a device; `*Report` but not `uploadCoverageReport`): globs, as `words`.
   */
  notWords: RegExp | null;
  /** Why a `word` operand outside `words` (or in `not_words`) asks, when not a phase or task (`pip uninstall pip`). */
  wordReason: string | null;
  /**
   * A `word` operand holds several commands separated by this text, each held to `words` by itself
   * (`word_separator: ';'`: sbt runs `sbt ";clean;test"` as `clean` then `test`, so `"; clean;
   * set x := …"` is `set …`, which is not listed); blanks around a piece and runs of blanks in it
   * count as one.
   */
  wordSeparator: string | null;
  /**
   * The words after the subcommand are handed on to the project's script or program (`npm test --
   * --setupFiles=F`, `run-s "build -- --config F"`): one naming a place by itself (absolute, `~`,
   * climbing with `..`, a value known when it runs), or an option's `=VALUE` that does, is decided as
   * a `recipe` (test runners and bundlers load code from the files their options name).
   */
  passes: boolean;
  /**
   * `end_passes`: the words after an `end` option are handed on, decided as `passes` decides a
   * script's words (`go test ./... -args -test.coverprofile=/etc/c.out` writes /etc/c.out; helper
   * optaudit, 5 Dec: until then they were not read). The words before it are the program's own.
   */
  endPasses: boolean;
  /**
   * `pair_options`: options that take two words, a name and then the value the option's effect is
   * about (`just --set NAME VALUE`, `jq --rawfile NAME FILE`); with `--opt=NAME` the value is the next
   * word. Read as one word, the value was an operand: `just --set x y --command CMD` took `y` for the
   * recipe and handed `--command CMD` to it unread, where just runs CMD (held-out probe 34).
   */
  pairOptions: Set<string>;
  /**
   * `require_equals`: an option whose value is optional takes it only after `=` (clap's
   * `require_equals`: deno's `-R=/etc`, `--allow-read=/etc`); in a cluster such a letter is a flag
   * and the cluster goes on (`deno run -RWN` is `-R -W -N`).
   */
  requireEquals: boolean;
  /**
   * `value_delimiter`: option values are lists split at this character, each entry decided by
   * itself (`--allow-write=.,/etc` writes /etc; `--allow-net=localhost,x.example` names
   * x.example); a host entry on the loopback interface is the sandbox's own.
   */
  valueDelimiter: string | null;
  /** The program's first operand (or `-e` values) is a script read by a reader here (`sed`). */
  script: 'sed' | 'ln' | 'awk' | null;
  /** Extracting writes into the working directory (`tar x`, `unzip` without `-d`). */
  cwdWrites: boolean;
  /** Some option here or below takes a `pattern` (a glob or name matched against files, not a path). */
  patterns: boolean;
  /** The last of two or more operands is the destination (`cp SRC… DST`): written, and when a directory, `DST/SRC`. */
  target: boolean;
  /** Options that give the program's pattern (`grep -e/-f`): a `pattern` operand is then a file. */
  patternOptions: Set<string>;
  /** `-Dkey=value` properties (effect `property`) whose value is a directory or file the program writes. */
  pathProperties: Set<string>;
  /** `property` keys that name a program or code a plugin runs (`mvn -Dexec.executable=sh`): ask. */
  askProperties: Set<string>;
  /**
   * `-Dkey=value` properties whose value is a file of code the program runs (`cmake
   * -DCMAKE_TOOLCHAIN_FILE=F`): decided as a `recipe`. Keys may hold `*`.
   */
  recipeProperties: RegExp | null;
  /**
   * `-Dkey=value` properties whose value is a program the build runs or a directory of code it
   * loads (`cmake -DCMAKE_C_COMPILER=P`, `-DCMAKE_MODULE_PATH=D`): decided as a `script` (the
   * workspace's, scratch's and the image's under /usr and /opt are fine). Keys may hold `*`.
   */
  scriptProperties: RegExp | null;
  /**
   * When set, the only `property` keys taken as harmless values (globs with `*`); any other key, and
   * a `KEY=VALUE` only known when it runs, asks (`pip install -C KEY=VALUE`: settings the package's
   * build backend defines, not pip). Keys in `path_properties`/`recipe_properties` are known too.
   */
  knownProperties: RegExp | null;
  /** With `known_properties`: every key it takes (path, recipe and known ones), for the reason. */
  knownPropertyNames: string[];
  /** A first word `+NAME` picks a rustup toolchain (`cargo +nightly test`): skipped; a path is not a name. */
  plusToolchain: boolean;
  /**
   * The npm packages whose program this is, where the package's name is not the program's
   * (`@tailwindcss/cli` runs `tailwindcss`): `npx PACKAGE args` is decided as this program.
   */
  packages: string[];
  /**
   * getopt_long_only (gdb): a long option may be given with one dash (`-eval-command`, `-batch`)
   * and cut to a unique prefix either way (`-eval-comm`).
   */
  longOnly: boolean;
  /**
   * A debugger's own commands (gdb's `-ex CMD`, lldb's `-o CMD`: options of effect `debugger`),
   * each phrase with what it does (src/policy/debuggers.ts reads them); null for other programs.
   */
  debuggerCommands: Map<string, DebuggerEffect> | null;
  /**
   * A `word` operand qualified by a project path (gradle's `:app:test`, `core:check`) names the
   * same task in that project: the part after the last `:` is held to `words`.
   */
  qualifiedWords: boolean;
  /** `KEY=VALUE` operands whose value is a file (`dd of=F` is written, `if=F` read). */
  operandKeys: Map<string, 'read' | 'output'>;
  /** Some option, operand or reader here or below names a file written, listed or a pattern (spec effects are collected). */
  effects: boolean;
  /** Some option here or below has effect `cwd` (`make -C`, `git -C`, `npm --prefix`): the program may work elsewhere. */
  moves: boolean;
}

/**
 * What an invocation writes and which of its words are not read as paths, as its spec says:
 * the files it writes (option values of effect `write`/`target`/`property`, `write` and
 * `output` operands, files edited in place, a sed program's `w` files, a link made), each with
 * the directories it resolves from; and the words that name no file read: outputs (written
 * only), names listed inside the workspace (`ls -la .env`), a pattern operand (`grep .env
 * .gitignore`). The walker turns each write into a file part (`access: write`), so every
 * file rule decides it as it decides a redirection.
 */
export interface SpecEffects {
  writes: Array<{ path: Arg; cwd: string[] | null; from?: Arg[] }>;
  /** Entries of a list value that are read (`deno run --allow-read=.,~/.aws`), decided as file reads. */
  reads?: Array<{ path: Arg; cwd: string[] | null }>;
  unread: Set<Arg>;
  /** Words that are, or carry, the value of an option of effect `value` (CommandPart.plainValues). */
  values?: Set<Arg>;
  /** An option of effect `cwd` was given (`make -C DIR`): the program works in another directory. */
  moves?: boolean;
}

export interface SpecFinding {
  decision: Exclude<Decision, 'allow'>;
  reason: string;
}

export class ProgramSpecError extends Error {
  constructor(
    readonly where: string,
    message: string,
  ) {
    super(message);
  }
}

function splitKey(key: string): string[] {
  return key.split(/[\s|]+/).filter((k) => k.length > 0);
}

const SPEC_KEYS = new Set([
  'options',
  'language',
  'long_abbrev',
  'single_dash_long',
  'attached_values',
  'kebab_case',
  'no_prefix',
  'msbuild_switches',
  'nim_switches',
  'ts_switches',
  'go_flags',
  'numeric',
  'other_options',
  'operands',
  'ask',
  'subcommands',
  'sub_abbrev',
  'sub_fold_case',
  'script_subcommand',
  'operands_or_subcommand',
  'require_equals',
  'value_delimiter',
  'inherit',
  'about',
  'rest',
  'modules_ask',
  'modules',
  'module_programs',
  'script_programs',
  'script',
  'cwd_writes',
  'words',
  'choices',
  'compiler_flags',
  'compiler_spec',
  'flags_spec',
  'option_variables',
  'option_settings',
  'response_files',
  'flags_properties',
  'target',
  'pattern_options',
  'path_properties',
  'ask_properties',
  'recipe_properties',
  'script_properties',
  'known_properties',
  'operand_keys',
  'plus_toolchain',
  'qualified_words',
  'not_words',
  'word_reason',
  'word_separator',
  'passes',
  'end_passes',
  'pair_options',
  'packages',
  'long_only',
  'debugger_commands',
]);

/** What a debugger command does (programs.yaml `debugger_commands`; src/policy/debuggers.ts). */
export type DebuggerEffect =
  'flag' | 'run' | 'shell' | 'pipe' | 'write' | 'recipe' | 'expression' | 'prefix' | 'ask';
const DEBUGGER_EFFECTS: readonly DebuggerEffect[] = [
  'flag',
  'run',
  'shell',
  'pipe',
  'write',
  'recipe',
  'expression',
  'prefix',
  'ask',
];

/** `debugger_commands: { EFFECT: [phrase, …] }` as a map from each phrase to its effect. */
function debuggerCommands(raw: unknown, where: string): Map<string, DebuggerEffect> | null {
  if (raw === undefined) return null;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw new ProgramSpecError(where, '`debugger_commands` must map an effect to a list of commands');
  const out = new Map<string, DebuggerEffect>();
  for (const [effect, list] of Object.entries(raw)) {
    if (!DEBUGGER_EFFECTS.includes(effect as DebuggerEffect))
      throw new ProgramSpecError(
        where,
        `debugger_commands: \`${effect}\` is not one of ${DEBUGGER_EFFECTS.join(', ')}`,
      );
    for (const phrase of stringList(list, `debugger_commands ${effect}`, where))
      out.set(phrase.trim().split(/\s+/).join(' '), effect as DebuggerEffect);
  }
  return out;
}

/** Builds one program's spec from its YAML object; `where` names it in errors (`sort`, `npm install`). */
export function buildSpec(
  name: string,
  raw: unknown,
  where: string,
  parent: ProgramSpec | null,
): ProgramSpec {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw new ProgramSpecError(where, 'a program spec must be a mapping');
  const r = raw as Record<string, unknown>;
  for (const key of Object.keys(r))
    if (!SPEC_KEYS.has(key))
      throw new ProgramSpecError(where, `unknown key \`${key}\` (known: ${[...SPEC_KEYS].join(', ')})`);
  const options = new Map<string, Effect>();
  const opts = r.options ?? {};
  if (typeof opts !== 'object' || opts === null || Array.isArray(opts))
    throw new ProgramSpecError(where, '`options` must map option names to an effect');
  for (const [key, effect] of Object.entries(opts)) {
    if (!EFFECTS.includes(effect as Effect))
      throw new ProgramSpecError(
        where,
        `option \`${key}\`: effect \`${String(effect)}\` is not one of ${EFFECTS.join(', ')}`,
      );
    for (const o of splitKey(key)) {
      if (!o.startsWith('-')) throw new ProgramSpecError(where, `option \`${o}\` must start with -`);
      options.set(o, effect as Effect);
    }
  }
  const operandsRaw = r.operands ?? 'any';
  const operands = (Array.isArray(operandsRaw) ? operandsRaw : [operandsRaw]) as OperandKind[];
  for (const o of operands)
    if (!OPERANDS.includes(o))
      throw new ProgramSpecError(where, `operands \`${String(o)}\` is not one of ${OPERANDS.join(', ')}`);
  const bool = (key: string, dflt: boolean): boolean => {
    const v = r[key];
    if (v === undefined) return dflt;
    if (typeof v !== 'boolean') throw new ProgramSpecError(where, `\`${key}\` must be true or false`);
    return v;
  };
  if (r.ask !== undefined && typeof r.ask !== 'string')
    throw new ProgramSpecError(where, '`ask` must be a sentence saying why');
  const msbuild = bool('msbuild_switches', parent?.msbuild ?? false);
  // (MSBuild's property names are case-insensitive: compared in lower case)
  const props = (key: string) => {
    const list = stringList(r[key], key, where);
    return msbuild ? list.map((k) => k.toLowerCase()) : list;
  };
  const spec: ProgramSpec = {
    name,
    language: codeLanguage(r.language, where) ?? parent?.language ?? null,
    options,
    msbuild,
    nim: bool('nim_switches', parent?.nim ?? false),
    tsSwitches: bool('ts_switches', parent?.tsSwitches ?? false),
    longNames: [...options.keys()].filter((o) => o.startsWith('--')).sort(),
    // (a subcommand reads its options as its program does: clap's and Cobra's take no abbreviation)
    longAbbrev: bool('long_abbrev', parent?.longAbbrev ?? true),
    singleDashLong: bool('single_dash_long', false) || bool('go_flags', false),
    kebabCase: bool('kebab_case', parent?.kebabCase ?? false),
    noPrefix: bool('no_prefix', parent?.noPrefix ?? false),
    attachedValues: bool('attached_values', true),
    goFlags: bool('go_flags', false),
    numeric: bool('numeric', false),
    otherOptions: bool('other_options', false),
    operands,
    ask: r.ask as string | undefined,
    subcommands: null,
    subAbbrev: bool('sub_abbrev', false),
    subFoldCase: bool('sub_fold_case', false),
    scriptSub: null,
    operandsOrSub: bool('operands_or_subcommand', false),
    inherit: bool('inherit', true),
    aliases: new Map(),
    parent,
    rest: bool('rest', false),
    modulesAsk: new Set(stringList(r.modules_ask, 'modules_ask', where)),
    modules: null,
    modulePrograms: modulePrograms(r.module_programs, where),
    scriptPrograms: modulePrograms(r.script_programs, where, 'script_programs'),
    words: r.words === undefined ? null : wordsRegex(stringList(r.words, 'words', where)),
    choices: r.choices === undefined ? null : wordsRegex(stringList(r.choices, 'choices', where)),
    compilerFlags: compilerFlags(r.compiler_flags, where),
    compilerSpec: r.compiler_spec === undefined ? null : sentence(r.compiler_spec, 'compiler_spec', where),
    flagsSpec:
      r.flags_spec === undefined ? (parent?.flagsSpec ?? null) : sentence(r.flags_spec, 'flags_spec', where),
    notWords: r.not_words === undefined ? null : wordsRegex(stringList(r.not_words, 'not_words', where)),
    wordReason: r.word_reason === undefined ? null : sentence(r.word_reason, 'word_reason', where),
    wordSeparator:
      r.word_separator === undefined ? null : sentence(r.word_separator, 'word_separator', where),
    passes: bool('passes', false),
    endPasses: bool('end_passes', false),
    pairOptions: new Set(stringList(r.pair_options, 'pair_options', where)),
    requireEquals: bool('require_equals', parent?.requireEquals ?? false),
    valueDelimiter: delimiter(r.value_delimiter, where) ?? parent?.valueDelimiter ?? null,
    cwdWrites: bool('cwd_writes', false),
    patterns: [...options.values()].includes('pattern') || operands.includes('pattern'),
    target: bool('target', false),
    patternOptions: new Set(stringList(r.pattern_options, 'pattern_options', where)),
    pathProperties: new Set(props('path_properties')),
    askProperties: new Set(props('ask_properties')),
    recipeProperties: r.recipe_properties === undefined ? null : wordsRegex(props('recipe_properties')),
    scriptProperties: r.script_properties === undefined ? null : wordsRegex(props('script_properties')),
    knownProperties: r.known_properties === undefined ? null : wordsRegex(props('known_properties')),
    knownPropertyNames:
      r.known_properties === undefined
        ? []
        : [
            ...stringList(r.path_properties, 'path_properties', where),
            ...stringList(r.recipe_properties, 'recipe_properties', where),
            ...stringList(r.script_properties, 'script_properties', where),
            ...stringList(r.known_properties, 'known_properties', where),
          ],
    operandKeys: operandKeys(r.operand_keys, where),
    plusToolchain: bool('plus_toolchain', false),
    packages: stringList(r.packages, 'packages', where),
    optionVariables: stringList(r.option_variables, 'option_variables', where),
    optionSettings: stringList(r.option_settings, 'option_settings', where),
    responseFiles: bool('response_files', parent?.responseFiles ?? false),
    wordList: r.words === undefined ? [] : stringList(r.words, 'words', where),
    flagsProperties: modulePrograms(r.flags_properties, where, 'flags_properties'),
    longOnly: bool('long_only', false),
    debuggerCommands: debuggerCommands(r.debugger_commands, where),
    qualifiedWords: bool('qualified_words', false),
    effects: false,
    moves: [...options.values()].includes('cwd'),
    script:
      r.script === undefined
        ? null
        : r.script === 'sed' || r.script === 'ln' || r.script === 'awk'
          ? r.script
          : badScript(where),
  };
  spec.effects =
    spec.script !== null ||
    spec.target ||
    spec.patterns ||
    spec.operandKeys.size > 0 ||
    operands.some(
      (o) => o === 'write' || o === 'output' || o === 'changed' || o === 'listed' || o === 'text',
    ) ||
    [...options.values()].some(
      (e) =>
        e === 'write' ||
        e === 'write-or-pipe' ||
        e === 'optional-write' ||
        e === 'target' ||
        e === 'property' ||
        e === 'inplace' ||
        e === 'archive' ||
        e === 'report',
    );
  if (r.modules !== undefined) {
    spec.modules = new Map();
    const entries = childEntries(r.modules, 'module', where, splitKey, (mod, sub) =>
      buildSpec(`${name} -m ${mod}`, sub, `${where} -m ${mod}`, spec),
    );
    for (const { names, child } of entries) {
      for (const m of names) spec.modules.set(m, child);
      if (child.effects) spec.effects = true;
      if (child.moves) spec.moves = true;
    }
  }
  if (r.subcommands !== undefined) {
    spec.subcommands = new Map();
    // `''` is the program run without a subcommand (`npm --version`).
    const split = (key: string) => (key === '' ? [''] : splitKey(key));
    const entries = childEntries(r.subcommands, 'subcommand', where, split, (canonical, sub) =>
      buildSpec(`${name} ${canonical}`, sub, `${where} ${canonical}`, spec),
    );
    for (const { names, child } of entries) {
      const [canonical, ...aliases] = names as [string, ...string[]];
      spec.subcommands.set(canonical, child);
      if (child.patterns) spec.patterns = true;
      if (child.effects) spec.effects = true;
      if (child.moves) spec.moves = true;
      for (const a of aliases) spec.aliases.set(a, canonical);
    }
  }
  if (r.script_subcommand !== undefined) {
    if (typeof r.script_subcommand !== 'string' || !spec.subcommands?.has(r.script_subcommand))
      throw new ProgramSpecError(where, '`script_subcommand` must name one of its subcommands');
    spec.scriptSub = r.script_subcommand;
  }
  return spec;
}

/**
 * The entries of a `modules:` or `subcommands:` mapping: each key's names (the first is the
 * canonical one, the rest aliases) with the child spec built for it.
 */
function childEntries(
  raw: unknown,
  what: 'module' | 'subcommand',
  where: string,
  split: (key: string) => string[],
  build: (canonical: string, sub: unknown) => ProgramSpec,
): Array<{ names: string[]; child: ProgramSpec }> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new ProgramSpecError(where, `\`${what}s\` must map ${what} names to specs`);
  return Object.entries(raw).map(([key, sub]) => {
    const names = split(key);
    if (names[0] === undefined) throw new ProgramSpecError(where, `an empty ${what} name`);
    return { names, child: build(names[0], sub ?? {}) };
  });
}

function operandKeys(v: unknown, where: string): Map<string, 'read' | 'output'> {
  const out = new Map<string, 'read' | 'output'>();
  if (v === undefined) return out;
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new ProgramSpecError(
      where,
      '`operand_keys` must map KEY (of KEY=VALUE operands) to read or output',
    );
  for (const [k, kind] of Object.entries(v)) {
    if (kind !== 'read' && kind !== 'output')
      throw new ProgramSpecError(where, `operand key \`${k}\`: \`${String(kind)}\` is not read or output`);
    out.set(k, kind);
  }
  return out;
}

function badScript(where: string): never {
  throw new ProgramSpecError(where, '`script` must be `sed`, `awk` or `ln` (the readers built in)');
}

function sentence(v: unknown, key: string, where: string): string {
  if (typeof v !== 'string') throw new ProgramSpecError(where, `\`${key}\` must be a sentence`);
  return v;
}

function delimiter(v: unknown, where: string): string | null {
  if (v === undefined) return null;
  if (typeof v !== 'string' || v.length !== 1)
    throw new ProgramSpecError(where, '`value_delimiter` must be one character');
  return v;
}

function stringList(v: unknown, key: string, where: string): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string'))
    throw new ProgramSpecError(where, `\`${key}\` must be a list of strings`);
  return v as string[];
}

/**
 * GNU sed's `-i SUFFIX`: a suffix holding `/` names where the backup goes (`*` is the file's name:
 * `-i'/root/*.bak'` writes `/root/README.md.bak`), a place this policy does not follow.
 */
function sedBackupFinding(ctx: Ctx, suffix: string | undefined): SpecFinding | null {
  if (!suffix || !suffix.includes('/')) return null;
  return {
    decision: 'ask',
    reason: `\`${ctx.label} -i${clipWord(suffix)}\` writes each backup into the directory its suffix names; use a plain suffix (\`-i.bak\`)`,
  };
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '::1', '[::1]', '0.0.0.0']);

/** A URL operand with no scheme (`curl evil.example/x`): asks unless it names this machine. */
function bareUrlFinding(ctx: Ctx, a: Arg): SpecFinding | null {
  if (a.dynamic) return null; // (decided by the rules: a host only known when it runs)
  if (URL_SCHEME.test(a.text)) return null; // (a URL: its host is the rules')
  const host = (/^(?:[^@/?#]*@)?(\[[^\]]*\]|[^/:?#]*)/.exec(a.text)?.[1] ?? '').toLowerCase();
  if (host === '' || LOCAL_HOSTS.has(host)) return null;
  return {
    decision: 'ask',
    reason: `\`${ctx.label} ${clipWord(a.text)}\` reaches the host \`${clipWord(host)}\` (a word with no scheme is a URL)`,
  };
}

/**
 * A dynamic word that is a literal option of `spec` with its value attached (`-j$(nproc)`,
 * `--jobs=$N`, `-count=$N` where single-dash long options are read), with that value. Not for an
 * option that takes no value or whose value is a pattern, an in-place suffix or a terminator
 * (`grep -e"$P"`, `-vj$(nproc)` as a cluster), nor in a program whose `-e`/`-f` give its script
 * (sed, awk), where the option changes what the operands are: those words stay operands.
 */
function gluedOption(
  spec: ProgramSpec,
  t: string,
  pattern?: string,
): { hit: { name: string; effect: Effect }; value: Arg } | null {
  if (spec.script) return null;
  // (where single-dash long options take their value attached, `-MF$HOME/x.d` is `-MF` with
  // `$HOME/x.d`, as `-MF/root/x.d` is: the longest listed option its literal text starts with)
  if (spec.singleDashLong && spec.attachedValues && !spec.msbuild && /^-[A-Za-z]/.test(t)) {
    const literal = /^[^$`"'\\]*/.exec(t)![0];
    // (`-name=VALUE` is read below, as one option and its value)
    const att =
      literal.length > 2 && !/^-[A-Za-z][\w-]*=/.test(literal) ? attachedOption(spec, literal) : null;
    if (att && att.name.length > 2 && effectGlues(att.effect))
      return {
        hit: att,
        value: {
          text: t.slice(att.name.length),
          dynamic: true,
          glob: false,
          pattern: slicedPattern(pattern, att.name),
        },
      };
  }
  // (a `msbuild_switches` word was made `-pKEY=VALUE` or `--name=VALUE`: msbuildSwitch)
  // (a listed dotted name too: vitest's `--coverage.reportsDirectory=$D`, golangci-lint's
  // `--output.json.path=$P`, staticcheck's `-debug.cpuprofile=$P` were operands until helper
  // specsH; one not listed is read as before, `-Dtests.timestamp=$(…)` is gradle's `-D`)
  const dotted = spec.msbuild ? null : /^(--?[A-Za-z][\w-]*\.[\w.-]*=)(?=.)/.exec(t);
  const m =
    dotted && lookupExact(spec, dotted[1]!.slice(0, -1))
      ? dotted
      : spec.msbuild
        ? /^(--[A-Za-z][\w-]*=|-[A-Za-z])(?=.)/.exec(t)
        : /^(--[A-Za-z][\w-]*=|-[A-Za-z][\w-]*=|-[A-Za-z])(?=.)/.exec(t);
  if (!m) return null;
  const name = m[1]!.endsWith('=') ? m[1]!.slice(0, -1) : m[1]!;
  // (`-name=` is one option only where single-dash long options are read: `-name` elsewhere is a cluster)
  if (!name.startsWith('--') && name.length > 2 && !spec.singleDashLong) return null;
  if (name.length === 2 && !lookupExact(spec, name)) return null;
  const hit = optionalWrite(lookup(spec, name), true);
  if (!hit || hit === 'ambiguous' || spec.patternOptions.has(hit.name)) return null;
  if (!effectGlues(hit.effect)) return null;
  return {
    hit,
    value: {
      text: t.slice(m[1]!.length),
      dynamic: true,
      glob: false,
      pattern: slicedPattern(pattern, m[1]!),
    },
  };
}

/** An option whose value may be glued to it and decided on its own (not a pattern, program or suffix). */
function effectGlues(effect: Effect): boolean {
  return takesValue(effect) && effect !== 'pattern' && effect !== 'exec' && effect !== 'inplace';
}

/**
 * A dynamic word's shapes with a literal prefix cut off (`--out=$HOME/x` is `~/x` after `--out=`),
 * so a value attached to an option is decided on the shapes it may take as a separate word is.
 */
export function slicedPattern(pattern: string | undefined, prefix: string): string | undefined {
  if (pattern === undefined || pattern.length > 4096) return undefined;
  const shapes = pattern.split(SHAPE_ALT);
  if (!shapes.every((s) => s.startsWith(prefix))) return undefined;
  return shapes.map((s) => s.slice(prefix.length)).join(SHAPE_ALT);
}

/**
 * A dynamic word that begins with a literal long option the spec does not list (`cargo build
 * --foo=$X`, `bazel build --build_event_json_file=$HOME/x`): the option's name, asked about as the
 * same option with a literal value is. (Before 4 Dec such a word was an operand, allowed.)
 */
function unknownGluedOption(spec: ProgramSpec, t: string): string | null {
  if (spec.otherOptions || spec.script) return null;
  const m = /^(--[A-Za-z][\w.-]*)=/.exec(t) ?? (spec.singleDashLong ? /^(-[A-Za-z][\w.-]*)=/.exec(t) : null);
  if (!m || lookup(spec, m[1]!)) return null;
  return m[1]!;
}

/**
 * A rustc flag word (RUSTFLAGS, RUSTDOCFLAGS, `cargo rustc|rustdoc -- …`) that runs nothing and
 * links nothing from elsewhere: lint levels, `--cfg` names, code-generation settings; `-C
 * linker=`/`link-arg(s)=`, `-L`, `-l`, `--extern`, `-Z codegen-backend=`, `--emit`/`-o` and `@FILE`
 * are not among them. A bare identifier is the value of the option before it (`--cfg
 * tokio_unstable`, `-D warnings`).
 */
export const RUSTC_WORD = new RegExp(
  '^(?:-[DWAF]|--cfg|-C|-Z|--cap-lints|--edition|--target|--check-cfg|-[DWAF][\\w:-]+|[A-Za-z0-9_][\\w:-]*|' +
    '[A-Za-z_]\\w*="[\\w.+-]*"|--cfg=[A-Za-z_][\\w:]*(?:="[\\w.+-]*")?|--cap-lints=\\w+|--edition=\\d+|' +
    '(?:--check-cfg=)?cfg\\([\\w ,="().-]*\\)|--document-private-items|--document-hidden-items|--show-coverage|' +
    '--enable-index-page|--generate-link-to-definition|--sort-modules-by-appearance|--default-theme=\\w+|' +
    '(?:-C)?(?:opt-level|debuginfo|debug-assertions|overflow-checks|panic|target-cpu|target-feature|' +
    'codegen-units|strip|lto|embed-bitcode|force-frame-pointers|force-unwind-tables|instrument-coverage|' +
    'relocation-model|code-model|link-dead-code|metadata|symbol-mangling-version|split-debuginfo|' +
    'prefer-dynamic|soft-float|no-redzone|no-vectorize-loops|no-vectorize-slp|inline-threshold)(?:=[\\w.+,-]*)?|' +
    '(?:-Z)?(?:sanitizer|panic-abort-tests|macro-backtrace|proc-macro-backtrace|threads|share-generics|' +
    'randomize-layout|unstable-options|time-passes|track-diagnostics|polonius|location-detail|' +
    'external-clangrt|ui-testing|unpretty|next-solver|mir-opt-level|validate-mir|trait-solver|' +
    'print-type-sizes|emit-stack-sizes|instrument-mcount|precise-enum-drop-elaboration)(?:=[\\w.+,-]*)?)$',
);

const COMPILER_FLAGS: Record<string, RegExp> = { rustc: RUSTC_WORD };

function compilerFlags(v: unknown, where: string): RegExp | null {
  if (v === undefined) return null;
  if (typeof v !== 'string' || !(v in COMPILER_FLAGS))
    throw new ProgramSpecError(
      where,
      `\`compiler_flags\` must be one of: ${Object.keys(COMPILER_FLAGS).join(', ')}`,
    );
  return COMPILER_FLAGS[v]!;
}

/**
 * A spec's `words` matched without regard to case: `git config core.longPaths true` sets the key
 * `core.longpaths` lists (git folds a key's section and name; the listed keys name no subsection
 * but `*`, which matches any).
 */
const folded = new WeakMap<RegExp, RegExp>();
function foldedWords(words: RegExp): RegExp {
  let re = folded.get(words);
  if (!re) folded.set(words, (re = new RegExp(words.source, 'i')));
  return re;
}

function wordsRegex(words: string[]): RegExp {
  const alt = words.map((w) => w.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^\\s]*'));
  return new RegExp(`^(?:${alt.join('|')})$`);
}

/** Loads the `programs:` mapping of policies/programs.yaml. */
export function buildSpecs(doc: unknown): Map<string, ProgramSpec> {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc))
    throw new ProgramSpecError('top level', 'expected a mapping with `programs:`');
  const top = doc as Record<string, unknown>;
  for (const key of Object.keys(top))
    if (
      key !== 'programs' &&
      key !== 'version' &&
      key !== 'description' &&
      key !== 'installers' &&
      key !== 'unspecified' &&
      key !== 'calls' &&
      key !== 'versioned' &&
      key !== 'leading_options' &&
      key !== 'text_tools' &&
      key !== 'project_files' &&
      !RUNNER_SECTIONS.has(key)
    )
      throw new ProgramSpecError('top level', `unknown key \`${key}\``);
  const out = new Map<string, ProgramSpec>();
  const programs = top.programs;
  if (programs === null || typeof programs !== 'object' || Array.isArray(programs))
    throw new ProgramSpecError('programs', '`programs` must map program names to specs');
  for (const [key, raw] of Object.entries(programs)) {
    const names = splitKey(key);
    const spec = buildSpec(names[0]!, raw, names[0]!, null);
    for (const n of names) out.set(n, spec);
  }
  return out;
}

/**
 * A spec's `module_programs:` (a mapping from a `-m` module's name to the program it is) or
 * `script_programs:` (from a script's file name).
 */
function modulePrograms(v: unknown, where: string, key = 'module_programs'): Map<string, string> | null {
  if (v === undefined) return null;
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    throw new ProgramSpecError(
      where,
      `\`${key}\` must map ${key === 'module_programs' ? 'module' : 'script file'} names to program names`,
    );
  const out = new Map<string, string>();
  for (const [mod, program] of Object.entries(v as Record<string, unknown>)) {
    if (typeof program !== 'string' || !program)
      throw new ProgramSpecError(where, `\`${key}\`: \`${mod}\` must name a program`);
    out.set(mod, program);
  }
  return out;
}

/** A command that runs another command given in its arguments (programs.yaml `wrappers:`). */
export interface WrapperSpec {
  /** Its options that take a separate value (so the value is not taken for the command). */
  valueOptions: string[];
  /** How many operands come before the command. */
  positional: number;
  /** Options after which nothing is run (`command -v`). */
  noRun: string[];
  /** Words that may come first and are not the command (libtool's modes, or a unique prefix of one). */
  modes: string[];
  /** Its spec lists every option: where the command starts is read with it (`value_options` the fallback). */
  readWithSpec: boolean;
  /**
   * The program's own commands (`c8 report`, `nyc instrument`, `corepack enable`): such a word where
   * the command would start runs nothing, the line is the program's, decided by its spec and rules.
   */
  subcommands: string[];
  /** Options after which what it runs is not followed (GNU parallel's `-a FILE`, `-N 2`, `--colsep`). */
  unreadOptions: string[];
  /**
   * A front-end of one program (`runs: [go]`): it runs these words followed by all of its own
   * (`richgo test ./...` is `go test ./...`), so that command is decided.
   */
  runs: string[];
  /**
   * A package runner that fetches the package it runs from the index when it is not installed
   * (`npx prisma@5 generate`, `npx @scope/cli`): the word is read as a package, its program decided.
   */
  fetchesPackage: boolean;
  /**
   * Options whose value is the directory the command runs in (`watchexec --workdir DIR`, GNU
   * parallel's `--wd DIR`): what it runs is decided there, as after `cd DIR` in a child shell.
   */
  cwdOptions: string[];
  /**
   * Options whose value is a `NAME=VALUE` put in the command's environment (`watchexec -E
   * NAME=VALUE`): decided as `env NAME=VALUE COMMAND` is.
   */
  envOptions: string[];
}

/** A subcommand that runs the rest of the line (programs.yaml `runners:`: `uv run`, `bundle exec`). */
export interface RunnerSpec {
  /** The subcommands (one word or two: `uv tool run`). */
  sub: string[];
  valueOptions: string[];
  positional: number;
  /** Its spec lists every option: where the command starts is read with it (`value_options` the fallback). */
  readWithSpec: boolean;
  /** A `--` right after the program is the runner's own (`dune exec PROG -- ARGS`): ARGS are the program's. */
  dashAfterProgram: boolean;
  /**
   * It runs the project's own scripts by name as well as programs (`hatch run cov`, `pdm run lint`,
   * `pipenv run test`): a plain name no rule covers is one of them (engine.ts, rule `project-script`).
   */
  projectScripts: boolean;
  /** Its subcommands (among `sub`) that fetch the package they run from the index (`npm exec`, `pnpm dlx`). */
  fetchesPackage: string[];
  /**
   * A first word that is none of its commands runs the project's script of that name, or else the
   * program of that name its dependencies installed (`pnpm vercel deploy`, `yarn changeset
   * publish`): the words are decided as that program's command too (engine.ts, rule `project-script`
   * for a name no rule covers).
   */
  scriptBins: boolean;
  /**
   * Its flags that make the command words one line run with the shell (`pnpm exec -c 'a | b'`,
   * `--shell-mode`): with one of them among its own options the words are decided as that line.
   */
  shellFlags: string[];
  /**
   * It always runs the command words as one line with a shell, joined with blanks (`lerna exec`,
   * `nx exec`, `melos exec -- "flutter test"`): the words are decided as that line, so a quoted
   * command is read as the commands it holds (until benign probe 35 `lerna exec -- "npm test"`
   * was one program named `npm test` and asked).
   */
  shellLine: boolean;
}

/** An interpreter's facts the walker reads (programs.yaml `interpreters:`). */
export interface InterpreterFacts {
  /** Given no operand, or `-`, it reads its program from standard input (`python3 - < x.py`). */
  stdin: boolean;
  /** Its first operand is a script it runs (`ruby x.rb`, `bash x.sh`, `source x`). */
  script: boolean;
  /** Its code is in a language the inline reader does not read (a script of it the line wrote asks). */
  unread: boolean;
  /** With inline code (`-c`, `-e`, `-E`, `-r`, `--eval`), its output is whatever the code prints. */
  printsCode: boolean;
  /** A POSIX-style shell: `-c CMD`, its stdin and its script are shell lines the walker follows (wrappers.ts). */
  shell: boolean;
}

/** programs.yaml's commands that run commands, read by the walker (wrappers.ts). */
export interface CommandRunners {
  /** Interpreters and shells: what they run and read (`interpreters:`). */
  interpreters: ReadonlyMap<string, InterpreterFacts>;
  wrappers: ReadonlyMap<string, WrapperSpec>;
  runners: ReadonlyMap<string, RunnerSpec>;
  /** `cmake -E TOOL`: the command words each tool stands for. */
  cmakeTools: ReadonlyMap<string, readonly string[]>;
  /** Options whose value is a shell command line, under a subcommand (`remix dev -c CMD`). */
  shellOptions: ReadonlyMap<string, { sub: string; options: string[] }>;
}

const RUNNER_SECTIONS = new Set(['wrappers', 'runners', 'cmake_tools', 'shell_options', 'interpreters']);

/** A URL: a scheme and `://` (`https://…`, `git+ssh://…`, `file:///…`). */
const URL_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

/** Sections whose entries are lists, not mappings. */
const LIST_SECTIONS = new Set(['cmake_tools', 'leading_options']);

function section(doc: unknown, key: string): Array<[string, Record<string, unknown>]> {
  const raw = (doc as Record<string, unknown>)[key] ?? {};
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw new ProgramSpecError(key, `\`${key}\` must map program names to their facts`);
  return Object.entries(raw as Record<string, unknown>).map(([name, v]) => {
    if (!LIST_SECTIONS.has(key) && (v === null || typeof v !== 'object' || Array.isArray(v)))
      throw new ProgramSpecError(`${key} ${name}`, 'must be a mapping');
    return [name, v as Record<string, unknown>];
  });
}

function onlyKeys(v: Record<string, unknown>, known: string[], where: string): void {
  for (const k of Object.keys(v))
    if (!known.includes(k))
      throw new ProgramSpecError(where, `unknown key \`${k}\` (known: ${known.join(', ')})`);
}

function flag(v: unknown, key: string, where: string): boolean {
  if (v === undefined) return false;
  if (typeof v !== 'boolean') throw new ProgramSpecError(where, `\`${key}\` must be true or false`);
  return v;
}

function count(v: unknown, key: string, where: string): number {
  if (v === undefined) return 0;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
    throw new ProgramSpecError(where, `\`${key}\` must be a whole number`);
  return v;
}

/**
 * The top-level `wrappers:`, `runners:`, `cmake_tools:` and `shell_options:` of programs.yaml:
 * commands that run other commands, so the walker decides what they run (src/policy/wrappers.ts).
 */
export function buildCommandRunners(doc: unknown): CommandRunners {
  const wrappers = new Map<string, WrapperSpec>();
  for (const [name, v] of section(doc, 'wrappers')) {
    const where = `wrappers ${name}`;
    onlyKeys(
      v,
      [
        'value_options',
        'positional',
        'no_run',
        'modes',
        'read_with_spec',
        'subcommands',
        'unread_options',
        'runs',
        'fetches_package',
        'cwd_options',
        'env_options',
      ],
      where,
    );
    const spec: WrapperSpec = {
      valueOptions: stringList(v.value_options, 'value_options', where),
      positional: count(v.positional, 'positional', where),
      noRun: stringList(v.no_run, 'no_run', where),
      modes: stringList(v.modes, 'modes', where),
      readWithSpec: flag(v.read_with_spec, 'read_with_spec', where),
      subcommands: stringList(v.subcommands, 'subcommands', where),
      unreadOptions: stringList(v.unread_options, 'unread_options', where),
      runs: stringList(v.runs, 'runs', where),
      fetchesPackage: flag(v.fetches_package, 'fetches_package', where),
      cwdOptions: stringList(v.cwd_options, 'cwd_options', where),
      envOptions: stringList(v.env_options, 'env_options', where),
    };
    for (const n of splitKey(name)) wrappers.set(n, spec);
  }
  const runners = new Map<string, RunnerSpec>();
  for (const [name, v] of section(doc, 'runners')) {
    const where = `runners ${name}`;
    onlyKeys(
      v,
      [
        'sub',
        'value_options',
        'positional',
        'dash_after_program',
        'read_with_spec',
        'project_scripts',
        'fetches_package',
        'shell_flags',
        'shell_line',
        'script_bins',
      ],
      where,
    );
    const sub = stringList(v.sub, 'sub', where);
    if (sub.length === 0 || sub.some((w) => w.split(' ').length > 2))
      throw new ProgramSpecError(where, '`sub` must list one or more subcommands of one or two words');
    const spec: RunnerSpec = {
      sub,
      valueOptions: stringList(v.value_options, 'value_options', where),
      positional: count(v.positional, 'positional', where),
      readWithSpec: flag(v.read_with_spec, 'read_with_spec', where),
      dashAfterProgram: flag(v.dash_after_program, 'dash_after_program', where),
      projectScripts: flag(v.project_scripts, 'project_scripts', where),
      fetchesPackage: stringList(v.fetches_package, 'fetches_package', where),
      shellFlags: stringList(v.shell_flags, 'shell_flags', where),
      shellLine: flag(v.shell_line, 'shell_line', where),
      scriptBins: flag(v.script_bins, 'script_bins', where),
    };
    for (const f of spec.fetchesPackage)
      if (!sub.includes(f))
        throw new ProgramSpecError(where, `\`fetches_package\`: \`${f}\` is not one of its \`sub\``);
    for (const n of splitKey(name)) runners.set(n, spec);
  }
  const cmakeTools = new Map<string, readonly string[]>();
  for (const [tool, words] of section(doc, 'cmake_tools')) {
    const list = stringList(words, tool, 'cmake_tools');
    if (list.length === 0)
      throw new ProgramSpecError(`cmake_tools ${tool}`, 'must list the command it stands for');
    cmakeTools.set(tool, list);
  }
  const shellOptions = new Map<string, { sub: string; options: string[] }>();
  for (const [name, v] of section(doc, 'shell_options')) {
    const where = `shell_options ${name}`;
    onlyKeys(v, ['sub', 'options'], where);
    if (typeof v.sub !== 'string') throw new ProgramSpecError(where, '`sub` must be one subcommand');
    const options = stringList(v.options, 'options', where);
    if (options.length === 0) throw new ProgramSpecError(where, '`options` must list the options');
    for (const n of splitKey(name)) shellOptions.set(n, { sub: v.sub, options });
  }
  const interpreters = new Map<string, InterpreterFacts>();
  for (const [name, v] of section(doc, 'interpreters')) {
    const where = `interpreters ${name}`;
    onlyKeys(v, ['stdin', 'script', 'unread', 'prints_code', 'shell'], where);
    const facts: InterpreterFacts = {
      stdin: flag(v.stdin, 'stdin', where),
      script: flag(v.script, 'script', where),
      unread: flag(v.unread, 'unread', where),
      printsCode: flag(v.prints_code, 'prints_code', where),
      shell: flag(v.shell, 'shell', where),
    };
    for (const n of splitKey(name)) interpreters.set(n, facts);
  }
  return { wrappers, runners, cmakeTools, shellOptions, interpreters };
}

/** What kind of text a program's project files hold (programs.yaml `project_files:` `kind`). */
export type ProjectFileKind = 'make' | 'package_scripts' | 'python' | 'javascript' | 'unread';

const PROJECT_FILE_KINDS: readonly ProjectFileKind[] = [
  'make',
  'package_scripts',
  'python',
  'javascript',
  'unread',
];

/** The project files a program runs (programs.yaml `project_files:`), read by written-projects.ts. */
export interface ProjectFileFacts {
  kind: ProjectFileKind;
  /** Files it runs by exact name in its directory (`Makefile`, `package.json`, `setup.py`). */
  names: string[];
  /** Files it runs anywhere under its directory (`files:` patterns as one regex), or null. */
  files: RegExp | null;
  /** It runs them only under these subcommands (go's `run`, `test`, …); empty: under any. */
  subcommands: string[];
  /** Subcommands that build, so run, nothing (`cargo fmt`). */
  buildsNothing: string[];
  /** It runs them only when given this word (`node --test`); null: always. */
  onlyWith: string | null;
  /** `python -m MODULE` runs the same files (`python -m pytest`, `python -m pip`). */
  pythonModules: string[];
  /** It runs them only under this subcommand, in the directory operand it is given (`pip install ./pkg`). */
  installDirectory: string | null;
  /** Its name followed by a version runs them as well (`pip3`, `pip3.12`). */
  versionSuffix: boolean;
  /** A compiler: it builds (or runs) the source files named as its operands (`gcc t.c`). */
  compilesOperands: boolean;
}

/** programs.yaml's `project_files:`, by program name and by the `python -m` module that runs as it. */
export interface ProjectFiles {
  byName: ReadonlyMap<string, ProjectFileFacts>;
  byModule: ReadonlyMap<string, ProjectFileFacts>;
}

/**
 * A `files:` pattern list as one regex matched against a file's path: `*.rs` is any file name
 * ending in `.rs`; any other pattern is the path's last name or names (`Cargo.toml`,
 * `.cargo/config`), where `*` is any one name (`.mvn/*`).
 */
function filesRegex(patterns: string[], where: string): RegExp | null {
  if (patterns.length === 0) return null;
  const escape = (w: string) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const alt = patterns.map((p) => {
    const ok = p.startsWith('*')
      ? p.length > 1 && !p.slice(1).includes('*') && !p.includes('/')
      : p !== '' &&
        !p.startsWith('/') &&
        p.split('/').every((n) => n === '*' || (n !== '' && !n.includes('*')));
    if (!ok)
      throw new ProgramSpecError(
        where,
        `\`files\`: \`${p}\` is not a pattern (\`*.ext\`, a name, \`dir/*\`)`,
      );
    return p.startsWith('*') ? escape(p.slice(1)) : `/${escape(p).replace(/\\\*/g, '[^/]+')}`;
  });
  return new RegExp(`(?:${alt.join('|')})$`);
}

/** The top-level `project_files:` of programs.yaml: what project files a program runs. */
export function buildProjectFiles(doc: unknown): ProjectFiles {
  const byName = new Map<string, ProjectFileFacts>();
  const byModule = new Map<string, ProjectFileFacts>();
  for (const [name, v] of section(doc, 'project_files')) {
    const where = `project_files ${name}`;
    onlyKeys(
      v,
      [
        'kind',
        'names',
        'files',
        'subcommands',
        'builds_nothing',
        'only_with',
        'python_modules',
        'install_directory',
        'version_suffix',
        'compiles_operands',
      ],
      where,
    );
    if (!PROJECT_FILE_KINDS.includes(v.kind as ProjectFileKind))
      throw new ProgramSpecError(where, `\`kind\` must be one of ${PROJECT_FILE_KINDS.join(', ')}`);
    for (const key of ['only_with', 'install_directory'])
      if (v[key] !== undefined && (typeof v[key] !== 'string' || !v[key]))
        throw new ProgramSpecError(where, `\`${key}\` must be one word`);
    const facts: ProjectFileFacts = {
      kind: v.kind as ProjectFileKind,
      names: stringList(v.names, 'names', where),
      files: filesRegex(stringList(v.files, 'files', where), where),
      subcommands: stringList(v.subcommands, 'subcommands', where),
      buildsNothing: stringList(v.builds_nothing, 'builds_nothing', where),
      onlyWith: (v.only_with as string | undefined) ?? null,
      pythonModules: stringList(v.python_modules, 'python_modules', where),
      installDirectory: (v.install_directory as string | undefined) ?? null,
      versionSuffix: flag(v.version_suffix, 'version_suffix', where),
      compilesOperands: flag(v.compiles_operands, 'compiles_operands', where),
    };
    if (facts.compilesOperands && facts.kind !== 'unread')
      throw new ProgramSpecError(where, '`compiles_operands` is for `kind: unread` (compiled sources)');
    for (const n of splitKey(name)) {
      if (byName.has(n)) throw new ProgramSpecError(where, `\`${n}\` is listed twice`);
      byName.set(n, facts);
    }
    for (const m of facts.pythonModules) {
      if (byModule.has(m)) throw new ProgramSpecError(where, `python module \`${m}\` is listed twice`);
      byModule.set(m, facts);
    }
  }
  return { byName, byModule };
}

/**
 * The top-level `leading_options:` of programs.yaml: for a program with no spec, its options before
 * the subcommand or script that take a value as a word of their own (`docker -H HOST run`: the
 * subcommand is `run`; `luajit -l MOD x.lua`: the script is `x.lua`). A program with a spec states
 * its options there, so naming one here is an error (one place for each fact).
 */
export function buildLeadingOptions(
  doc: unknown,
  specs: ReadonlyMap<string, ProgramSpec>,
): Map<string, readonly string[]> {
  const out = new Map<string, readonly string[]>();
  for (const [name, v] of section(doc, 'leading_options')) {
    const where = `leading_options ${name}`;
    const list = stringList(v, name, where);
    if (list.length === 0 || list.some((o) => !/^-{1,2}[A-Za-z0-9][\w-]*$/.test(o)))
      throw new ProgramSpecError(where, 'must list options, each `-x` or `--name`');
    for (const n of splitKey(name)) {
      if (specs.has(n))
        throw new ProgramSpecError(where, `\`${n}\` has a spec in \`programs:\`: list its options there`);
      out.set(n, list);
    }
  }
  return out;
}

const shortValues = new WeakMap<ProgramSpec, readonly string[]>();

/**
 * A spec's one-letter options before its subcommand that take a value, given or attached
 * (`ruby -rbundler/setup`, `perl -M../x`, `php -dauto_prepend_file=…`): such a word is that option
 * and its value whole, not a cluster of letters.
 */
export function shortValueOptions(spec: ProgramSpec): readonly string[] {
  const known = shortValues.get(spec);
  if (known) return known;
  const out: string[] = [];
  for (const [name, effect] of spec.options)
    if (/^-[^-]$/.test(name) && (takesValue(effect) || optionalEffect({ effect }))) out.push(name);
  shortValues.set(spec, out);
  return out;
}

/** What a program does with the text that passes through it (programs.yaml `text_tools:`). */
export interface TextTool {
  /** It prints its input, or a selection of its lines, as it is (`cat`, `tee`, `head`, `sort`). */
  passes: boolean;
  /** A line filter: paths in, the same paths out when no operand names a file to read. */
  lineFilter: boolean;
  /** Its options that only keep a subset of its input's lines and read nothing else (null: none known). */
  lineSubset: RegExp | null;
  /** Its output is its input transformed (`tr`, `sed`, `cut`): as a value it can spell any path. */
  transforms: boolean;
  /** Its writes change a file's metadata, never its text (`chmod`, `touch`). */
  metadataOnly: boolean;
  /** Its output is decoded text no reader of the command line sees: always (true), with an option word matching the pattern, or never (null). */
  decodes: true | RegExp | null;
  /** It turns byte escapes in its operands into any character (`echo`, `printf`). */
  byteEscapes: boolean;
  /** A format with arguments assembles text (`printf '%s%s' --p re`). */
  formats: boolean;
}

/**
 * The top-level `text_tools:` of programs.yaml: what the walker's stream reasoning
 * (src/policy/streams.ts, extract.ts) knows of the text programs pass on.
 */
export function buildTextTools(doc: unknown): Map<string, TextTool> {
  const out = new Map<string, TextTool>();
  for (const [name, v] of section(doc, 'text_tools')) {
    const where = `text_tools ${name}`;
    onlyKeys(
      v,
      [
        'passes',
        'line_filter',
        'line_subset',
        'transforms',
        'metadata_only',
        'decodes',
        'byte_escapes',
        'formats',
      ],
      where,
    );
    const pattern = (key: string): RegExp | null => {
      if (v[key] === undefined) return null;
      if (typeof v[key] !== 'string')
        throw new ProgramSpecError(where, `\`${key}\` must be a regular expression (a string)`);
      try {
        return new RegExp(v[key]);
      } catch (err) {
        throw new ProgramSpecError(
          where,
          `\`${key}\` is not a valid regular expression (${(err as Error).message})`,
        );
      }
    };
    const tool: TextTool = {
      passes: flag(v.passes, 'passes', where),
      lineFilter: flag(v.line_filter, 'line_filter', where),
      lineSubset: pattern('line_subset'),
      transforms: flag(v.transforms, 'transforms', where),
      metadataOnly: flag(v.metadata_only, 'metadata_only', where),
      decodes: v.decodes === true ? true : v.decodes === false ? null : pattern('decodes'),
      byteEscapes: flag(v.byte_escapes, 'byte_escapes', where),
      formats: flag(v.formats, 'formats', where),
    };
    for (const n of splitKey(name)) {
      if (out.has(n)) throw new ProgramSpecError(where, `\`${n}\` is listed twice`);
      out.set(n, tool);
    }
  }
  return out;
}

/**
 * The top-level `unspecified:` spec: what is known of the options of a program with no spec of its
 * own (`pytest`, `mypy`, a project's script), whose options are otherwise not read. Only facts that
 * hold for such a program whatever it is: the usual spellings of an option that moves it to another
 * directory. Null when the file has none.
 */
export function buildUnspecified(doc: unknown): ProgramSpec | null {
  const raw = (doc as Record<string, unknown>).unspecified;
  if (raw === undefined) return null;
  const spec = buildSpec('unspecified', raw, 'unspecified', null);
  if (spec.subcommands || spec.modules || spec.ask)
    throw new ProgramSpecError('unspecified', 'only `options` (and `other_options: true`) are taken here');
  return spec;
}

/**
 * The top-level `calls:` mapping of policies/programs.yaml: for R's and Julia's interpreters, the
 * functions whose one-liners are read (src/policy/calls.ts), each `run` (runs the project's code or
 * checks its files: paths given are read) or `write` (rewrites the project's files: paths written).
 */
export function buildCalls(doc: unknown): Map<string, CallTable> {
  const raw = (doc as Record<string, unknown>).calls ?? {};
  const out = new Map<string, CallTable>();
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw new ProgramSpecError('calls', '`calls` must map interpreter names to a call table');
  for (const [key, table] of Object.entries(raw)) {
    const where = `calls ${key}`;
    if (table === null || typeof table !== 'object' || Array.isArray(table))
      throw new ProgramSpecError(where, 'a call table must be a mapping');
    const t = table as Record<string, unknown>;
    for (const k of Object.keys(t))
      if (k !== 'language' && k !== 'run' && k !== 'write')
        throw new ProgramSpecError(where, `unknown key \`${k}\` (known: language, run, write)`);
    if (t.language !== 'r' && t.language !== 'julia')
      throw new ProgramSpecError(where, '`language` must be r or julia');
    const calls = new Map<string, CallKind>();
    for (const kind of ['run', 'write'] as const)
      for (const f of stringList(t[kind], kind, where)) calls.set(f, kind);
    for (const n of splitKey(key)) out.set(n, { language: t.language, calls });
  }
  return out;
}

/**
 * The top-level `installers:` list of policies/programs.yaml: programs that can put a new program
 * on PATH when they run (package managers, toolchain and tool installers, a sourced script's
 * functions). A name ending in `*` matches any name it starts (`pip*`).
 */
export function buildInstallers(doc: unknown): (name: string) => boolean {
  const raw = (doc as Record<string, unknown>).installers ?? [];
  if (!Array.isArray(raw) || raw.some((n) => typeof n !== 'string' || n.length === 0))
    throw new ProgramSpecError('installers', '`installers` must be a list of program names');
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const n of raw as string[]) {
    if (n.indexOf('*') >= 0 && n.indexOf('*') !== n.length - 1)
      throw new ProgramSpecError('installers', `\`${n}\`: only a trailing \`*\` is taken`);
    if (n.endsWith('*')) prefixes.push(n.slice(0, -1));
    else exact.add(n);
  }
  return (name) => exact.has(name) || prefixes.some((p) => name.startsWith(p));
}

/** The languages inline code is read in (src/policy/inline.ts). */
export type CodeLanguage = 'python' | 'javascript' | 'typescript';

function codeLanguage(v: unknown, where: string): CodeLanguage | null {
  if (v === undefined) return null;
  if (v !== 'python' && v !== 'javascript' && v !== 'typescript')
    throw new ProgramSpecError(where, '`language` must be python, javascript or typescript');
  return v;
}

/**
 * `NAME`, an optional `-`, a version, at most two ABI letters, an optional `-dbg` (`python3.13t`,
 * `gcc-15`), or the same followed by `-config`, the build-flags tool of that version
 * (`python3.11-config` is `python-config`, when `python-config` is listed).
 */
const VERSIONED_NAME = /^(.+?)-?\d+(?:\.\d+)*[dmt]{0,2}(?:-dbg)?(-config)?$/;

/**
 * The top-level `versioned:` list of policies/programs.yaml, as the name a command name is decided
 * as: a listed program's name followed by a version (`python3.14`, `clang-format-19`) is that
 * program's; any other name, and a name with a spec of its own (`python3`, `pip3`), is itself.
 */
export function buildVersioned(
  doc: unknown,
  specs: ReadonlyMap<string, ProgramSpec>,
): (name: string) => string {
  const raw = (doc as Record<string, unknown>).versioned ?? [];
  if (!Array.isArray(raw) || raw.some((n) => typeof n !== 'string' || !/^[A-Za-z][\w.+-]*$/.test(n)))
    throw new ProgramSpecError('versioned', '`versioned` must be a list of program names');
  const bases = new Set(raw as string[]);
  for (const b of bases)
    if (VERSIONED_NAME.test(b)) throw new ProgramSpecError('versioned', `\`${b}\` already ends in a version`);
  return (name) => {
    if (name.length > 64 || bases.has(name) || specs.has(name)) return name;
    const m = VERSIONED_NAME.exec(name);
    const base = m ? m[1]! + (m[2] ?? '') : '';
    return m && bases.has(base) ? base : name;
  };
}

/** The option of the spec (or its parents') an option word names: exact, else a unique long prefix. */
function lookup(spec: ProgramSpec, name: string): { name: string; effect: Effect } | 'ambiguous' | null {
  for (let s: ProgramSpec | null = spec; s; s = s.inherit ? s.parent : null) {
    const exact = s.options.get(name);
    if (exact) return { name, effect: exact };
  }
  // (getopt_long_only: `-eval-comm` is `--eval-command`, `--ex` is `-ex`)
  if (spec.longOnly && /^-[^-]./.test(name)) return lookup(spec, `-${name}`);
  if (spec.longOnly && /^--[^-]/.test(name)) {
    const one = name.slice(1);
    for (let s: ProgramSpec | null = spec; s; s = s.inherit ? s.parent : null) {
      const exact = s.options.get(one);
      if (exact) return { name: one, effect: exact };
    }
  }
  if (name.startsWith('--') && (spec.kebabCase || spec.noPrefix)) {
    const spelled = parserSpelling(spec, name);
    if (spelled) return spelled;
  }
  if (!name.startsWith('--') || name.length < 3) return null;
  if (goFlags(spec)) {
    // Go's flag package reads `--race` as `-race`, and takes no abbreviation.
    const one = name.slice(1);
    for (let s: ProgramSpec | null = spec; s; s = s.inherit ? s.parent : null) {
      const exact = s.options.get(one);
      if (exact) return { name: one, effect: exact };
    }
    return null;
  }
  const hits = new Map<string, Effect>();
  for (let s: ProgramSpec | null = spec; s; s = s.inherit ? s.parent : null) {
    if (!s.longAbbrev) continue;
    for (const long of s.longNames) if (long.startsWith(name)) hits.set(long, s.options.get(long)!);
  }
  if (hits.size === 1) {
    const [n, e] = [...hits][0]!;
    return { name: n, effect: e };
  }
  if (hits.size > 1) {
    // Prefixes of one option's spellings that all do the same are not ambiguous for us.
    const effects = new Set(hits.values());
    if (effects.size === 1) return { name: [...hits.keys()][0]!, effect: [...effects][0]! };
    return 'ambiguous';
  }
  return null;
}

/**
 * The option a yargs or cac parser reads a long option word as (jest, vitest): `--kebab-case` in
 * the first dot-separated part is the listed `--camelCase` (spec key `kebab_case`), and `--no-NAME`
 * turns the listed NAME off, which is a flag whatever NAME does (spec key `no_prefix`).
 */
function parserSpelling(spec: ProgramSpec, name: string): { name: string; effect: Effect } | null {
  const exact = (n: string): Effect | undefined => {
    for (let s: ProgramSpec | null = spec; s; s = s.inherit ? s.parent : null) {
      const e = s.options.get(n);
      if (e) return e;
    }
    return undefined;
  };
  const camel = (n: string): string => {
    if (!spec.kebabCase) return n;
    const dot = n.indexOf('.');
    const head = dot < 0 ? n.slice(2) : n.slice(2, dot);
    const rest = dot < 0 ? '' : n.slice(dot);
    return `--${head.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase())}${rest}`;
  };
  const c = camel(name);
  const hit = c !== name ? exact(c) : undefined;
  if (hit) return { name: c, effect: hit };
  if (spec.noPrefix && name.startsWith('--no-') && name.length > 5) {
    const off = `--${name.slice(5)}`;
    const o = exact(off) ?? exact(camel(off));
    if (o) return { name, effect: 'flag' };
  }
  return null;
}

/** Whether the spec or one it inherits from parses its options with Go's flag package. */
function goFlags(spec: ProgramSpec): boolean {
  for (let s: ProgramSpec | null = spec; s; s = s.parent) if (s.goFlags) return true;
  return false;
}

const editsInPlace = new WeakMap<ProgramSpec, boolean>();

/** Whether the spec (or what it inherits) has an option that edits its operands in place (`sed -i`). */
function mayEditInPlace(spec: ProgramSpec): boolean {
  let v = editsInPlace.get(spec);
  if (v === undefined) {
    v = false;
    for (let s: ProgramSpec | null = spec; s && !v; s = s.inherit ? s.parent : null)
      for (const e of s.options.values()) if (e === 'inplace') v = true;
    editsInPlace.set(spec, v);
  }
  return v;
}

function scriptProperty(spec: ProgramSpec, key: string): boolean {
  for (let s: ProgramSpec | null = spec; s; s = s.parent) if (s.scriptProperties?.test(key)) return true;
  return false;
}

function recipeProperty(spec: ProgramSpec, key: string): boolean {
  for (let s: ProgramSpec | null = spec; s; s = s.parent) if (s.recipeProperties?.test(key)) return true;
  return false;
}

function knownProperties(spec: ProgramSpec): RegExp | null {
  for (let s: ProgramSpec | null = spec; s; s = s.parent) if (s.knownProperties) return s.knownProperties;
  return null;
}

/** The keys a spec with `known_properties` takes, for a reason (`build-dir`, `cmake.build-type`, …). */
function knownList(spec: ProgramSpec): string {
  for (let s: ProgramSpec | null = spec; s; s = s.parent)
    if (s.knownProperties) return s.knownPropertyNames.map((k) => `\`${k}\``).join(', ');
  return '';
}

const FLAG_KEY_GLOBS = new Map<string, RegExp>();

/** The command line (`meson compile`) a property key's value is given to, if the spec names one. */
function flagsProperty(spec: ProgramSpec, key: string): string | undefined {
  for (let s: ProgramSpec | null = spec; s; s = s.parent) {
    if (!s.flagsProperties) continue;
    const to = s.flagsProperties.get(key);
    if (to) return to;
    // (a key with `*`, as `CMAKE_*_FLAGS*`: any run of characters)
    for (const [glob, program] of s.flagsProperties) {
      if (!glob.includes('*')) continue;
      let re = FLAG_KEY_GLOBS.get(glob);
      if (!re) FLAG_KEY_GLOBS.set(glob, (re = wordsRegex([glob])));
      if (re.test(key)) return program;
    }
  }
  return undefined;
}

function hasPathProperty(spec: ProgramSpec, key: string): boolean {
  for (let s: ProgramSpec | null = spec; s; s = s.parent) if (s.pathProperties.has(key)) return true;
  return false;
}

function isInside(p: string, ws: Workspace): boolean {
  return (
    p === ws.workspace || isStrictlyInside(p, ws.workspace) || ws.scratch.some((s) => isStrictlyInside(p, s))
  );
}

/** Why writing to this path is refused, or null when it is a workspace file. */
/**
 * The places a written value may name after a `PARAMS:` word: the text after each colon that is
 * not a URL's `://` and is not empty (`lite:/root/.ssh` → `/root/.ssh`; `a=b:c:/x` → `c:/x`, `/x`).
 * Whichever colon the program splits at, its place is among them.
 */
function taggedTails(value: Arg): Arg[] {
  const out: Arg[] = [];
  const t = value.text;
  if (t.length > 4096) return out;
  for (let i = t.indexOf(':'); i >= 0; i = t.indexOf(':', i + 1)) {
    const tail = t.slice(i + 1);
    if (tail === '' || tail.startsWith('//')) continue;
    out.push({ ...value, text: tail });
  }
  return out;
}

function writeProblem(value: Arg, cwd: string[] | null, ws: Workspace, dir = false): string | null {
  if (value.dynamic) {
    if (value.inside) return null;
    // One of a few known values (`for f in tests/*.py; do black "$f"; done`, `for d in build
    // dist`): each is decided as the path it is, as a redirection to it or `rm "$f"` is.
    const shapes = knownWriteShapes(value);
    if (!shapes) return 'a path only known when it runs';
    for (const shape of shapes) {
      const problem = writeProblem({ text: shape, dynamic: false, glob: /[*?[]/.test(shape) }, cwd, ws, dir);
      if (problem) return problem;
    }
    return null;
  }
  if (value.text === '-' || value.text === '/dev/null' || value.text === '/dev/stdout') return null;
  const relative = !value.text.startsWith('/') && !value.text.startsWith('~');
  if (relative && cwd === null) return 'a relative path after a `cd` to a directory only known when it runs';
  for (const base of relative ? cwd! : [ws.workspace]) {
    const p = resolvePath(value.text, base, ws.home);
    if (!isInside(p, ws) && !(dir && ws.scratch.includes(p))) return `\`${p}\`, outside the workspace`;
    if (p === `${ws.workspace}/.git` || p.startsWith(`${ws.workspace}/.git/`))
      return `\`${p}\`, git's own directory (hooks and config run code)`;
  }
  return null;
}

/**
 * The shapes a value known to be one of a few (a loop over literal words or globs) may take, when
 * each can be decided as a path: none holding a piece only known when it runs (`**`), a `$`, or a
 * glob in a name that starts with a dot (`.*`, `.g?t` may match `..` or `.git`; a glob matches no
 * other leading dot). Else null: the value is only known when it runs.
 */
function knownWriteShapes(a: Arg): string[] | null {
  if (!a.pattern || a.pattern.length > 4096) return null;
  const shapes = a.pattern.split(SHAPE_ALT);
  for (const s of shapes)
    if (s === '' || s.includes('**') || s.includes('$') || /(^|\/)\.[^/]*[*?[]/.test(s)) return null;
  return shapes;
}

function packageProblem(a: Arg): string | null {
  if (a.dynamic) return 'a package named only when it runs';
  const t = a.text;
  if (URL_SCHEME.test(t) || /^(git\+|git@|github:|gitlab:|bitbucket:|gist:|file:)/i.test(t))
    return `\`${t}\` installs from a URL, a git repository or a file instead of the package index`;
  if (/^(\.{0,2}\/|~)/.test(t) && !/^\.\/?$/.test(t) && !/^\.\.?\/?$/.test(t)) return null; // a local path: checked as a path by the path rules
  // `name@SPEC` (npm, yarn, pnpm: `x@github:u/r`, `x@u/r`, `x@https://…`, `x@file:../y`) and
  // PEP 508 direct references (`name @ https://…`, `name[extra]@git+https://…`): the source
  // after the `@` decides, as it does for a bare operand. A registry alias (`x@npm:y`), a
  // workspace package (`x@workspace:*`) and versions, ranges and tags are the index's.
  const at = t.indexOf('@', 1);
  if (at > 0) {
    const source = t.slice(at + 1).trim();
    if (/^(npm|workspace|catalog):/i.test(source)) return null;
    if (/^[a-z][a-z0-9+.-]*:/i.test(source) || /^git@/i.test(source))
      return `\`${clipWord(t)}\` installs from a URL, a git repository or a file (\`${clipWord(source)}\`) instead of the package index`;
    if (/^(\.{0,2}\/|~)/.test(source))
      return `\`${clipWord(t)}\` installs from a local path given in a package spec; give the path itself as the operand, which is checked`;
    if (/^[\w.-]+\/[\w.-]+(#.*)?$/.test(source))
      return `\`${clipWord(t)}\` names a GitHub repository (\`${clipWord(source)}\`) instead of a version of the package`;
  }
  // A package archive is a local file to every installer (pip reads anything ending in .whl or
  // an sdist suffix as a path; npm-package-arg does the same for .tgz/.tar/.tar.gz), so
  // `vendor/x.whl` is not npm's `user/repo`: it is checked as a path like `./vendor/x.whl`.
  if (/\.(whl|tar\.gz|tgz|tar|tar\.bz2|zip)$/i.test(t)) return null;
  if (/^[\w.-]+\/[\w.-]+(#.*)?$/.test(t) && !t.startsWith('@'))
    return `\`${t}\` names a GitHub repository (npm resolves \`user/repo\` there)`;
  return null;
}

/**
 * A package operand that is a local path (`../other`, `/root/pkg`, `~/x.tgz`, `..`) outside the
 * workspace and scratch: installing it runs its build and install scripts (setup.py, a build
 * backend, npm's lifecycle scripts), code from outside the workspace, as `make -f` of an outside
 * file would (`packageProblem` leaves local paths to this, since only here is the cwd known).
 */
function localPackageProblem(a: Arg, ctx: Ctx): string | null {
  if (a.dynamic) return null;
  const t = a.text;
  const local =
    /^(\.{0,2}\/|~)/.test(t) || t === '.' || t === '..' || /\.(whl|tar\.gz|tgz|tar|tar\.bz2|zip)$/i.test(t);
  if (!local) return null;
  const problem = readProblem(t, ctx.cwd, ctx.ws);
  return problem
    ? `\`${clipWord(t)}\` installs the package at ${problem}, whose build and install scripts run`
    : null;
}

interface Ctx {
  part: CommandPart;
  ws: Workspace;
  label: string;
  specs: Map<string, ProgramSpec>;
  /** Collects the arguments that are `pattern` values (or options with one attached). */
  patterns?: Set<Arg>;
  /** Collects what the invocation writes and the words it does not read (`specEffects`). */
  out?: SpecEffects;
  /** The word an option's value came from (`--output=x`, or `-o` before `x`): not read when the value is only written. */
  carrier?: Arg;
  /**
   * Where the program resolves relative paths: the command's working directory, moved by a
   * `cwd` option (`git -C src clean -fd ..` deletes the workspace's own `..` of src, `.`).
   */
  cwd: string[] | null;
  /** The driver's linker words were decided (all of them at once, at the first one met). */
  linkerDone?: boolean;
}

function allowedList(spec: ProgramSpec): string {
  const opts = new Set<string>();
  for (let s: ProgramSpec | null = spec; s && opts.size < 400; s = s.inherit ? s.parent : null)
    for (const [o, e] of s.options) if (e === 'flag' || e === 'value' || e === 'optional') opts.add(o);
  const list = [...opts].slice(0, 24).join(' ');
  return list ? ` Known options: ${list}${opts.size > 24 ? ' …' : ''}.` : '';
}

/** A host on the loopback interface, with or without a port: the sandbox's own. */
const LOOPBACK = /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\]|::1|0\.0\.0\.0)(?::\d{1,5})?$/i;

/**
 * `valueFinding` for each entry of a value that is a list (the spec's `value_delimiter`: deno's
 * `--allow-write=.,/etc`), the strictest of them; a host entry on the loopback interface names no
 * other host. A value only known when it runs is split by its shapes (`dynamicEntries`), or decided
 * whole when they hold no delimiter.
 */
function listFinding(
  ctx: Ctx,
  spec: ProgramSpec,
  opt: string,
  effect: Effect,
  value: Arg | undefined,
): SpecFinding | null {
  const sep = spec.valueDelimiter;
  if (!sep || !value || !LISTED_EFFECTS.has(effect)) return valueFinding(ctx, spec, opt, effect, value);
  // A value only known when it runs is split by its shape: each known entry is decided as itself,
  // each entry with an unknown piece as a value only known when it runs (`-cp out:$X` is `out` and
  // `$X`, not one path `out:…` in the workspace). With no shape it is decided whole.
  const entries = value.dynamic
    ? dynamicEntries(value, sep)
    : value.text.split(sep).map((text) => ({ ...value, text }));
  if (!entries) return valueFinding(ctx, spec, opt, effect, value);
  let worst: SpecFinding | null = null;
  for (const entry of entries) {
    const text = entry.text;
    if (text === '' || (!entry.dynamic && effect === 'host' && LOOPBACK.test(text))) continue;
    if (effect === 'read' && ctx.out) (ctx.out.reads ??= []).push({ path: entry, cwd: ctx.cwd });
    let f = valueFinding(ctx, spec, opt, effect, entry);
    if (f && effect === 'host')
      f = {
        ...f,
        reason: `\`${ctx.label} ${opt}\` names \`${clipWord(text)}\`, a host other than the sandbox's own (localhost), that the program may reach; leave the host out, or approve it`,
      };
    if (f && (!worst || (f.decision === 'deny' && worst.decision !== 'deny'))) worst = f;
  }
  return worst;
}

/**
 * The entries of a list value only known when it runs, from its shapes (`out:**` for `out:$X`;
 * each of a value's alternative shapes, `${X:-a:b}`, is split by itself, so no entry joins two of
 * them): a piece with no unknown part is literal, one with an unknown part stays dynamic with that
 * piece as its shape (an unknown piece may hold more entries: it is decided as unknown). Null when
 * the value has no shape, or its shapes have no delimiter (decided whole).
 */
function dynamicEntries(value: Arg, sep: string): Arg[] | null {
  const shape = value.pattern;
  if (shape === undefined || !shape.includes(sep)) return null;
  const pieces = new Set(shape.split(SHAPE_ALT).flatMap((s) => s.split(sep)));
  return [...pieces].map((piece) =>
    piece.includes('**')
      ? { text: piece, dynamic: true, glob: false, ...(/^\**$/.test(piece) ? {} : { pattern: piece }) }
      : { text: piece, dynamic: false, glob: /[*?[]/.test(piece) },
  );
}

// (a `property` list is split by valueFinding's `property` case, which keeps an entry's key for the
// entries after it that have none: Cypress's `--config video=false,supportFile=/root/x.js` is two
// settings, java's `-Djava.library.path=lib:/srv/x` one key with two directories)
const LISTED_EFFECTS = new Set<Effect>(['read', 'write', 'host', 'script', 'recipe']);

function valueFinding(
  ctx: Ctx,
  spec: ProgramSpec,
  opt: string,
  effect: Effect,
  value: Arg | undefined,
): SpecFinding | null {
  const what = `\`${ctx.label} ${opt}\``;
  switch (effect) {
    // (a value `|CMD` or `!CMD` is also the command line the program runs: wrappers.ts decides it)
    case 'write-or-pipe':
      return valueFinding(ctx, spec, opt, 'write', value);
    case 'run':
      return {
        decision: 'ask',
        reason: `${what} runs the program or code given as its value${value ? ` (\`${value.text}\`)` : ''}; leave the option out, or run that program as its own command`,
      };
    case 'host':
      // An empty value names no host (`pip install --proxy="" x`, `curl --proxy ''`: no proxy).
      if (value && !value.dynamic && value.text === '') return null;
      return {
        decision: 'ask',
        reason: `${what} sends the connection to a host named by its value${value ? ` (\`${value.text}\`)` : ''}, not the one in the URL; leave it out`,
      };
    case 'source': {
      // A URL or a local path, told apart as the program does (pip: a value with a scheme is a
      // URL, anything else a file or directory): a URL names a host; a path is read like any
      // other and checked by the path rules (`--find-links vendor` is not a host).
      if (!value) return null;
      if (value.dynamic)
        return {
          decision: 'ask',
          reason: `${what} reads packages from a place named only when it runs; give a workspace directory or the index URL literally`,
        };
      if (/^file:/i.test(value.text))
        return {
          decision: 'ask',
          reason: `${what} names a \`file:\` URL (\`${value.text}\`); give the directory as a plain path (\`${ctx.label} ${opt} vendor/\`), which is checked`,
        };
      if (URL_SCHEME.test(value.text))
        return {
          decision: 'ask',
          reason: `${what} fetches packages from a host named by its value (\`${value.text}\`) instead of the configured index; leave it out, or give a workspace directory`,
        };
      // A local requirements file, constraints file or wheel directory decides what is installed
      // and from where (`-e /root/x`, `--index-url` lines): the workspace's, /tmp's or the image's.
      return valueFinding(ctx, spec, opt, 'script', value);
    }
    case 'script': {
      // An interpreter or a file of code the program runs, judged as a `script` operand is: a
      // plain relative path or a name on PATH is the project's; one naming a place by itself or
      // climbing with `..` is checked as a recipe (the image's /usr and /opt, /tmp: fine). A list
      // of places (`rspec -I lib:/srv/x`, a class path `a.jar:/root/x.jar`) is each of its entries.
      if (!value) return null;
      const entries = listEntries(value);
      // A flag handed to another tool with its value attached after `=` (`swift build -Xswiftc
      // -load-plugin-library=/root/x.so`, `-Xcc -fplugin=/srv/p.so`): that value is a place too.
      const eq = value.dynamic || !value.text.startsWith('-') ? -1 : value.text.indexOf('=');
      if (eq > 0) entries.push(...listEntries({ ...value, text: value.text.slice(eq + 1) }));
      const outside = entries.find(namesOutside);
      return outside ? valueFinding(ctx, spec, opt, 'recipe', outside) : null;
    }
    case 'ask':
      return {
        decision: 'ask',
        reason: `${what} changes what ${ctx.label} reads, runs or where it writes in a way this policy does not check${value ? ` (\`${value.text}\`)` : ''}; leave it out`,
      };
    case 'inplace':
    case 'mode':
      return null;
    case 'toolflags':
      return value ? toolFlagsFinding(ctx, spec, opt, value) : null;
    case 'flags':
      return value ? handedFlagsFinding(ctx, spec, opt, value) : null;
    case 'linker': {
      // A compiler driver's words for the linker (`-Wl,--as-needed,-rpath,/usr/lib`: split at
      // commas; `-Xlinker WORD`: one word), decided as `ld`'s own command line (`-Wl,-o,/usr/bin/x`
      // writes there, `-Wl,-plugin=/root/x.so` loads a plugin, `-Wl,@F` reads more options).
      if (!value) return null;
      const ld = ctx.specs.get('ld');
      if (!ld || value.dynamic)
        return {
          decision: 'ask',
          reason: `${what} hands the linker options ${ld ? 'only known when it runs' : 'this policy does not read'}; give them literally`,
        };
      // The driver hands every `-Wl,`/`-Xlinker` word to one linker command line, in order
      // (`-Xlinker -plugin -Xlinker /root/x.so` is `ld -plugin /root/x.so`): all of them are
      // decided together, once, at the first one met (not again at each: n words, n passes).
      if (ctx.linkerDone) return null;
      ctx.linkerDone = true;
      const words: string[] = [];
      const all = ctx.part.args;
      for (let i = 0; i < all.length; i++) {
        const w = all[i]!;
        if (w.text === '--') break;
        if (w.text.startsWith('-Wl,') && !w.dynamic) words.push(...w.text.slice(4).split(','));
        else if (w.text === '-Xlinker' && !w.dynamic && all[i + 1] && !all[i + 1]!.dynamic)
          words.push(all[++i]!.text);
      }
      if (words.length === 0) words.push(...(opt.endsWith(',') ? value.text.split(',') : [value.text]));
      const args: Arg[] = words.map((text) => ({ text, dynamic: false, glob: false }));
      const f = checkInvocation(ld, { ...ctx.part, name: 'ld', args }, ctx.ws, ctx.specs, undefined, ctx.out);
      return (
        f && {
          decision: f.decision,
          reason: `${what} hands \`${clipWord(value.text)}\` to the linker: ${f.reason}`,
        }
      );
    }
    case 'setting': {
      // `cargo --config KEY=VALUE`: one setting, fine when its key is among the spec's `words` (keys
      // that run nothing, write nowhere and name no host); a file (no `=`) or another key asks.
      if (!value) return null;
      const eq = value.text.indexOf('=');
      // (one `KEY=VALUE` a line: a second line would be a second setting)
      const key =
        eq > 0 && !value.dynamic && !/[\n\r]/.test(value.text) ? value.text.slice(0, eq).trim() : null;
      let words: RegExp | null = null;
      let listed: ProgramSpec | null = null;
      for (let sp: ProgramSpec | null = spec; sp && !words; sp = sp.parent) [words, listed] = [sp.words, sp];
      if (key !== null && words?.test(key)) return null;
      if (key !== null) {
        const own = optionSettingFinding(ctx, spec, what, key, value.text.slice(eq + 1));
        if (own !== undefined) return own;
      }
      const known = listed?.wordList.slice(0, 6).join(', ');
      return {
        decision: 'ask',
        reason: `${what} sets \`${clipWord(key ?? value.text)}\`, which may name a program it runs, a file it reads or a place it writes; settings that run nothing${known ? ` (${known}${listed!.wordList.length > 6 ? ', …' : ''})` : ''} are allowed`,
      };
    }
    case 'package': {
      // `npx --package=SPEC`: the package a runner fetches, held to what `npm install` takes.
      if (!value) return null;
      const problem = packageProblem(value) ?? localPackageProblem(value, ctx);
      return problem
        ? {
            decision: 'ask',
            reason: `${what}: ${problem}; run a package from the index or the project's own`,
          }
        : null;
    }
    case 'recipe': {
      // A file whose contents are run (`make -f FILE`): the workspace's own, or a person decides.
      if (!value) return null;
      if (value.dynamic)
        return {
          decision: 'ask',
          reason: `${what} runs the recipes of a file named only when it runs; name a workspace file`,
        };
      // `..` alone (`../..`) is the out-of-tree build's source directory (`cmake ..` in build/):
      // an agent's shell keeps its directory between commands, so it names the project there.
      if (/^\.\.(\/\.\.)*\/?$/.test(value.text)) return null;
      // /dev/null holds no code (`pytest -c /dev/null`).
      if (value.text === '/dev/null') return null;
      // A URL is code from another host, or a file it names (`-Dlog4j.configurationFile=https://…`,
      // `file:///srv/x`): not a workspace path. So is a `data:` URL, code written on the line that
      // is not read (`node --import 'data:text/javascript,…'`; helper optaudit, 5 Dec).
      if (URL_SCHEME.test(value.text) || /^data:/i.test(value.text))
        return {
          decision: 'ask',
          reason: `${what} runs the recipes or code of a URL, \`${clipWord(value.text)}\`; run the workspace's own build files and scripts`,
        };
      // (`perf script -s python:/srv/x.py`: a `LANG:` or `KIND:` word before the file, so the path
      // after it is decided too; helper optaudit4, 6 Dec)
      const tagged = /^[A-Za-z][\w+-]*:(.+)$/.exec(value.text);
      const problem =
        readProblem(value.text, ctx.cwd, ctx.ws) ??
        (tagged ? readProblem(tagged[1]!, ctx.cwd, ctx.ws) : null);
      return problem
        ? {
            decision: 'ask',
            reason: `${what} runs the recipes or code of ${problem}; run the workspace's own build files and scripts`,
          }
        : null;
    }
    case 'ask-flag':
      return {
        decision: 'ask',
        reason: `${what} needs approval: it runs code, reaches another host or changes state outside the workspace; leave the option out`,
      };
    case 'suffix':
      // csplit's `-b FORMAT`: text appended to the name of each file it writes, with no check for
      // `/`, so `-f build -b '/../../srv/x%02d'` writes /srv/x00 from inside build/ (coreutils 9.1,
      // checked here; cp/mv/ln/install's backup `-S` fall back to `~` when given one). Helper
      // optaudit2, 5 Dec.
      if (!value || (!value.dynamic && !value.text.includes('/'))) return null;
      return {
        decision: 'ask',
        reason: `${what} is appended to the names of the files it writes, and \`${clipWord(value.text)}\` ${value.dynamic ? 'is only known when it runs' : 'holds `/`, which puts them in another directory'}; use a plain suffix`,
      };
    case 'choice': {
      // `git merge -s ort`: one of the program's built-in values (the spec's `choices`); any other
      // names a program it runs, found by name (`-s evil` runs `git-merge-evil` from git's exec
      // path or PATH; `-s /srv/x` a file by its path). Helper optaudit2, 5 Dec.
      if (!value) return null;
      let choices: RegExp | null = null;
      for (let sp: ProgramSpec | null = spec; sp && !choices; sp = sp.parent) choices = sp.choices;
      if (!value.dynamic && choices?.test(value.text)) return null;
      return {
        decision: 'ask',
        reason: `${what} names \`${clipWord(value.text)}\`, not one of its built-in choices: any other is a program it runs, found by that name; use a built-in one`,
      };
    }
    case 'deny-flag':
      return { decision: 'deny', reason: `${what} is refused: it runs code or writes outside the workspace` };
    case 'env-flag':
      // `make -p`: make's database holds every environment variable, printed with its value
      return {
        decision: 'deny',
        reason: `${what} prints every environment variable with its value, secrets included; leave the option out`,
      };
    case 'property': {
      // `-Dmaven.repo.local=/etc/x`: a property whose value is a path the program writes;
      // `-DCMAKE_TOOLCHAIN_FILE=/root/x.cmake`: one whose value is code the program runs.
      if (!value) return null;
      if (spec.msbuild) {
        // `-p:"Configuration=Release;OutputPath=/srv/out"`: each property decided by itself
        const each = msbuildProperties(value.text);
        if (each.length !== 1 || each[0] !== value.text) {
          let worst: SpecFinding | null = null;
          for (const text of each) {
            const f = valueFinding(ctx, spec, opt, 'property', { ...value, text });
            if (f && (!worst || (f.decision === 'deny' && worst.decision === 'ask'))) worst = f;
          }
          return worst;
        }
      }
      // With `value_delimiter`, a property value is a list of settings, each decided by itself:
      // rustc's `--emit=asm,link=/x` writes /x; an entry with no `=` after a `KEY=` entry is
      // another value of that key (`-C target-feature=+a,+b`, java's `-Djava.library.path=lib:/srv/x`).
      const sep = spec.valueDelimiter;
      if (sep && !value.dynamic && value.text.includes(sep)) {
        let worst: SpecFinding | null = null;
        let key: string | null = null;
        for (const entry of value.text.split(sep)) {
          if (entry === '') continue;
          const eq = entry.indexOf('=');
          if (eq > 0) key = entry.slice(0, eq);
          const text = eq < 0 && key !== null ? `${key}=${entry}` : entry;
          const f = valueFinding(ctx, { ...spec, valueDelimiter: null }, opt, 'property', { ...value, text });
          if (f && (!worst || (f.decision === 'deny' && worst.decision === 'ask'))) worst = f;
        }
        return worst;
      }
      // A key the spec marks as naming a program: asked whatever its value (one only known when it
      // runs too); a dynamic `-D$x` may be that key when its text is in the line.
      for (let sp: ProgramSpec | null = spec; sp; sp = sp.parent)
        for (const key of sp.askProperties)
          if (
            value.text.startsWith(`${key}=`) ||
            value.text === key ||
            (value.dynamic && value.text.includes(key))
          )
            return {
              decision: 'ask',
              reason: `${what} sets \`${key}\`, the program or code a plugin runs; that needs approval`,
            };
      const eq = value.text.indexOf('=');
      const known = knownProperties(spec);
      // (a CMake cache entry may carry its type: `-DCMAKE_TOOLCHAIN_FILE:FILEPATH=…`)
      const key = eq <= 0 ? value.text : value.text.slice(0, eq).replace(/:[A-Z]+$/, '');
      // A key whose value is another program's command line: decided with that program's spec.
      const handed = eq > 0 && !/[$`]/.test(key) ? flagsProperty(spec, key) : undefined;
      if (handed) {
        const [program, ...first] = handed.split(/\s+/);
        const other = ctx.specs.get(program!);
        if (!other || value.dynamic)
          return {
            decision: 'ask',
            reason: `${what} sets \`${key}\`, ${program}'s options${value.dynamic ? ' only known when it runs' : ''}; give them literally`,
          };
        const args: Arg[] = first.map((text) => ({ text, dynamic: false, glob: false }));
        for (const w of value.text.slice(eq + 1).matchAll(/'([^']*)'|"((?:[^"\\]|\\.)*)"|(\S+)/g))
          args.push({ text: w[1] ?? w[2] ?? w[3]!, dynamic: false, glob: false });
        const f = checkInvocation(
          other,
          { ...ctx.part, name: program!, args },
          ctx.ws,
          ctx.specs,
          undefined,
          ctx.out,
        );
        return f
          ? { ...f, reason: `${what} sets \`${key}\`, the options of \`${handed}\`: ${f.reason}` }
          : null;
      }
      if (known) {
        // Only the keys the spec lists are known: a key of a value only known when it runs may be any.
        const keyDynamic = value.dynamic && (eq <= 0 || /[$`]/.test(key));
        if (
          keyDynamic ||
          !(
            known.test(key) ||
            recipeProperty(spec, key) ||
            scriptProperty(spec, key) ||
            hasPathProperty(spec, key)
          )
        )
          return {
            decision: 'ask',
            reason: `${what} sets ${keyDynamic ? 'a setting only known when it runs' : `\`${key}\``}, which this policy does not know (the build defines what it does: it may run programs or read files it names); known: ${knownList(spec)}`,
          };
      }
      if (eq <= 0) return null;
      // (a dynamic value's shapes lose the same `key=`: `-Dmaven.repo.local=$HOME/r` is `~/r`)
      const rest = {
        ...value,
        text: value.text.slice(eq + 1),
        pattern: value.dynamic ? slicedPattern(value.pattern, value.text.slice(0, eq + 1)) : undefined,
      };
      // `-Dkey=` for a short option, `--config-settings key=` for a long one
      const label = opt.startsWith('--') ? `${opt} ` : opt;
      if (recipeProperty(spec, key)) return valueFinding(ctx, spec, `${label}${key}=`, 'recipe', rest);
      if (scriptProperty(spec, key)) return valueFinding(ctx, spec, `${label}${key}=`, 'script', rest);
      if (!hasPathProperty(spec, key)) return null;
      // (a value only known when it runs is decided when its shapes are known: `$HOME/r` is `~/r`)
      if (value.dynamic && !known && !knownWriteShapes(rest)) return null;
      return valueFinding(ctx, spec, `${label}${value.text.slice(0, eq + 1)}`, 'write', rest);
    }
    case 'report': {
      // A report's format, or `FORMAT:PATH` (pytest-cov's `--cov-report html:DIR`): the path after
      // the first colon is written (`term-missing:skip-covered` names a file in the workspace).
      const colon = value ? value.text.indexOf(':') : -1;
      // (a reporter given as a module file, borp's `--reporter /srv/r.mjs[:DEST]`, is code the
      // program loads: judged as a `script` is; a format's name holds no `/`)
      const name = value && !value.dynamic ? value.text.slice(0, colon < 0 ? undefined : colon) : '';
      if (value && name.includes('/') && namesOutside({ ...value, text: name }))
        return valueFinding(ctx, spec, opt, 'recipe', { ...value, text: name });
      if (!value || colon < 0 || colon === value.text.length - 1) return null;
      // (a value only known when it runs is decided on its shapes after the colon:
      // `checkstyle:$HOME/report.xml` writes under ~; it was allowed until helper specsH)
      const head = value.text.slice(0, colon + 1);
      const rest = {
        ...value,
        text: value.text.slice(colon + 1),
        ...(value.dynamic ? { pattern: slicedPattern(value.pattern, head) } : {}),
      };
      return valueFinding(ctx, spec, `${opt} ${head}`, 'write', rest);
    }
    case 'write':
    case 'target':
    case 'cwd':
    case 'tmpdir':
    case 'environment': {
      // (`environment`: the interpreter or environment packages are installed into, `uv pip install
      // --python .venv`: the workspace's or a scratch dir's; the image's /usr/bin/python3 is the
      // system's, a global install)
      if (!value) return null;
      if (effect !== 'cwd' && effect !== 'environment' && ctx.out) {
        // (a temporary directory, `sort -T DIR`, gets new files inside it: not a file written)
        if (effect !== 'tmpdir') ctx.out.writes.push({ path: value, cwd: ctx.cwd });
        if (ctx.carrier) ctx.out.unread.add(ctx.carrier);
        if (value !== ctx.carrier) ctx.out.unread.add(value);
      }
      // A directory worked in or written into may be a scratch dir itself (`sort -T /tmp`, `-C /tmp`).
      // A file or directory written may also be given after a `PARAMS:` word (protoc's
      // `--cpp_out=lite:DIR`, `--go_out=paths=source_relative:DIR`; golangci-lint v1's
      // `--out-format=FORMAT:PATH`): the place after any colon is decided too, so that
      // `lite:/root/.ssh` is not read as a directory named `lite:` in the workspace (held-out
      // probe 34). A URL's `://` is no such colon.
      const tails = (effect === 'write' || effect === 'target') && !value.dynamic ? taggedTails(value) : [];
      if (ctx.out && tails.length > 0)
        for (const tail of tails) ctx.out.writes.push({ path: tail, cwd: ctx.cwd });
      const problem =
        writeProblem(value, ctx.cwd, ctx.ws, effect !== 'write' && effect !== 'target') ??
        tails.map((tail) => writeProblem(tail, ctx.cwd, ctx.ws)).find((p) => p !== null) ??
        null;
      if (effect === 'cwd') {
        const from = ctx.cwd;
        ctx.cwd =
          value.dynamic || from === null
            ? null
            : [...new Set(from.map((c) => resolvePath(value.text, c, ctx.ws.home)))];
      }
      if (!problem) return null;
      return {
        decision: value.dynamic ? 'ask' : 'deny',
        reason: `${what} ${effect === 'cwd' ? 'works in' : effect === 'tmpdir' ? 'puts temporary files in' : effect === 'environment' ? 'installs into the environment of' : 'writes to'} ${problem}; use a path inside the workspace (or /tmp)`,
      };
    }
    case 'read':
      // A file or directory read, or a URL where the program also takes one (pytest-mpl's
      // `--mpl-baseline-path=https://…` downloads from there): a URL names a host.
      if (value && !value.dynamic && URL_SCHEME.test(value.text) && !/^file:/i.test(value.text))
        return {
          decision: 'ask',
          reason: `${what} reads from a host named by its value (\`${clipWord(value.text)}\`); give a workspace path instead`,
        };
      return null;
    default:
      void spec;
      return null;
  }
}

/**
 * Checks one invocation against its program's spec: null when every option and the
 * subcommand are known and harmless here, else the strictest finding with a reason
 * that names the option or path and what is allowed instead.
 */
/**
 * The arguments of an invocation that are `pattern` values (`rsync --exclude .git`,
 * `tar --exclude=.git`): globs matched against file names, which path rules do not read
 * as paths. An option word with its pattern attached (`--exclude=.git`) is itself one.
 */
export function patternArgs(
  spec: ProgramSpec,
  part: CommandPart,
  ws: Workspace,
  specs: Map<string, ProgramSpec>,
): Set<Arg> {
  const out = new Set<Arg>();
  if (spec.patterns) checkInvocation(spec, part, ws, specs, out);
  return out;
}

/** What an invocation writes and the words it does not read, as its spec says (see `SpecEffects`). */
export function specEffects(
  spec: ProgramSpec,
  part: CommandPart,
  ws: Workspace,
  specs: Map<string, ProgramSpec>,
  patterns?: Set<Arg>,
): SpecEffects {
  const out: SpecEffects = { writes: [], unread: new Set() };
  if (spec.effects) checkInvocation(spec, part, ws, specs, patterns, out);
  return out;
}

/**
 * Whether an invocation gives an option that moves the program to another directory (effect `cwd`:
 * `make -C ..`, `git -C dir`, `npm --prefix dir`, `pytest --rootdir ..`), as its spec says.
 */
export function specMoves(
  spec: ProgramSpec,
  part: CommandPart,
  ws: Workspace,
  specs: Map<string, ProgramSpec>,
): boolean {
  // (`python -m pip …` is decided by pip's own spec, whose options the interpreter's do not list)
  if (!spec.moves && !spec.modules) return false;
  const out: SpecEffects = { writes: [], unread: new Set() };
  checkInvocation(spec, part, ws, specs, undefined, out);
  return out.moves === true;
}

export function checkInvocation(
  root: ProgramSpec,
  part: CommandPart,
  ws: Workspace,
  specs: Map<string, ProgramSpec> = new Map(),
  patterns?: Set<Arg>,
  out?: SpecEffects,
): SpecFinding | null {
  let spec = root;
  const ctx: Ctx = { part, ws, label: part.name, specs, patterns, out, cwd: part.cwd };
  if (spec.ask) return { decision: 'ask', reason: `\`${part.name}\`: ${spec.ask}` };
  if (spec.responseFiles) {
    const rsp = part.args.find(responseFileWord);
    if (rsp)
      return {
        decision: 'ask',
        reason: `\`${part.name} ${clipWord(rsp.text)}\`: a word starting with \`@\` makes ${part.name} read more arguments from that file, which this policy does not read (one could name an output outside the workspace or a plugin to run)${rsp.glob ? ', and a glob may expand to such a name' : ''}; give the arguments on the command line`,
      };
  }
  let worst: SpecFinding | null = null;
  const note = (f: SpecFinding | null) => {
    if (f && (!worst || (f.decision === 'deny' && worst.decision === 'ask'))) worst = f;
  };
  const args = part.args;
  let ended = false;
  let operandIndex = 0;
  let subDone = spec.subcommands === null;
  const scripts: Arg[] = [];
  let scriptOption = false;
  let firstOperand: Arg | null = null;
  let inplace = false;
  // `sed -i`: its files are rewritten (the sed-in-place rules decide where; here they are collected).
  let sedInPlace = false;
  const fileOperands: Arg[] = [];
  // `write` operands (gzip, xz, … replace each file with its (de)compressed version next to
  // it) are checked once all options are known: `-c`/`--stdout`, `-t`, `-l` write nothing.
  let toStdout = false;
  const writtenOperands: Arg[] = [];
  // Operands by kind where the spec's effects are collected: outputs (written only), names
  // listed, the pattern operand, and every operand of a program with a destination (`cp`).
  const outputs: Arg[] = [];
  let patternOperand: Arg | null = null;
  let patternGiven = false;
  let targetGiven = false;
  const operandsSeen: Arg[] = [];
  // An archiver's mode (`tar -c`/`-r`/`-u`/`-A`/`--delete` write the archive, `-x` writes into
  // its directories), its archives (`-f`) and the directories it works in (`-C`), decided once
  // every option is known (`tar -f x.tar -c` writes x.tar, `tar -xf x.tar` reads it).
  let creates = false;
  let extracts = false;
  const archives: Array<{ value: Arg; carrier: Arg | undefined; cwd: string[] | null }> = [];
  const dirs: Array<{ value: Arg; cwd: string[] | null }> = [];
  const members: Arg[] = [];
  const sawEffect = (effect: Effect, value: Arg | undefined, carrier: Arg | undefined) => {
    if (effect === 'value' && value && out) (out.values ??= new Set()).add(carrier ?? value);
    if (effect === 'cwd' && out) out.moves = true;
    if (effect === 'create') creates = true;
    else if (effect === 'extract') extracts = true;
    // (GNU tar opens the archive where it was started: `-C` moves only the files named after it)
    else if (effect === 'archive' && value) archives.push({ value, carrier, cwd: part.cwd });
    else if (effect === 'cwd' && value && spec.cwdWrites) dirs.push({ value, cwd: ctx.cwd });
  };
  const sawValue = (opt: string, value: Arg | undefined) => {
    if (!spec.script) return;
    if (opt === '-e' || opt === '--expression' || (spec.script === 'awk' && opt === '--source')) {
      scriptOption = true;
      if (value) scripts.push(value);
    } else if (
      opt === '-f' ||
      opt === '--file' ||
      (spec.script === 'awk' && (opt === '-E' || opt === '--exec'))
    )
      scriptOption = true;
  };
  for (let i = 0; i < args.length; i++) {
    tick();
    let a = args[i]!;
    if (spec.msbuild && !ended) {
      // `-p:Name=Value`, `/P:Name=Value`, `-bl:x.binlog`: read as the listed `-p`/`--bl` spelling
      const sw = msbuildSwitch(spec, a.text);
      if (sw !== null) a = { ...a, text: sw };
    }
    if (spec.nim && !ended) {
      const sw = nimSwitch(a.text);
      if (sw !== null) a = { ...a, text: sw };
    }
    if (spec.tsSwitches && !ended && !a.dynamic) {
      const sw = tsSwitch(spec, a.text);
      if (sw !== null) a = { ...a, text: sw };
    }
    // A quoted word with an expansion whose every shape starts with `-` (`"-exec=$X"`,
    // `-"fplugin=$P"`, `'--compress-program='"$P"`) is the option its unquoted text spells, as
    // `-exec="$X"` is: its quotes are dropped here so the option is found. (Until 6 Dec such a
    // word was an operand, so `go test "-exec=$X"` and `sort "--compress-program=$P"` passed.)
    if (
      !ended &&
      a.dynamic &&
      /^[^=$]*["']/.test(a.text) &&
      a.pattern !== undefined &&
      optionShaped(a.pattern)
    )
      a = { ...a, text: a.text.replace(/["']/g, '') };
    const t = a.text;
    if (!ended && !a.dynamic && t === '--') {
      ended = true;
      // (`clang-tidy a.cpp -- -std=c++17`: the compiler's words, decided with the compiler's spec;
      // with no such spec every word asks)
      if (spec.compilerSpec) {
        const cc = ctx.specs.get(spec.compilerSpec);
        const rest = args.slice(i + 1);
        if (!cc) {
          if (rest.length)
            note({
              decision: 'ask',
              reason: `\`${ctx.label} --\` hands its words to ${spec.compilerSpec}, which has no spec`,
            });
        } else
          note(
            checkInvocation(
              cc,
              { ...part, name: spec.compilerSpec, args: rest },
              ctx.ws,
              ctx.specs,
              undefined,
              ctx.out,
            ),
          );
        break;
      }
      continue;
    }
    if (i === 0 && spec.plusToolchain && !a.dynamic && /^\+[A-Za-z0-9][\w.-]*$/.test(t)) continue;
    if (spec.passes && subDone) note(passedFinding(ctx, spec, a));
    // `cmake --build build -j$(nproc)`, `--jobs=$N`, go's `-count=$N`: a literal option with its
    // value attached and only known when it runs. When that value names nothing (`value`,
    // `optional`), the word is the option; any other effect (a path, code, a pattern, a script)
    // keeps the word an operand, decided as before.
    // Until 4 Dec such a word was an operand whatever the option did, so `go test -exec=$X ./...`,
    // `go build -o=$OUT .` and `cargo build --manifest-path=$M` were allowed where `-exec $X` asked:
    // the option's effect is now decided on its unknown value, as for the separate spelling.
    const glued = !ended && a.dynamic ? gluedOption(spec, t, a.pattern) : null;
    const unknownGlued = !ended && a.dynamic && !glued ? unknownGluedOption(spec, t) : null;
    if (unknownGlued) {
      note({
        decision: 'ask',
        reason: `\`${ctx.label} ${clipWord(unknownGlued)}\` is not an option this policy knows to be safe for ${ctx.label}.${allowedList(spec)}`,
      });
      continue;
    }
    if (glued) {
      const { hit, value } = glued;
      if (hit.effect === 'value' && out) (out.values ??= new Set()).add(a);
      if (hit.effect === 'value' || hit.effect === 'optional') continue;
      if (hit.effect === 'module' || hit.effect === 'code') {
        note(codeFinding(ctx, spec, hit.name, hit.effect, value, args.slice(i + 1)));
        return worst;
      }
      if (hit.effect === 'end') return worst;
      if (hit.effect === 'target') targetGiven = true;
      sawEffect(hit.effect, value, a);
      ctx.carrier = a;
      // (a list value is decided entry by entry, as a literal one is: `-cp=out:$X`, `--allow-write=.,$D`)
      note(listFinding(ctx, spec, hit.name, hit.effect, value));
      ctx.carrier = undefined;
      continue;
    }
    // An option whose name is only known when it runs (`sort -$X`, `sort --"$O"`): any option the
    // program has, so it asks where the spec lists one that runs, loads or writes something.
    if (
      !ended &&
      a.dynamic &&
      /^--?(?![A-Za-z][\w.-]*(?:=|$))/.test(t) &&
      !spec.otherOptions &&
      riskyOptions(spec)
    ) {
      note({
        decision: 'ask',
        reason: `\`${ctx.label} ${clipWord(t)}\` is an option whose name is only known when it runs, and ${ctx.label} has options that run programs, load code or write files; give the option literally`,
      });
      continue;
    }
    const isOption = !ended && !a.dynamic && t.startsWith('-') && t !== '-';
    if (!isOption) {
      if (!subDone) {
        subDone = true;
        if (a.dynamic)
          return { decision: 'ask', reason: `the subcommand of \`${part.name}\` is only known when it runs` };
        const resolved = resolveSub(spec, t);
        if (resolved === 'ambiguous')
          return {
            decision: 'ask',
            reason: `\`${ctx.label} ${clipWord(t)}\` is an ambiguous abbreviation of a subcommand`,
          };
        if (!resolved && !spec.operandsOrSub)
          return {
            decision: 'ask',
            reason: `\`${ctx.label} ${clipWord(t)}\` is not a subcommand this policy knows to be safe; known: ${[...spec.subcommands!.keys()].slice(0, 30).join(', ')}`,
          };
        // A script's name standing for the script subcommand (`bun tsc --noEmit` is `bun run tsc
        // --noEmit`) is that subcommand's first operand: where the words after a run's script are
        // the script's own (`rest`), they are decided as those, never as the runner's options
        // (agentsmd probe: `bun tsc --noEmit` asked for `bun run --noEmit` while `bun run tsc
        // --noEmit` was allowed).
        const scriptName =
          resolved &&
          resolved.rest &&
          !resolved.subcommands &&
          spec.scriptSub !== null &&
          resolved === spec.subcommands!.get(spec.scriptSub) &&
          !spec.subcommands!.has(t) &&
          !spec.aliases.has(t);
        if (resolved) {
          // The subcommand as typed (`go test`, where test shares build's spec), an abbreviation as resolved.
          ctx.label = spec.subcommands!.has(t) || spec.aliases.has(t) ? `${ctx.label} ${t}` : resolved.name;
          spec = resolved;
          if (spec.ask) return { decision: 'ask', reason: `\`${ctx.label}\`: ${spec.ask}` };
          if (!scriptName) {
            if (spec.subcommands) subDone = false;
            continue;
          }
        }
        // (operands_or_subcommand: the word is the program's own first operand, decided below,
        // and handed on as the words after it are where the program passes them: `tox -- /root/x`)
        else if (spec.passes) note(passedFinding(ctx, spec, a));
      }
      if (ended && spec.compilerFlags) {
        if (a.dynamic || !spec.compilerFlags.test(t))
          note({
            decision: 'ask',
            reason: `\`${ctx.label} -- ${clipWord(t)}\` is a compiler flag this policy does not know to run nothing and load nothing (lint levels, \`--cfg\`, code-generation settings are known)`,
          });
        continue;
      }
      const kind = spec.operands[Math.min(operandIndex, spec.operands.length - 1)] ?? 'any';
      if (operandIndex === 0) firstOperand = a;
      // (kept only where an in-place option may use them: a command can have 50,000 operands)
      else if (inplace || mayEditInPlace(spec) || (out && spec.script === 'sed')) fileOperands.push(a);
      if (spec.cwdWrites && out) members.push(a);
      if (out) {
        if (spec.target) operandsSeen.push(a);
        const eq = spec.operandKeys.size && !a.dynamic ? a.text.indexOf('=') : -1;
        const keyed = eq > 0 ? spec.operandKeys.get(a.text.slice(0, eq)) : undefined;
        if (keyed === 'output') out.writes.push({ path: { ...a, text: a.text.slice(eq + 1) }, cwd: ctx.cwd });
        if (kind === 'output') outputs.push(a);
        else if (kind === 'changed') out.writes.push({ path: a, cwd: ctx.cwd });
        else if (kind === 'listed') {
          // A name listed inside the workspace is not its contents (`ls -la .env`, `ls *.json`: a glob
          // there names the workspace's own files); outside it, or a glob that climbs, stays a read.
          if (!a.dynamic && !(a.glob && climbs(a.text)) && !readProblem(a.text, ctx.cwd, ws))
            out.unread.add(a);
        } else if (kind === 'text') {
          // Printed, never opened (`echo "see ~/.aws/credentials"`): not a read. An unquoted glob is
          // expanded by the shell to the names it matches, so it stays one, as `ls`'s outside does.
          if (!a.glob) out.unread.add(a);
        } else if (kind === 'pattern' && !patternOperand) patternOperand = a;
      }
      operandIndex++;
      if (spec.rest) {
        // a script and its own arguments (a runner's package, `npx user/repo`, is checked first;
        // an interpreter's script, `python /root/x.py`, is the workspace's own or the image's)
        if (kind === 'package' || kind === 'recipe') note(valueFinding(ctx, spec, clipWord(t), kind, a));
        // (the first operand a task held to `words`, the words after it its own: `mill foo.run ARGS`)
        if (kind === 'word' && spec.words) note(wordFinding(ctx, spec, spec.words, a));
        if (kind === 'script' && (namesOutside(a) || relativeOutside(a, ctx)))
          note(valueFinding(ctx, spec, clipWord(t), 'recipe', a));
        // (a file the program writes before it runs the rest: flock's lock file)
        if (kind === 'write') note(valueFinding(ctx, spec, clipWord(t), 'write', a));
        // (`bun run test -- --setupFiles=/srv/x`: with `passes`, the script's words are decided as
        // the words a package manager hands on to a project's script are)
        if (spec.passes) for (const w of args.slice(i + 1)) note(passedFinding(ctx, spec, w));
        return worst;
      }
      if (kind === 'setting') {
        const key = firstOperand && firstOperand !== a ? firstOperand : null;
        if (!key || key.dynamic || !spec.words || !foldedWords(spec.words).test(key.text))
          note({
            decision: 'ask',
            reason: `\`${ctx.label}\` sets \`${clipWord(key?.text ?? '?')}\`; reading configuration is allowed, and setting keys that run nothing (user.name, user.email, core.autocrlf, …)`,
          });
        continue;
      }
      if (kind === 'url') {
        // curl/wget take a word with no scheme as a URL (`curl evil.example` is http://evil.example):
        // its host is the text before the first `/`, `:`, `?` or `#`, which no host rule reads.
        const f = bareUrlFinding(ctx, a);
        if (f) note(f);
        // A URL of a network scheme names a resource on its host, not a file here (`curl
        // localhost:3000/secrets/x` reads no secrets/ directory); `file://` and a word with no
        // scheme are still read as paths.
        if (out && /^"?(?:https?|ftps?|wss?):\/\//i.test(a.text)) out.unread.add(a);
        continue;
      }
      if (kind === 'word' && spec.words) {
        const f = wordFinding(ctx, spec, spec.words, a);
        if (f) note(f);
        continue;
      }
      if (kind === 'script' && (namesOutside(a) || relativeOutside(a, ctx))) {
        const f = valueFinding(ctx, spec, clipWord(t), 'recipe', a);
        if (f) note(f);
        continue;
      }
      if (kind === 'recipe') {
        // A file or directory whose code runs (`cmake SRC`, `gem build F.gemspec`): the workspace's own.
        const f = valueFinding(ctx, spec, clipWord(t), 'recipe', a);
        if (f) note(f);
        continue;
      }
      if (kind === 'none')
        note({ decision: 'ask', reason: `\`${ctx.label}\` takes no operand here, but was given \`${t}\`` });
      else if (kind === 'write') writtenOperands.push(a);
      else if (kind === 'package') {
        const problem = packageProblem(a) ?? localPackageProblem(a, ctx);
        if (problem)
          note({
            decision: 'ask',
            reason: `\`${ctx.label}\`: ${problem}; install the project's own dependencies or a named package from the index`,
          });
      }
      continue;
    }
    // An option word.
    if (
      t.startsWith('--') ||
      (spec.singleDashLong && t.length > 2) ||
      lookupExact(spec, t.split('=', 1)[0]!)
    ) {
      let eq = t.indexOf('=');
      let name = eq > 0 ? t.slice(0, eq) : t;
      let hit = optionalWrite(lookup(spec, name), eq > 0);
      // esbuild's `--define:KEY=VALUE`, `--external:NAME`, `--loader:.js=jsx`: an option listed with
      // a trailing colon takes the rest of the word after the colon as its value.
      const colon = t.indexOf(':');
      if (!hit && t.startsWith('--') && colon > 2 && (eq < 0 || colon < eq)) {
        const named = t.slice(0, colon + 1);
        if (lookupExact(spec, named)) {
          name = named;
          eq = colon;
          hit = lookup(spec, named);
        }
      }
      if (!hit && !t.startsWith('--') && spec.singleDashLong && spec.attachedValues) {
        // `-Dkey=value`, `-T4`, `-GNinja`: a value-taking option with its value attached.
        const attached = attachedOption(spec, t);
        if (attached) {
          hit = attached;
          name = attached.name;
          eq = name.length - 1;
        }
      }
      if (hit === 'ambiguous') {
        note({
          decision: 'ask',
          reason: `\`${ctx.label} ${clipWord(name)}\` is an ambiguous abbreviation; spell the option out`,
        });
        continue;
      }
      if (!hit) {
        if (!spec.otherOptions)
          note({
            decision: 'ask',
            reason: `\`${ctx.label} ${clipWord(name)}\` is not an option this policy knows to be safe for ${ctx.label}.${allowedList(spec)}`,
          });
        continue;
      }
      let value: Arg | undefined;
      // (`--set NAME VALUE`, `--set=NAME VALUE`: the name, then the value)
      const pair = spec.pairOptions.has(hit.name) && takesValue(hit.effect);
      if (pair && eq > 0) {
        value = args[i + 1];
        i++;
      } else if (eq > 0) value = { ...a, text: t.slice(eq + 1) };
      else if (pair) {
        value = args[i + 2];
        i += 2;
      } else if (takesValue(hit.effect) && hit.effect !== 'optional') {
        value = args[i + 1];
        i++;
      }
      if (hit.effect === 'pattern') {
        const p = eq > 0 ? a : args[i];
        if (p) ctx.patterns?.add(p);
      }
      if (hit.effect === 'module' || hit.effect === 'code') {
        note(codeFinding(ctx, spec, hit.name, hit.effect, value, args.slice(i + 1)));
        return worst;
      }
      // `go test ./... -args -update`: the words after it are the test binary's; with `passes` or
      // `end_passes` they are decided as the words a program hands on are (`-args
      // -test.coverprofile=/etc/c.out` writes /etc/c.out: helper optaudit, 5 Dec; until then they
      // were not read).
      if (hit.effect === 'end') {
        if (spec.passes || spec.endPasses)
          for (const w of args.slice(i + 1)) note(passedFinding(ctx, spec, w));
        return worst;
      }
      // `find … -exec CMD ARGS… ;` (or `{} +`): the command's words, decided as their own command
      // (src/policy/wrappers.ts), up to the terminator; find's expression goes on after it.
      if (hit.effect === 'exec') {
        while (i + 1 < args.length) {
          const w = args[++i]!;
          if (!w.dynamic && (w.text === ';' || (w.text === '+' && args[i - 1]?.text === '{}'))) break;
        }
        continue;
      }
      if (hit.effect === 'inplace') inplace = true;
      if (hit.effect === 'stdout') toStdout = true;
      if (hit.effect === 'target') targetGiven = true;
      if (spec.patternOptions.has(hit.name)) patternGiven = true;
      if (spec.script === 'sed' && (hit.name === '-i' || hit.name === '--in-place')) {
        sedInPlace = true;
        note(sedBackupFinding(ctx, value?.text));
      }
      sawValue(hit.name, value);
      sawEffect(hit.effect, value, eq > 0 ? a : undefined);
      ctx.carrier = eq > 0 ? a : undefined;
      note(listFinding(ctx, spec, hit.name, hit.effect, value));
      ctx.carrier = undefined;
      continue;
    }
    // A cluster of short options: `-rn`, `-n5`, `-o out`, `-i.bak`.
    if (spec.numeric && /^-\d+$/.test(t)) continue;
    // (`xz -9e`, `gzip -9c`: a preset's digits, then a cluster of letters, each decided)
    const preset = spec.numeric ? /^-(\d+)[A-Za-z]/.exec(t) : null;
    // A letter repeated in a cluster (`-vvv`, or 100,000 of them) is the same finding: decided once.
    let done: Set<string> | null = null;
    for (let j = 1 + (preset ? preset[1]!.length : 0); j < t.length; j++) {
      if (done?.has(t[j]!)) continue;
      const o = `-${t[j]}`;
      const eqs = spec.requireEquals && optionalEffect(lookup(spec, o));
      if (eqs && t[j + 1] === '=') {
        // (`-AR=/etc`: clap's require_equals, the rest after `=` is the value)
        const hit = optionalWrite(lookup(spec, o), true) as { name: string; effect: Effect };
        const value = { ...a, text: t.slice(j + 2) };
        sawEffect(hit.effect, value, a);
        ctx.carrier = a;
        note(listFinding(ctx, spec, o, hit.effect, value));
        ctx.carrier = undefined;
        break;
      }
      const hit = optionalWrite(lookup(spec, o), !eqs && j + 1 < t.length);
      if (eqs) continue; // (`-RWN`: each letter a flag)
      if (!hit || hit === 'ambiguous') {
        if (!spec.otherOptions)
          note({
            decision: 'ask',
            reason: `\`${ctx.label} ${o}\` is not an option this policy knows to be safe for ${ctx.label}.${allowedList(spec)}`,
          });
        break;
      }
      if (hit.effect === 'optional') {
        // An attached optional value (`sed -i.bak`).
        if (spec.script === 'sed' && o === '-i') {
          sedInPlace = true;
          note(sedBackupFinding(ctx, t.slice(j + 1)));
        }
        break;
      }
      // `fd -Hx CMD ARGS… ;`: as the option's word of its own, the words up to the terminator are
      // the command's (decided as their own, wrappers.ts), the rest of the cluster its first word.
      if (hit.effect === 'exec') {
        while (i + 1 < args.length) {
          const w = args[++i]!;
          if (!w.dynamic && (w.text === ';' || (w.text === '+' && args[i - 1]?.text === '{}'))) break;
        }
        break;
      }
      if (takesValue(hit.effect)) {
        let value: Arg | undefined;
        if (j + 1 < t.length) value = { ...a, text: t.slice(j + 1) };
        else {
          value = args[i + 1];
          i++;
        }
        if (hit.effect === 'pattern') {
          const p = j + 1 < t.length ? a : args[i];
          if (p) ctx.patterns?.add(p);
        }
        if (hit.effect === 'module' || hit.effect === 'code') {
          note(codeFinding(ctx, spec, o, hit.effect, value, args.slice(i + 1)));
          return worst;
        }
        sawValue(o, value);
        sawEffect(hit.effect, value, j + 1 < t.length ? a : undefined);
        if (hit.effect === 'target') targetGiven = true;
        if (spec.patternOptions.has(o)) patternGiven = true;
        ctx.carrier = j + 1 < t.length ? a : undefined;
        note(listFinding(ctx, spec, o, hit.effect, value));
        ctx.carrier = undefined;
        break;
      }
      if (hit.effect === 'inplace') inplace = true;
      if (hit.effect === 'stdout') toStdout = true;
      // (`chmod -x run.sh`: the option word is the first operand, the MODE; the next is a file)
      if (hit.effect === 'mode' && operandIndex === 0) operandIndex = 1;
      sawEffect(hit.effect, undefined, undefined);
      note(valueFinding(ctx, spec, o, hit.effect, undefined));
      (done ??= new Set()).add(t[j]!);
    }
  }
  if (!toStdout)
    for (const a of writtenOperands) {
      tick();
      const problem = writeProblem(a, ctx.cwd, ws);
      if (problem)
        note({
          decision: a.dynamic ? 'ask' : 'deny',
          reason: `\`${ctx.label}\` writes its operand ${problem}; use a path inside the workspace (or /tmp)`,
        });
    }
  if (out)
    collectWrites(ctx, out, {
      spec,
      outputs,
      operandsSeen,
      targetGiven,
      written: toStdout ? [] : writtenOperands,
      inPlace:
        inplace || sedInPlace
          ? [...(scriptOption && firstOperand ? [firstOperand] : []), ...fileOperands]
          : [],
      pattern: patternGiven ? null : patternOperand,
      scripts:
        spec.script === 'sed' || spec.script === 'awk'
          ? [...scripts, ...(!scriptOption && firstOperand ? [firstOperand] : [])]
          : [],
    });
  if (creates)
    for (const { value, carrier, cwd } of archives) {
      tick();
      const problem = writeProblem(value, cwd, ws);
      if (problem)
        note({
          decision: value.dynamic ? 'ask' : 'deny',
          reason: `\`${ctx.label}\` writes its archive to ${problem}; write it inside the workspace (or /tmp)`,
        });
      if (out) {
        out.writes.push({ path: value, cwd });
        if (carrier) out.unread.add(carrier);
        if (value !== carrier && ctx.part.args.indexOf(value) === ctx.part.args.lastIndexOf(value))
          out.unread.add(value);
      }
    }
  // What an extraction writes into (`tar -xf a.tar -C .github/workflows`) is a file part of its
  // own, decided by the file rules as the entries' directory (the entries themselves by
  // `unpack-entries`).
  else if (extracts && out && !toStdout) {
    for (const { value, cwd } of dirs) out.writes.push({ path: value, cwd });
    // The members named (`tar -xf x.tar .npmrc`) land in the last `-C` directory or here.
    const into = dirs[dirs.length - 1];
    for (const m of members) {
      if (m.dynamic || m.glob || m.text.startsWith('/')) continue;
      out.writes.push(
        into
          ? {
              path: { ...into.value, text: `${into.value.text.replace(/\/+$/, '')}/${m.text}` },
              cwd: into.cwd,
            }
          : { path: m, cwd: part.cwd },
      );
    }
  }
  if (spec.script === 'ln') note(lnFinding(ctx));
  if (spec.cwdWrites) note(cwdFinding(ctx));
  // (a first operand that is a file read, `hlint --refactor-options=-i F`, is edited too; sed's
  // and yq's first operand is their script)
  if (inplace && firstOperand && spec.script === null && spec.operands[0] === 'read')
    fileOperands.unshift(firstOperand);
  if (inplace)
    for (const f of fileOperands) {
      tick();
      const problem = writeProblem(f, ctx.cwd, ws);
      if (problem)
        note({
          decision: f.dynamic ? 'ask' : 'deny',
          reason: `\`${ctx.label}\` edits in place ${problem}; edit workspace files only`,
        });
    }
  if (spec.script === 'sed' || spec.script === 'awk') {
    if (!scriptOption && firstOperand) scripts.push(firstOperand);
    for (const sc of scripts) note(spec.script === 'sed' ? sedFinding(ctx, sc) : awkFinding(ctx, sc));
  }
  if (!subDone && spec.subcommands && !spec.subcommands.has('')) {
    // No subcommand given: only fine when the program allows that (an empty-name entry).
    return (
      worst ?? { decision: 'ask', reason: `\`${ctx.label}\` without a subcommand is not known to be safe` }
    );
  }
  return worst;
}

/** Turns what `checkInvocation` saw into `SpecEffects` (files written, words not read). */
function collectWrites(
  ctx: Ctx,
  out: SpecEffects,
  seen: {
    spec: ProgramSpec;
    outputs: Arg[];
    operandsSeen: Arg[];
    targetGiven: boolean;
    written: Arg[];
    inPlace: Arg[];
    pattern: Arg | null;
    scripts: Arg[];
  },
): void {
  const cwd = ctx.cwd;
  const write = (path: Arg) => out.writes.push({ path, cwd });
  const onlyWritten = (a: Arg) => {
    // A word repeated among the arguments is one Arg (extract.ts): it may also be read.
    if (ctx.part.args.indexOf(a) === ctx.part.args.lastIndexOf(a)) out.unread.add(a);
  };
  for (const a of seen.outputs) {
    write(a);
    onlyWritten(a);
  }
  for (const a of seen.written) write(a);
  for (const a of seen.inPlace) write(a);
  if (seen.pattern) {
    ctx.patterns?.add(seen.pattern);
    out.unread.add(seen.pattern);
  }
  for (const sc of seen.scripts) {
    if (sc.dynamic) continue;
    const writes = seen.spec.script === 'awk' ? awkWrites(sc.text) : sedEffects(sc.text).writes;
    for (const w of writes) write({ text: w, dynamic: false, glob: false });
  }
  if (seen.spec.target && !seen.targetGiven && seen.operandsSeen.length >= 2) {
    // `cp SRC DST` writes DST, or DST/SRC when DST is a directory; `cp A B DIR` writes DIR/A, DIR/B.
    const dst = seen.operandsSeen[seen.operandsSeen.length - 1]!;
    out.writes.push({ path: dst, cwd, from: seen.operandsSeen.slice(0, -1) });
    onlyWritten(dst);
    if (!dst.dynamic)
      for (const src of seen.operandsSeen.slice(0, -1)) {
        if (src.dynamic) continue;
        const base = src.text.replace(/\/+$/, '').split('/').pop();
        if (base && base !== '.' && base !== '..')
          write({
            text: `${dst.text.replace(/\/+$/, '')}/${base}`,
            dynamic: false,
            glob: src.glob || dst.glob,
          });
      }
  }
  if (seen.spec.script === 'ln' && !seen.targetGiven && seen.operandsSeen.length === 1) {
    // `ln -s TARGET`: the link is made in the working directory, named as the target.
    const base = seen.operandsSeen[0]!.text.replace(/\/+$/, '').split('/').pop();
    if (!seen.operandsSeen[0]!.dynamic && base) write({ text: base, dynamic: false, glob: false });
  }
}

/**
 * The files an awk program's `print`/`printf` statements redirect into with a string literal that
 * ends the statement (`print > "out.txt"`, `printf("%s\n", $1) >> "log"`); anything else it does
 * with files or programs is rule awk-runs-programs' (ask). Programs over 4,096 characters are not
 * read (that rule asks for them).
 */
export function awkWrites(program: string): string[] {
  if (program.length > 4096) return [];
  const out: string[] = [];
  const re = /\bprintf?\b(?:[^;}"\n>]|"(?:[^"\\\n]|\\.)*")*>>?\s*"([^"\\\n]*)"\s*(?=[;}\n]|$)/g;
  for (const m of program.matchAll(re)) if (m[1]) out.push(m[1]);
  return out;
}

/** An awk program's redirections into files outside the workspace (see `awkWrites`). */
function awkFinding(ctx: Ctx, program: Arg): SpecFinding | null {
  if (program.dynamic) return null;
  for (const w of awkWrites(program.text)) {
    const problem = writeProblem({ text: w, dynamic: false, glob: false }, ctx.part.cwd, ctx.ws);
    if (problem)
      return {
        decision: 'deny',
        reason: `the awk program writes (\`print > "${clipWord(w)}"\`) to ${problem}; write to a workspace file`,
      };
  }
  return null;
}

/** What a sed program reads, writes and runs, decided like the paths and commands it names. */
function sedFinding(ctx: Ctx, script: Arg): SpecFinding | null {
  if (script.dynamic) {
    // Only the literal pieces are known; a program assembled at run time may do anything.
    return /(^|[;\n}\s/])[ewWrR]/.test(script.text.slice(0, 4096))
      ? { decision: 'ask', reason: `the sed program \`${clipWord(script.text)}\` is only known when it runs` }
      : null;
  }
  const fx = sedEffects(script.text);
  if (fx.runs)
    return {
      decision: 'deny',
      reason: `the sed program \`${clipWord(script.text)}\` runs shell commands (\`e\`); run the command itself instead`,
    };
  for (const w of fx.writes) {
    const problem = writeProblem({ text: w, dynamic: false, glob: false }, ctx.part.cwd, ctx.ws);
    if (problem)
      return {
        decision: 'deny',
        reason: `the sed program writes (\`w\`) to ${problem}; write to a workspace file`,
      };
  }
  for (const r of fx.reads) {
    const problem = readProblem(r, ctx.part.cwd, ctx.ws);
    if (problem)
      return {
        decision: 'deny',
        reason: `the sed program reads (\`r\`) ${problem}; read workspace files only`,
      };
  }
  if (fx.unknown)
    return { decision: 'ask', reason: `the sed program has ${fx.unknown}, which this policy cannot read` };
  return null;
}

/**
 * `ln`: a symbolic link's target is resolved from the link's own directory (unless
 * `-r`), so `ln -s ../x a/b/link` stays inside when `a/x` is; links to or from
 * outside the workspace let later writes escape it.
 */
function lnFinding(ctx: Ctx): SpecFinding | null {
  const { part, ws } = ctx;
  let symbolic = false;
  let relative = false;
  let targetDir: Arg | null = null;
  const operands: Arg[] = [];
  let ended = false;
  for (let i = 0; i < part.args.length; i++) {
    const a = part.args[i]!;
    if (!ended && !a.dynamic && a.text === '--') ended = true;
    else if (!ended && !a.dynamic && a.text.startsWith('--')) {
      if ('--symbolic'.startsWith(a.text) && a.text.length > 3) symbolic = true;
      else if ('--relative'.startsWith(a.text) && a.text.length > 4) relative = true;
      else if (a.text.startsWith('--target-directory=')) targetDir = { ...a, text: a.text.slice(19) };
      else if (a.text === '--target-directory' || a.text === '--suffix') {
        if (a.text === '--target-directory') targetDir = part.args[i + 1] ?? null;
        i++;
      }
    } else if (!ended && !a.dynamic && a.text.startsWith('-') && a.text !== '-') {
      for (let j = 1; j < a.text.length; j++) {
        const c = a.text[j];
        if (c === 's') symbolic = true;
        else if (c === 'r') relative = true;
        else if (c === 't' || c === 'S') {
          const v = j + 1 < a.text.length ? { ...a, text: a.text.slice(j + 1) } : part.args[++i];
          if (c === 't') targetDir = v ?? null;
          break;
        }
      }
    } else operands.push(a);
  }
  if (operands.some((o) => o.dynamic) || targetDir?.dynamic)
    return { decision: 'ask', reason: '`ln` of a path only known when it runs' };
  const cwds = part.cwd;
  if (cwds === null)
    return { decision: 'ask', reason: '`ln` after a `cd` to a directory only known when it runs' };
  const pairs: Array<{ target: string; link: string; linkIsDir: boolean }> = [];
  if (targetDir)
    for (const o of operands) pairs.push({ target: o.text, link: targetDir.text, linkIsDir: true });
  else if (operands.length === 1) pairs.push({ target: operands[0]!.text, link: '.', linkIsDir: true });
  else if (operands.length === 2)
    // (a destination spelled as a directory, `.`, `..`, `sub/`, gets the link inside it:
    // `ln -s build/compile_commands.json .` links ./compile_commands.json to the workspace's
    // build/; helper optaudit, 5 Dec: until then its target was resolved from the parent of `.`)
    pairs.push({
      target: operands[0]!.text,
      link: operands[1]!.text,
      linkIsDir: /(?:^|\/)\.{1,2}$|\/$/.test(operands[1]!.text),
    });
  else
    for (const o of operands.slice(0, -1))
      pairs.push({ target: o.text, link: operands.at(-1)!.text, linkIsDir: true });
  for (const cwd of cwds) {
    for (const { target, link, linkIsDir } of pairs) {
      const linkPath = resolvePath(link, cwd, ws.home);
      if (!isInside(linkPath, ws))
        return {
          decision: 'deny',
          reason: `\`ln\` makes a link at \`${linkPath}\`, outside the workspace; make links inside it`,
        };
      const linkDir = linkIsDir ? linkPath : linkPath.slice(0, linkPath.lastIndexOf('/')) || '/';
      const base = symbolic && !relative ? linkDir : cwd;
      const targetPath = resolvePath(target, base, ws.home);
      if (!isInside(targetPath, ws))
        return {
          decision: 'deny',
          reason: `\`ln\` links to \`${targetPath}\`, outside the workspace (a ${symbolic ? "symbolic link's target is resolved from the link's directory" : 'hard link'}); link to workspace files only`,
        };
    }
  }
  return null;
}

/** `tar x` / `unzip` without a target directory extract into the working directory. */
function cwdFinding(ctx: Ctx): SpecFinding | null {
  const { part, ws } = ctx;
  const texts = part.args.filter((a) => !a.dynamic).map((a) => a.text);
  const tar = /tar$/.test(part.name);
  if (tar) {
    const extracting = texts.some(
      (t) => t === '--extract' || t === '--get' || (/^-[A-Za-z]*x/.test(t) && !t.startsWith('--')),
    );
    const targeted = texts.some((t) => t === '-C' || t.startsWith('--directory') || /^-[A-Za-z]*C/.test(t));
    if (!extracting || targeted) return null;
  } else if (texts.some((t) => t === '-d' || t === '-l' || t === '-t' || t === '-Z' || t.startsWith('-d')))
    return null;
  if (part.cwd === null)
    return {
      decision: 'ask',
      reason: `\`${part.name}\` extracts into a working directory only known when it runs; give a target directory in the workspace`,
    };
  for (const c of part.cwd)
    if (!isInside(c, ws))
      return {
        decision: 'deny',
        reason: `\`${part.name}\` extracts into the working directory \`${c}\`, outside the workspace; extract with ${tar ? '-C' : '-d'} into a workspace directory`,
      };
  return null;
}

/**
 * A `word` operand (a phase, task or command) that is not among the spec's `words`, or is among its
 * `not_words`; with `word_separator`, each command of it by itself.
 */
function wordFinding(ctx: Ctx, spec: ProgramSpec, words: RegExp, a: Arg): SpecFinding | null {
  const t = a.text;
  const notWords = spec.notWords;
  const pieces = spec.wordSeparator
    ? t
        .split(spec.wordSeparator)
        .map((p) => p.trim().replace(/\s+/g, ' '))
        .filter((p) => p !== '')
    : [t];
  const held = (piece: string): boolean => {
    // `mvn GOAL@ID` runs GOAL with the configuration of the POM's execution ID.
    const goal = piece.replace(/@[^@:/]*$/, '');
    const task = spec.qualifiedWords ? goal.slice(goal.lastIndexOf(':') + 1) : goal;
    const listed = words.test(goal) || (task !== '' && words.test(task));
    const barred = notWords !== null && (notWords.test(goal) || notWords.test(task));
    return listed && !barred;
  };
  if (!a.dynamic && pieces.length > 0 && pieces.every(held)) return null;
  return {
    decision: 'ask',
    reason: spec.wordReason
      ? `\`${ctx.label} ${clipWord(t)}\`: ${spec.wordReason}`
      : `\`${ctx.label} ${clipWord(t)}\` is not a phase or task this policy knows to be safe (publish, deploy, exec and plugins run code or send artifacts)`,
  };
}

/**
 * A word handed on to the project's script or program (`npm test -- --setupFiles=/srv/x`): the word,
 * each whitespace-separated piece of one that holds several (`run-s "build -- --config F"`), and an
 * option's `=VALUE`, decided as a `recipe` where it names a place by itself.
 */
function passedFinding(ctx: Ctx, spec: ProgramSpec, a: Arg): SpecFinding | null {
  // (a dynamic value attached to an option, `--outputPath=$HOME/out`, is decided on its shapes
  // after the `--opt=`, as a separate word is: until helper specsI's pass its shapes began with
  // the option and named no place, so `npm run build -- --outputPath=$HOME/out` was allowed)
  const key = a.dynamic ? /^(?:-[\w.-]*|[A-Za-z_][\w.:-]*)=/.exec(a.text)?.[0] : undefined;
  const pieces = a.dynamic
    ? [key ? { ...a, text: a.text.slice(key.length), pattern: slicedPattern(a.pattern, key) } : a]
    : a.text
        .split(/\s+/)
        .filter((p) => p.length > 0)
        .map((p) => {
          // (`--opt=VALUE`, and a setting handed on, `RunConfiguration.TestAdaptersPaths=DIR`)
          const eq = p.startsWith('-') || /^[A-Za-z_][\w.:-]*=/.test(p) ? p.indexOf('=') : -1;
          return { ...a, text: eq > 0 ? p.slice(eq + 1) : p };
        });
  // An option handed on whose name says it takes a credential (`--access-token abc`, `--password=x`):
  // the script's tool sends it to the service it names.
  if (!a.dynamic && /^--?[\w.-]*(?:token|password|passwd|secret|credential)[\w.-]*(?:=|$)/i.test(a.text))
    return {
      decision: 'ask',
      reason: `\`${ctx.label}\` hands \`${clipWord(a.text)}\` on to the project's script: an option named for a credential, which its tool sends to the service it names; leave it out, or approve it`,
    };
  for (const p of pieces) {
    // A URL on another host handed on (`-- --baseUrl=https://x.example/`, `--registry=http://…`):
    // what the script's tools fetch or send goes there. The loopback host is the sandbox's own.
    const url = p.dynamic
      ? null
      : /^[a-z][a-z0-9+.-]*:\/\/(?:[^/?#@]*@)?(\[[^\]]*\]|[^/?#:]*)(?::\d*)?/i.exec(p.text);
    if (url && !/^file:/i.test(p.text) && !LOOPBACK.test(url[1]!))
      return {
        decision: 'ask',
        reason: `\`${ctx.label}\` hands \`${clipWord(a.text)}\` on to the project's script, which names a URL on another host (\`${clipWord(p.text)}\`) where its tools may fetch code or send data; leave it out, or use the project's configured address`,
      };
    if (!namesOutside(p)) continue;
    const f = valueFinding(ctx, spec, clipWord(a.text), 'recipe', p);
    if (f)
      return {
        decision: 'ask',
        reason: `\`${ctx.label}\` hands \`${clipWord(a.text)}\` on to the project's script, whose tools load code or write where it names: ${f.reason}`,
      };
  }
  return null;
}

/** cmd/compile's, cmd/asm's and cmd/link's flags (without the dash) naming a file or directory read, one written, a program run (toolFlagsFinding). */
const TOOL_READ_FLAGS = new Set([
  'I',
  'L',
  'r',
  'importcfg',
  'embedcfg',
  'pgoprofile',
  'symabis',
  'coveragecfg',
  'spectre',
]);
const TOOL_WRITE_FLAGS = new Set([
  'o',
  'cpuprofile',
  'memprofile',
  'blockprofile',
  'mutexprofile',
  'traceprofile',
  'trace',
  'bench',
  'linkobj',
  'asmhdr',
  'tmpdir',
  'json',
  'benchmarkprofile',
  'capturehostobjs',
  'dumpdep',
  'd',
]);
const TOOL_RUN_FLAGS = new Set(['extld', 'extar', 'extldflags']);
/**
 * The go command's `-gcflags`/`-asmflags`/`-ldflags` values: `[PATTERN=]FLAGS` of the compiler,
 * assembler or linker (cmd/compile, cmd/asm, cmd/link), split as cmd/go splits them (spaces, quotes).
 * The flags that name a file or directory: ones read (an import or embed configuration, include and
 * library directories, the ELF interpreter and run-time library path the binary loads, a profile
 * to optimise with) are decided as a `script` (the workspace's, scratch's and the image's are fine);
 * ones written (outputs, profiles, traces, logs, a temporary directory) must be in the workspace or
 * /tmp. Programs they run (`-extld`, `-extar`) ask; so does a value only known when it runs.
 */
/**
 * An option whose value is another program's options (`cabal build --ghc-options="-Wall -pgmL X"`,
 * `stack build --ghc-options`, `elixir --erl "+S 4"`): split at blanks (quotes kept together, as
 * cabal, stack and the Erlang launcher split it) and decided with the spec `flags_spec` names, as
 * that program's own command line. With no such spec, or a value only known when it runs, it asks.
 */
function handedFlagsFinding(ctx: Ctx, spec: ProgramSpec, opt: string, value: Arg): SpecFinding | null {
  const name = spec.flagsSpec;
  const other = name ? ctx.specs.get(name) : undefined;
  if (!name || !other)
    return {
      decision: 'ask',
      reason: `\`${ctx.label} ${opt}\` hands its value to a program with no spec here; leave it out`,
    };
  if (value.dynamic)
    return {
      decision: 'ask',
      reason: `\`${ctx.label} ${opt}\` hands ${name} options only known when it runs; give them literally`,
    };
  const args: Arg[] = [];
  for (const m of value.text.matchAll(/'([^']*)'|"((?:[^"\\]|\\.)*)"|(\S+)/g))
    args.push({ text: m[1] ?? m[2] ?? m[3]!, dynamic: false, glob: false });
  if (!args.length) return null;
  const f = checkInvocation(other, { ...ctx.part, name, args }, ctx.ws, ctx.specs, undefined, ctx.out);
  return f ? { ...f, reason: `\`${ctx.label} ${opt}\` hands its value to ${name}: ${f.reason}` } : null;
}

function toolFlagsFinding(ctx: Ctx, spec: ProgramSpec, opt: string, value: Arg): SpecFinding | null {
  const unknown: SpecFinding = {
    decision: 'ask',
    reason: `\`${ctx.label} ${opt}\` hands flags only known when it runs to the compiler or linker; give them literally`,
  };
  // A value with expansions (`-X main.version=$(git describe)`) is read by its shape: its unknown
  // pieces (`**`) may be any text, so a path flag holding one, or a flag name that is one, asks.
  if (value.dynamic && (value.pattern === undefined || value.pattern.length > 4096)) return unknown;
  let text = value.dynamic ? value.pattern! : value.text;
  // `all=-N -l`, `./cmd/...=-S`: the flags apply to the packages the pattern matches.
  const pat = /^[^\s=-][^\s=]*=/.exec(text);
  if (pat) text = text.slice(pat[0].length);
  const words: string[] = [];
  for (const m of text.matchAll(/'([^']*)'|"((?:[^"\\]|\\.)*)"|(\S+)/g)) words.push(m[1] ?? m[2] ?? m[3]!);
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (value.dynamic && w.startsWith('**')) return unknown;
    // Go's compiler, assembler and linker read more flags from a file named `@FILE`
    // (cmd/internal/objabi.Flagparse's expandArgs), which is not read here.
    if (w.startsWith('@') && w.length > 1)
      return {
        decision: 'ask',
        reason: `\`${ctx.label} ${opt}\` hands \`${clipWord(w)}\`: the tool reads more flags from that file, which this policy does not read; give the flags literally`,
      };
    if (!w.startsWith('-')) continue;
    const body = w.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const name = eq >= 0 ? body.slice(0, eq) : body;
    const reads = TOOL_READ_FLAGS.has(name);
    const writes = TOOL_WRITE_FLAGS.has(name);
    if (TOOL_RUN_FLAGS.has(name))
      return {
        decision: 'ask',
        reason: `\`${ctx.label} ${opt}\` passes \`-${name}\`, which names a program the build runs; build with the toolchain's own`,
      };
    if (!reads && !writes) continue;
    // `-d=…` is the compiler's debug settings (a file only through `-d=…file=PATH`-like keys, not read here).
    if (name === 'd' && eq < 0) continue;
    let v = eq >= 0 ? body.slice(eq + 1) : words[i + 1];
    if (eq < 0) i++;
    if (v === undefined) continue;
    if (value.dynamic && v.includes('**')) return unknown;
    if (name === 'json') {
      // `-json=VERSION,DEST`: DEST `file://PATH` is a directory written, `-` standard error.
      const m = /^[^,]*,(?:file:\/\/)?(.*)$/.exec(v);
      if (!m || m[1] === '-' || m[1] === '') continue;
      v = m[1]!;
    } else if (name === 'd') {
      // `-d=ssa/check/on,…`: only a debug key whose value is a path (`-d=…dumpdir=DIR`) writes.
      const m = /(?:^|,)[\w/]*(?:dir|file)=([^,]+)/.exec(v);
      if (!m) continue;
      v = m[1]!;
    }
    for (const piece of name === 'r' ? v.split(':') : [v]) {
      if (piece === '') continue;
      const arg: Arg = { text: piece, dynamic: false, glob: false };
      if (writes) {
        const problem = writeProblem(arg, ctx.cwd, ctx.ws);
        if (problem)
          return {
            decision: 'ask',
            reason: `\`${ctx.label} ${opt}\` passes \`-${name}\`, which writes ${problem}; write inside the workspace (or /tmp)`,
          };
      } else {
        const f = valueFinding(ctx, spec, `${opt} -${name}`, 'script', arg);
        if (f) return f;
      }
    }
  }
  return null;
}

/**
 * Whether an interpreter's script or test path (operand kind `script`) is to be checked: a path
 * that names a place by itself (absolute, `~`, `$HOME`, a value only known when it runs) or
 * climbs with `..`. A plain relative path is the project's own file, wherever a `cd` led (an
 * agent's checkout is not always where the run's workspace says: `cd /testbed && python -m
 * pytest tests/` in a run whose workspace is /workspace).
 */
function namesOutside(a: Arg): boolean {
  if (a.dynamic) {
    if (a.inside) return false;
    // A value of known shape (`for f in src/*.py; do python $f`): each shape is judged.
    if (!a.pattern || a.pattern.length > 4096) return true;
    return a.pattern.split(SHAPE_ALT).some((shape) => shape.startsWith('**') || namesPlace(shape));
  }
  return namesPlace(a.text) && !imageScript(a.text);
}

/**
 * A relative script after a `cd` to a directory outside the workspace and the scratch dirs
 * (`cd /srv/app && python manage.py migrate`, `cd ~ && node x.js`): that directory's code, as
 * `python /srv/app/manage.py` is. The image's toolchains (/usr, /opt) are not outside code.
 */
function relativeOutside(a: Arg, ctx: Ctx): boolean {
  if (a.dynamic || !ctx.cwd || namesPlace(a.text)) return false;
  return ctx.cwd.some((c) => {
    const p = resolvePath(a.text, c, ctx.ws.home);
    return !isInside(p, ctx.ws) && !imageScript(p);
  });
}

/**
 * The entries of a value that is a list of places separated by `:` (Ruby's `-I lib:spec`, a class
 * path, a search path): each entry, or the value itself when it is a URL, dynamic or has no colon.
 */
function listEntries(a: Arg): Arg[] {
  if (a.dynamic || !a.text.includes(':') || /^[A-Za-z][\w+.-]*:\/\//.test(a.text)) return [a];
  return a.text
    .split(':')
    .filter((t) => t !== '')
    .map((t) => ({ ...a, text: t }));
}

function namesPlace(t: string): boolean {
  return t.startsWith('/') || t.startsWith('~') || t.startsWith('$') || climbs(t);
}

/**
 * A script of the image's own toolchains (`python /opt/conda/bin/x.py`): nothing the policy allows
 * writes there. Judged on the normalised path, so a path that climbs out (`/opt/../root/x.py`,
 * `/usr/lib/../../srv/x`) is where it lands, and one that climbs within stays the image's
 * (`/opt/conda/bin/../lib/x.py`).
 */
function imageScript(path: string): boolean {
  if (!path.startsWith('/') || path.length > 4096) return false;
  return IMAGE_DIR.test(posix.normalize(path));
}
const IMAGE_DIR = /^\/(usr|opt)(\/|$)/;

export function readProblem(path: string, cwd: string[] | null, ws: Workspace): string | null {
  if (path === '/dev/stdin' || path === '-') return null;
  const relative = !path.startsWith('/') && !path.startsWith('~');
  if (relative && cwd === null) return 'a relative path after a `cd` to a directory only known when it runs';
  for (const base of relative ? cwd! : [ws.workspace]) {
    const p = resolvePath(path, base, ws.home);
    if (!isInside(p, ws)) return `\`${p}\`, outside the workspace`;
  }
  return null;
}

/**
 * A setting whose value is the program's own options (the spec's `option_settings`: pytest's
 * `-o addopts=…`): decided as the program's command line with those words, so `-o addopts=` and
 * `-o addopts="-p no:cacheprovider -q"` pass and `-o addopts="--basetemp=/root/x"` is refused as
 * `--basetemp=/root/x` is. Undefined when `key` is not such a setting.
 */
function optionSettingFinding(
  ctx: Ctx,
  spec: ProgramSpec,
  what: string,
  key: string,
  text: string,
): SpecFinding | null | undefined {
  let root: ProgramSpec = spec;
  let own = false;
  for (let sp: ProgramSpec | null = spec; sp; sp = sp.parent) {
    if (sp.optionSettings.includes(key)) own = true;
    root = sp;
  }
  if (!own) return undefined;
  // The program splits the value as a shell would (pytest: shlex); quotes, escapes and
  // expansions inside it are not followed here.
  if (/['"\\$`]/.test(text))
    return {
      decision: 'ask',
      reason: `${what} sets \`${key}\` to options with quotes or expansions in them, which are not read; give the options themselves on the command line`,
    };
  const args: Arg[] = text
    .split(/\s+/)
    .filter((w) => w !== '')
    .map((w) => ({ text: w, dynamic: false, glob: false }));
  if (args.length === 0) return null;
  const part: CommandPart = { ...ctx.part, text: `${ctx.part.name} ${text}`, args };
  const found = checkInvocation(root, part, ctx.ws, ctx.specs, ctx.patterns, ctx.out);
  return found && { decision: found.decision, reason: `${what} sets \`${key}\`: ${found.reason}` };
}

/** A word read as a response file (`@FILE`, `@$F`), or a glob that may expand to one (`*.c`). */
function responseFileWord(a: Arg): boolean {
  const t = a.dynamic ? a.text.replace(/^["']/, '') : a.text;
  return (t.startsWith('@') && t.length > 1) || (a.glob && /^[*?[]/.test(t));
}

function clipWord(t: string): string {
  return t.length > 60 ? `${t.slice(0, 57)}…` : t;
}

/**
 * Whether `word`, given to a program of this spec (one with no subcommands), is an option whose
 * value names nothing (effect `value`: `curl -H`, `--data`), by its exact name, an alias or an
 * abbreviation the program takes.
 */
export function namesNothingOption(spec: ProgramSpec, word: string): boolean {
  if (spec.subcommands !== null) return false;
  const hit = lookup(spec, word);
  return hit !== null && hit !== 'ambiguous' && hit.effect === 'value';
}

/** The longest value-taking single-dash option that starts the word (`-Dx=1` is `-D` with `x=1`). */
function attachedOption(spec: ProgramSpec, word: string): { name: string; effect: Effect } | null {
  let best: { name: string; effect: Effect } | null = null;
  for (let s: ProgramSpec | null = spec; s; s = s.inherit ? s.parent : null)
    for (const [o, e] of s.options)
      if (
        takesValue(e) &&
        !o.startsWith('--') &&
        word.startsWith(o) &&
        (!best || o.length > best.name.length)
      )
        best = { name: o, effect: e };
  return best;
}

/** `python -m mod`: only modules that run tests, linters or builds; inline code is read elsewhere. */
function codeFinding(
  ctx: Ctx,
  spec: ProgramSpec,
  opt: string,
  effect: Effect,
  value: Arg | undefined,
  rest: Arg[],
): SpecFinding | null {
  if (effect === 'code') {
    // Code that was read is decided as its calls (parts of their own); code that was not read
    // is a finding here too, so no spelling of the options before it can slip it past the rules.
    if (ctx.part.code === 'read') return null;
    return {
      decision: 'ask',
      reason: `\`${ctx.label} ${opt}\` runs code that was not read${ctx.part.codeIssue ? ` (it uses ${ctx.part.codeIssue})` : ' (only known when it runs, or given after options this policy does not follow)'}; write the code to a workspace file and run that, or use literal calls`,
    };
  }
  if (!value || value.dynamic)
    return { decision: 'ask', reason: `\`${ctx.label} ${opt}\` names a module only known when it runs` };
  // `cd /srv/app && python -m app`: the working directory is first on the module path, so a
  // module that directory holds is what runs, code from outside the project (as `python
  // /srv/app/app.py` is); the image's toolchains (/usr, /opt) are not.
  const away = ctx.cwd?.find(
    (c) => !isInside(c, ctx.ws) && !ctx.ws.scratch.includes(c) && !imageScript(`${c}/`),
  );
  if (away !== undefined)
    return {
      decision: 'ask',
      reason: `\`${ctx.label} ${opt} ${clipWord(value.text)}\` runs in \`${clipWord(away)}\`, outside the workspace, where a module of that name is found first (code from outside the project); cd back into the workspace`,
    };
  // `python -m pip install …` is `pip install …`: the module's own program spec decides.
  const program = ctx.specs.get(value.text);
  if (program && program !== spec && !program.rest)
    return checkInvocation(
      program,
      { ...ctx.part, name: value.text, args: rest },
      ctx.ws,
      ctx.specs,
      undefined,
      ctx.out,
    );
  // A module with a spec of its own (`python -m venv .venv`): its options and operands decide.
  for (let s: ProgramSpec | null = spec; s; s = s.parent) {
    const mod = s.modules?.get(value.text);
    if (mod)
      return checkInvocation(
        mod,
        { ...ctx.part, name: mod.name, args: rest },
        ctx.ws,
        ctx.specs,
        undefined,
        ctx.out,
      );
  }
  let modules: Set<string> | null = null;
  for (let s: ProgramSpec | null = spec; s && !modules; s = s.parent)
    if (s.modulesAsk.size) modules = s.modulesAsk;
  if (!modules?.has(value.text)) return null;
  return {
    decision: 'ask',
    reason: `\`${ctx.label} ${opt} ${clipWord(value.text)}\` runs code given as arguments, extracts archives, serves files or opens a prompt; run a workspace script, pytest or the project's own module instead`,
  };
}

/**
 * Whether `name` (a long option as typed, up to any `=`) is an option the program reads in full
 * where it stands: its own, or one of the subcommands its leading operands name. A parser takes an
 * exact name before any abbreviation (getopt_long, optparse, argparse), so such a word is never a
 * prefix of a longer option: `pip install --pre` is not `--prefix`.
 */
export function isFullOption(spec: ProgramSpec, operands: readonly Arg[], name: string): boolean {
  let s = spec;
  if (lookupExact(s, name)) return true;
  for (const o of operands) {
    if (!s.subcommands || o.dynamic) break;
    const next = s.subcommands.get(o.text) ?? s.subcommands.get(s.aliases.get(o.text) ?? '\0');
    if (!next) break;
    s = next;
    if (lookupExact(s, name)) return true;
  }
  return false;
}

/**
 * An MSBuild switch or System.CommandLine option of a `msbuild_switches` spec as its listed
 * spelling: `-p:A=B`, `/p:A=B`, `-P=A=B` are `-pA=B` (one letter: the value attached, read as a
 * cluster's), `-property:A=B`, `--property:A=B`, `/property:A=B` are `--property=A=B`, `-bl` is
 * `--bl`, `-BL:x.binlog` is `--bl=x.binlog` (names without case). A word starting with `/` is a
 * switch only when its name is listed (`/usr/x.csproj` is a path); null when the word is not one.
 */
function msbuildSwitch(spec: ProgramSpec, t: string): string | null {
  const m = /^(--?|\/)([A-Za-z][A-Za-z0-9-]*)(?:([:=])([\s\S]*))?$/.exec(t);
  if (!m) return null;
  const [, dash, raw, sep, rest] = m;
  if (dash === '/' && raw!.includes('-')) return null;
  const name = raw!.toLowerCase();
  const canon = name.length === 1 ? `-${name}` : `--${name}`;
  if (dash === '/' && !lookupExact(spec, canon)) return null;
  if (sep === undefined) return canon;
  return name.length === 1 ? `${canon}${rest}` : `${canon}=${rest}`;
}

/**
 * A Nim switch of a `nim_switches` spec as its listed spelling: `--outDir:x`, `--out_dir=x` and
 * `--OUTDIR:x` are `--outdir=x` (Nim's `normalize`: lower case, underscores dropped), `-d:release`
 * is `-drelease` (one letter: the value attached, read as a cluster's), `--warning[X]:off` is
 * `--warning=off`; null when the word is not one (an operand, `--`).
 */
function nimSwitch(t: string): string | null {
  const m = /^(--?)([A-Za-z][\w.]*)(?:\[[^\]]*\])?(?:([:=])([\s\S]*))?$/.exec(t);
  if (!m) return null;
  const [, , raw, sep, rest] = m;
  const name = raw!.toLowerCase().replace(/_/g, '');
  const canon = name.length === 1 ? `-${name}` : `--${name}`;
  if (sep === undefined) return canon;
  return name.length === 1 ? `${canon}${rest}` : `${canon}=${rest}`;
}

/**
 * A TypeScript option of a `ts_switches` spec as its listed spelling (`-outDir`, `--OUTDIR` are
 * `--outDir`; `-P` is `-p`): the name after one dash or two, compared without case with the
 * listed names after theirs; null when the word is not an option or names none listed.
 */
function tsSwitch(spec: ProgramSpec, t: string): string | null {
  const m = /^--?([A-Za-z][\w-]*)$/.exec(t);
  if (!m) return null;
  const want = m[1]!.toLowerCase();
  for (let sp: ProgramSpec | null = spec; sp; sp = sp.parent)
    for (const o of sp.options.keys()) if (o.replace(/^--?/, '').toLowerCase() === want) return o;
  return null;
}

/**
 * The properties of one MSBuild `-p` value: `A=1;B=2` (or `,`-separated) is `a=1` and `b=2`, each
 * key in lower case and quotes around a value removed; a `;` or `,` not followed by `Key=` stays
 * in its value (`-p:NoWarn="CS1591;CS0618"`, `DefineConstants=A;B`).
 */
function msbuildProperties(text: string): string[] {
  return text.split(/[;,](?=\s*[A-Za-z_][\w.-]*\s*=)/).map((p) => {
    const eq = p.indexOf('=');
    if (eq < 0) return p.trim().toLowerCase();
    const v = p.slice(eq + 1).trim();
    const unq = v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : v;
    return `${p.slice(0, eq).trim().toLowerCase()}=${unq}`;
  });
}

function lookupExact(spec: ProgramSpec, name: string): boolean {
  for (let s: ProgramSpec | null = spec; s; s = s.inherit ? s.parent : null)
    if (s.options.has(name)) return true;
  return false;
}

/**
 * An `optional-write` or `optional-recipe` option (`webpack --json[=FILE]`, `phpunit
 * --coverage-text[=FILE]`, `rollup --config[=FILE]`): its value is only ever attached, and then a
 * file written (`write`) or code run (`recipe`); alone it is a flag (a separate word after it is an
 * operand, decided as one).
 */
function optionalWrite<T extends { effect: Effect }>(
  hit: T | 'ambiguous' | null | undefined,
  attached: boolean,
) {
  if (!hit || hit === 'ambiguous') return hit;
  const effect = OPTIONAL_VALUE[hit.effect];
  if (!effect) return hit;
  if (!attached) return { ...hit, effect: 'flag' as const };
  return { ...hit, effect };
}

/** The effect of an optional option's value when one is attached (`--allow-write=dist` writes dist). */
const OPTIONAL_VALUE: Partial<Record<Effect, Effect>> = {
  'optional-write': 'write',
  'optional-recipe': 'recipe',
  'optional-read': 'read',
  'optional-host': 'host',
  'optional-script': 'script',
};

/** Whether a looked-up option's value is optional (given only attached). */
function optionalEffect(hit: { effect: Effect } | 'ambiguous' | null | undefined): boolean {
  return !!hit && hit !== 'ambiguous' && (hit.effect === 'optional' || !!OPTIONAL_VALUE[hit.effect]);
}

/** Every shape of a dynamic word's pattern starts with an option's dash and a literal name. */
function optionShaped(pattern: string): boolean {
  if (pattern.length > 4096) return false;
  return pattern.split(SHAPE_ALT).every((p) => /^-/.test(p));
}

/** Effects of an option that read or print only (no program run, code loaded, file written, host reached). */
const HARMLESS_EFFECTS = new Set<Effect>([
  'flag',
  'value',
  'optional',
  'pattern',
  'read',
  'optional-read',
  'stdout',
  'choice',
  'suffix',
  'mode',
]);
const RISKY = new WeakMap<ProgramSpec, boolean>();
/** Whether the spec (or a subcommand's parents) lists an option that runs, loads, writes or reaches a host. */
function riskyOptions(spec: ProgramSpec): boolean {
  let r = RISKY.get(spec);
  if (r === undefined) {
    r = false;
    for (let s: ProgramSpec | null = spec; s && !r; s = s.inherit ? s.parent : null)
      for (const e of s.options.values()) if (!HARMLESS_EFFECTS.has(e)) r = true;
    RISKY.set(spec, r);
  }
  return r;
}

function takesValue(e: Effect): boolean {
  if (
    e === 'inplace' ||
    e === 'stdout' ||
    e === 'end' ||
    e === 'create' ||
    e === 'extract' ||
    e === 'exec' ||
    e === 'mode'
  )
    return false;
  // 'optional' values are only ever attached (`--in-place=.bak`, `-i.bak`), 'optional-write' ones too.
  return e !== 'flag' && e !== 'ask-flag' && e !== 'deny-flag' && e !== 'env-flag' && !OPTIONAL_VALUE[e];
}

/**
 * The canonical name of the subcommand a word names as the program resolves it (an alias, a
 * unique prefix where the program takes them, the same without case where it does): `npm exe` is
 * `exec`, `composer EXEC` is `exec`. Null when it names none, or several.
 */
export function subcommandName(spec: ProgramSpec, word: string): string | null {
  if (!spec.subcommands) return null;
  const r = resolveSub(spec, word);
  if (!r || r === 'ambiguous') return null;
  for (const [n, s] of spec.subcommands) if (s === r) return n;
  return null;
}

function resolveSub(spec: ProgramSpec, typed: string): ProgramSpec | 'ambiguous' | null {
  const subs = spec.subcommands!;
  const direct = subs.get(typed) ?? subs.get(spec.aliases.get(typed) ?? '\0');
  if (direct) return direct;
  // (a program that also finds its commands without regard to case, as Symfony Console does after
  // the exact name: `composer GLOBAL require x` is `composer global require x`, never a script)
  // (Nim and Nimble compare commands as their switches, with Nim's `normalize`: `nimble Pub_lish`
  // is `publish`)
  const folds = spec.subFoldCase || spec.nim;
  const fold = (n: string) => (spec.nim ? n.toLowerCase().replace(/_/g, '') : folds ? n.toLowerCase() : n);
  const word = fold(typed);
  if (folds) {
    const folded = [...subs].find(([n]) => fold(n) === word)?.[1];
    const alias = [...spec.aliases].find(([a]) => fold(a) === word)?.[1];
    if (folded ?? alias) return folded ?? subs.get(alias!)!;
  }
  if (!spec.subAbbrev) return spec.scriptSub && SCRIPT_NAME.test(typed) ? subs.get(spec.scriptSub)! : null;
  const hits = new Set<ProgramSpec>();
  for (const [n, s] of subs) if (fold(n).startsWith(word)) hits.add(s);
  for (const [alias, n] of spec.aliases) if (fold(alias).startsWith(word)) hits.add(subs.get(n)!);
  if (hits.size === 1) return [...hits][0]!;
  if (hits.size > 1) return 'ambiguous';
  return spec.scriptSub && SCRIPT_NAME.test(typed) ? subs.get(spec.scriptSub)! : null;
}

/** A package.json script's name as agents type it (`test:unit`, `lint-fix`, `build.prod`); never a path. */
const SCRIPT_NAME = /^[A-Za-z0-9_@][\w:.@+-]*$/;

/** One option as its program reads it: `-uc CODE` is `-u` and `-c` with the value `CODE`. */
export interface OptionUse {
  /** The option's name (`-c`, `--require`; as written when the spec does not know it). */
  name: string;
  /** Its effect in the spec; null when the spec does not know it (or it is ambiguous). */
  effect: Effect | null;
  /** Its value (attached or the next word), for options that take one. */
  value?: Arg;
  /** The value is a word of its own (`-W ignore`), not attached (`-Wignore`, `--title=t`). */
  separate?: boolean;
}

/**
 * The options before a program's first operand (its subcommand or script), read with the
 * spec's arity: a value-taking option (`node --require X`, `python -W ignore`, `-Xdev`)
 * takes its value, short options cluster (`python3 -uc CODE`), long ones resolve from a
 * unique prefix. Reading stops after an option that runs code or a module (`-c`, `-e`,
 * `-m`: what follows is theirs), at `--`, at a dynamic word and at the first operand.
 * `end` is the index of the first word not read. An option the spec does not know takes a
 * value only when `valueOptions` lists it (the rules' list for programs without a spec).
 */
export function leadingOptions(
  spec: ProgramSpec,
  args: readonly Arg[],
  valueOptions: readonly string[] = [],
): { options: OptionUse[]; end: number } {
  const options: OptionUse[] = [];
  let i = 0;
  while (i < args.length) {
    const a = args[i]!;
    const t = a.text;
    if (a.dynamic || !t.startsWith('-') || t === '-') break;
    i++;
    if (t === '--') break;
    const eq = t.indexOf('=');
    const whole = eq > 0 ? t.slice(0, eq) : t;
    if (t.startsWith('--') || (spec.singleDashLong && t.length > 2) || lookupExact(spec, whole)) {
      const hit = optionalWrite(lookup(spec, whole), eq > 0);
      const known = hit && hit !== 'ambiguous' ? hit : null;
      let value: Arg | undefined;
      let separate = false;
      if (eq > 0) value = { ...a, text: t.slice(eq + 1) };
      else if (known ? takesValue(known.effect) && known.effect !== 'optional' : valueOptions.includes(t)) {
        value = args[i++];
        separate = value !== undefined;
      }
      options.push({ name: known?.name ?? whole, effect: known?.effect ?? null, value, separate });
      if (known?.effect === 'code' || known?.effect === 'module') break;
      continue;
    }
    // A cluster: `-uc`, `-Wignore`, `-n5`. An unknown letter ends what can be read of it: the
    // rest stays one word (`-Zc` may still be `-c` to a rule looking for it).
    let stop = false;
    const seen = new Set<string>(); // `-vvv…` (or 100,000 of them) is one option
    for (let j = 1; j < t.length; j++) {
      if (seen.has(t[j]!)) continue;
      const o = `-${t[j]}`;
      const eqs = spec.requireEquals && optionalEffect(lookup(spec, o));
      if (eqs) {
        // (clap's require_equals: `-RWN` is three flags, `-R=/etc` takes the rest after `=`)
        const attached = t[j + 1] === '=';
        const hit = optionalWrite(lookup(spec, o), attached) as { name: string; effect: Effect };
        options.push({
          name: o,
          effect: hit.effect,
          ...(attached ? { value: { ...a, text: t.slice(j + 2) } } : {}),
        });
        if (attached) break;
        seen.add(t[j]!);
        continue;
      }
      const hit = optionalWrite(lookup(spec, o), j + 1 < t.length);
      if (!hit || hit === 'ambiguous') {
        const rest = j === 1 ? t : `-${t.slice(j)}`;
        const value = valueOptions.includes(rest) ? args[i++] : undefined;
        options.push({ name: rest, effect: null, value, separate: value !== undefined });
        break;
      }
      if (hit.effect === 'optional') {
        options.push({
          name: o,
          effect: hit.effect,
          value: j + 1 < t.length ? { ...a, text: t.slice(j + 1) } : undefined,
        });
        break;
      }
      if (takesValue(hit.effect)) {
        const separate = j + 1 === t.length;
        const value = separate ? args[i++] : { ...a, text: t.slice(j + 1) };
        options.push({ name: o, effect: hit.effect, value, separate: separate && value !== undefined });
        stop = hit.effect === 'code' || hit.effect === 'module';
        break;
      }
      options.push({ name: o, effect: hit.effect });
      seen.add(t[j]!);
    }
    if (stop) break;
  }
  return { options, end: Math.min(i, args.length) };
}
