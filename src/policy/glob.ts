import { posix } from 'node:path';
import { tick } from './budget.js';

/** Three-valued match: a dynamic or globbed argument may or may not match. */
export type Tri = 'yes' | 'no' | 'maybe';

const regexCache = new Map<string, RegExp>();

/**
 * A glob as a regex: `**` crosses `/`, `*` and `?` do not, `[...]` is a class.
 * `pathMode` false makes `*` cross `/` too (for plain strings such as flags or URLs).
 */
export function globToRegExp(glob: string, pathMode = true): RegExp {
  const key = `${pathMode ? 'p' : 's'}${glob}`;
  const cached = regexCache.get(key);
  if (cached) return cached;
  let re = '^';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        i++;
        if (glob[i + 1] === '/') {
          i++;
          re += '(?:.*/)?';
        } else if (re.endsWith('\\/') && i === glob.length - 1) {
          // `dir/**` names dir itself too.
          re = `${re.slice(0, -2)}(?:/.*)?`;
        } else re += '.*';
      } else re += pathMode ? '[^/]*' : '.*';
    } else if (c === '?') re += pathMode ? '[^/]' : '.';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end === -1) re += '\\[';
      else {
        let body = glob.slice(i + 1, end);
        if (body.startsWith('!')) body = `^${body.slice(1)}`;
        re += `[${body.replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\/]/g, '\\$&');
  }
  const compiled = new RegExp(`${re}$`);
  regexCache.set(key, compiled);
  return compiled;
}

export function globMatch(glob: string, text: string, pathMode = true): boolean {
  return globToRegExp(glob, pathMode).test(text);
}

type Token = { t: 'lit'; c: string } | { t: 'any'; noDot?: boolean } | { t: 'star' } | { t: 'gstar' };

function tokenize(glob: string): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        i++;
        out.push({ t: 'gstar' });
      } else out.push({ t: 'star' });
    } else if (c === '?') out.push({ t: 'any' });
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end === -1) out.push({ t: 'lit', c });
      else {
        out.push({ t: 'any' });
        i = end;
      }
    } else out.push({ t: 'lit', c });
  }
  return out;
}

function compatible(a: Token, b: Token): boolean {
  if (a.t === 'lit' && b.t === 'any' && b.noDot && a.c === '.') return false;
  if (b.t === 'lit' && a.t === 'any' && a.noDot && b.c === '.') return false;
  if (a.t === 'lit' && b.t === 'lit') return a.c === b.c;
  if (a.t === 'lit') return b.t === 'gstar' || a.c !== '/';
  if (b.t === 'lit') return a.t === 'gstar' || b.c !== '/';
  return true;
}

/**
 * Whether two globs can match a common string (classes count as any one
 * character, so this errs towards "yes"). Used when an argument is itself a
 * glob: `cat ~/.ss*` may name `~/.ssh/id_rsa`.
 */
export function globsIntersect(a: string, b: string): boolean {
  return intersector(b)(a);
}

/**
 * `globsIntersect(·, b)` for many rule globs `a`: the argument `b` is tokenized (with its
 * shell variants) and its literal ends found once, not once per rule glob; a rule is matched
 * against the same argument glob for each of its globs, and the rules one after another, so
 * the last argument's intersector is kept.
 */
export function intersector(b: string): (a: string) => boolean {
  if (lastIntersector !== null && lastIntersector.b === b) return lastIntersector.meets;
  const meets = makeIntersector(b);
  lastIntersector = { b, meets };
  return meets;
}

let lastIntersector: { b: string; meets: (a: string) => boolean } | null = null;

function makeIntersector(b: string): (a: string) => boolean {
  // The product is |a|×|b| states (see tokensIntersect): a glob argument longer than this is
  // taken as possibly intersecting (deny and ask rules hold; allow rules never match on a maybe),
  // unless its wildcard stretches make it short (shortenLongGlob).
  if (b.length > MAX_GLOB_TEXT) {
    const short = shortenLongGlob(b);
    if (short === null) return () => true;
    b = short;
  }
  const eb = endsOf(b);
  // A literal argument meets a glob exactly when the glob matches it.
  if (eb.prefix === -1) return (a) => affixesAgree(ruleGlob(a), a, eb, b) && globToRegExp(a, true).test(b);
  let variants: Token[][] | null = null;
  return (a) => {
    const ra = ruleGlob(a);
    if (!affixesAgree(ra, a, eb, b)) return false;
    variants ??= shellGlobVariants(tokenize(b));
    for (const tb of variants) if (tokensIntersect(ra.tokens, tb)) return true;
    return false;
  };
}

/** A glob's literal ends: characters before its first glob character (-1: none, a literal) and after its last. */
interface Ends {
  prefix: number;
  suffix: number;
}

function endsOf(g: string): Ends {
  const prefix = g.search(META);
  return { prefix, suffix: prefix === -1 ? g.length : g.length - 1 - lastMeta(g) };
}

/** A rule glob's tokens and literal ends: rule globs are few and fixed, so computed once each. */
function ruleGlob(a: string): Ends & { tokens: Token[] } {
  let r = ruleGlobs.get(a);
  if (!r) {
    if (ruleGlobs.size > 4096) ruleGlobs.clear();
    r = { ...endsOf(a), tokens: tokenize(a) };
    ruleGlobs.set(a, r);
  }
  return r;
}

const ruleGlobs = new Map<string, Ends & { tokens: Token[] }>();

const META = /[*?[]/;

/**
 * A necessary condition, checked in time linear in the literal ends: a string both globs
 * match starts with each glob's literal prefix and ends with each one's literal suffix,
 * so of each pair one must extend the other. Most rule globs and arguments differ there
 * (`~/.ssh/**` against `src/*.py`), which spares the product walk.
 */
function affixesAgree(ea: Ends, a: string, eb: Ends, b: string): boolean {
  if (ea.prefix === -1 && eb.prefix === -1) return a === b;
  const n = Math.min(ea.prefix === -1 ? a.length : ea.prefix, eb.prefix === -1 ? b.length : eb.prefix);
  for (let i = 0; i < n; i++) if (a.charCodeAt(i) !== b.charCodeAt(i)) return false;
  const m = Math.min(ea.suffix, eb.suffix);
  for (let i = 1; i <= m; i++) if (a.charCodeAt(a.length - i) !== b.charCodeAt(b.length - i)) return false;
  return true;
}

/** Index of the last glob character (a `]` closing a class counts as one). */
function lastMeta(g: string): number {
  for (let i = g.length - 1; i >= 0; i--) {
    const c = g[i];
    if (c === '*' || c === '?' || c === '[') return i;
    if (c === ']' && g.lastIndexOf('[', i) !== -1) return i;
  }
  return -1;
}

/** Longest glob argument compared token by token with a rule's globs. */
const MAX_GLOB_TEXT = 4096;

/** Whether char code `c` is an ASCII letter or digit (LETTER's characters). */
function alnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/**
 * A glob argument over MAX_GLOB_TEXT made shorter without naming less (null: still too long).
 * Each stretch of one segment from a `*` to a later `*` with no two letters or digits in a row
 * and no `[` becomes one `*` (`*a*a*a` is `*`, so `dir/*a*a…*a` is `dir/*a`). A `*` matches every
 * string such a stretch matches (neither has a `/`), so the shorter glob meets every rule glob the
 * longer one meets; and it meets them on the same letters, since a meeting on two letters in a row
 * (globsMeetOnLetters) cannot happen inside the stretch. Without it, a long argument was taken as
 * meeting every protected name: `cat *a*a…` was allowed up to 4,096 characters (it spells no
 * protected name, as `cat *a` does not) and denied as reading credentials past them.
 */
export function shortenLongGlob(b: string): string | null {
  let out = '';
  let copied = 0;
  for (let i = b.indexOf('*'); i !== -1 && i < b.length; i = b.indexOf('*', i + 1)) {
    let lastStar = i;
    let plain = false;
    let j = i + 1;
    for (; j < b.length; j++) {
      const c = b.charCodeAt(j);
      if (c === 47 /* / */ || c === 91 /* [ */ || (alnum(c) && alnum(b.charCodeAt(j - 1)))) break;
      if (c === 42 /* * */) {
        if (plain) lastStar = j;
      } else plain = true;
    }
    // No stretch: the stars up to `j` are one run before its first other character, and a
    // stretch from any of them ends in the same place (so the scan goes on from `j`, linear).
    if (lastStar === i) {
      i = j - 1;
      continue;
    }
    out += `${b.slice(copied, i)}*`;
    copied = lastStar + 1;
    i = lastStar;
  }
  out += b.slice(copied);
  return out.length > MAX_GLOB_TEXT ? null : out;
}

/**
 * The shell's globs skip dot files: a `*`, `?` or `[…]` starting a segment of
 * the argument never matches a leading `.` (so `rm -rf *` spares `.git`).
 * A leading `*` becomes "nothing" or "one non-dot character, then *".
 */
function shellGlobVariants(input: Token[]): Token[][] {
  // Without `globstar` (bash's default) `**` is just `*`.
  const tokens: Token[] = input.map((t) => (t.t === 'gstar' ? { t: 'star' } : t));
  let variants: Token[][] = [[]];
  tokens.forEach((tok, i) => {
    const prev = tokens[i - 1];
    const segmentStart = i === 0 || (prev?.t === 'lit' && prev.c === '/');
    if (!segmentStart || variants.length > 8) {
      variants.forEach((v) => v.push(tok));
      return;
    }
    if (tok.t === 'any') variants.forEach((v) => v.push({ t: 'any', noDot: true }));
    else if (tok.t === 'star') {
      const next = tokens[i + 1];
      const canBeEmpty = !(next?.t === 'lit' && next.c === '.');
      variants = variants.flatMap((v) => [
        ...(canBeEmpty ? [[...v]] : []),
        [...v, { t: 'any', noDot: true } as Token, { t: 'star' } as Token],
      ]);
    } else variants.forEach((v) => v.push(tok));
  });
  return variants;
}

/**
 * Whether token lists `ta` (a rule glob) and `tb` (an argument) can match a common string: the
 * product automaton's states (i, j) are "ta[..i] and tb[..j] matched the same text". Every move
 * goes to a state with i and j no smaller, so the states are decided row by row (one row per j,
 * i rising within it) with two rows of |ta|+2 flags: |ta|×|tb| steps and no memory that grows
 * with the argument (the earlier depth-first walk allocated and cleared a visited map and a
 * stack of the whole product for every rule glob: 1.7 MB each for a 4,000-character argument,
 * 20–50 ms a decision).
 */
function tokensIntersect(ta: Token[], tb: Token[]): boolean {
  const n = ta.length;
  const w = n + 2;
  if (rows.length < 2 * w) rows = new Uint8Array(2 * w * 2);
  let cur = 0;
  let next = w;
  rows.fill(0, 0, 2 * w);
  rows[0] = 1;
  for (let j = 0; j <= tb.length; j++) {
    // One unit of the decision's budget per row (a row is |ta| steps: a rule glob's length).
    tick();
    const y = tb[j];
    const ys = y !== undefined && (y.t === 'star' || y.t === 'gstar');
    let any = false;
    for (let i = 0; i <= n; i++) {
      if (rows[cur + i] === 0) continue;
      any = true;
      if (i === n && j === tb.length) return true;
      const x = ta[i];
      const xs = x !== undefined && (x.t === 'star' || x.t === 'gstar');
      // Moves within the row (to i + 1, same j) are seen later in this loop; to j + 1 in the next row.
      if (xs) rows[cur + i + 1] = 1;
      if (ys) rows[next + i] = 1;
      if (x !== undefined && y !== undefined && compatible(x, y)) {
        if (xs && ys) rows[next + i + 1] = 1;
        else if (xs) rows[next + i] = 1;
        else if (ys) rows[cur + i + 1] = 1;
        else rows[next + i + 1] = 1;
      }
    }
    if (!any) return false;
    rows.fill(0, cur, cur + w);
    const t = cur;
    cur = next;
    next = t;
  }
  return false;
}

/**
 * Whether rule glob `a` and argument glob `b` meet in a string where two letters or digits of
 * `b` in a row stand on two of `a`'s: `b` names what `a` protects (`id_*` meets `**\/id_rsa` on
 * `id`, `*.pe?` meets `**\/*.pem` on `pe`, `*credentials*` meets `**\/credentials.json`), rather
 * than only spelling it with its wildcards (`nu_plugin_*` meets `**\/*.pem` only as
 * `nu_plugin_x.pem`, its `*` spelling `.pem`) or by one letter's chance (`model_patch.diff*` meets
 * `**\/*firebase-adminsdk*.json` on the `f`).
 */
export function globsMeetOnLetters(a: string, b: string): boolean {
  if (b.length > MAX_GLOB_TEXT) {
    const short = shortenLongGlob(b);
    if (short === null) return true;
    b = short;
  }
  const ta = tokenize(a);
  for (const tb of shellGlobVariants(tokenize(b))) if (meetOnLetters(ta, tb)) return true;
  return false;
}

const LETTER = /^[A-Za-z0-9]$/;

/**
 * `tokensIntersect`'s moves with a count: 0, 1 after a letter of `tb` stood on one of `ta`'s, 2
 * once two did in a row (kept to the end).
 */
function meetOnLetters(ta: Token[], tb: Token[]): boolean {
  const n = ta.length;
  const m = tb.length;
  const w = (n + 1) * (m + 1);
  const seen = new Uint8Array(3 * w);
  const stack: number[] = [0, 0, 0];
  const push = (i: number, j: number, f: number) => {
    const k = f * w + i * (m + 1) + j;
    if (seen[k]) return;
    seen[k] = 1;
    stack.push(i, j, f);
  };
  seen[0] = 1;
  while (stack.length) {
    const f = stack.pop()!;
    const j = stack.pop()!;
    const i = stack.pop()!;
    if (i === n && j === m && f === 2) return true;
    const x = ta[i];
    const y = tb[j];
    const xs = x !== undefined && (x.t === 'star' || x.t === 'gstar');
    const ys = y !== undefined && (y.t === 'star' || y.t === 'gstar');
    const other = f === 2 ? 2 : 0;
    if (xs) push(i + 1, j, f);
    if (ys) push(i, j + 1, f);
    if (x === undefined || y === undefined || !compatible(x, y)) continue;
    if (xs && ys) push(i + 1, j + 1, other);
    else if (xs) push(i, j + 1, other);
    else if (ys) push(i + 1, j, other);
    else if (x.t === 'lit' && y.t === 'lit' && LETTER.test(x.c)) push(i + 1, j + 1, f === 0 ? 1 : 2);
    else push(i + 1, j + 1, other);
  }
  return false;
}

/** The two rows of `tokensIntersect`, kept between calls (grown to the longest rule glob). */
let rows = new Uint8Array(64);

/** Resolves `p` against `cwd` and `home` into a normalized absolute path. */
export function resolvePath(p: string, cwd: string, home: string): string {
  // Most paths are plain relative ones (`src/a.py`): joined directly, posix.resolve is
  // several times slower and a command line can hold tens of thousands of them.
  if (isPlainRelative(p) && isNormalAbsolute(cwd)) return cwd === '/' ? `/${p}` : `${cwd}/${p}`;
  let s = p;
  if (s === '~' || s.startsWith('~/')) s = home + s.slice(1);
  else if (s === '~+' || s.startsWith('~+/'))
    s = cwd + s.slice(2); // bash: $PWD
  else if (s.startsWith('~')) {
    const slash = s.indexOf('/');
    const user = slash === -1 ? s.slice(1) : s.slice(1, slash);
    const rest = slash === -1 ? '' : s.slice(slash);
    s = (user === 'root' ? '/root' : `/home/${user}`) + rest;
  }
  // `/proc/self/cwd/../../root`: a process's `root` and `cwd` are links to a directory, and `..`
  // after them climbs from that directory, not back to /proc/PID (`cd -P /proc/self/cwd/../../root
  // && cat .bashrc` read as /proc/root/.bashrc: lead probe, 5 Dec). Such a path is resolved from
  // where the link points: the root for `root`, this command's directory for the own `cwd`, the
  // root for another process's (its directory is not known; any outside the workspace is refused
  // alike). Without a `..` after the link the path is left as written, for the rules on /proc.
  if (s.includes('/proc/') || cwd.startsWith('/proc/')) {
    const abs = s.startsWith('/') ? s : `${cwd}/${s}`;
    const m = PROC_LINK.exec(abs);
    if (m && climbs(abs.slice(m[0].length))) {
      const own = m[2] === 'cwd' && (m[1] === 'self' || m[1] === 'thread-self');
      return posix.resolve(own && !cwd.startsWith('/proc/') ? cwd : '/', `.${abs.slice(m[0].length)}`);
    }
  }
  return posix.resolve(cwd, s);
}

/** Whether a path has a `..` segment (it may climb out of where it starts). */
export function climbs(p: string): boolean {
  return DOT_DOT_SEGMENT.test(p);
}
const DOT_DOT_SEGMENT = /(^|\/)\.\.(\/|$)/;

/** A process's root or working-directory link, at the start of an absolute path. */
const PROC_LINK = /^\/proc\/([^/]+)\/(?:task\/[^/]+\/)?(root|cwd)(?=\/)/;

/** A relative path with no `.`, `..` or empty segment and no `~`: `cwd/p` is already resolved. */
function isPlainRelative(p: string): boolean {
  const n = p.length;
  if (n === 0 || p.charCodeAt(0) === 47 || p.charCodeAt(0) === 126 || p.charCodeAt(n - 1) === 47)
    return false;
  let segStart = 0;
  for (let i = 0; i <= n; i++) {
    if (i < n && p.charCodeAt(i) !== 47) continue;
    const len = i - segStart;
    if (len === 0) return false;
    if (p.charCodeAt(segStart) === 46 && (len === 1 || (len === 2 && p.charCodeAt(segStart + 1) === 46)))
      return false;
    segStart = i + 1;
  }
  return true;
}

/** `/` or an absolute path with no trailing `/` and no `.`, `..` or empty segment. */
function isNormalAbsolute(dir: string): boolean {
  if (dir === '/') return true;
  return (
    dir.charCodeAt(0) === 47 &&
    dir.charCodeAt(dir.length - 1) !== 47 &&
    !dir.includes('//') &&
    !dir.includes('/.')
  );
}

/** True when `path` is strictly below `dir` (the directory itself is not "inside"). */
export function isStrictlyInside(path: string, dir: string): boolean {
  const base = dir.endsWith('/') ? dir : `${dir}/`;
  return path.startsWith(base) && path.length > base.length;
}
