import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { DrydockError } from '../core/index.js';

/** Extra CA certificates (a proxy's, a company's) that drydock/base trusts, read from the host. */

export const HOST_CA_DIR = '/usr/local/share/ca-certificates';

export interface Cert {
  name: string;
  path: string;
  content: string;
}

/** The certificates to trust: the given PEM files, else the host's HOST_CA_DIR/*.crt. */
export function readCaCerts(files?: string[]): Cert[] {
  const paths =
    files ??
    (existsSync(HOST_CA_DIR)
      ? readdirSync(HOST_CA_DIR, { recursive: true })
          .map(String)
          .filter((f) => f.endsWith('.crt'))
          .map((f) => join(HOST_CA_DIR, f))
      : []);
  return paths.sort().map((path, i) => {
    let content: string;
    try {
      content = readFileSync(path, 'utf8');
    } catch (err) {
      throw new DrydockError(
        `Cannot read CA certificate ${path}: ${(err instanceof Error ? err.message : String(err)).split('\n')[0]}`,
        'pass a readable PEM file to --ca-cert',
        'BAD_CA_CERT',
      );
    }
    if (!content.includes('-----BEGIN CERTIFICATE-----')) {
      throw new DrydockError(
        `${path} is not a PEM certificate (no BEGIN CERTIFICATE line).`,
        'pass a PEM-encoded certificate to --ca-cert',
        'BAD_CA_CERT',
      );
    }
    return {
      name: `${String(i).padStart(2, '0')}-${basename(path).replace(/\.(pem|crt|cer)$/, '')}.crt`,
      path,
      content,
    };
  });
}
