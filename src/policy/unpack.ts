import { posix } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { isStrictlyInside, resolvePath } from './glob.js';
import type { Arg, CommandPart, Entry, Verdict, Workspace } from './types.js';

// Archives and patches are decided by what they contain, where the program puts it: an
// entry `.git/hooks/pre-commit`, `../../etc/x` or a link to `/root` lands outside what the
// command line says. The caller (the tools layer, which can read the sandbox) lists the
// entries with `listEntries` and hands them to the decision; an archive or patch whose
// entries are not given (a pipe, a compression this file cannot read, a file not there yet)
// asks.

/** What one command unpacks: the archive or patch (null: read from a pipe) and where entries land. */
export interface UnpackSource {
  kind: 'archive' | 'patch';
  /** The file as written; null when the command reads it from standard input or its name is dynamic. */
  file: Arg | null;
  /** Directory (as written, relative to the working directory) entries are placed in. */
  into: string;
  /** Leading path components dropped from a patch's file names (`-p N`; git apply: 1). */
  strip: number;
  /** `patch ORIGFILE`: the one file written, whatever the patch says. */
  target?: Arg;
  /** A format whose entries the policy does not read (7z): why, for the ask. */
  unlisted?: string;
  /**
   * `git apply`/`git am` with git's own path checks in force (no `--unsafe-paths`, no global
   * option moving the repository, `--directory` relative and without `..`): git itself refuses
   * every entry that is absolute, climbs with `..`, names a `.git` directory in any case or lies
   * beyond a symbolic link, so a patch whose text is not known when decided cannot land outside
   * the directory it runs in or in `.git` (see `unpackFinding`).
   */
  gitGuarded?: boolean;
}

/** Absolute paths of the files a command line's unpacking commands read; the caller lists their entries. */
export function sourcePaths(part: CommandPart, ws: Workspace): string[] {
  const out: string[] = [];
  for (const s of unpackSources(part) ?? []) {
    if (!s.file || s.file.dynamic || s.file.glob || s.unlisted) continue;
    for (const cwd of part.cwd ?? []) out.push(resolvePath(s.file.text, cwd, ws.home));
  }
  return out;
}

const SEVEN_ZIP = new Set(['7z', '7za', '7zr', '7zz']);
const UNPACKERS = new Set(['tar', 'gtar', 'bsdtar', 'unzip', 'git', 'patch', ...SEVEN_ZIP]);

/** The archives and patches a command extracts or applies; null when it unpacks nothing. */
export function unpackSources(part: CommandPart): UnpackSource[] | null {
  if (!UNPACKERS.has(part.name)) return null;
  const args = part.args;
  const texts = args.map((a) => (a.dynamic ? '' : a.text));
  const stdin: Arg | null = part.stdinFile ?? null;
  const name = part.name;
  if (/^(g|bsd)?tar$/.test(name)) {
    let extracting = false;
    let file: Arg | null | undefined;
    let into = '.';
    for (let i = 0; i < args.length; i++) {
      const t = texts[i]!;
      if (t === '--extract' || t === '--get') extracting = true;
      else if (t.startsWith('--file=')) file = { ...args[i]!, text: t.slice(7) };
      else if (t === '--file') file = args[++i] ?? null;
      else if (t.startsWith('--directory=')) into = t.slice(12);
      else if (t === '--directory' || t === '-C') into = texts[++i] ?? '';
      else if (/^-[A-Za-z]+$/.test(t)) {
        if (t.includes('x')) extracting = true;
        // Options with a value in a cluster take the next argument, in order (`-xzf a.tgz`, `-fC a b`).
        for (const c of t.slice(1)) {
          if (c === 'f') file = args[++i] ?? null;
          else if (c === 'C') into = texts[++i] ?? '';
        }
      }
    }
    if (!extracting) return null;
    if (file === undefined || (file && !file.dynamic && file.text === '-')) file = stdin;
    return [{ kind: 'archive', file, into, strip: 0 }];
  }
  if (SEVEN_ZIP.has(name)) {
    // `7z x|e ARCHIVE [-oDIR]`: entries land under DIR (or here); 7z's own format is not read.
    const operands = args.filter((a, i) => a.dynamic || !texts[i]!.startsWith('-'));
    const sub = operands[0] && !operands[0].dynamic ? operands[0].text : null;
    if (sub !== null && sub !== 'x' && sub !== 'e') return null; // l, t, a, h, …: nothing lands
    const out = texts.find((t) => t.startsWith('-o'));
    return [
      {
        kind: 'archive',
        file: operands[1] ?? null,
        into: out ? out.slice(2) || '.' : '.',
        strip: 0,
        unlisted:
          'the policy does not read 7z archives, so their entries (absolute paths, `..`, links, .git/hooks) cannot be checked before they land; extract a tar or zip archive instead (their entries are checked), or ask for approval',
      },
    ];
  }
  if (name === 'unzip') {
    let into = '.';
    let file: Arg | null | undefined;
    // (`-d exdir` may follow the `-x` list too: `unzip a.zip -x README -d /root`, unzip(1))
    let excluding = false;
    for (let i = 0; i < args.length; i++) {
      const t = texts[i]!;
      if (/^-[a-zA-Z]*[lvtZpc]/.test(t)) return null; // lists, tests or prints: nothing lands
      if (t === '-d') into = texts[++i] ?? '';
      else if (t.startsWith('-d')) into = t.slice(2);
      else if (t === '-x') excluding = true;
      else if (!t.startsWith('-') && file === undefined && !excluding) file = args[i]!;
    }
    return [{ kind: 'archive', file: file ?? null, into, strip: 0 }];
  }
  if (name === 'git') {
    let i = 0;
    while (i < args.length && texts[i]!.startsWith('-'))
      i += ['-C', '-c', '--git-dir', '--work-tree'].includes(texts[i]!) ? 2 : 1;
    const globals = i > 0;
    const sub = texts[i];
    if (sub !== 'apply' && sub !== 'am') return null;
    const rest = texts.slice(i + 1);
    if (
      sub === 'apply' &&
      rest.some((t) => /^--(check|stat|numstat|summary)$/.test(t)) &&
      !rest.includes('--apply')
    )
      return null;
    if (sub === 'am' && rest.some((t) => /^--(abort|skip|continue|quit|show-current-patch)/.test(t)))
      return null;
    let strip = 1;
    const files: Arg[] = [];
    let into = '.';
    for (let j = i + 1; j < args.length; j++) {
      const t = texts[j]!;
      const p = /^-p(\d+)$/.exec(t);
      if (p) strip = Number(p[1]);
      else if (t.startsWith('--directory=')) into = t.slice(12);
      else if (!t.startsWith('-') || args[j]!.dynamic) files.push(args[j]!);
    }
    const gitGuarded =
      !globals &&
      !args.some((a, j) => j > i && a.dynamic) &&
      !rest.some((t) => t === '--unsafe-paths' || t === '--directory') &&
      (into === '.' || (!into.startsWith('/') && !into.split('/').includes('..') && !/[~$`\\]/.test(into)));
    if (!files.length) return [{ kind: 'patch', file: stdin, into, strip, gitGuarded }];
    return files.map((f) => ({ kind: 'patch' as const, file: f, into, strip, gitGuarded }));
  }
  if (name === 'patch') {
    if (texts.includes('--dry-run')) return null;
    let strip = -1;
    let file: Arg | null | undefined;
    let into = '.';
    const operands: Arg[] = [];
    for (let i = 0; i < args.length; i++) {
      const t = texts[i]!;
      const p = /^-p(\d+)$|^--strip=(\d+)$/.exec(t);
      if (p) strip = Number(p[1] ?? p[2]);
      else if (t === '-p') strip = Number(texts[++i]);
      else if (t === '-i' || t === '--input') file = args[++i] ?? null;
      else if (t.startsWith('--input=')) file = { ...args[i]!, text: t.slice(8) };
      else if (t.startsWith('-i') && t.length > 2) file = { ...args[i]!, text: t.slice(2) };
      else if (t === '-d' || t === '--directory') into = texts[++i] ?? '';
      else if (
        t === '-o' ||
        t === '--output' ||
        t === '-r' ||
        t === '-B' ||
        t === '-D' ||
        t === '-F' ||
        t === '-V' ||
        t === '-Y' ||
        t === '-z'
      )
        i++;
      else if (!t.startsWith('-') || args[i]!.dynamic) operands.push(args[i]!);
    }
    // `patch ORIGFILE [PATCHFILE]`: only ORIGFILE is written, whatever the patch names; the
    // path is checked as an operand (like any file it writes).
    if (operands[0]) return [{ kind: 'patch', file: null, into, strip: 0, target: operands[0] }];
    if (file === undefined) file = stdin;
    return [{ kind: 'patch', file, into, strip: strip < 0 ? Number.POSITIVE_INFINITY : strip }];
  }
  return null;
}

/** Bytes of an archive or patch the caller reads at most; a longer file asks. */
export const MAX_UNPACK_BYTES = 4 * 1024 * 1024;

/** Compressions tar reads (`-J`, `-j`, `--zstd`, or by content) that Node cannot undo itself. */
export type Compression = 'xz' | 'bzip2' | 'zstd';

/**
 * Undoes a compression, at most `limit` bytes out; null when it cannot (no such program, bad
 * data, too large). Given by the caller: this layer runs nothing (the tools layer uses the
 * host's xz, bzip2 and zstd).
 */
export type Decompress = (format: Compression, bytes: Buffer, limit: number) => Buffer | null;

/** Which compression the bytes start with (by magic number), if one of those. */
export function compressionOf(b: Uint8Array): Compression | null {
  if (b[0] === 0xfd && b[1] === 0x37 && b[2] === 0x7a && b[3] === 0x58 && b[4] === 0x5a && b[5] === 0)
    return 'xz';
  if (b[0] === 0x42 && b[1] === 0x5a && b[2] === 0x68 && b[3]! >= 0x31 && b[3]! <= 0x39) return 'bzip2';
  if (b[0] === 0x28 && b[1] === 0xb5 && b[2] === 0x2f && b[3] === 0xfd) return 'zstd';
  return null;
}

/**
 * Entries of a tar (plain, gzip, or xz/bzip2/zstd when `decompress` is given), zip or patch,
 * from its bytes; null when the format is not one of these or the bytes do not parse (the
 * command then asks).
 */
export function listEntries(bytes: Uint8Array, decompress?: Decompress): Entry[] | null {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    if (b[0] === 0x1f && b[1] === 0x8b)
      return tarEntries(gunzipSync(b, { maxOutputLength: 4 * MAX_UNPACK_BYTES }));
    const compression = compressionOf(b);
    if (compression) {
      const plain = decompress?.(compression, b, 4 * MAX_UNPACK_BYTES) ?? null;
      // Only a tar inside: a compressed patch or zip is not what these commands extract.
      return plain && plain.length >= 512 && plain.toString('latin1', 257, 262) === 'ustar'
        ? tarEntries(plain)
        : null;
    }
    if (b.readUInt32LE(0) === 0x04034b50 || b.readUInt32LE(0) === 0x06054b50) return zipEntries(b);
    if (b.length >= 512 && b.toString('latin1', 257, 262) === 'ustar') return tarEntries(b);
    const text = b.toString('utf8');
    if (/^(diff |--- |\+\+\+ |From |Index: )/m.test(text)) return patchEntries(text);
  } catch {
    return null;
  }
  return null;
}

function tarEntries(b: Buffer): Entry[] | null {
  const out: Entry[] = [];
  let longName: string | null = null;
  let longLink: string | null = null;
  let pax: Record<string, string> = {};
  for (let off = 0; off + 512 <= b.length;) {
    const h = b.subarray(off, off + 512);
    if (h.every((x) => x === 0)) break;
    const str = (s: number, n: number) => {
      const f = h.subarray(s, s + n);
      const z = f.indexOf(0);
      return f.subarray(0, z < 0 ? n : z).toString('utf8');
    };
    const size = parseInt(str(124, 12).trim() || '0', 8);
    if (!Number.isFinite(size) || size < 0) return null;
    const type = String.fromCharCode(h[156] || 0x30);
    const body = b.subarray(off + 512, off + 512 + size);
    const prefix = str(345, 155);
    let path = longName ?? pax.path ?? (prefix ? `${prefix}/${str(0, 100)}` : str(0, 100));
    let link = longLink ?? pax.linkpath ?? str(157, 100);
    if (type === 'L') longName = body.toString('utf8').replace(/\0+$/, '');
    else if (type === 'K') longLink = body.toString('utf8').replace(/\0+$/, '');
    else if (type === 'x') pax = parsePax(body.toString('utf8'));
    else if (type !== 'g') {
      if (type === '2') out.push({ path, link });
      else if (type === '1')
        out.push({ path, link: `/${link}` }); // a hard link names a path from the archive root
      else out.push({ path });
      longName = longLink = null;
      pax = {};
      path = link = '';
    }
    off += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

function parsePax(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/^\d+ ([^=\n]+)=(.*)$/gm)) out[m[1]!] = m[2]!;
  return out;
}

function zipEntries(b: Buffer): Entry[] | null {
  // The central directory is what unzip reads: find its end record from the back.
  let end = -1;
  for (let i = b.length - 22; i >= Math.max(0, b.length - 65_557); i--)
    if (b.readUInt32LE(i) === 0x06054b50) {
      end = i;
      break;
    }
  if (end < 0) return null;
  const count = b.readUInt16LE(end + 10);
  let off = b.readUInt32LE(end + 16);
  const out: Entry[] = [];
  for (let n = 0; n < count; n++) {
    if (off + 46 > b.length || b.readUInt32LE(off) !== 0x02014b50) return null;
    const nameLen = b.readUInt16LE(off + 28);
    const extraLen = b.readUInt16LE(off + 30);
    const commentLen = b.readUInt16LE(off + 32);
    const attrs = b.readUInt32LE(off + 38);
    const local = b.readUInt32LE(off + 42);
    const path = b.toString('utf8', off + 46, off + 46 + nameLen);
    const mode = attrs >>> 16;
    if ((mode & 0o170000) === 0o120000) {
      // A symbolic link's target is its (stored) content.
      const lnName = b.readUInt16LE(local + 26);
      const lnExtra = b.readUInt16LE(local + 28);
      const size = b.readUInt32LE(off + 20);
      const start = local + 30 + lnName + lnExtra;
      out.push({ path, link: b.toString('utf8', start, start + size) });
    } else out.push({ path });
    off += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

function patchEntries(text: string): Entry[] {
  const out: Entry[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    const m = /^(?:\+\+\+|---) (\S+)/.exec(l) ?? /^(?:rename|copy) (?:to|from) (.+)$/.exec(l);
    if (m && m[1] !== '/dev/null') out.push({ path: m[1]! });
    const d = /^diff --git (\S+) (\S+)$/.exec(l);
    if (d) out.push({ path: d[1]! }, { path: d[2]! });
    if (/^new file mode 120000/.test(l)) {
      // A symbolic link made by the patch: its target is the one added line of its hunk.
      for (let j = i + 1; j < lines.length && j < i + 8; j++) {
        const t = /^\+(?!\+\+)(.*)$/.exec(lines[j]!);
        if (t) {
          const target = out.at(-1);
          if (target) out.push({ path: target.path, link: t[1]! });
          break;
        }
      }
    }
  }
  return out;
}

/** An entry's name once `strip` leading components are dropped (`patch` without -p: the base name; -pN drops N). */
function stripped(e: Entry, strip: number): string {
  if (strip <= 0) return e.path;
  const segs = e.path.split('/');
  return Number.isFinite(strip) ? segs.slice(Math.min(strip, segs.length - 1)).join('/') : segs.at(-1)!;
}

/** Where an entry lands, absolute. */
function entryPath(e: Entry, dir: string, strip: number): string {
  return posix.resolve(dir, stripped(e, strip));
}

/** Why an entry placed under `dir` is refused, or null when it stays in the workspace and out of `.git`. */
export function entryProblem(e: Entry, dir: string, strip: number, ws: Workspace): string | null {
  const path = stripped(e, strip);
  if (path.startsWith('/')) return `entry \`${e.path}\` at an absolute path`;
  const full = posix.resolve(dir, path);
  if (!inside(full, ws)) return `entry \`${e.path}\` at \`${full}\`, outside the workspace`;
  if (/(^|\/)\.git(\/|$)/i.test(full.slice(ws.workspace.length)))
    return `entry \`${e.path}\` at \`${full}\`, inside a .git directory (hooks and config there run programs)`;
  if (e.link !== undefined) {
    const target = posix.resolve(posix.dirname(full), e.link);
    if (!inside(target, ws)) return `entry \`${e.path}\`, a link to \`${target}\` outside the workspace`;
  }
  return null;
}

function inside(p: string, ws: Workspace): boolean {
  return isStrictlyInside(p, ws.workspace) || ws.scratch.some((s) => isStrictlyInside(p, s));
}

/**
 * The unpacking finding for one command part: deny when an entry lands outside the workspace
 * or in `.git`, ask when the entries are not known, null when every entry is fine (or it
 * unpacks nothing). `entries` maps an absolute path to its entries (null: could not be read).
 */
export function unpackFinding(
  part: CommandPart,
  entries: Record<string, Entry[] | null> | undefined,
  ws: Workspace,
  written?: string[],
): Omit<Verdict, 'rule'> | null {
  const sources = unpackSources(part);
  if (!sources) return null;
  for (const s of sources) {
    const what = s.kind === 'archive' ? 'archive' : 'patch';
    if (s.target) {
      if (s.target.dynamic || part.cwd === null)
        return { decision: 'ask', reason: `\`patch\` writes a file only known when it runs` };
      for (const cwd of part.cwd) {
        const p = entryProblem({ path: s.target.text }, cwd, 0, ws);
        if (p)
          return {
            decision: 'deny',
            reason: `\`patch\` would write ${p.replace(/^entry/, 'file')}; patch workspace files only`,
          };
      }
      continue;
    }
    if (!s.file && part.stdinText !== undefined && s.kind === 'patch') {
      // A patch in a here-document: its files are right there.
      const list = patchEntries(part.stdinText);
      for (const cwd of part.cwd ?? []) {
        const dir = resolvePath(s.into || '.', cwd, ws.home);
        for (const e of list) {
          const p = entryProblem(e, dir, s.strip, ws);
          if (p)
            return {
              decision: 'deny',
              reason: `\`${part.name}\` would write ${p}; apply only patches whose files stay in the workspace, outside .git`,
            };
          const at = entryPath(e, dir, s.strip);
          if (isStrictlyInside(at, ws.workspace)) written?.push(at);
        }
      }
      if (part.cwd !== null) continue;
    }
    if (s.unlisted) return { decision: 'ask', reason: `\`${part.name}\`: ${s.unlisted}` };
    // git's own checks hold wherever the patch comes from (a pipe, a file written in the same
    // line or by an earlier step the caller could not list): run inside the workspace or a
    // scratch directory, nothing it writes leaves it or enters .git. Entries that are known are
    // still checked below, so that such a patch is refused with its reason rather than by git.
    const unknownIsGuarded =
      s.gitGuarded === true &&
      part.cwd !== null &&
      part.cwd.every((c) => c === ws.workspace || inside(c, ws) || ws.scratch.includes(c));
    if (unknownIsGuarded && (!s.file || s.file.dynamic || s.file.glob)) continue;
    if (!s.file || s.file.dynamic || s.file.glob)
      return {
        decision: 'ask',
        reason: `\`${part.name}\` reads its ${what} from ${s.file ? 'a name only known when it runs' : 'standard input or a pipe'}, so what it unpacks cannot be read before it runs; give the ${what} as a workspace file`,
      };
    if (part.cwd === null)
      return { decision: 'ask', reason: `\`${part.name}\` runs in a directory only known when it runs` };
    for (const cwd of part.cwd) {
      const abs = resolvePath(s.file.text, cwd, ws.home);
      const literal = part.written?.get(abs);
      const list =
        literal !== undefined
          ? patchEntries(literal)
          : entries && Object.hasOwn(entries, abs)
            ? entries[abs]
            : null;
      if (!list && unknownIsGuarded) continue;
      if (!list)
        return {
          decision: 'ask',
          reason: `the entries of \`${s.file.text}\` could not be read before it runs (not there yet, too large or a format the policy cannot list), so where \`${part.name}\` puts them is unknown`,
        };
      const dir = resolvePath(s.into || '.', cwd, ws.home);
      for (const e of list) {
        const p = entryProblem(e, dir, s.kind === 'patch' ? s.strip : 0, ws);
        if (p)
          return {
            decision: 'deny',
            reason: `\`${part.name}\` would write ${p}; unpack only archives and patches whose files stay in the workspace, outside .git`,
          };
        // Every entry the command puts in the workspace is one of its writes, decided by the file
        // rules as the line's own writes are (a patch written on the line, a listed patch file or
        // archive alike); scratch is where an archive that carries such files can be unpacked.
        const at = entryPath(e, dir, s.kind === 'patch' ? s.strip : 0);
        if (isStrictlyInside(at, ws.workspace)) written?.push(at);
      }
    }
  }
  return null;
}
