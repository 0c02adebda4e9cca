import { climbs, resolvePath, isStrictlyInside } from './glob.js';
import { asChild, clip, structure, valueCwd, type Stdin, type Walk } from './walk.js';
import type { Arg } from './types.js';
import { PWD_SPELLING } from './words.js';
import { findNameFilter } from './streams.js';
import { leadingOptions, subcommandName, type ProgramSpec, type WrapperSpec } from './programs.js';
import { commandRunners } from './program-file.js';
import { walkDebugger } from './debuggers.js';

/** Paths that are a process's standard input. */
const STDIN_FILES = /^(-|\/dev\/stdin|\/dev\/fd\/0|\/proc\/(self|\d+)\/fd\/0)$/;

function literal(arg: Arg | undefined): string | null {
  return arg && !arg.dynamic ? arg.text : null;
}

function isOption(arg: Arg): boolean {
  return !arg.dynamic && arg.text.startsWith('-') && arg.text !== '-';
}

/** Skips options (and the values of `valueOptions`); returns the index of the first operand. */
/**
 * The command text of npm exec's `--call` (npx's `-c`): given as `-c TEXT`, `--call TEXT`,
 * `--call=TEXT` or by npm's unique-prefix abbreviation `--cal` (`--ca` is the `ca` setting), and
 * only among npm's own options, which may come anywhere before the command it runs: after
 * `operands` operands (npm's subcommand) the next one is that command, and the options after it
 * are the command's own (`npx eslint -c .eslintrc.js src` is eslint's config file, not a call).
 */
function npmCall(args: Arg[], operands: number, valueOptions: string[]): Arg | null {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.dynamic || a.text === '--') return null;
    const t = a.text;
    if (t === '-c' || t === '--call' || t === '--cal') return args[i + 1] ?? null;
    const eq = /^--call?=/.exec(t);
    if (eq) return { ...a, text: t.slice(eq[0].length) };
    if (!isOption(a)) {
      if (operands-- <= 0) return null;
    } else if (valueOptions.includes(t)) i++;
  }
  return null;
}

/**
 * The shell text of a `-c`/`--command` option (script, su, runuser, flock) in every spelling
 * getopt_long takes: `-c TEXT`, `-cTEXT`, in a cluster of flags (`-qc TEXT`, `-xcTEXT`: letters
 * in `valueLetters` take the rest of the cluster or the next word as their own value),
 * `--command TEXT`, `--command=TEXT` and a prefix of `--command` (`--comm`). Read after
 * operands too, as getopt_long permutes (`script log -c TEXT`), up to `operands` of them (flock:
 * its lock file). Null when there is none.
 */
function commandOption(
  args: Arg[],
  valueLetters: string,
  valueLongs: string[],
  operands = Infinity,
): Arg | null {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const t = a.text;
    if (!a.dynamic && t === '--') return null;
    if (a.dynamic || !t.startsWith('-') || t === '-') {
      if (operands-- <= 0) return null;
      continue;
    }
    const long = /^--(com(?:m(?:a(?:n(?:d)?)?)?)?)(=|$)/.exec(t);
    if (long) return long[2] ? { ...a, text: t.slice(long[0].length) } : (args[i + 1] ?? null);
    if (valueLongs.includes(t)) {
      i++;
      continue;
    }
    if (!/^-[A-Za-z]/.test(t)) continue;
    for (let k = 1; k < t.length; k++) {
      const ch = t[k]!;
      if (ch === 'c') return k + 1 < t.length ? { ...a, text: t.slice(k + 1) } : (args[i + 1] ?? null);
      if (valueLetters.includes(ch)) {
        if (k + 1 === t.length) i++;
        break;
      }
    }
  }
  return null;
}

/**
 * Whether the wrapper's own options, before the command it runs, include one after which nothing
 * runs (`command -v rm`, `command -pv rm`, `sudo -l`, `taskset -p PID`). The same word among the
 * command's own arguments is that command's (`command rm -v -rf ~` runs rm; it was read as
 * `command -v` and left undecided until helper streams' stream 14, 4 Dec).
 */
function runsNothing(args: Arg[], spec: WrapperSpec): boolean {
  const noRun = spec.noRun;
  if (!noRun) return false;
  return args.slice(0, skipOptions(args, spec.valueOptions)).some((a) => {
    if (a.dynamic) return false;
    if (noRun.includes(a.text.split('=', 1)[0]!)) return true;
    // a cluster of short options: a letter that runs nothing, before any letter taking a value
    if (!/^-[A-Za-z]{2,}$/.test(a.text)) return false;
    for (const ch of a.text.slice(1)) {
      if (noRun.includes(`-${ch}`)) return true;
      if (spec.valueOptions.includes(`-${ch}`)) return false;
    }
    return false;
  });
}

/**
 * Where a runner's own options end from `from`: read with the program's spec when it has one
 * (`read_with_spec`: which options take a value is the spec's), else by `skipOptions`.
 */
function optionsEnd(spec: ProgramSpec | undefined, args: Arg[], valueOptions: string[], from = 0): number {
  return spec
    ? from + leadingOptions(spec, args.slice(from), valueOptions).end
    : skipOptions(args, valueOptions, from);
}

function skipOptions(args: Arg[], valueOptions: string[], from = 0): number {
  let i = from;
  while (i < args.length) {
    const a = args[i]!;
    if (a.dynamic) return i;
    if (a.text === '--') return i + 1;
    if (!isOption(a)) return i;
    const name = a.text.split('=', 1)[0]!;
    if (valueOptions.includes(name) && !a.text.includes('=')) i += 2;
    else i += 1;
  }
  return i;
}

/**
 * `python [options] -m MODULE args…` for a module the spec maps to a program (programs.yaml
 * `module_programs:`, its console script): `[program, args…]`; else null. python's options are
 * read with its spec, so a script, `-c CODE` or `-` before any `-m` runs no module.
 */
function moduleProgram(spec: ProgramSpec, args: Arg[]): Arg[] | null {
  const { options, end } = leadingOptions(spec, args);
  const last = options[options.length - 1];
  if (last?.effect !== 'module' || !last.value || last.value.dynamic) return null;
  const program = spec.modulePrograms?.get(last.value.text);
  return program ? [{ ...last.value, text: program }, ...args.slice(end)] : null;
}

/**
 * `python [options] SCRIPT args…` for a script whose file name the spec maps to a program
 * (programs.yaml `script_programs:`: `python manage.py migrate` is `manage.py migrate`, Django's
 * command line): `[program, args…]`; else null. `-c CODE`, `-m MODULE` and `-` run no script.
 */
function scriptProgram(spec: ProgramSpec, args: Arg[]): Arg[] | null {
  const { options, end } = leadingOptions(spec, args);
  if (options.some((o) => o.effect === 'code' || o.effect === 'module')) return null;
  const script = args[end];
  if (!script || script.dynamic || script.glob) return null;
  const program = spec.scriptPrograms?.get(script.text.slice(script.text.lastIndexOf('/') + 1));
  return program ? [{ ...script, text: program }, ...args.slice(end + 1)] : null;
}

/** tmux's keys that submit the line typed so far (tmux(1), KEY BINDINGS: `C-m` is Enter). */
const TMUX_SUBMIT = /^(?:Enter|C-m|\^M|KPEnter|C-j)$/i;
/** Keys after which the pane's line is empty: interrupt (C-c) and erase the line (C-u). */
const TMUX_CLEAR = /^(?:C-c|C-u|\^C|\^U)$/i;
/** tmux's other key names (tmux(1), KEY BINDINGS), which it sends as keys, not as their letters. */
const TMUX_KEY =
  /^(?:(?:[CMS]-|\^)+.+|Escape|Tab|BTab|BSpace|Space|Up|Down|Left|Right|Home|End|IC|DC|Insert|Delete|NPage|PPage|PageUp|PageDown|PgUp|PgDn|F[0-9]{1,2}|KP.+)$/i;
/** Every directory the walk may be in is the workspace or inside it, and none is unknown. */
function inWorkspace(walk: Walk): boolean {
  const ws = walk.ws.workspace;
  return walk.cwd !== null && walk.cwd.every((d) => d === ws || isStrictlyInside(d, ws));
}

/** A tmux step this reading does not follow: a command no rule covers (asks), naming the step. */
function tmuxAsk(walk: Walk, what: string, via: string[]): void {
  walk.runArgv(walk, `tmux ${what}`, [], `tmux ${what}`, { kind: 'none' }, via);
}

/**
 * `tmux [options] COMMAND [flags] [args]` (policies/programs.yaml's tmux spec reads the options): the
 * shell-command a new session, window or pane starts (one word is shell text, as tmux hands it to
 * `sh -c`; several are the program and its arguments), and the keys `send-keys` types, read as the
 * command line they spell up to each Enter. Text with no Enter after it stays on the pane's line and
 * is completed by whatever is typed next, and a key such as Tab or Up changes the line before its
 * Enter: both ask. An argument ending in `;` ends a tmux command and starts another, which is not
 * read here: asks.
 */
function unwrapTmux(walk: Walk, args: Arg[], via: string[]): void {
  const spec = walk.code?.programs?.get('tmux');
  if (!spec?.subcommands) return tmuxAsk(walk, 'without its spec', via);
  if (args.some((a) => !a.dynamic && a.text.endsWith(';')))
    return tmuxAsk(walk, 'with several commands (`;`)', via);
  const g = leadingOptions(spec, args);
  const word = literal(args[g.end]);
  if (word === null) return;
  const sub = spec.subcommands.has(word) ? word : spec.aliases.get(word);
  const subSpec = sub === undefined ? undefined : spec.subcommands.get(sub);
  if (!subSpec || sub === undefined) return;
  const rest = args.slice(g.end + 1);
  const flagsEnd = leadingOptions(subSpec, rest).end;
  const operands = rest.slice(flagsEnd);
  // A new session starts where the tmux client runs (unless -c, which the spec holds to the
  // workspace): its typed lines are decided in the workspace, so one started elsewhere asks.
  if (
    sub === 'new-session' &&
    !inWorkspace(walk) &&
    !rest.slice(0, flagsEnd).some((o) => o.text.startsWith('-c'))
  )
    return tmuxAsk(walk, 'new-session (started outside the workspace)', via);
  if (sub === 'new-session' || sub === 'new-window' || sub === 'split-window') {
    if (operands.length === 1) runText(walk, operands, { kind: 'none' }, `tmux ${sub}`);
    else if (operands.length > 1) runInner(walk, operands, 0, { kind: 'none' }, via, `tmux ${sub}`);
    return;
  }
  if (sub !== 'send-keys') return;
  // `-l`: every key is literal text (no key names, so no Enter either).
  const literalKeys = rest.slice(0, flagsEnd).some((a) => !a.dynamic && /^-[A-Za-z]*l/.test(a.text));
  let line: Arg[] = [];
  let changed = false;
  for (const a of operands) {
    if (!a.dynamic && !literalKeys && TMUX_SUBMIT.test(a.text)) {
      if (changed && line.length > 0)
        return tmuxAsk(walk, 'send-keys (a key changes the line before Enter)', via);
      const dynamic = line.find((p) => p.dynamic);
      const text = line.map((p) => p.text).join('');
      // The pane's shell keeps its directory from one send-keys to the next: the line is decided
      // where the pane started (the workspace), and one that leaves the pane anywhere but the
      // workspace or inside it (`cd /`, `cd ~`, `cd $D`) asks, since the next line's relative paths
      // would be decided against the wrong place (a deeper directory only makes `..` climb less).
      let stays = true;
      asChild(walk, () => {
        walk.cwd = [walk.ws.workspace];
        walk.here = [walk.ws.workspace];
        walk.cwdLost = null;
        walk.fallback = [];
        if (dynamic) runText(walk, [dynamic], { kind: 'none' }, 'tmux send-keys');
        else if (text.trim() !== '') runText(walk, [{ ...a, text }], { kind: 'none' }, 'tmux send-keys');
        stays = inWorkspace(walk);
      });
      if (!stays) return tmuxAsk(walk, 'send-keys (leaves the pane outside the workspace)', via);
      line = [];
      changed = false;
      continue;
    }
    if (!a.dynamic && !literalKeys && TMUX_KEY.test(a.text)) {
      // C-c and C-u leave an empty line (interrupt, erase); any other key may recall, complete or
      // edit text (Up, Tab, Escape-then-`.`), so typed text on that line is not what it spells.
      if (TMUX_CLEAR.test(a.text)) line = [];
      else changed = true;
      continue;
    }
    line.push(a);
  }
  if (line.length > 0) tmuxAsk(walk, 'send-keys (text typed without Enter)', via);
}

/**
 * Whether `what` (a wrapper's name, or a runner's and its subcommand: `npm exec`) fetches the
 * package it runs from the index when it is not installed (programs.yaml `fetches_package`).
 */
function fetchesPackage(what: string): boolean {
  const space = what.indexOf(' ');
  const runners = commandRunners();
  if (space < 0) return runners.wrappers.get(what)?.fetchesPackage ?? false;
  return runners.runners.get(what.slice(0, space))?.fetchesPackage.includes(what.slice(space + 1)) ?? false;
}

/**
 * `name@VERSION` (`react-scripts@5`, `prisma@latest`, `@scope/cli@^1.2.0`): the package at a version
 * or dist-tag of the index, whose program is the package's own (`npx prisma@5 generate` runs prisma's
 * bin as `npx prisma generate` does). Not `x@github:u/r`, `x@file:../y`, `x@npm:y`, `x@u/r` or a URL:
 * a version holds no `:` and no `/` (the package check on the same word asks for those).
 */
const PACKAGE_AT_VERSION = /^((?:@[a-z0-9][\w.~-]*\/)?[a-z0-9][\w.~-]*)@[\w.^~<>=*|+-]+$/i;

/** The program whose spec lists npm package `pkg` among its `packages:`, if any (the first such spec). */
function packageProgram(walk: Walk, pkg: string): string | undefined {
  const programs = walk.code?.programs;
  if (!programs) return undefined;
  // Indexed once per loaded set of specs, not scanned for each `npx @scope/x`.
  let index = PACKAGE_INDEX.get(programs);
  if (!index) {
    index = new Map();
    for (const spec of programs.values())
      for (const p of spec.packages) if (!index.has(p)) index.set(p, spec.name);
    PACKAGE_INDEX.set(programs, index);
  }
  return index.get(pkg);
}

const PACKAGE_INDEX = new WeakMap<ReadonlyMap<string, ProgramSpec>, Map<string, string>>();

const SCOPED_PACKAGE = /^@[a-z0-9][\w.~-]*\/([a-z0-9][\w.~-]*)$/i;

function runInner(walk: Walk, args: Arg[], at: number, stdin: Stdin, via: string[], what: string): void {
  const inner = args[at];
  if (!inner) return;
  let word = literal(inner);
  if (word !== null && fetchesPackage(what)) {
    word = PACKAGE_AT_VERSION.exec(word)?.[1] ?? word;
    // `@scope/name` is a package of the index, not the workspace's file `./@scope/name`: its
    // program is the one whose spec lists the package (`packages:`, `@tailwindcss/cli` runs
    // `tailwindcss`), else `name` (`npx @vscode/vsce publish` is `vsce publish`).
    const scoped = SCOPED_PACKAGE.exec(word);
    if (scoped) word = packageProgram(walk, word) ?? scoped[1]!;
  }
  if (word === null || inner.glob || word === '') {
    structure(
      walk,
      inner.text,
      'shell:dynamic-command-name',
      `the command run by \`${what}\` (\`${clip(inner.text, 40)}\`) is not a literal word, so it is denied`,
    );
    return;
  }
  const rest = args.slice(at + 1);
  walk.runArgv(walk, word, rest, [word, ...rest.map((a) => a.text)].join(' '), stdin, via);
}

/**
 * `pnpm NAME args…`, `yarn NAME args…`, `bun NAME args…` where NAME is none of the manager's
 * commands: the project's script NAME if package.json has one, else the program NAME its
 * dependencies installed in node_modules/.bin. The script is decided by the manager's spec (its
 * `script_subcommand`, rule publish-packages for `deploy`/`release` names); the program is
 * decided here as `NAME args…` would be, so `pnpm vercel deploy --prod`, `yarn changeset
 * publish` and `bun firebase deploy` are refused as `vercel deploy --prod` is (they were allowed
 * as scripts). A NAME no rule covers is the project's (engine.ts, rule project-script).
 */
function runScriptOrBin(
  walk: Walk,
  name: string,
  args: Arg[],
  at: number,
  stdin: Stdin,
  via: string[],
): void {
  const word = literal(args[at]);
  if (word === null || !SCRIPT_BIN.test(word)) return;
  // One of its own commands (`pnpm install`, `yarn test`, `pnpm run x`): the spec's; a name its
  // spec takes for a script (`script_subcommand`) is the script or the program.
  const spec = walk.code?.programs?.get(name);
  const own = spec ? subcommandName(spec, word) : null;
  if (own !== null && (own !== spec!.scriptSub || word === own || spec!.aliases.get(word) === own)) return;
  // A program whose spec has commands, given a file where its command goes, is not what runs: the
  // program would refuse it, so the words are the script's (`yarn perf my.js` is Prettier's
  // script, not Linux perf). A plain word that is none of the commands its spec lists may still be
  // one it does not know to be safe (`pnpm prisma migrate reset`), so that is decided as the program.
  const bin = walk.code?.programs?.get(word);
  if (bin?.subcommands && !bin.operandsOrSub) {
    const first = literal(args[optionsEnd(bin, args, [], at + 1)]);
    if (first !== null && /[./]/.test(first) && subcommandName(bin, first) === null) return;
  }
  const from = walk.parts.length;
  runInner(walk, args, at, stdin, via, `${name} ${word}`);
  for (let i = from; i < walk.parts.length; i++) {
    const p = walk.parts[i]!;
    if (p.kind === 'command' && p.name === word) p.scriptOrBin = true;
  }
}

/** A script's or a dependency program's name: no path, no option. */
const SCRIPT_BIN = /^[A-Za-z0-9_@][A-Za-z0-9_.@-]{0,99}$/;

/** Re-parses text a command will hand to a shell (`bash -c`, `eval`, `su -c`, `watch`, `env -S`). */
function runText(walk: Walk, parts: Arg[], stdin: Stdin, what: string): void {
  const dynamic = parts.find((p) => p.dynamic);
  if (dynamic) {
    structure(
      walk,
      dynamic.text,
      'shell:dynamic-script',
      `\`${what}\` runs text that is only known when it runs (\`${clip(dynamic.text, 40)}\`), so it cannot be checked and is denied`,
    );
    return;
  }
  walk.walkScript(walk, parts.map((p) => p.text).join(' '), stdin, `given to \`${what}\``);
}

/** A replacement string of parallel's: `{}`, `{.}`, `{/}`, `{//}`, `{/.}`, `{#}`, `{%}`. */
const PARALLEL_REPLACEMENT = /\{(\/\/|\/\.|\/|\.|#|%)?\}/g;

/**
 * GNU parallel: `parallel [options] COMMAND… ::: VALUES…` runs COMMAND (shell text) once per value,
 * with the value quoted in place of `{}` (and `{.}`, `{/}`, …) or appended; with no COMMAND each
 * value is itself a command line (`parallel ::: 'make a' 'make b'`), and with no `:::` the values
 * (or with no COMMAND, the command lines) come from stdin, `::::`/`-a` from files. Literal values
 * are decided as the commands they make; values only known when it runs make text that cannot be
 * checked; `--pipe` hands stdin to COMMAND, which is then decided as it is.
 */
function runParallel(walk: Walk, args: Arg[]): void {
  // (programs.yaml `wrappers: parallel`: its options that take a value, and those after which
  // its values, or where they go, are not followed here)
  const spec = commandRunners().wrappers.get('parallel');
  const at = skipOptions(args, spec?.valueOptions ?? []);
  const unread = (o: Arg) => !spec || spec.unreadOptions.includes(o.text.split('=', 1)[0]!);
  const seps = args.flatMap((a, i) => (!a.dynamic && /^::::?\+?$/.test(a.text) ? [i] : []));
  const end = seps[0] ?? args.length;
  const cmd = args.slice(at, end);
  const opts = args.slice(0, Math.min(at, end));
  const unknown: Arg = { text: '{}', dynamic: true, glob: false };
  if (cmd.length && opts.some((o) => !o.dynamic && /^--pipe(part)?$/.test(o.text)))
    return runText(walk, cmd, { kind: 'none' }, 'parallel');
  // The values of the `:::` groups; undefined when they come from stdin or a file, or are read in
  // a way not followed here.
  let values: Arg[] | undefined;
  if (seps.length === 1 && args[end]!.text === ':::' && !opts.some((o) => o.dynamic || unread(o)))
    values = args.slice(end + 1);
  if (!values) return runText(walk, [...cmd, unknown], { kind: 'none' }, 'parallel');
  for (const v of values) {
    if (v.dynamic || (v.glob && !cmd.length)) {
      runText(walk, [...cmd, v.dynamic ? v : { ...v, dynamic: true }], { kind: 'none' }, 'parallel');
      continue;
    }
    if (!cmd.length) {
      runText(walk, [v], { kind: 'none' }, 'parallel');
      continue;
    }
    const word = (s: string) => (v.glob || /^[\w.,:/@%+=~-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
    const base = v.text.replace(/.*\//, '');
    const noExt = (s: string) => s.replace(/\.[^./]*$/, '');
    const forms: Record<string, string> = {
      '': v.text,
      '.': noExt(v.text),
      '/': base,
      '//': v.text.includes('/') ? v.text.replace(/\/[^/]*$/, '') || '/' : '.',
      '/.': noExt(base),
      '#': '1',
      '%': '1',
    };
    let replaced = false;
    const words = cmd.map((c) =>
      c.dynamic
        ? c
        : {
            ...c,
            text: c.text.replace(PARALLEL_REPLACEMENT, (_m, f: string | undefined) => {
              replaced = true;
              return word(forms[f ?? '']!);
            }),
          },
    );
    runText(walk, replaced ? words : [...words, { ...v, text: word(v.text) }], { kind: 'none' }, 'parallel');
  }
}

/** Suffix of the key in `walk.written` of a file's other reading (a path never holds NUL). */
export const ALT = '\0alt';

/** An interpreter line naming a shell (`#!/bin/sh`, `#!/usr/bin/env bash`), or none: a file a shell runs as a script. */
const SHELL_SHEBANG = /^#!\s*(\S*\/)?(env\s+(-\S+\s+)*)?(ba|da|z|k|mk|a|pos|y|rba)?sh(\s|$)/;

/**
 * `bash x.sh`, `. ./x.sh`, `./x.sh` where this command line wrote x.sh with literal text
 * (`echo 'rm -rf ~' > x.sh`, `cat <<'EOF' > x.sh`): the script is that text, walked as the
 * commands it is (in a child shell unless `source`d, so its `cd` stays inside). `asProgram`: run
 * by its path, so only a file with no interpreter line or a shell's. A file written with text
 * only known when it runs is not in `walk.written`, and runs as any workspace script does.
 */
export function runWritten(walk: Walk, file: Arg, how: string, sourced = false, asProgram = false): void {
  if (file.dynamic || file.glob || walk.written.size === 0) return;
  const seen = new Set<string>();
  for (const c of walk.cwd ?? [walk.ws.workspace]) {
    const key = resolvePath(file.text, c, walk.ws.home);
    const text = walk.written.get(key);
    if (text === undefined || seen.has(text)) continue;
    seen.add(text);
    if (asProgram && text.startsWith('#!') && !SHELL_SHEBANG.test(text)) continue;
    const where = `in \`${clip(file.text, 40)}\`, which this command line wrote and \`${how}\` runs`;
    // `echo` without `-e` turns `\n` into a line break in some shells (dash), not in bash: the
    // other reading, when it differs, is kept beside the text (`ALT`) and walked too.
    const other = walk.written.get(`${key}${ALT}`);
    const run = () => {
      walk.walkScript(walk, text, { kind: 'none' }, where);
      if (other !== undefined) walk.walkScript(walk, other, { kind: 'none' }, where);
    };
    if (sourced) run();
    else asChild(walk, run);
  }
}

/** Text with echo -e's and printf's backslash escapes turned into the characters they name. */
export function backslashEscapes(text: string): string {
  return text.replace(/\\(0[0-7]{0,3}|x[0-9A-Fa-f]{1,2}|[abefnrtv\\'"])/g, (_, e: string) => {
    switch (e[0]) {
      case '0':
        return String.fromCharCode(parseInt(e.slice(1) || '0', 8));
      case 'x':
        return String.fromCharCode(parseInt(e.slice(1), 16));
      case 'a':
        return '\x07';
      case 'b':
        return '\b';
      case 'e':
        return '\x1b';
      case 'f':
        return '\f';
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case 'v':
        return '\v';
      default:
        return e;
    }
  });
}

function quoteArg(a: Arg): Arg {
  return a.dynamic ? a : { ...a, text: `'${a.text.replace(/'/g, `'\\''`)}'` };
}

export function unwrapCommand(walk: Walk, name: string, args: Arg[], stdin: Stdin, via: string[]): void {
  // (a shell, programs.yaml `interpreters:` `shell: true`; matched by its exact name)
  if (commandRunners().interpreters.get(name)?.shell) return unwrapShell(walk, name, args, stdin);
  const shellOptions = commandRunners().shellOptions.get(name);
  if (shellOptions) return runShellOptions(walk, name, args, shellOptions);
  // The program's spec (policies/programs.yaml), read by the cases below that have one.
  const programSpec = walk.code?.programs?.get(name);
  // gdb's and lldb's commands (`-ex CMD`, `-o CMD`) and the program they debug (src/policy/debuggers.ts)
  if (programSpec?.debuggerCommands)
    return walkDebugger(walk, name, programSpec, args, stdin, {
      argv: (words, what) => runInner(walk, words, 0, { kind: 'none' }, via, what),
      text: (text, what) => runText(walk, [{ text, dynamic: false, glob: false }], { kind: 'none' }, what),
    });
  switch (name) {
    case 'env':
      return unwrapEnv(walk, args, stdin, via);
    // `cross-env NODE_ENV=production rollup -c` (npm's portable env): its assignments, then the command.
    case 'cross-env':
      return unwrapEnv(walk, args, stdin, via, 'cross-env');
    case 'eval':
      if (args.length > 0) runText(walk, args, stdin, 'eval');
      return;
    case 'source':
    case '.': {
      // Like a shell given a script: a script that only exists when it runs (`source <(curl …)`) cannot be checked.
      const file = args[0];
      if (file && !file.dynamic && STDIN_FILES.test(file.text)) {
        if (stdin.kind === 'text')
          runText(walk, [{ text: stdin.text, dynamic: stdin.dynamic, glob: false }], { kind: 'none' }, name);
        else
          structure(
            walk,
            name,
            'shell:stdin-script',
            `\`${name}\` reads the commands it runs from standard input, so they cannot be checked`,
          );
        return;
      }
      if (file?.dynamic) {
        structure(
          walk,
          file.text,
          'shell:dynamic-script',
          `\`${name}\` runs a file only known when it runs (\`${clip(file.text, 40)}\`), so it cannot be checked`,
        );
      } else if (file) runWritten(walk, file, `${name} ${file.text}`, true);
      return;
    }
    case 'script': {
      const c = commandOption(args, 'ETIOBmt', [
        '--echo',
        '--log-in',
        '--log-out',
        '--log-io',
        '--log-timing',
        '--logging-format',
        '--output-limit',
      ]);
      if (c) runText(walk, [c], stdin, 'script -c');
      return;
    }
    case 'git': {
      // `git bisect run CMD…` runs CMD at every step.
      const sub = args.findIndex((a) => !a.dynamic && !a.text.startsWith('-'));
      if (args[sub]?.text === 'bisect' && args[sub + 1]?.text === 'run')
        runInner(walk, args, sub + 2, stdin, via, 'git bisect run');
      return;
    }
    case 'trap': {
      // `trap 'cmd' EXIT` runs cmd later: check it now.
      const first = args[0];
      if (first && !(!first.dynamic && /^(-[lp]?|)$/.test(first.text)) && args.length > 1)
        runText(walk, [first], { kind: 'none' }, 'trap');
      return;
    }
    case 'sudo':
      return unwrapSudo(walk, args, stdin, via);
    case 'tmux':
      return unwrapTmux(walk, args, via);
    case 'xargs':
      return unwrapXargs(walk, args, stdin, via);
    case 'find':
      return unwrapFind(walk, args, via);
    case 'fd':
    case 'fdfind':
      return unwrapFd(walk, args, via, programSpec);
    case 'su':
    case 'runuser': {
      const c = commandOption(args, 'gGuswC', [
        '--group',
        '--supp-group',
        '--user',
        '--shell',
        '--whitelist-environment',
        '--session-command',
      ]);
      if (c) runText(walk, [c], stdin, name);
      return;
    }
    case 'bun': {
      // `bun exec SCRIPT` runs SCRIPT with Bun's shell (bun(1), "bun exec"): its operands are a
      // command line, decided as that text (Bun's shell runs the same commands bash would).
      const sub = skipOptions(args, ['--cwd', '-c', '--config']);
      if (literal(args[sub]) === 'exec' && sub + 1 < args.length)
        return runText(
          walk,
          args.slice(sub + 1).map((a, i) => (i === 0 ? a : quoteArg(a))),
          { kind: 'none' },
          'bun exec',
        );
      break;
    }
    case 'watch': {
      // procps-ng watch(1): its options are read with its spec (programs.yaml; `-d` takes a value
      // only attached, so `watch -d CMD` runs CMD); the words after them are joined with blanks
      // and run with `sh -c` (`watch echo '$(id)'` runs id), or with `-x`/`--exec` run as they are.
      // Until helper specsW a list here took `-d`'s value from the next word, so `watch -d 'CMD'`
      // ran nothing the walk saw, and the words after the first were quoted.
      const { options, end } = programSpec ? leadingOptions(programSpec, args) : { options: [], end: 0 };
      if (end >= args.length) return;
      if (options.some((o) => o.name === '-x' || o.name === '--exec'))
        return runInner(walk, args, end, { kind: 'none' }, via, 'watch -x');
      runText(walk, args.slice(end), { kind: 'none' }, 'watch');
      return;
    }
    case 'hyperfine': {
      // Every operand is a command line hyperfine runs with `sh -c`, and so are the values of
      // its setup/prepare/conclude/cleanup options (its spec asks for --shell and parameters).
      const COMMANDS = ['-s', '--setup', '-p', '--prepare', '-c', '--cleanup', '--conclude'];
      const VALUES = new Set([
        ...COMMANDS,
        ...['-w', '--warmup', '-m', '--min-runs', '-M', '--max-runs', '-r', '--runs', '-S', '--shell'],
        ...['--style', '--sort', '-u', '--time-unit', '-n', '--command-name', '--output', '--input'],
        ...['--export-json', '--export-csv', '--export-markdown', '--export-asciidoc', '--export-orgmode'],
      ]);
      for (let i = 0; i < args.length; i++) {
        const a = args[i]!;
        const eq = !a.dynamic && a.text.startsWith('--') ? a.text.indexOf('=') : -1;
        const opt = eq > 0 ? a.text.slice(0, eq) : a.text;
        if (!a.dynamic && a.text.startsWith('-') && a.text !== '-') {
          if (!VALUES.has(opt)) continue;
          const value = eq > 0 ? { ...a, text: a.text.slice(eq + 1) } : args[++i];
          if (value && COMMANDS.includes(opt)) runText(walk, [value], { kind: 'none' }, `hyperfine ${opt}`);
          continue;
        }
        runText(walk, [a], { kind: 'none' }, 'hyperfine');
      }
      return;
    }
    case 'cmake': {
      // `cmake -E TOOL args…`: the command the tool stands for, decided as that (CMake's manual,
      // "Run a Command-Line Tool"); a tool not mapped here is a command no rule covers (asks).
      const e = args.findIndex((a) => !a.dynamic && a.text === '-E');
      // `cmake --build DIR [options] -- ARGS…`: the build directory's native tool runs with ARGS
      // (cmake(1), "Build a Project"), Unix Makefiles' make by default, so they are decided as
      // `make ARGS…` there: `-- SHELL=/srv/sh` or `-- --eval=…` is the make line that runs them
      // (until held-out probe 34 these words were not read). Ninja's everyday words (`-j4`, `-k 0`,
      // `-v`) are make's too.
      const b = args.findIndex((a) => !a.dynamic && (a.text === '--build' || a.text.startsWith('--build=')));
      if (b !== -1 && (e === -1 || b < e)) {
        const dd = args.findIndex((a, i) => i > b && !a.dynamic && a.text === '--');
        if (dd === -1) return;
        const attached = args[b]!.text.startsWith('--build=');
        const dir = attached ? { ...args[b]!, text: args[b]!.text.slice('--build='.length) } : args[b + 1];
        asChild(walk, () => {
          if (dir && (attached || !dir.text.startsWith('-') || dir.dynamic))
            walk.cwd =
              !dir.dynamic && walk.cwd ? walk.cwd.map((c) => resolvePath(dir.text, c, walk.ws.home)) : null;
          const make = { ...args[dd]!, text: 'make' };
          runInner(walk, [make, ...args.slice(dd + 1)], 0, { kind: 'none' }, via, 'cmake --build --');
        });
        return;
      }
      if (e === -1) return;
      const tool = args[e + 1];
      const rest = args.slice(e + 2);
      const as = tool && !tool.dynamic ? commandRunners().cmakeTools.get(tool.text) : undefined;
      const head = tool ?? args[e]!;
      const words = as ?? [`cmake -E ${tool?.text ?? ''}`.trim()];
      runInner(walk, [...words.map((w) => ({ ...head, text: w })), ...rest], 0, stdin, via, 'cmake -E');
      return;
    }
    case 'gotestsum': {
      // `gotestsum [opts] -- [go test args]`: it runs `go test` with those words.
      const end = args.findIndex((a) => !a.dynamic && a.text === '--');
      const rest = end === -1 ? [] : args.slice(end + 1);
      const at = args[end === -1 ? 0 : end] ?? { text: 'go', dynamic: false, glob: false };
      runInner(walk, [{ ...at, text: 'go' }, { ...at, text: 'test' }, ...rest], 0, stdin, via, 'gotestsum');
      return;
    }
    case 'flock': {
      // `flock [options] FILE -c TEXT` or `flock [options] FILE COMMAND…`: past the lock file and
      // one more operand, a `-c` is the command's own (`flock /tmp/l gcc -c x.c`).
      const c = commandOption(args, 'wE', ['--timeout', '--wait', '--conflict-exit-code'], 1);
      if (c) return runText(walk, [c], stdin, 'flock -c');
      break;
    }
    case 'parallel': {
      // (`--workdir`/`--wd`: the directory the jobs run in, programs.yaml `cwd_options`)
      const spec = commandRunners().wrappers.get('parallel');
      if (!spec) return runParallel(walk, args);
      return asChild(walk, () => {
        wrapperSettings(walk, spec, args, skipOptions(args, spec.valueOptions), 'parallel');
        runParallel(walk, args);
      });
    }
    case 'entr': {
      // entr(1): `-s` evaluates the first operand with $SHELL (`entr -s 'make && ./a.out'`).
      const at = skipOptions(args, []);
      const flags = args.slice(0, at).filter((a) => !a.dynamic && /^-[a-z]+$/.test(a.text));
      if (args[at] && flags.some((f) => f.text.includes('s')))
        return runText(walk, [args[at]!], { kind: 'none' }, 'entr -s');
      break;
    }
  }
  if (name === 'yarn') {
    // `yarn workspace NAME cmd…` runs `yarn cmd…` in that workspace: decided as that command.
    const w = skipOptions(args, ['--cwd']);
    if (literal(args[w]) === 'workspace' && args[w + 1] && args[w + 2])
      return runInner(
        walk,
        [{ ...args[w]!, text: 'yarn' }, ...args.slice(w + 2)],
        0,
        stdin,
        via,
        'yarn workspace',
      );
  }
  const runner = commandRunners().runners.get(name);
  if (runner && runner.sub.some((w) => w.startsWith('-'))) {
    // A runner whose `sub` is an option (`elixir [opts] -S mix test` runs the script `mix` found on
    // PATH with the words after it): the command starts after that option among the leading ones.
    for (let i = 0; i < args.length;) {
      const a = args[i]!;
      if (a.dynamic || !isOption(a) || a.text === '--') return;
      if (runner.sub.includes(a.text)) return runInner(walk, args, i + 1, stdin, via, `${name} ${a.text}`);
      i += runner.valueOptions.includes(a.text) ? 2 : 1;
    }
    return;
  }
  if (runner) {
    // A runner with a spec (uv) is read with it: which of its options take a value is the spec's
    // (`uv --color never run CMD`, `uv run --index-strategy X CMD`), the list below is the fallback.
    const own = runner.readWithSpec ? programSpec : undefined;
    const sub = optionsEnd(own, args, runner.valueOptions);
    let subName = literal(args[sub]);
    let after = sub + 1;
    // The word as the program resolves it (`npm exe CMD` and `composer EXEC CMD` run CMD as
    // `exec` does: npm takes a unique prefix, composer also ignores case).
    const canonical = subName !== null && programSpec ? subcommandName(programSpec, subName) : null;
    if (subName !== null && !runner.sub.includes(subName) && canonical && runner.sub.includes(canonical))
      subName = canonical;
    if (subName !== null && !runner.sub.includes(subName)) {
      const two = `${subName} ${literal(args[sub + 1]) ?? ''}`;
      subName = runner.sub.includes(two) ? two : null;
      after = sub + 2;
    }
    if (subName === null && runner.scriptBins) return runScriptOrBin(walk, name, args, sub, stdin, via);
    let subSpec = own;
    for (const w of subName?.split(' ') ?? [])
      subSpec = subSpec?.subcommands?.get(subSpec.aliases.get(w) ?? w);
    if (subName !== null) {
      // `spin python ARGS…` is `python ARGS…` (the word `python` itself is what runs).
      if (name === 'spin' && subName === 'python')
        return runInner(walk, args, sub, stdin, via, 'spin python');
      if (name === 'npm') {
        const call = npmCall(args, 1, runner.valueOptions);
        if (call) return runText(walk, [call], stdin, 'npm exec -c');
      }
      // `nix develop [INSTALLABLE] -c CMD…`: CMD follows `-c`/`--command` (an installable may
      // come first); with no `-c` nothing runs from the line (rule nix-develop-interactive).
      if (name === 'nix' && subName === 'develop') {
        const c = args.findIndex(
          (a, i) => i >= after && !a.dynamic && (a.text === '-c' || a.text === '--command'),
        );
        if (c !== -1) runInner(walk, args, c + 1, stdin, via, 'nix develop');
        return;
      }
      const at = optionsEnd(subSpec, args, runner.valueOptions, after) + runner.positional;
      // `pnpm exec -c 'a | b'` (`--shell-mode`): the words after its options are one shell line.
      const shell = args
        .slice(0, at)
        .find((a, i) => i !== sub && !a.dynamic && runner.shellFlags.includes(a.text));
      if (shell && args[at]) return runText(walk, args.slice(at), stdin, `${name} ${subName} ${shell.text}`);
      // `lerna exec -- "npm test"`, `melos exec -- "flutter test"`: always one shell line, its words
      // joined with blanks as the shell gets them (so `lerna exec -- echo '$(id)'` runs id), and
      // decided also with the words after the first quoted, as they were meant (`lerna exec --
      // bash -c 'rm -rf /srv'` runs `bash -c rm …` joined, which the first reading alone would pass).
      if (runner.shellLine && args[at]) {
        const what = `${name} ${subName}`;
        runText(walk, args.slice(at), stdin, what);
        if (at + 1 < args.length)
          runText(
            walk,
            args.slice(at).map((a, i) => (i === 0 ? a : quoteArg(a))),
            stdin,
            what,
          );
        return;
      }
      // `uv run -m MODULE args…` (`--module`) runs `python -m MODULE args…`: decided as that.
      const module =
        (name === 'uv' || name === 'coverage') && subName === 'run'
          ? args.slice(after, at).find((a) => !a.dynamic && (a.text === '-m' || a.text === '--module'))
          : undefined;
      if (module) {
        const python = [{ ...module, text: 'python' }, { ...module, text: '-m' }, ...args.slice(at)];
        runInner(walk, python, 0, stdin, via, `${name} run -m`);
        return;
      }
      // `coverage run FILE args…` is `python FILE args…`
      if (name === 'coverage' && args[at]) {
        runInner(walk, [{ ...args[at]!, text: 'python' }, ...args.slice(at)], 0, stdin, via, 'coverage run');
        return;
      }
      // `hatch run ENV:NAME args…` runs NAME (a script of the project's hatch config, else a
      // command) in the environment ENV: decided as `NAME args…`.
      const env = name === 'hatch' ? /^[A-Za-z0-9_.-]+:(?=.)/.exec(literal(args[at]) ?? '') : null;
      if (env) {
        const inner = { ...args[at]!, text: args[at]!.text.slice(env[0].length) };
        return runInner(walk, [inner, ...args.slice(at + 1)], 0, stdin, via, `${name} ${subName}`);
      }
      // `dune exec PROG -- ARGS`, `stack exec PROG -- ARGS`: the `--` after the program ends the
      // runner's own options (its command-line parser takes it); ARGS are the program's.
      const program = args[at];
      if (
        runner.dashAfterProgram &&
        program &&
        !program.dynamic &&
        program.text !== '--' &&
        args[at + 1] &&
        !args[at + 1]!.dynamic &&
        args[at + 1]!.text === '--'
      )
        return runInner(walk, [program, ...args.slice(at + 2)], 0, stdin, via, `${name} ${subName}`);
      runInner(walk, args, at, stdin, via, `${name} ${subName}`);
    }
    return;
  }
  if (programSpec?.modulePrograms) {
    // `python -m pip install --user x` is pip's own command line: decided as `pip …` as well, so
    // pip's rules (global installs, other indexes, publishing) hold for it as they do for `pip`.
    const inner = moduleProgram(programSpec, args);
    if (inner) runInner(walk, inner, 0, stdin, via, `${name} -m`);
    // `python manage.py migrate` is Django's own command line as well (`script_programs:`)
    const script = programSpec.scriptPrograms ? scriptProgram(programSpec, args) : null;
    if (script) runInner(walk, script, 0, stdin, via, name);
    return;
  }
  const spec = commandRunners().wrappers.get(name);
  if (!spec) return;
  if (spec.runs.length > 0) {
    // A front-end of one program (programs.yaml `runs:`): the command it runs is those words and
    // every word of its own, decided as that command (`richgo test -exec X ./...` is `go test -exec X`).
    const at = args[0] ?? { text: spec.runs[0]!, dynamic: false, glob: false };
    return runInner(walk, [...spec.runs.map((w) => ({ ...at, text: w })), ...args], 0, stdin, via, name);
  }
  if (runsNothing(args, spec)) return;
  if (name === 'npx') {
    const call = npmCall(args, 0, spec.valueOptions);
    if (call) return runText(walk, [call], stdin, 'npx -c');
  }
  const own = spec.readWithSpec ? programSpec : undefined;
  // An output option of effect `write-or-pipe` given `|COMMAND` or `!COMMAND` (strace(1) `-o`):
  // the output is piped into a shell command, which runs.
  if (own)
    for (const o of leadingOptions(own, args).options)
      if (o.effect === 'write-or-pipe' && o.value && !o.value.dynamic) {
        const pipe = /^[|!]([\s\S]*)$/.exec(o.value.text);
        if (pipe) runText(walk, [{ ...o.value, text: pipe[1]! }], { kind: 'none' }, `${name} ${o.name}`);
      }
  let at = optionsEnd(own, args, spec.valueOptions);
  at += spec.positional;
  // (`c8 report`, `nyc instrument src out`, `corepack enable`: the program's own command, no other)
  const first = literal(args[at]);
  if (first !== null && spec.subcommands.includes(first)) return;
  if (spec.modes.length > 0 && modeWord(args, at, spec.modes))
    at = skipOptions(args, spec.valueOptions, at + 1);
  if (name === 'busybox' && literal(args[at]) === 'sh')
    return unwrapShell(walk, 'sh', args.slice(at + 1), stdin);
  if (spec.cwdOptions.length > 0 || spec.envOptions.length > 0)
    return asChild(walk, () => {
      wrapperSettings(walk, spec, args, at, name);
      runInner(walk, args, at, stdin, via, name);
    });
  runInner(walk, args, at, stdin, via, name);
}

/**
 * A wrapper's options before the command that set where it runs and what its environment holds
 * (programs.yaml `cwd_options`, `env_options`): `watchexec --workdir /srv make` runs /srv's
 * Makefile, `watchexec -E LD_PRELOAD=/srv/x.so make` loads that library into make; each is
 * decided as `cd DIR` (in the child shell the caller opened) and `env NAME=VALUE` are. Until held-out
 * probe 34 these values were skipped as any option's, so the command was decided in the
 * workspace with a clean environment. A long option is also matched by a unique prefix (GNU
 * parallel's Getopt::Long takes `--workd`), a short one with its value attached (`-EX=1`).
 */
function wrapperSettings(walk: Walk, spec: WrapperSpec, args: Arg[], end: number, name: string): void {
  const find = (word: string, list: string[]): string | undefined =>
    list.find((o) => o === word) ??
    (word.startsWith('--') && word.length >= 5
      ? list.find((o) => o.startsWith('--') && o.startsWith(word))
      : undefined);
  for (let i = 0; i < end; i++) {
    const a = args[i]!;
    if (!a.text.startsWith('-') || a.text === '-' || a.text === '--') continue;
    const eq = a.text.startsWith('--') ? a.text.indexOf('=') : -1;
    const word = eq > 0 ? a.text.slice(0, eq) : a.text;
    let kind: 'cwd' | 'env' | null = find(word, spec.cwdOptions)
      ? 'cwd'
      : find(word, spec.envOptions)
        ? 'env'
        : null;
    let value: Arg | undefined;
    if (kind && eq > 0) value = { ...a, text: a.text.slice(eq + 1) };
    else if (kind) value = args[++i];
    else if (!a.text.startsWith('--') && a.text.length > 2) {
      // (`-Ewhat=1`: a short option with its value attached)
      const short = a.text.slice(0, 2);
      kind = spec.cwdOptions.includes(short) ? 'cwd' : spec.envOptions.includes(short) ? 'env' : null;
      if (kind) value = { ...a, text: a.text.slice(2) };
    }
    if (!kind) continue;
    if (kind === 'cwd') {
      walk.cwd =
        value && !value.dynamic && walk.cwd
          ? walk.cwd.map((c) => resolvePath(value.text, c, walk.ws.home))
          : null;
      if (walk.cwd === null)
        walk.cwdLost ??= `\`${name} ${word}\` runs the command in a directory only known when it runs`;
      continue;
    }
    const m = value ? /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(value.text) : null;
    if (!value || !m) {
      structure(
        walk,
        `${name} ${word}`,
        'shell:wrapper-environment',
        `\`${name} ${word}\` puts a variable into the command's environment that is only known when it runs; set it on the line instead (\`NAME=value ${name} …\`)`,
      );
      continue;
    }
    walk.parts.push({
      kind: 'variable',
      text: value.text,
      access: 'set',
      name: m[1]!,
      value: { text: value.text.slice(m[0].length), dynamic: value.dynamic, glob: false },
      env: true,
    });
    valueCwd(walk, walk.parts[walk.parts.length - 1]!);
  }
}

/**
 * programs.yaml `shell_options:`: under the subcommand `sub`, the values of these options are
 * command lines run with the shell (`remix dev -c CMD`, `--command CMD`, `--command=CMD`): each is
 * decided as that line.
 */
function runShellOptions(
  walk: Walk,
  name: string,
  args: Arg[],
  facet: { sub: string; options: string[] },
): void {
  // `sub: ''`: a program with no subcommand (`script -c CMD FILE`), whose options start at once.
  const sub = facet.sub === '' ? -1 : skipOptions(args, []);
  if (facet.sub !== '' && literal(args[sub]) !== facet.sub) return;
  for (let i = sub + 1; i < args.length; i++) {
    const a = args[i]!;
    if (a.dynamic) continue;
    if (facet.sub === '' && a.text === '--') break;
    // With no subcommand (getopt's programs), a short option's letter anywhere in a cluster takes
    // the rest of the word, or the next word, as its value (`-qc CMD`, `-cCMD`): a letter before
    // it that took a value instead would make this reading the stricter one.
    const cluster = facet.sub === '' && /^-[^-]/.test(a.text) ? a.text : null;
    const at = cluster ? [...cluster.slice(1)].findIndex((ch) => facet.options.includes(`-${ch}`)) : -1;
    if (cluster && at !== -1 && !(cluster.length === 2 && facet.options.includes(cluster))) {
      const rest = cluster.slice(at + 2);
      const value = rest !== '' ? { ...a, text: rest } : args[++i];
      if (value) runText(walk, [value], { kind: 'none' }, `${name} -${cluster[at + 1]!}`);
      continue;
    }
    const eq = a.text.startsWith('--') ? a.text.indexOf('=') : -1;
    const opt = eq > 0 ? a.text.slice(0, eq) : a.text;
    // getopt_long takes a unique prefix (`script --comm=CMD`); any prefix of a listed long option
    // is read as it (the stricter reading where another option shares the prefix)
    const long = opt.length > 2 && opt.startsWith('--') && facet.options.some((o) => o.startsWith(opt));
    if (!facet.options.includes(opt) && !long) continue;
    const value = eq > 0 ? { ...a, text: a.text.slice(eq + 1) } : args[++i];
    if (value) runText(walk, [value], { kind: 'none' }, `${name} ${facet.sub} ${opt}`);
  }
}

/**
 * `libtool execute gdb ./prog`: with no `--mode`/`--finish` option before it, the first word is the
 * mode (or an unambiguous abbreviation of one, as libtool takes it), not the command.
 */
function modeWord(args: Arg[], at: number, modes: string[]): boolean {
  if (args.slice(0, at).some((a) => !a.dynamic && /^--(?:mode(?:=|$)|finish$)/.test(a.text))) return false;
  const w = literal(args[at]);
  if (!w) return false;
  return modes.filter((m) => m.startsWith(w)).length === 1;
}

/** `git merge-base REV…` or `git rev-parse [--verify] [-q] [--short[=N]] REV`: one commit id, hex. */
const REVISION_PRINTER =
  /^git (?:merge-base(?: (?![-])[\w~^./@{}-]+){2,}|rev-parse(?: (?:--verify|-q|--quiet|--short(?:=\d+)?))* (?![-])[\w~^./@{}-]+)(?: 2>\/dev\/null)?$/;

/**
 * A double-quoted `bash -c` script whose only expansions are command substitutions that print a
 * commit id (`bash -lc "git diff $(git merge-base HEAD origin/HEAD || git rev-parse HEAD~1) -- ."`):
 * the outer shell puts a run of hex digits there, which is one plain word, so the script is its
 * text with a commit id in each place (the substitutions themselves are walked as parts of the
 * line). Null for anything else: another expansion, a backquote, an option that prints a name or
 * a path (`--abbrev-ref`, `--show-toplevel`), several revisions (several lines), text too long.
 */
function withRevisions(source: string): string | null {
  if (source.length > 4096 || !source.startsWith('"') || !source.endsWith('"') || source.length < 2)
    return null;
  const body = source.slice(1, -1);
  let out = '';
  let any = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '\\') {
      const n = body[i + 1];
      if (n === undefined) return null;
      out += '$`"\\\n'.includes(n) ? (n === '\n' ? '' : n) : c + n;
      i++;
    } else if (c === '`' || c === '"') return null;
    else if (c === '$') {
      if (body[i + 1] !== '(' || body[i + 2] === '(') return null;
      const end = body.indexOf(')', i + 2);
      if (end === -1) return null;
      const inner = body.slice(i + 2, end).trim();
      // (a range or a parent set prints several lines: `A..B`, `X^@`, `X^!`, `X^-`)
      const alts = inner.split(' || ').map((alt) => alt.trim());
      if (!alts.every((alt) => REVISION_PRINTER.test(alt) && !/\.\.|\^[@!-]/.test(alt))) return null;
      out += '0123456789abcdef0123456789abcdef01234567';
      any = true;
      i = end;
    } else out += c;
  }
  return any ? out : null;
}

function unwrapShell(walk: Walk, name: string, args: Arg[], stdin: Stdin): void {
  let i = 0;
  let command = false;
  let readStdin = false;
  while (i < args.length) {
    const a = args[i]!;
    const revisions = a.dynamic && command ? withRevisions(a.text) : null;
    if (revisions !== null) {
      runText(walk, [{ text: revisions, dynamic: false, glob: false }], { kind: 'none' }, `${name} -c`);
      return;
    }
    if (a.dynamic) {
      structure(
        walk,
        a.text,
        'shell:dynamic-script',
        `\`${name}\` gets an argument only known when it runs (\`${clip(a.text, 40)}\`), so what it runs cannot be checked`,
      );
      return;
    }
    const t = a.text;
    if (t === '--' || t === '-') {
      i++;
      break;
    }
    if (/^[-+]o$|^-O$|^\+O$|^--(rcfile|init-file)$/.test(t)) {
      // A start-up file this line wrote is walked as the commands it holds (rule
      // `shell-startup-files` asks for any other).
      const rc = args[i + 1];
      if (t.startsWith('--') && rc) runWritten(walk, rc, `${name} ${t}`);
      i += 2;
      continue;
    }
    if (/^[-+][A-Za-z]+$/.test(t)) {
      if (t.startsWith('-') && t.includes('c')) command = true;
      if (t.startsWith('-') && t.includes('s')) readStdin = true;
      i++;
      continue;
    }
    if (t.startsWith('--')) {
      i++;
      continue;
    }
    break;
  }
  if (command) {
    const script = args[i];
    if (!script) return;
    runText(walk, [script], { kind: 'none' }, `${name} -c`);
    return;
  }
  // A script file is judged by the command facet; `/dev/stdin` and friends are standard input.
  // One this line wrote with literal text is also walked as the commands it holds.
  if (i < args.length && !readStdin && !STDIN_FILES.test(args[i]!.text)) {
    runWritten(walk, args[i]!, `${name} ${args[i]!.text}`);
    return;
  }
  if (stdin.kind === 'text') {
    runText(
      walk,
      [{ text: stdin.text, dynamic: stdin.dynamic, glob: false }],
      { kind: 'none' },
      `${name} (from a here-document)`,
    );
    return;
  }
  structure(
    walk,
    name,
    'shell:stdin-script',
    `\`${name}\` reads the commands it runs from ${stdin.kind === 'pipe' ? 'a pipe' : 'standard input'}, so they cannot be checked; run them directly instead`,
  );
}

/**
 * `sudo [options] [NAME=value…] CMD args…` runs CMD, in the directory `-D` names, with those
 * variables set: decided as `env NAME=value… CMD args…` would be there (policies/README.md says
 * why sudo adds nothing in the sandbox, and which commands rule `sudo` lets it wrap). Options
 * after which nothing runs (`-l`, `-v`, `-k` alone) run nothing.
 */
function unwrapSudo(walk: Walk, args: Arg[], stdin: Stdin, via: string[]): void {
  const spec = commandRunners().wrappers.get('sudo')!;
  if (runsNothing(args, spec)) return;
  const at = skipOptions(args, spec.valueOptions);
  let dir: Arg | null | undefined;
  for (let i = 0; i < at; i++) {
    const a = args[i]!;
    if (a.text === '-D' || a.text === '--chdir') dir = args[i + 1] ?? null;
    else if (a.text.startsWith('--chdir=')) dir = { ...a, text: a.text.slice('--chdir='.length) };
    else if (/^-[A-Za-z]*D/.test(a.text) && !a.text.startsWith('--')) dir = null; // `-ED/x`: not followed
  }
  asChild(walk, () => {
    if (dir !== undefined) {
      walk.cwd =
        dir && !dir.dynamic && walk.cwd ? walk.cwd.map((c) => resolvePath(dir.text, c, walk.ws.home)) : null;
      if (walk.cwd === null) walk.cwdLost ??= '`sudo -D` goes to a directory that is not followed';
    }
    unwrapEnv(walk, args.slice(at), stdin, via, 'sudo');
  });
}

function unwrapEnv(walk: Walk, args: Arg[], stdin: Stdin, via: string[], what = 'env'): void {
  // (every way out, `-S` included: `cd /etc && env -C /testbed -S true; rm -rf x` removes /etc/x)
  asChild(walk, () => unwrapEnvHere(walk, args, stdin, via, what));
}

function unwrapEnvHere(walk: Walk, args: Arg[], stdin: Stdin, via: string[], what: string): void {
  let i = 0;
  while (i < args.length) {
    const a = args[i]!;
    const t = a.text;
    // `env NAME="$PWD/x" cmd`: a word spelling `NAME=` is an assignment whatever its value; its
    // value is only known when it runs, so it is decided as `NAME="$PWD/x" cmd` is. Not when an
    // expansion in it is unquoted: the word is split (`env A=$X ls` runs `rm` when X is `1 rm -rf ~`).
    if (a.dynamic) {
      const m = a.glob || t.length > 4096 ? null : /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(t);
      if (!m || !quotedExpansions(unsplitPwd(walk, t.slice(m[0].length)))) break;
      const value: Arg = { text: t.slice(m[0].length), dynamic: true, glob: false };
      walk.parts.push({
        kind: 'variable',
        text: t,
        access: 'set',
        name: m[1]!,
        value,
        env: true,
      });
      valueCwd(walk, walk.parts[walk.parts.length - 1]!);
      i++;
      continue;
    }
    if (t === '--') {
      i++;
      continue;
    }
    // getopt_long takes a unique prefix of a long option (`--sp`, `--ch`) and a value attached
    // to a short one or after flags in a cluster (`-C/root`, `-iC /root`, `-iS 'cmd'`).
    const split = /^--sp(?:l(?:i(?:t(?:-(?:s(?:t(?:r(?:i(?:n(?:g)?)?)?)?)?)?)?)?)?)?(=|$)/.exec(t);
    if (t === '-S' || split || /^-[iv0]*S/.test(t)) {
      let str: Arg | undefined;
      let next = i + 1;
      if (split?.[1]) str = { ...a, text: t.slice(split[0].length) };
      else if (/^-[iv0]*S./.test(t)) str = { ...a, text: t.slice(t.indexOf('S') + 1) };
      else {
        str = args[i + 1];
        next = i + 2;
      }
      if (!str) return;
      runText(walk, [str, ...args.slice(next).map(quoteArg)], stdin, 'env -S');
      return;
    }
    if (t === '-u' || t === '--unset') {
      i += 2;
      continue;
    }
    const chdir = /^--ch(?:d(?:i(?:r)?)?)?(=|$)/.exec(t);
    const cluster = /^-[iv0]*([uC])(.*)$/.exec(t);
    if (chdir || cluster) {
      const attached = chdir ? (chdir[1] ? t.slice(chdir[0].length) : '') : cluster![2]!;
      const value = attached || (chdir?.[1] ?? '') ? { ...a, text: attached } : args[i + 1];
      i += attached || chdir?.[1] ? 1 : 2;
      if (cluster?.[1] === 'u') continue;
      const dir = value;
      walk.cwd =
        dir && !dir.dynamic && walk.cwd ? walk.cwd.map((c) => resolvePath(dir.text, c, walk.ws.home)) : null;
      if (walk.cwd === null) walk.cwdLost ??= '`env -C` goes to a directory only known when it runs';
      continue;
    }
    if (t.startsWith('-') && t !== '-') {
      i++;
      continue;
    }
    // env(1) takes every word holding `=` before the program for NAME=VALUE, whatever the name
    // (`env 'BASH_FUNC_ls%%=() { …; }' bash`: bash imports it as a function).
    const eq = t.indexOf('=');
    if (eq > 0) {
      walk.parts.push({
        kind: 'variable',
        text: t,
        access: 'set',
        name: t.slice(0, eq),
        value: { text: t.slice(eq + 1), dynamic: false, glob: false },
        env: true,
      });
      valueCwd(walk, walk.parts[walk.parts.length - 1]!);
      i++;
      continue;
    }
    break;
  }
  runInner(walk, args, i, stdin, via, what);
}

/** The working directory's spellings anywhere in a word (`unsplitPwd`). */
const PWD_ANYWHERE = new RegExp(PWD_SPELLING, 'g');

/**
 * The text with `$PWD`, `${PWD}`, `$(pwd)` and `` `pwd` `` taken out where the working directory is
 * known and holds no character word splitting or globbing acts on (and the line never names IFS):
 * unquoted, they still expand to that one word (`env PYTHONPATH=$(pwd)/src pytest`).
 */
function unsplitPwd(walk: Walk, text: string): string {
  if (!walk.cwd || walk.context.includes('IFS') || !walk.cwd.every((c) => /^[\w./+@%,=-]+$/.test(c)))
    return text;
  return text.replace(PWD_ANYWHERE, '.');
}

/** Whether every `$` and backquote of a word's source text is inside double quotes (not field-split). */
function quotedExpansions(text: string): boolean {
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote === "'") {
      if (c === "'") quote = null;
    } else if (c === '\\') i++;
    else if (quote === '"') {
      if (c === '"') quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '$' || c === '`') return false;
  }
  return quote === null;
}

/**
 * Whether xargs, with these options, hands its command the input's words as they are: none that reads
 * arguments from a file (`-a`), splits at another character (`-d`, `-0`) or runs a shell; `-I TOKEN`
 * only where TOKEN is a whole argument (checked by the caller's replacement).
 */
function splitsByLine(options: Arg[], token: string | null | undefined): boolean {
  for (let i = 0; i < options.length; i++) {
    const t = options[i]!.text;
    if (options[i]!.dynamic) return false;
    if (
      /^(-r|--no-run-if-empty|-t|--verbose|-x|--exit|-n[0-9]+|-P[0-9]+|-L[0-9]+|--max-args=[0-9]+|--max-procs=[0-9]+|--max-lines=[0-9]+)$/.test(
        t,
      )
    )
      continue;
    if (
      ['-n', '-P', '-L', '--max-args', '--max-procs', '--max-lines'].includes(t) &&
      /^[0-9]+$/.test(options[i + 1]?.text ?? '')
    ) {
      i++;
      continue;
    }
    if (t === '-I' && options[i + 1]?.text === token) {
      i++;
      continue;
    }
    if (t === `-I${token}`) continue;
    return false;
  }
  return true;
}

/**
 * Whether an argument with xargs' replace token inside other text (`{}.bak`, `dist/{}`) names a
 * path that stays where the item is, or below a workspace directory: no `..` segment around the
 * token and no absolute, home or variable start. (Until 5 Dec any such argument took the item's
 * place as a workspace path, so `find . | xargs -I{} rm -rf {}/../../srv` was allowed.)
 */
function stillBelow(text: string, token: string): boolean {
  const pieces = text.split(token);
  return !/^[~/$]/.test(pieces[0]!) && pieces.every((p) => !climbs(p));
}

function unwrapXargs(walk: Walk, args: Arg[], stdin: Stdin, via: string[]): void {
  // (its options that take a value: programs.yaml `wrappers: xargs`)
  const at = skipOptions(args, commandRunners().wrappers.get('xargs')?.valueOptions ?? []);
  // `--process-slot-var=NAME` sets NAME in every command's environment (xargs(1), GNU findutils
  // 4.9: a number), decided as `env NAME=0 CMD` is (`--process-slot-var=BASH_ENV bash -c …` has
  // bash source a file named by a number; helper optaudit, 5 Dec: until then it was not read).
  for (let i = 0; i < at; i++) {
    const o = args[i]!;
    // (getopt_long takes any unique prefix, and no other xargs long option starts `--p`: `--p=X`)
    const eq = o.text.indexOf('=');
    const word = eq < 0 ? o.text : o.text.slice(0, eq);
    if (o.dynamic || word.length < 3 || !'--process-slot-var'.startsWith(word)) continue;
    const name = eq >= 0 ? o.text.slice(eq + 1) : args[i + 1]?.text;
    if (name === undefined) continue;
    if (eq < 0) i++;
    walk.parts.push({
      kind: 'variable',
      text: `${name}=<slot number>`,
      access: 'set',
      name,
      value: { text: '0', dynamic: true, glob: false },
      env: true,
    });
  }
  const replace = args.slice(0, at).findIndex((a) => /^(-I|-i|--replace)/.test(a.text));
  const flag = replace === -1 ? '' : args[replace]!.text;
  const token =
    replace === -1
      ? null
      : flag === '-I'
        ? args[replace + 1]?.text
        : flag.startsWith('-I')
          ? flag.slice(2)
          : flag.startsWith('--replace=')
            ? flag.slice(10)
            : '{}';
  const fromInput: Arg = {
    text: '<input of xargs>',
    dynamic: true,
    glob: false,
    ...(stdin.kind === 'pipe' && stdin.paths ? { inside: true } : {}),
    // `find ~ | xargs cat`: PROG is handed paths below the producer's roots.
    // `find . -name '.env*' | xargs cat`: paths inside the workspace, but only ones a name filter
    // lets through, which may be a protected name's (the roots and the filter decide that).
    ...(stdin.kind === 'pipe' && stdin.roots && (!stdin.paths || stdin.roots.name !== undefined)
      ? { under: stdin.roots }
      : {}),
    // `lsof -ti:3000 | xargs kill`: the PIDs of the processes on a port, split as they came.
    ...(stdin.kind === 'pipe' && stdin.pids === 'pids' && splitsByLine(args.slice(0, at), token)
      ? { pids: true }
      : {}),
    ...(stdin.kind === 'pipe' && stdin.pgrep && splitsByLine(args.slice(0, at), token)
      ? { pgrep: stdin.pgrep }
      : {}),
  };
  const inner = at < args.length ? args.slice(at) : [{ text: 'echo', dynamic: false, glob: false }];
  // `echo /root/.ssh/id_rsa | xargs cat`, `cat <<'EOF' | xargs -I{} rm {}`: input whose text is
  // known hands PROG those words, decided as if written out (one run per item with a token), as
  // well as the input only known when it runs, below (so `echo id | xargs -I{} sh -c '{}'` still
  // runs text nobody wrote on the line).
  const items = xargsItems(args.slice(0, at), stdin, token);
  if (items && !(at < args.length && args[at]!.dynamic) && !(token && inner[0]!.text.includes(token))) {
    const runs = token
      ? items.map((item) =>
          inner.map((a, i) =>
            i > 0 && a.text.includes(token) ? { ...a, text: a.text.split(token).join(item) } : a,
          ),
        )
      : [[...inner, ...items.map((t) => ({ text: t, dynamic: false, glob: false }))]];
    for (const run of runs)
      walk.runArgv(walk, run[0]!.text, run.slice(1), run.map((a) => a.text).join(' '), { kind: 'none' }, via);
  }
  const withInput = token
    ? inner.map((a, i) =>
        // `kill -9 1{}` is not the input's PID: only a whole-argument token stays one.
        i > 0 && a.text.includes(token)
          ? a.text === token
            ? fromInput
            : stillBelow(a.text, token)
              ? { ...fromInput, pids: undefined, pgrep: undefined }
              : // `{}/../../srv`, `/srv/{}`: text around the item leaves where the items are
                { text: fromInput.text, dynamic: true, glob: false }
          : a,
      )
    : [...inner, fromInput];
  if (at < args.length && args[at]!.dynamic) return runInner(walk, args, at, { kind: 'pipe' }, via, 'xargs');
  const word = withInput[0]!.text;
  // The part names where its input comes from when that is known (`cat <paths below ~>`), so a
  // refusal says which paths it was about.
  const from = fromInput.under ? ` <paths below ${fromInput.under.roots.join(' ')}>` : '';
  walk.runArgv(
    walk,
    word,
    withInput.slice(1),
    inner.map((a) => a.text).join(' ') + from,
    { kind: 'none' },
    via,
  );
}

/**
 * The items xargs reads from input whose text is known (a here-document, `echo`'s literal
 * words): with a replace token, each non-blank line (leading blanks dropped); else each
 * blank-separated word. Null (not followed) for input with quotes or backslashes (xargs' own
 * quoting), options that change how input is split or where it ends or comes from (-0, -d, -E,
 * -e, -a), or more items than are worth deciding one by one.
 */
function xargsItems(options: Arg[], stdin: Stdin, token: string | null | undefined): string[] | null {
  const text =
    stdin.kind === 'text' && !stdin.dynamic ? stdin.text : stdin.kind === 'pipe' ? stdin.printed : undefined;
  if (text === undefined || /['"\\\0]/.test(text)) return null;
  if (token === undefined || token === '') return null;
  for (const o of options)
    if (o.dynamic || /^(-[^-]*[0dEea]|--(null|delimiter|eof|arg-file)\b)/.test(o.text)) return null;
  const items = token
    ? text
        .split('\n')
        .map((l) => l.replace(/^[ \t]+/, ''))
        .filter((l) => l.trim() !== '')
    : text.split(/\s+/).filter((w) => w !== '');
  return items.length > 0 && items.length <= 64 ? items : null;
}

/**
 * `fd … -x|--exec|-X|--exec-batch CMD ARGS… [;]` runs CMD on what it finds (the rest of the
 * line, up to `;`). The paths (`{}`, `{/}`, `{.}`, …) are only known when it runs.
 */
function unwrapFd(walk: Walk, args: Arg[], via: string[], spec: ProgramSpec | undefined): void {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const t = a.dynamic ? '' : a.text;
    const eq = /^--exec(-batch)?=(.*)$/s.exec(t);
    // A cluster read with fd's spec (clap): `-Hx CMD`, `-tfX CMD`, `-HxCMD` (the rest of the
    // word is the command's first word); a letter taking a value before it takes the rest
    // (`-ex` is `-e x`). Until helper specsW only a word of its own was read, so `fd -Hx CMD`
    // ran CMD unseen.
    const cluster = spec && !eq && /^-[^-]/.test(t) && t.length > 2 ? leadingOptions(spec, [a]).options : [];
    const exec = cluster.find((o) => o.effect === 'exec');
    if (!eq && !exec && !['-x', '--exec', '-X', '--exec-batch'].includes(t)) continue;
    let end = i + 1;
    while (end < args.length && args[end]!.text !== ';') end++;
    // (the letters before the exec one are flags: one taking a value would have taken the rest)
    const rest = exec ? t.slice(t.indexOf(exec.name.slice(1), 1) + 1) : '';
    const head = eq ? [{ ...a, text: eq[2]! }] : rest !== '' ? [{ ...a, text: rest }] : [];
    const cmd = [...head, ...args.slice(i + 1, end)].map((c) =>
      /\{[/.]*\}/.test(c.text) ? { text: c.text, dynamic: true, glob: false } : c,
    );
    // Without a placeholder fd appends the path(s) found: `fd -e pyc -X rm` is `rm {}`.
    if (cmd.length > 1 && !cmd.slice(1).some((c) => c.dynamic))
      cmd.push({ text: '{}', dynamic: true, glob: false });
    else if (cmd.length === 1) cmd.push({ text: '{}', dynamic: true, glob: false });
    const first = cmd[0];
    if (first && (first.dynamic || first.glob))
      structure(
        walk,
        first.text,
        'shell:dynamic-command-name',
        `the command run by \`fd ${eq ? t.split('=', 1)[0] : t}\` is not a literal word, so it is denied`,
      );
    else if (first)
      walk.runArgv(walk, first.text, cmd.slice(1), cmd.map((c) => c.text).join(' '), { kind: 'none' }, [
        ...via,
      ]);
    i = end;
  }
}

function unwrapFind(walk: Walk, args: Arg[], via: string[]): void {
  const roots: Arg[] = [];
  for (const a of args) {
    if (!a.dynamic && (a.text.startsWith('-') || a.text === '(' || a.text === '!')) break;
    roots.push(a);
  }
  if (roots.length === 0) roots.push({ text: '.', dynamic: false, glob: false });
  // `{}` is a path under one of the roots: inside the workspace when every root is.
  const inside =
    walk.cwd !== null &&
    roots.every(
      (r) =>
        !r.dynamic &&
        !r.glob &&
        walk.cwd!.every((c) => {
          const p = resolvePath(r.text, c, walk.ws.home);
          return (
            p === walk.ws.workspace ||
            isStrictlyInside(p, walk.ws.workspace) ||
            walk.ws.scratch.some((s) => isStrictlyInside(p, s))
          );
        }),
    );
  // With a name filter (`find . -name '.env*' -exec cat {} +`) the paths are the workspace's but
  // only ones the filter lets through, which may be a protected name's: the roots and the filter
  // decide that, as for `find … | xargs cat` (streams.ts printedRoots).
  const name = args.some((a) => a.dynamic)
    ? undefined
    : findNameFilter(args.slice(roots.length).map((a) => a.text));
  const found: Arg = !inside
    ? { text: '{}', dynamic: true, glob: false, one: true }
    : name !== undefined
      ? {
          text: '{}',
          dynamic: true,
          glob: false,
          one: true,
          inside: true,
          under: { roots: roots.map((r) => r.text), name },
        }
      : {
          text: `${resolvePath(roots[0]!.text, walk.cwd![0]!, walk.ws.home)}/{}`,
          dynamic: false,
          glob: false,
        };
  for (let i = 0; i < args.length; i++) {
    const t = args[i]!.text;
    if (!['-exec', '-execdir', '-ok', '-okdir'].includes(t)) continue;
    let end = i + 1;
    while (end < args.length && args[end]!.text !== ';' && args[end]!.text !== '+') end++;
    // An exact `{}` is one path; `{}` inside a longer argument (`sh -c "cat {}"`)
    // splices a file name into text, which may be code: unknown.
    const cmd = args
      .slice(i + 1, end)
      .map((a) =>
        a.text === '{}' ? found : a.text.includes('{}') ? { text: a.text, dynamic: true, glob: false } : a,
      );
    if (cmd.length > 0) {
      const first = cmd[0]!;
      if (first.dynamic || first.glob) {
        structure(
          walk,
          first.text,
          'shell:dynamic-command-name',
          `the command run by \`find ${t}\` is not a literal word, so it is denied`,
        );
      } else
        walk.runArgv(walk, first.text, cmd.slice(1), cmd.map((a) => a.text).join(' '), { kind: 'none' }, [
          ...via,
        ]);
    }
    i = end;
  }
}
