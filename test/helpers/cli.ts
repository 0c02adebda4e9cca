import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/drydock.js', import.meta.url));

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI (npm test builds first) as a user would. */
export function drydock(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 600_000): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: timeoutMs,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * The built CLI, run without blocking this process (so a fake server in this
 * event loop can answer it), with only PATH, HOME and `env` in its environment.
 */
export function drydockAsync(
  args: string[],
  env: Record<string, string>,
  timeoutMs = 600_000,
): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      {
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          ...(process.env.DRYDOCK_SESSION ? { DRYDOCK_SESSION: process.env.DRYDOCK_SESSION } : {}),
          ...env,
        },
        timeout: timeoutMs,
      },
      (err, stdout, stderr) =>
        resolve({ status: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** `drydock fix` on a fixture repository holding ISSUE.md and its SCRIPTED model-script.yaml (or `script`). */
export function scriptedFixArgs(repo: string, script = join(repo, 'model-script.yaml')): string[] {
  return ['fix', '--repo', repo, '--issue', join(repo, 'ISSUE.md'), '--script', script];
}

/** The bundled calc example as a one-commit git repository `root/name`, with `extra` files written first. */
export function calcRepoIn(root: string, name: string, extra: Record<string, string> = {}): string {
  const dir = join(root, name);
  cpSync(new URL('../../examples/calc', import.meta.url), dir, { recursive: true });
  for (const [f, text] of Object.entries(extra)) writeFileSync(join(dir, f), text);
  const git = (...a: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@e', ...a], { cwd: dir });
  git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', 'calc');
  return dir;
}
