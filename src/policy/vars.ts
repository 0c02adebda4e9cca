import type { Under } from './types.js';
import { clip, structure, type Walk } from './walk.js';
import { SHAPE_ALT, type Decoded, type KnownVar } from './words.js';

// Shell variables assigned in the same command line, followed so that a path kept in one is
// decided where it is used: `H=~; cat $H/.npmrc` reads ~/.npmrc, `D=build; rm -rf $D` deletes
// build. Only what is sure is substituted as text: an assignment every later statement runs
// after, to a literal value. An assignment that may not run (in a branch, a loop, after `&&`,
// in a subshell or pipeline) adds its value to what the variable may hold, next to what it held
// before (a value only known when it runs, `**`, if nothing was known): such a value is decided
// by its shapes, so deny and ask rules see every candidate and allow rules none. Anything that
// may set variables unseen (a function, `source`, `trap`, a nameref) stops the following.

/**
 * An array subscript holding a substitution (`a[$(cmd)]`): builtins that evaluate subscripts run it.
 * The `[` follows a name: the brackets of `[ … ]` and `[[ … ]]` themselves are no subscript.
 */
export const SUBSCRIPT_CODE = /[A-Za-z_][A-Za-z0-9_]*\[[^\]]*(\$\(|`)/;

/** Most shapes kept for one variable; past it the variable is unknown. */
const MAX_SHAPES = 16;

const UNKNOWN = '**';

/** The glob shape of a decoded value (a literal's glob characters stay globs: `$X` unquoted expands them). */
function shapesOf(d: Decoded): string[] {
  // Unquoted, a value with blanks is split into words: each is a candidate too.
  if (!d.dynamic) return /\s/.test(d.text) ? [d.text, ...d.text.split(/\s+/).filter(Boolean)] : [d.text];
  return (d.pattern ?? UNKNOWN).split(SHAPE_ALT);
}

function store(walk: Walk, name: string, v: KnownVar | null): void {
  walk.varsVersion++;
  walk.pathVars?.delete(name);
  if (v === null || v.shapes.length > MAX_SHAPES || v.shapes.some((s) => s.length > 4096))
    walk.vars.delete(name);
  else walk.vars.set(name, v);
}

/** What `name` may hold after a value that may or may not have been assigned. */
function orBefore(walk: Walk, name: string, v: KnownVar): KnownVar {
  const before = walk.vars.get(name)?.shapes ?? [UNKNOWN];
  return { text: null, shapes: [...new Set([...before, ...v.shapes])] };
}

/**
 * `name=value` (also `export`/`local`/`declare`, `name+=value`, `name=(a b)`): what the walk
 * knows of `name` from here. `value` null: not known (an array element, a computed value).
 */
export function assignVar(
  walk: Walk,
  name: string,
  value: Decoded | null,
  append = false,
  array = false,
): void {
  if (value !== null && !value.dynamic) {
    // `x='a[$(cmd)]'`: bash evaluates a variable's value as arithmetic where the name is used
    // there (`$((x))`, `((x))`, `[[ x -eq 1 ]]`, `let`, a subscript `${a[x]}`, an offset
    // `${s:x}`), and the subscript in it runs cmd; the uses are too many to follow, so the value
    // itself is refused (`echo 'a[$(cmd)]'` and a double-quoted `"a[$(cmd)]"`, whose substitution
    // runs and is checked where it is assigned, are not such values).
    const full = (append ? (walk.vars.get(name)?.text ?? '') : '') + value.text;
    if (SUBSCRIPT_CODE.test(full))
      structure(
        walk,
        `${name}=${full}`,
        'shell:subscript-evaluation',
        `\`${clip(`${name}=${full}`, 50)}\` holds an array subscript that runs a command wherever the variable is used as a number, so it is denied`,
      );
  }
  if (walk.varsOff || name === '') return;
  let v: KnownVar | null = null;
  if (value !== null) {
    const shapes = shapesOf(value);
    v = { text: value.dynamic || array ? null : value.text, shapes };
    if (append) {
      const old = walk.vars.get(name);
      v =
        old && !array
          ? {
              text: old.text !== null && v.text !== null ? old.text + v.text : null,
              shapes: old.shapes.flatMap((a) => shapes.map((b) => a + b)),
            }
          : null;
    }
  }
  if (v === null) return forgetVar(walk, name);
  store(walk, name, walk.branch > 0 ? orBefore(walk, name, v) : v);
}

/** `name` may have been set to something not known (`read name`, `unset name`, `((name++))`). */
export function forgetVar(walk: Walk, name: string): void {
  walk.ownVars.delete(name);
  if (walk.vars.has(name)) store(walk, name, null);
}

/** Something may have set any variable unseen: nothing more is followed in this line. */
export function stopVars(walk: Walk): void {
  walk.varsOff = true;
  walk.pathVars?.clear();
  walk.ownVars.clear();
  if (walk.vars.size > 0) {
    walk.vars.clear();
    walk.varsVersion++;
  }
}

/**
 * `for name in words; do body; done`: inside the body `name` is one of the words; after the
 * loop also what it was before (the loop may not run).
 */
export function forLoop(
  walk: Walk,
  name: string,
  words: Decoded[] | null,
  body: () => void,
  paths: { under?: Under } | null = null,
): void {
  const before = walk.vars.get(name);
  walk.branch++;
  try {
    if (words === null || walk.varsOff) forgetVar(walk, name);
    else store(walk, name, { text: null, shapes: [...new Set(words.flatMap(shapesOf))] });
    if (paths && !walk.varsOff) holdsPath(walk, name, paths.under);
    body();
  } finally {
    walk.branch--;
    walk.pathVars?.delete(name);
  }
  if (walk.varsOff) return;
  const now = walk.vars.get(name);
  if (!now) return forgetVar(walk, name);
  store(walk, name, {
    text: null,
    shapes: [...new Set([...(before?.shapes ?? [UNKNOWN]), ...now.shapes])],
  });
}

/**
 * From here `name` holds one path a producer printed inside the workspace (Walk.pathVars), while
 * the working directories stay what they are now.
 */
export function holdsPath(walk: Walk, name: string, under?: Under): void {
  walk.varsVersion++;
  (walk.pathVars ??= new Map()).set(name, { cwd: JSON.stringify(walk.cwd), ...(under ? { under } : {}) });
}

/**
 * What `$name` here is known to be: one path inside the workspace (holdsPath, the directories
 * unchanged), below its producer's roots and name filter when it had one; else undefined.
 */
export function heldPath(walk: Walk, name: string): { inside: true; under?: Under } | undefined {
  const held = walk.pathVars?.get(name);
  if (held === undefined || held.cwd !== JSON.stringify(walk.cwd)) return undefined;
  return held.under ? { inside: true, under: held.under } : { inside: true };
}

/** Walks `body` as code that may not run, or runs apart (a branch, a loop, a subshell, a pipeline stage). */
export function inBranch(walk: Walk, body: () => void): void {
  walk.branch++;
  try {
    body();
  } finally {
    walk.branch--;
  }
}

/**
 * Builtins that set the variables they name (or any variable: `source`, `trap`, `enable`; the
 * text `eval` runs is walked in this shell, so its assignments are followed).
 */
const SETS_NAMED = new Set(['read', 'mapfile', 'readarray', 'printf', 'getopts', 'wait', 'let', 'unset']);
const SETS_ANY = new Set([
  'source',
  '.',
  'trap',
  'enable',
  'declare',
  'typeset',
  'local',
  'export',
  'readonly',
]);

/**
 * The builtins that assign what they read or format to a variable they name, with their option
 * letters (bash 5.2, `help read` etc.): `values` take a value, `names` take the name of a variable
 * they set, and which operands are names (`read`: all, `mapfile`: the first, `getopts`: the second).
 */
const NAMING_BUILTINS: Record<string, { values: string; names: string; operands: 'all' | 0 | 1 | null }> = {
  read: { values: 'dinNptu', names: 'a', operands: 'all' },
  mapfile: { values: 'dnOsuCc', names: '', operands: 0 },
  readarray: { values: 'dnOsuCc', names: '', operands: 0 },
  printf: { values: '', names: 'v', operands: null },
  getopts: { values: '', names: '', operands: 1 },
  wait: { values: '', names: 'p', operands: null },
};

/**
 * The variables a builtin sets by name (`printf -v PATH …`, `read -r HOME`, `mapfile -t PATH`,
 * `getopts ab PATH`): decided by the variable rules as an assignment of a value only known when it
 * runs, as `PATH=$(cat f)` is (helper optaudit2, 5 Dec: `printf -v PATH '%s' /srv/bin; make` was
 * allowed while `declare PATH=/srv/bin` was denied). A name only known when it runs is not one.
 */
export function namesSetByBuiltin(name: string, args: { text: string; dynamic: boolean }[]): string[] {
  const b = NAMING_BUILTINS[name];
  if (!b) return [];
  const names: string[] = [];
  const operands: { text: string; dynamic: boolean }[] = [];
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a.dynamic || !a.text.startsWith('-') || a.text === '-') break;
    if (a.text === '--') {
      i++;
      break;
    }
    for (let j = 1; j < a.text.length; j++) {
      const c = a.text[j]!;
      if (!b.values.includes(c) && !b.names.includes(c)) continue;
      const rest = a.text.slice(j + 1);
      const value = rest !== '' ? { text: rest, dynamic: false } : args[++i];
      if (b.names.includes(c) && value && !value.dynamic) names.push(value.text);
      break;
    }
  }
  operands.push(...args.slice(i));
  const named =
    b.operands === 'all' ? operands : b.operands === null ? [] : operands.slice(b.operands, b.operands + 1);
  for (const o of named) if (!o.dynamic) names.push(o.text);
  // (`printf -v 'a[i]'`: the array's own name; the subscript is rule subscript-evaluation-printf's)
  return names.map((n) => n.replace(/\[.*$/s, '')).filter((n) => /^[A-Za-z_]\w*$/.test(n));
}

/**
 * A command about to run: `read X` with known text sets X to its first line; other builtins
 * that assign forget what they name, or stop the following when they may set anything.
 */
export function commandSetsVars(
  walk: Walk,
  name: string,
  args: { text: string; dynamic: boolean }[],
  stdin: string | null,
): void {
  if (SETS_ANY.has(name)) {
    // `set -- a b` only sets positional parameters, which are never followed.
    if (name === 'set' && !args.some((a) => a.dynamic || /^[A-Za-z_]\w*=/.test(a.text))) return;
    stopVars(walk);
    return;
  }
  if (!SETS_NAMED.has(name)) return;
  const names = args.filter((a) => !a.dynamic && /^[A-Za-z_]\w*$/.test(a.text)).map((a) => a.text);
  const plain = args.filter((a) => !(!a.dynamic && /^-[rse]+$/.test(a.text)));
  if (name === 'read' && stdin !== null && names.length === 1 && plain.length === 1) {
    // `read X <<< text`: the first line, leading and trailing blanks removed.
    const line = (stdin.split('\n', 1)[0] ?? '').trim();
    if (!/[\\]/.test(line)) {
      assignVar(walk, names[0]!, { text: line, dynamic: false, glob: false, braces: false });
      return;
    }
  }
  if (walk.vars.size === 0) return;
  if (args.some((a) => a.dynamic)) {
    walk.vars.clear();
    walk.varsVersion++;
    return;
  }
  for (const n of names) forgetVar(walk, n);
  // `printf -v X`, `read -a X`, `wait -p X`: the name may follow an option, so every word counts.
}
