import { WORKSPACE } from '../core/index.js';

/** The workspace as a `file://` URI (the servers' root and only workspace folder). */
export const WORKSPACE_URI = `file://${WORKSPACE}`;

/** A workspace-relative (or absolute, or `file://`) path as the URI a server knows it by. */
export function toUri(path: string): string {
  const rel = relPath(path);
  return `${WORKSPACE_URI}/${rel.split('/').map(encodeURIComponent).join('/')}`;
}

/** A URI or path as the workspace-relative path drydock keys documents by. */
export function relPath(path: string): string {
  let p = path;
  if (p.startsWith('file://')) p = decodeURIComponent(p.slice('file://'.length));
  if (p.startsWith(`${WORKSPACE}/`)) p = p.slice(WORKSPACE.length + 1);
  return p.replace(/^\.\//, '');
}
