import { posix } from 'node:path';

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
 * shell variants) once, not once per rule glob.
 */
export function intersector(b: string): (a: string) => boolean {
  // The product walk is |a|×|b| states: a glob argument longer than this is taken as
  // possibly intersecting (deny and ask rules hold; allow rules never match on a maybe).
  if (b.length > MAX_GLOB_TEXT) return () => true;
  let variants: Token[][] | null = null;
  // A literal argument meets a glob exactly when the glob matches it.
  if (!META.test(b)) return (a) => affixesAgree(a, b) && globToRegExp(a, true).test(b);
  return (a) => {
    if (!affixesAgree(a, b)) return false;
    let ta = tokenCache.get(a);
    if (!ta) {
      if (tokenCache.size > 4096) tokenCache.clear();
      ta = tokenize(a);
      tokenCache.set(a, ta);
    }
    variants ??= shellGlobVariants(tokenize(b));
    return variants.some((tb) => tokensIntersect(ta, tb));
  };
}

/** Rule globs are few and fixed: tokenized once. */
const tokenCache = new Map<string, Token[]>();

const META = /[*?[]/;

/**
 * A necessary condition, checked in time linear in the literal ends: a string both globs
 * match starts with each glob's literal prefix and ends with each one's literal suffix,
 * so of each pair one must extend the other. Most rule globs and arguments differ there
 * (`~/.ssh/**` against `src/*.py`), which spares the product walk.
 */
function affixesAgree(a: string, b: string): boolean {
  const pa = a.search(META);
  const pb = b.search(META);
  if (pa === -1 && pb === -1) return a === b;
  const n = Math.min(pa === -1 ? a.length : pa, pb === -1 ? b.length : pb);
  for (let i = 0; i < n; i++) if (a.charCodeAt(i) !== b.charCodeAt(i)) return false;
  const sa = pa === -1 ? a.length : a.length - 1 - lastMeta(a);
  const sb = pb === -1 ? b.length : b.length - 1 - lastMeta(b);
  const m = Math.min(sa, sb);
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

function tokensIntersect(ta: Token[], tb: Token[]): boolean {
  // Product states (i, j) as integers: a visited bitmap and an integer stack, no
  // allocation per state (this runs for every rule glob a glob argument may meet).
  const w = tb.length + 1;
  const size = (ta.length + 1) * w;
  const seen = new Uint8Array(size);
  const stack = new Int32Array(size * 4 + 1);
  let top = 0;
  stack[top++] = 0;
  const push = (i: number, j: number) => {
    const k = i * w + j;
    if (seen[k] === 0) stack[top++] = k;
  };
  while (top > 0) {
    const k = stack[--top]!;
    if (seen[k] === 1) continue;
    seen[k] = 1;
    const i = (k / w) | 0;
    const j = k - i * w;
    if (i === ta.length && j === tb.length) return true;
    const x = ta[i];
    const y = tb[j];
    const xs = x !== undefined && (x.t === 'star' || x.t === 'gstar');
    const ys = y !== undefined && (y.t === 'star' || y.t === 'gstar');
    if (xs) push(i + 1, j);
    if (ys) push(i, j + 1);
    if (x !== undefined && y !== undefined && compatible(x, y)) {
      push(xs ? i : i + 1, ys ? j : j + 1);
      if (xs && !ys) push(i, j + 1);
      if (ys && !xs) push(i + 1, j);
      if (xs && ys) push(i + 1, j + 1);
    }
  }
  return false;
}

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
  return posix.resolve(cwd, s);
}

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
