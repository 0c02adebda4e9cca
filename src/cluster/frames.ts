// The result channel: a worker prints its instance's files as framed lines on stdout, the
// engine keeps them as the task's log, and the coordinator reads them back with the service's
// logs. Only data crosses: named files, checked against an allow-list, sizes and a digest.
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';

const BEGIN = 'DRYDOCK-FRAME';
const END = 'DRYDOCK-FRAME-END';
/** Short lines: the engine splits log lines longer than 16 KiB into partial messages. */
const CHUNK = 8000;

export interface FramePayload {
  /** Relative file name → content. */
  files: Record<string, Buffer>;
  /** Small facts about the worker: node, exec mode, timings. Data only. */
  meta: Record<string, unknown>;
}

/** Encodes a payload as lines `DRYDOCK-FRAME <nonce> <seq> <base64>` and one END line with the digest. */
export function encodeFrames(nonce: string, payload: FramePayload): string[] {
  const json = JSON.stringify({
    files: Object.fromEntries(Object.entries(payload.files).map(([k, v]) => [k, v.toString('base64')])),
    meta: payload.meta,
  });
  const b64 = gzipSync(Buffer.from(json, 'utf8')).toString('base64');
  const lines: string[] = [];
  for (let i = 0, seq = 0; i < b64.length; i += CHUNK, seq++)
    lines.push(`${BEGIN} ${nonce} ${seq} ${b64.slice(i, i + CHUNK)}`);
  const digest = createHash('sha256').update(b64).digest('hex');
  lines.push(`${END} ${nonce} ${lines.length} ${digest}`);
  return lines;
}

export interface DecodeLimits {
  /** File names allowed (exact) or allowed prefixes ending in `/`. */
  allow: (name: string) => boolean;
  maxFileBytes: number;
  maxTotalBytes: number;
}

export class FrameError extends Error {}

/** A JSON file of a result, parsed as data; missing or not JSON is a FrameError (the job is retried). */
export function parseFrameJson(p: FramePayload, name: string): unknown {
  const b = p.files[name];
  if (!b) throw new FrameError(`the result has no ${name}`);
  try {
    return JSON.parse(b.toString('utf8'));
  } catch {
    throw new FrameError(`${name} is not JSON`);
  }
}

/**
 * Finds the frame with `nonce` in a log's text and decodes it. Throws FrameError when it is
 * missing, cut short, corrupt, or names a file outside the allow-list (nothing is then written).
 */
export function decodeFrames(log: string, nonce: string, limits: DecodeLimits): FramePayload {
  const chunks = new Map<number, string>();
  let end: { count: number; digest: string } | null = null;
  for (const raw of log.split('\n')) {
    const line = raw.replace(/\r$/, '');
    // The engine may prefix a line (timestamps, details); the frame starts at its marker.
    const at = line.indexOf(`${BEGIN} ${nonce} `);
    const atEnd = line.indexOf(`${END} ${nonce} `);
    if (atEnd >= 0) {
      const [, , count, digest] = line.slice(atEnd).split(' ');
      end = { count: Number(count), digest: digest ?? '' };
    } else if (at >= 0) {
      const [, , seq, data] = line.slice(at).split(' ');
      if (seq !== undefined && data !== undefined) chunks.set(Number(seq), data);
    }
  }
  if (!end) throw new FrameError('no result frame in the task log (the worker did not finish)');
  if (!Number.isInteger(end.count) || end.count < 1 || end.count > 1_000_000)
    throw new FrameError(`bad frame count ${end.count}`);
  const parts: string[] = [];
  for (let i = 0; i < end.count; i++) {
    const c = chunks.get(i);
    if (c === undefined) throw new FrameError(`frame chunk ${i} of ${end.count} is missing from the log`);
    parts.push(c);
  }
  const b64 = parts.join('');
  if (createHash('sha256').update(b64).digest('hex') !== end.digest)
    throw new FrameError('frame digest does not match');
  let obj: unknown;
  try {
    const gz = Buffer.from(b64, 'base64');
    if (gz.length > limits.maxTotalBytes) throw new FrameError('frame larger than allowed');
    obj = JSON.parse(gunzipSync(gz, { maxOutputLength: limits.maxTotalBytes * 2 }).toString('utf8'));
  } catch (err) {
    if (err instanceof FrameError) throw err;
    throw new FrameError(`frame does not decode: ${(err as Error).message}`);
  }
  if (!obj || typeof obj !== 'object') throw new FrameError('frame is not an object');
  const { files, meta } = obj as { files?: unknown; meta?: unknown };
  if (!files || typeof files !== 'object' || Array.isArray(files)) throw new FrameError('frame has no files');
  const out: Record<string, Buffer> = {};
  let total = 0;
  for (const [name, v] of Object.entries(files as Record<string, unknown>)) {
    if (!safeName(name) || !limits.allow(name))
      throw new FrameError(`frame names a file it may not write: ${JSON.stringify(name)}`);
    if (typeof v !== 'string') throw new FrameError(`frame file ${name} is not base64 text`);
    const buf = Buffer.from(v, 'base64');
    if (buf.length > limits.maxFileBytes) throw new FrameError(`frame file ${name} is too large`);
    total += buf.length;
    if (total > limits.maxTotalBytes) throw new FrameError('frame files are too large together');
    out[name] = buf;
  }
  const m = meta && typeof meta === 'object' && !Array.isArray(meta) ? (meta as Record<string, unknown>) : {};
  return { files: out, meta: m };
}

/** A relative path with no `..`, no absolute start, no backslash, no NUL, no empty segment. */
export function safeName(name: string): boolean {
  if (!name || name.length > 300 || name.startsWith('/') || /[\\\0]/.test(name)) return false;
  return name.split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..');
}
