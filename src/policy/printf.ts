import { C_ESCAPES } from './words.js';

/**
 * What bash's builtin `printf FORMAT ARGS…` prints, when every word is literal: the format's
 * backslash escapes, its conversions with flags, field width and precision (`%5s`, `%-10s`,
 * `%.2s`, `%*s`, `%05d`), `%c`, `%q`, `%b`, the integer conversions, and the format used again
 * while arguments remain. Null for what is not followed (`%(fmt)T` prints the time, floating
 * point conversions, a number that is not one): the caller then treats the text as unknown.
 */
export function printfOutput(format: string, values: string[]): string | null {
  let out = '';
  let n = 0;
  // Once through the format, then again while arguments remain (a format that takes none is used once).
  for (;;) {
    const before = n;
    const got = onePass(format, values, n);
    if (got === null) return null;
    out += got.text;
    n = got.next;
    if (got.stop || n >= values.length || n === before) return out;
    if (out.length > 1 << 20) return null;
  }
}

const CONVERSION = /%([-+ #0]*)(\*|\d+)?(?:\.(\*|\d*))?(.?)/y;

function onePass(
  format: string,
  values: string[],
  from: number,
): { text: string; next: number; stop: boolean } | null {
  let n = from;
  let text = '';
  const take = (): string | undefined => (n < values.length ? values[n++] : undefined);
  for (let i = 0; i < format.length;) {
    const ch = format[i]!;
    if (ch === '\\') {
      const e = formatEscape(format, i);
      if (e.stop) return { text, next: n, stop: true };
      text += e.text;
      i = e.end;
      continue;
    }
    if (ch !== '%') {
      text += ch;
      i++;
      continue;
    }
    CONVERSION.lastIndex = i;
    const m = CONVERSION.exec(format);
    if (!m) return null;
    i = CONVERSION.lastIndex;
    const [, flags = '', w, p, conv = ''] = m;
    if (conv === '%') {
      text += '%';
      continue;
    }
    let width = 0;
    let left = flags.includes('-');
    if (w === '*') {
      const v = integer(take() ?? '0');
      if (v === null) return null;
      if (v < 0) left = true;
      width = Math.abs(v);
    } else if (w) width = Number(w);
    let precision: number | undefined;
    if (p === '*') {
      const v = integer(take() ?? '0');
      if (v === null) return null;
      precision = v < 0 ? undefined : v;
    } else if (p !== undefined) precision = p === '' ? 0 : Number(p);
    if (width > 4096 || (precision !== undefined && precision > 4096)) return null;
    let piece: string;
    switch (conv) {
      case 's':
        piece = take() ?? '';
        if (precision !== undefined) piece = piece.slice(0, precision);
        break;
      case 'b': {
        const e = argEscapes(take() ?? '');
        piece = precision !== undefined ? e.text.slice(0, precision) : e.text;
        if (e.stop) return { text: text + pad(piece, width, left), next: n, stop: true };
        break;
      }
      case 'c':
        piece = (take() ?? '').slice(0, 1);
        break;
      case 'q':
        piece = shellQuote(take() ?? '');
        break;
      case 'd':
      case 'i':
      case 'u':
      case 'x':
      case 'X':
      case 'o': {
        const v = integer(take() ?? '0');
        if (v === null) return null;
        const abs = Math.abs(v);
        let digits =
          conv === 'x'
            ? abs.toString(16)
            : conv === 'X'
              ? abs.toString(16).toUpperCase()
              : conv === 'o'
                ? abs.toString(8)
                : String(abs);
        if (precision !== undefined) digits = digits.padStart(precision, '0');
        const sign = v < 0 ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '';
        piece = sign + digits;
        if (flags.includes('0') && !left && precision === undefined && piece.length < width)
          piece = sign + digits.padStart(width - sign.length, '0');
        break;
      }
      default:
        // `%(fmt)T`, floating point (`%f`, `%e`, `%g`, `%a`), `%n`, an unknown letter: not followed.
        return null;
    }
    text += pad(piece, width, left);
  }
  return { text, next: n, stop: false };
}

function pad(s: string, width: number, left: boolean): string {
  if (s.length >= width) return s;
  const fill = ' '.repeat(width - s.length);
  return left ? s + fill : fill + s;
}

/** An integer argument as printf reads it: decimal, 0x hex, 0 octal, or `'c` (the character's code). */
function integer(s: string): number | null {
  const t = s.trim();
  if (/^['"]/.test(t)) return t.length > 1 ? t.codePointAt(1)! : 0;
  if (t === '') return 0;
  const m = /^([-+]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(t);
  if (!m) return null;
  const body = m[2]!;
  const v = /^0[xX]/.test(body)
    ? parseInt(body.slice(2), 16)
    : body.startsWith('0')
      ? parseInt(body || '0', 8)
      : Number(body);
  if (!Number.isSafeInteger(v)) return null;
  return m[1] === '-' ? -v : v;
}

/** A shell word that reads back as `s` (what `%q` is for; bash's own spelling may differ, its words do not). */
function shellQuote(s: string): string {
  if (s === '') return "''";
  if (/^[A-Za-z0-9_./+:@%,=-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** One backslash escape of printf's format at `i`: `\NNN` octal (no leading 0 needed), `\xHH`, `\uHHHH`, `\c` (stop). */
function formatEscape(s: string, i: number): { text: string; end: number; stop?: boolean } {
  const rest = s.slice(i + 1, i + 10);
  const c = rest[0];
  if (c === undefined) return { text: '\\', end: i + 1 };
  if (c === 'c') return { text: '', end: i + 2, stop: true };
  let m = /^[0-7]{1,3}/.exec(rest);
  if (m) return { text: String.fromCharCode(parseInt(m[0], 8) & 0xff), end: i + 1 + m[0].length };
  m = /^x([0-9a-fA-F]{1,2})/.exec(rest);
  if (m) return { text: String.fromCharCode(parseInt(m[1]!, 16)), end: i + 1 + m[0].length };
  m = /^u([0-9a-fA-F]{1,4})|^U([0-9a-fA-F]{1,8})/.exec(rest);
  if (m) {
    const cp = parseInt(m[1] ?? m[2]!, 16);
    return { text: cp <= 0x10ffff ? String.fromCodePoint(cp) : '', end: i + 1 + m[0].length };
  }
  if (c in C_ESCAPES) return { text: C_ESCAPES[c]!, end: i + 2 };
  return { text: `\\${c}`, end: i + 2 };
}

/** `%b`'s argument: echo -e's escapes (`\0NNN` octal, and `\NNN` too), `\c` stops all output. */
function argEscapes(s: string): { text: string; stop: boolean } {
  let text = '';
  for (let i = 0; i < s.length;) {
    if (s[i] !== '\\') {
      text += s[i++]!;
      continue;
    }
    const rest = s.slice(i + 1, i + 10);
    const m = /^0([0-7]{0,3})/.exec(rest);
    if (m) {
      text += String.fromCharCode(parseInt(m[1] || '0', 8) & 0xff);
      i += 1 + m[0].length;
      continue;
    }
    const e = formatEscape(s, i);
    if (e.stop) return { text, stop: true };
    text += e.text;
    i = e.end;
  }
  return { text, stop: false };
}
