import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Cert } from './ca-certs.js';
import { IMAGES_DIR, LANGUAGE_SERVERS, type ImageName, type ImageOptions } from './image-spec.js';
import { packNode } from './node-pack.js';

/**
 * An image's inputs and their hash: its folder in sandbox-images/, the build options, the
 * CA certificates, the pinned servers and the parent image. Same inputs, same tag: only what
 * changed is rebuilt.
 */

export function imageInputs(
  name: ImageName,
  opts: ImageOptions,
  certs: Cert[],
  parent: string,
): { parts: string[]; buildArgs: Record<string, string>; extraFiles: (ctx: string) => void } {
  const parts = [`image:${name}`, `parent:${parent}`, ...dirParts(join(IMAGES_DIR, name))];
  if (name === 'base') {
    for (const c of certs) parts.push(`cert:${c.name}:${c.content}`);
    const buildArgs = {
      PYRIGHT_VERSION: LANGUAGE_SERVERS.pyright,
      TS_LANGUAGE_SERVER_VERSION: LANGUAGE_SERVERS['typescript-language-server'],
      TYPESCRIPT_VERSION: LANGUAGE_SERVERS.typescript,
    };
    parts.push(`servers:${JSON.stringify(LANGUAGE_SERVERS)}`, `arch:${process.arch}`);
    return {
      parts,
      buildArgs,
      extraFiles: (ctx) => {
        mkdirSync(join(ctx, 'certs'), { recursive: true });
        for (const c of certs) copyFileSync(c.path, join(ctx, 'certs', c.name));
        packNode(ctx, LANGUAGE_SERVERS.node);
      },
    };
  }
  if (name === 'node') {
    const version = opts.nodeVersion ?? '22';
    parts.push(`node:${version}`, `arch:${process.arch}`);
    return { parts, buildArgs: {}, extraFiles: (ctx) => packNode(ctx, version) };
  }
  return { parts, buildArgs: {}, extraFiles: () => {} };
}

export function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true })
    .map((f) => join(dir, String(f)))
    .filter((f) => statSync(f).isFile())
    .sort();
}

export function dirParts(dir: string): string[] {
  return listFiles(dir).map((f) => `${relative(dir, f)}:${digest([readFileSync(f, 'utf8')])}`);
}

export function digest(parts: string[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex').slice(0, 12);
}
