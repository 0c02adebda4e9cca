/**
 * Perl one-liners that only substitute text: `perl -pi -e 's/old/new/g' FILE…`,
 * `perl -0777 -i.bak -pe 's/a\n\s+b/c/s' FILE`, `perl -pe 'tr/a-z/A-Z/' FILE`. Such a program
 * is a `sed -i` in another spelling (agents use it for multi-line edits sed cannot express),
 * so it is read, not refused on sight: the files it reads or rewrites are decided as paths.
 *
 * Anything else stays unread (the interpreter rules ask): other statements, the `e` flag
 * (the replacement is Perl code), code in a pattern (`(?{…})`, `(??{…})`, `(*{…})`),
 * interpolation that evaluates an expression (`${…}`, `@{[…]}`, `$h{…}`, `$a[…]`, `$x->…`),
 * an option this reader does not know, a program in a file, a backup suffix with a `/`
 * (it would put the backups in another directory).
 */

export interface PerlSubstitution {
  /** The files it reads (without -i) or rewrites in place (with -i). */
  files: number[];
  inPlace: boolean;
}

/**
 * Reads the words after `perl` (quote-removed; `dynamic[i]` when word i is only known when it
 * runs). Returns the operand indexes and whether they are rewritten, or null when the program is
 * not substitutions only.
 */
export function perlSubstitution(words: string[], dynamic: boolean[]): PerlSubstitution | null {
  const code: string[] = [];
  let inPlace = false;
  let i = 0;
  for (; i < words.length; i++) {
    const w = words[i]!;
    if (w === '--') {
      i++;
      break;
    }
    if (!w.startsWith('-') || w === '-') break;
    if (dynamic[i]) return null;
    let j = 1;
    while (j < w.length) {
      const c = w[j]!;
      if (c === 'p' || c === 'n' || c === 'w' || c === 'a') j++;
      else if (c === 'l' || c === '0') {
        j++;
        while (j < w.length && /[0-9a-fA-Fx]/.test(w[j]!)) j++;
      } else if (c === 'i') {
        const ext = w.slice(j + 1);
        if (!/^[\w.~*-]*$/.test(ext)) return null;
        inPlace = true;
        j = w.length;
      } else if (c === 'e' || c === 'E') {
        const rest = w.slice(j + 1);
        if (rest) code.push(rest);
        else {
          i++;
          if (i >= words.length || dynamic[i]) return null;
          code.push(words[i]!);
        }
        j = w.length;
      } else return null;
    }
  }
  if (code.length === 0) return null; // the program is a file (or standard input)
  if (!substitutionsOnly(code.join('\n'))) return null;
  const files: number[] = [];
  for (; i < words.length; i++) files.push(i);
  return { files, inPlace };
}

const OPEN: Record<string, string> = { '{': '}', '(': ')', '[': ']', '<': '>' };

/** `s/…/…/flags` and `tr/…/…/flags` (`y` too), separated by `;` or newlines, nothing else. */
export function substitutionsOnly(program: string): boolean {
  if (program.length > 20_000) return false;
  let at = 0;
  let statements = 0;
  const skipSpace = () => {
    while (at < program.length && /[\s;]/.test(program[at]!)) at++;
  };
  /** One delimited part starting at the delimiter; returns its text, or null. */
  const part = (): string | null => {
    const open = program[at];
    if (open === undefined || /[\w\s]/.test(open)) return null;
    const close = OPEN[open] ?? open;
    let depth = 0;
    const start = ++at;
    while (at < program.length) {
      const c = program[at]!;
      if (c === '\\') at += 2;
      else if (c === close && depth === 0) return program.slice(start, at++);
      else {
        if (close !== open) {
          if (c === open) depth++;
          else if (c === close) depth--;
        }
        at++;
      }
    }
    return null;
  };
  for (;;) {
    skipSpace();
    if (at >= program.length) return statements > 0;
    let kind: 's' | 'tr';
    if (program.startsWith('tr', at) && !/\w/.test(program[at + 2] ?? '')) {
      kind = 'tr';
      at += 2;
    } else if ((program[at] === 's' || program[at] === 'y') && !/\w/.test(program[at + 1] ?? '')) {
      kind = program[at] === 's' ? 's' : 'tr';
      at += 1;
    } else return false;
    const bracketed = OPEN[program[at] ?? ''] !== undefined;
    const pattern = part();
    if (pattern === null) return false;
    if (bracketed) {
      while (at < program.length && /\s/.test(program[at]!)) at++;
    } else at--; // the closing delimiter opens the replacement
    const replacement = part();
    if (replacement === null) return false;
    const flagsStart = at;
    while (at < program.length && /[a-z]/.test(program[at]!)) at++;
    const flags = program.slice(flagsStart, at);
    if (kind === 'tr') {
      if (!/^[cdsr]*$/.test(flags)) return false;
    } else {
      if (!/^[gimsxonpradlu]*$/.test(flags)) return false; // no `e`: the replacement would be code
      if (/\(\?\??\{|\(\*\{/.test(pattern)) return false;
      if (!plainInterpolation(pattern) || !plainInterpolation(replacement)) return false;
    }
    statements++;
    const next = program[at];
    if (next !== undefined && !/[\s;]/.test(next)) return false;
  }
}

/**
 * True when every `$`/`@` in the text interpolates a plain variable or capture (`$1`, `$&`,
 * `$foo`, `@list`) or is an anchor, never an expression (`${…}`, `@{[…]}`, `$h{…}`, `$a[…]`,
 * `$x->…`, `$$ref`).
 */
function plainInterpolation(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\') {
      i++;
      continue;
    }
    if (c !== '$' && c !== '@') continue;
    let j = i + 1;
    const n = text[j];
    if (n === undefined) continue;
    if (n === '{' || n === '$' || n === ':' || n === '[' || n === '#') return false;
    if (/[A-Za-z_]/.test(n)) {
      while (j < text.length && /\w/.test(text[j]!)) j++;
    } else if (/[0-9]/.test(n)) {
      while (j < text.length && /[0-9]/.test(text[j]!)) j++;
    } else if (n === '&' || n === '`' || n === "'" || n === '+') j++;
    else continue; // an anchor or a literal `@`
    const after = text[j];
    if (after === '[' || after === '{' || (after === '-' && text[j + 1] === '>') || after === ':')
      return false;
    i = j - 1;
  }
  return true;
}

/**
 * `perl -MTest::More -e 1`: whether modules are installed (perl loads each `-M`/`-m` module, then
 * runs the code `1`), the Perl spelling of `python3 -c "import x"`. Only module names (no `=args`,
 * which go to the module's import), no other option (`-I DIR` would load them from elsewhere) and
 * code that is one number; anything else is not this.
 */
export function perlModuleCheck(words: string[], dynamic: boolean[]): boolean {
  let modules = 0;
  for (let i = 0; i < words.length; i++) {
    if (dynamic[i]) return false;
    const w = words[i]!;
    if (/^-[Mm][A-Za-z_]\w*(?:::\w+)*$/.test(w)) {
      modules++;
      continue;
    }
    if (w === '-e' || w === '-E')
      return (
        modules > 0 && i === words.length - 2 && !dynamic[i + 1] && /^\s*[0-9]+\s*;?\s*$/.test(words[i + 1]!)
      );
    return false;
  }
  return false;
}
