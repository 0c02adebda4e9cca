import { DrydockError } from '../core/index.js';
import { LANGUAGE_SERVER_BIN, type Sandbox } from '../sandbox/index.js';
import type { ServerSpec } from './servers.js';

/** The Node.js drydock's language servers run on, inside the sandbox. */
const SERVER_NODE = '/opt/drydock/node/bin/node';

/** A language server that cannot run in a sandbox's image, and why: the reward is then unavailable. */
export class LanguageServerUnavailableError extends DrydockError {
  override readonly name = 'LanguageServerUnavailableError';
  constructor(
    readonly server: string,
    readonly reason: string,
  ) {
    super(
      `${server} is unavailable in this sandbox: ${reason}`,
      "language-server rewards need an image with glibc (Debian, Ubuntu, Fedora, ...) or one of drydock's images",
      'LSP_UNAVAILABLE',
    );
  }
}

const checked = new WeakMap<Sandbox, Map<string, Promise<string | null>>>();

/**
 * Why `spec` cannot start in `sandbox` (null when it can), checked once per
 * sandbox and server before the first start: the server's program must be there
 * and drydock's Node.js must run in the image (it needs glibc; a busybox or musl
 * image has no loader for it). A server that cannot start would otherwise fail
 * its `initialize` after a timeout, with a less clear reason.
 */
export function unavailableReason(sandbox: Sandbox, spec: ServerSpec): Promise<string | null> {
  let bySpec = checked.get(sandbox);
  if (!bySpec) checked.set(sandbox, (bySpec = new Map()));
  let p = bySpec.get(spec.name);
  if (!p) {
    p = probe(sandbox, spec);
    bySpec.set(spec.name, p);
  }
  return p;
}

async function probe(sandbox: Sandbox, spec: ServerSpec): Promise<string | null> {
  const program = spec.argv[0]!;
  // Only drydock's own servers run on its Node.js; another program is for its start to judge.
  if (!program.startsWith(`${LANGUAGE_SERVER_BIN}/`)) return null;
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const r = await sandbox.exec(
    `if [ ! -e ${q(program)} ]; then echo missing; exit 3; fi; exec ${q(SERVER_NODE)} --version`,
    { timeoutMs: 30_000, maxOutputBytes: 4096, cwd: '/' },
  );
  if (r.exitCode === 0) return null;
  if (r.exitCode === 3 && r.stdout.trim() === 'missing')
    return `drydock's language servers are not in its image (${program} is missing; \`drydock setup\` builds drydock/base, which brings them to other images)`;
  const why = (r.stderr.trim() || r.stdout.trim()).split('\n')[0] ?? '';
  return `drydock's Node.js for the language servers does not run in this image (exit ${r.exitCode}${why ? `: ${why}` : ''}; it needs glibc, which a busybox or musl image lacks)`;
}
