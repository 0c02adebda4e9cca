import { describe, expect, it } from 'vitest';
import {
  globMatch,
  globsIntersect,
  globsMeetOnLetters,
  resolvePath,
  shortenLongGlob,
} from '../../src/policy/glob.js';

describe('globs', () => {
  it('matches paths: * stays in a segment, ** crosses them, dir/** includes dir', () => {
    expect(globMatch('/root/.ssh/*', '/root/.ssh/id_rsa')).toBe(true);
    expect(globMatch('/root/*', '/root/.ssh/id_rsa')).toBe(false);
    expect(globMatch('**/.env', '/testbed/app/.env')).toBe(true);
    expect(globMatch('/root/.aws/**', '/root/.aws')).toBe(true);
    expect(globMatch('/root/.aws/**', '/root/.awsx')).toBe(false);
  });

  it('knows when an argument glob may name a protected path', () => {
    expect(globsIntersect('/root/.ssh/**', '/root/.ss*/id*')).toBe(true);
    expect(globsIntersect('**/*.pem', '/testbed/src/*.py')).toBe(false);
    // The shell's * skips dot files, so `rm -rf *` does not reach .git or .env.
    expect(globsIntersect('**/.git', '/testbed/*')).toBe(false);
    expect(globsIntersect('**/.git', '/testbed/.*')).toBe(true);
    expect(globsIntersect('**/.env', '/testbed/src/**/*.py')).toBe(false);
  });

  it('tells a glob that spells a protected name with its letters from one whose wildcards only meet it', () => {
    // `id_*`, `*.pe?`, `*credentials*`, `cred*`: a letter of the argument stands on the name's.
    expect(globsMeetOnLetters('**/id_rsa', '/testbed/keys/id_*')).toBe(true);
    expect(globsMeetOnLetters('**/*.pem', '/testbed/certs/*.pe?')).toBe(true);
    expect(globsMeetOnLetters('**/credentials.json', '/testbed/config/*credentials*')).toBe(true);
    expect(globsMeetOnLetters('**/service-account*.json', '/testbed/x/*service-account*')).toBe(true);
    expect(globsMeetOnLetters('**/.aws/credentials', '/testbed/x/.aws/cred*')).toBe(true);
    // `nu_plugin_*`, `app-*`, `core.*` meet `**/*.pem` only as `…x.pem`: the `*` spells it.
    expect(globsIntersect('**/*.pem', '/testbed/crates/nu_plugin_*')).toBe(true);
    expect(globsMeetOnLetters('**/*.pem', '/testbed/crates/nu_plugin_*')).toBe(false);
    expect(globsMeetOnLetters('**/*.key', '/testbed/dist/app-*')).toBe(false);
    expect(globsMeetOnLetters('**/*.pem', '/testbed/core.*')).toBe(false);
    // Glob characters never stand for letters of the argument.
    expect(globsMeetOnLetters('**/id_rsa', '/testbed/keys/*')).toBe(false);
    expect(globsMeetOnLetters('**/.env', '/testbed/src/*.py')).toBe(false);
  });

  it('reads a glob argument past 4,096 characters by its shortened form, taking it as meeting all when it stays long', () => {
    const many = '*a'.repeat(5_000);
    expect(shortenLongGlob(`/testbed/${many}`)).toBe('/testbed/*a');
    expect(shortenLongGlob(`/testbed/id_rs${many}.pe?`)).toBe('/testbed/id_rs*a.pe?');
    // Not across a segment, a class, or two letters in a row.
    expect(shortenLongGlob(`${'*a/'.repeat(2_000)}x`)).toBeNull();
    expect(shortenLongGlob(`${'*[a]'.repeat(2_000)}`)).toBeNull();
    expect(shortenLongGlob(`${'*ab'.repeat(2_000)}`)).toBeNull();
    // A run of stars alone is kept as it is (no character between them to fold).
    expect(shortenLongGlob(`${'x'.repeat(5_000)}***`)).toBeNull();
    // The same answers as the short form: `*a` spells no protected name; `id_rs*a` does.
    expect(globsMeetOnLetters('**/id_rsa', `/testbed/${many}`)).toBe(false);
    expect(globsIntersect('**/.git', `/testbed/${many}`)).toBe(false);
    expect(globsMeetOnLetters('**/id_rsa', `/testbed/id_rs${many}`)).toBe(true);
    expect(globsMeetOnLetters('**/id_rsa', `/testbed/${'*sa'.repeat(2_000)}`)).toBe(true);
    // A glob starting with a dot still meets the dot-names (`.*e*e…*` is `.*`).
    expect(shortenLongGlob(`/testbed/.${'*e'.repeat(3_000)}*`)).toBe('/testbed/.*');
    expect(globsIntersect('**/.env', `/testbed/.${'*e'.repeat(3_000)}*`)).toBe(true);
  });

  it('resolves ~, ~user, relative paths and ..', () => {
    expect(resolvePath('~/x', '/testbed', '/root')).toBe('/root/x');
    expect(resolvePath('~bob/x', '/testbed', '/root')).toBe('/home/bob/x');
    expect(resolvePath('../../etc', '/testbed/a', '/root')).toBe('/etc');
  });

  it('climbs with .. from where a process’s root or cwd link points, not back into /proc', () => {
    const r = (p: string, cwd = '/testbed') => resolvePath(p, cwd, '/root');
    expect(r('/proc/self/cwd/../../etc/shadow')).toBe('/etc/shadow');
    expect(r('/proc/self/cwd/../x', '/testbed/src')).toBe('/testbed/x');
    expect(r('/proc/thread-self/cwd/src/../a.py')).toBe('/testbed/a.py');
    expect(r('/proc/1/root/../etc/ssh/ssh_host_rsa_key')).toBe('/etc/ssh/ssh_host_rsa_key');
    expect(r('/proc/self/task/7/root/x/../../root/.netrc')).toBe('/root/.netrc');
    // another process's directory is not known: from the root, outside the workspace as any is
    expect(r('/proc/42/cwd/../y')).toBe('/y');
    // from a directory inside the link, relative paths climb the same way
    expect(r('../../etc/shadow', '/proc/self/cwd')).toBe('/etc/shadow');
    // without a .. after the link the path stays as written, for the rules on /proc
    expect(r('/proc/self/root/etc/hosts')).toBe('/proc/self/root/etc/hosts');
    expect(r('/proc/self/cwd/src')).toBe('/proc/self/cwd/src');
  });
});

// --- reference implementation (main before the row-by-row walk) ---
type Token = { t: 'lit'; c: string } | { t: 'any'; noDot?: boolean } | { t: 'star' } | { t: 'gstar' };

function ref_tokenize(glob: string): Token[] {
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

function ref_compatible(a: Token, b: Token): boolean {
  if (a.t === 'lit' && b.t === 'any' && b.noDot && a.c === '.') return false;
  if (b.t === 'lit' && a.t === 'any' && a.noDot && b.c === '.') return false;
  if (a.t === 'lit' && b.t === 'lit') return a.c === b.c;
  if (a.t === 'lit') return b.t === 'gstar' || a.c !== '/';
  if (b.t === 'lit') return a.t === 'gstar' || b.c !== '/';
  return true;
}

const META = /[*?[]/;

/**
 * A necessary condition, checked in time linear in the literal ends: a string both globs
 * match starts with each glob's literal prefix and ends with each one's literal suffix,
 * so of each pair one must extend the other. Most rule globs and arguments differ there
 * (`~/.ssh/**` against `src/*.py`), which spares the product walk.
 */
function ref_affixesAgree(a: string, b: string): boolean {
  const pa = a.search(META);
  const pb = b.search(META);
  if (pa === -1 && pb === -1) return a === b;
  const n = Math.min(pa === -1 ? a.length : pa, pb === -1 ? b.length : pb);
  for (let i = 0; i < n; i++) if (a.charCodeAt(i) !== b.charCodeAt(i)) return false;
  const sa = pa === -1 ? a.length : a.length - 1 - ref_lastMeta(a);
  const sb = pb === -1 ? b.length : b.length - 1 - ref_lastMeta(b);
  const m = Math.min(sa, sb);
  for (let i = 1; i <= m; i++) if (a.charCodeAt(a.length - i) !== b.charCodeAt(b.length - i)) return false;
  return true;
}

/** Index of the last glob character (a `]` closing a class counts as one). */
function ref_lastMeta(g: string): number {
  for (let i = g.length - 1; i >= 0; i--) {
    const c = g[i];
    if (c === '*' || c === '?' || c === '[') return i;
    if (c === ']' && g.lastIndexOf('[', i) !== -1) return i;
  }
  return -1;
}

function ref_shellGlobVariants(input: Token[]): Token[][] {
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

function ref_tokensIntersect(ta: Token[], tb: Token[]): boolean {
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
    if (x !== undefined && y !== undefined && ref_compatible(x, y)) {
      push(xs ? i : i + 1, ys ? j : j + 1);
      if (xs && !ys) push(i, j + 1);
      if (ys && !xs) push(i + 1, j);
      if (xs && ys) push(i + 1, j + 1);
    }
  }
  return false;
}

// The product walk as it was before the row-by-row version (glob.ts tokensIntersect): the
// reference the new one must agree with on every pair (intersection errs towards "yes" for safety,
// so a "no" where the reference said "yes" would let an argument glob past a protected path).
function referenceIntersect(a: string, b: string): boolean {
  if (!META.test(b)) return ref_affixesAgree(a, b) && globMatch(a, b);
  if (!ref_affixesAgree(a, b)) return false;
  const ta = ref_tokenize(a);
  return ref_shellGlobVariants(ref_tokenize(b)).some((tb) => ref_tokensIntersect(ta, tb));
}

describe('glob intersection, row by row', () => {
  it('agrees with the product walk it replaced on random pairs of globs', () => {
    // A fixed pseudo-random sequence: the same pairs every run.
    let seed = 12345;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const pieces = ['a', 'b', '.', '/', '*', '**', '?', '[ab]', '.e', 'x/'];
    const glob = () => Array.from({ length: 1 + rand(9) }, () => pieces[rand(pieces.length)]).join('');
    let yes = 0;
    for (let k = 0; k < 20_000; k++) {
      const a = glob();
      const b = (rand(2) ? '/' : '') + glob();
      const want = referenceIntersect(a, b);
      if (want) yes++;
      expect({ a, b, meets: globsIntersect(a, b) }).toEqual({ a, b, meets: want });
    }
    // Both answers occur often enough for the comparison to mean something.
    expect(yes).toBeGreaterThan(2_000);
    expect(yes).toBeLessThan(18_000);
  });

  it('decides a 4,000-character glob argument against rule globs (a star every other character)', () => {
    const b = `/testbed/${'*a'.repeat(2_000)}`;
    expect(globsIntersect('**/.env*', b)).toBe(referenceIntersect('**/.env*', b));
    expect(globsIntersect('/root/.ssh/**', b)).toBe(false);
    expect(globsIntersect('**/*a', b)).toBe(true);
  });
});
