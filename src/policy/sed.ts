/**
 * A linear-time reader of sed programs (GNU syntax): which files the program reads
 * (`r`, `R`), writes (`w`, `W`, the `w` flag of `s`) and whether it runs commands
 * (`e`, the `e` flag of `s`). One pass over the text, no regular expressions on it.
 */
export interface SedEffects {
  reads: string[];
  writes: string[];
  /** The program runs shell commands (`e`). */
  runs: boolean;
  /** Text the reader does not know (an unknown command): ask. */
  unknown: string | null;
}

const SIMPLE = new Set([
  '=',
  'd',
  'D',
  'g',
  'G',
  'h',
  'H',
  'x',
  'n',
  'N',
  'p',
  'P',
  'z',
  'F',
  'l',
  'L',
  'q',
  'Q',
]);

export function sedEffects(script: string): SedEffects {
  const out: SedEffects = { reads: [], writes: [], runs: false, unknown: null };
  const n = script.length;
  let i = 0;
  const skipBlanks = () => {
    while (i < n && (script[i] === ' ' || script[i] === '\t')) i++;
  };
  const toEol = (): string => {
    const start = i;
    while (i < n && script[i] !== '\n') i++;
    return script.slice(start, i);
  };
  /** Skips a delimited part (`/re/`, `\cREc`), honouring backslash escapes. */
  const skipDelimited = (delim: string): boolean => {
    while (i < n && script[i] !== delim) {
      if (script[i] === '\\') i++;
      else if (script[i] === '\n' && delim !== '\n') return false;
      i++;
    }
    if (i >= n) return false;
    i++;
    return true;
  };
  const address = (): boolean => {
    const c = script[i];
    if (c === undefined) return true;
    if (c === '/') {
      i++;
      if (!skipDelimited('/')) return false;
      while (script[i] === 'I' || script[i] === 'M') i++;
    } else if (c === '\\') {
      const d = script[i + 1];
      if (d === undefined) return false;
      i += 2;
      if (!skipDelimited(d)) return false;
      while (script[i] === 'I' || script[i] === 'M') i++;
    } else if (c === '$') i++;
    else if (c >= '0' && c <= '9') {
      while (i < n && script[i]! >= '0' && script[i]! <= '9') i++;
      if (script[i] === '~') {
        i++;
        while (i < n && script[i]! >= '0' && script[i]! <= '9') i++;
      }
    }
    return true;
  };
  while (i < n) {
    const c0 = script[i]!;
    if (c0 === ' ' || c0 === '\t' || c0 === '\n' || c0 === ';' || c0 === '}') {
      i++;
      continue;
    }
    if (c0 === '#') {
      toEol();
      continue;
    }
    if (!address()) return { ...out, unknown: 'an unterminated address' };
    skipBlanks();
    if (script[i] === ',') {
      i++;
      skipBlanks();
      if (script[i] === '+' || script[i] === '~') i++;
      if (!address()) return { ...out, unknown: 'an unterminated address' };
      skipBlanks();
    }
    while (script[i] === '!' || script[i] === ' ' || script[i] === '\t') i++;
    const cmd = script[i];
    if (cmd === undefined) break;
    i++;
    if (cmd === '{') continue;
    if (SIMPLE.has(cmd)) {
      // `q5`, `l 70`: an optional number.
      skipBlanks();
      while (i < n && script[i]! >= '0' && script[i]! <= '9') i++;
      continue;
    }
    switch (cmd) {
      case ':':
      case 'b':
      case 't':
      case 'T':
      case 'v': {
        while (i < n && script[i] !== '\n' && script[i] !== ';' && script[i] !== '}') i++;
        continue;
      }
      case 'a':
      case 'i':
      case 'c': {
        // Text to the end of the line; a trailing backslash continues it.
        while (i < n && script[i] !== '\n') {
          if (script[i] === '\\') i++;
          i++;
        }
        continue;
      }
      case 'r':
      case 'R':
      case 'w':
      case 'W': {
        skipBlanks();
        const file = toEol();
        (cmd === 'r' || cmd === 'R' ? out.reads : out.writes).push(file);
        continue;
      }
      case 'e':
        out.runs = true;
        toEol();
        continue;
      case 's':
      case 'y': {
        const d = script[i];
        if (d === undefined || d === '\n' || d === '\\')
          return { ...out, unknown: `a malformed \`${cmd}\` command` };
        i++;
        if (!skipDelimited(d) || !skipDelimited(d))
          return { ...out, unknown: `an unterminated \`${cmd}\` command` };
        if (cmd === 'y') continue;
        // Flags: g p i I m M e, a number, and `w FILE` to the end of the line.
        while (i < n) {
          const f = script[i]!;
          if (f === 'e') {
            out.runs = true;
            i++;
          } else if (f === 'w') {
            i++;
            skipBlanks();
            out.writes.push(toEol());
            break;
          } else if ('gpiImM0123456789'.includes(f)) i++;
          else break;
        }
        continue;
      }
      default:
        return { ...out, unknown: `the command \`${cmd}\`` };
    }
  }
  return out;
}
