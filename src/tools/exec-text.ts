import type { ExecResult } from '../sandbox/index.js';

/** Why the sandbox stopped a call, in words the model can act on. */
export function killedText(r: ExecResult, timeoutMs: number | undefined): string | null {
  switch (r.killedBy) {
    case 'timeout':
      return `killed: it ran longer than ${timeoutMs !== undefined ? `${timeoutMs / 1000} s` : 'its time limit'}`;
    case 'oom':
      return 'killed: it ran out of memory (the per-call memory limit)';
    case 'pids':
      return 'killed: it started too many processes (the per-call process limit)';
    default:
      return null;
  }
}

/** Notes on bytes the sandbox's output cap cut from the middle (its marker is in the text too). */
export function cutNotes(r: ExecResult): string[] {
  const notes: string[] = [];
  if (r.stdoutBytesCut > 0)
    notes.push(`[the sandbox cut ${r.stdoutBytesCut} bytes from the middle of stdout]`);
  if (r.stderrBytesCut > 0)
    notes.push(`[the sandbox cut ${r.stderrBytesCut} bytes from the middle of stderr]`);
  return notes;
}

/** An exec's result as the model reads it: exit code, why it was killed, stdout, stderr, cuts. */
export function execText(r: ExecResult, timeoutMs?: number): string {
  const lines = [`exit code: ${r.exitCode}`];
  const killed = killedText(r, timeoutMs);
  if (killed) lines.push(killed);
  if (r.stdout.length > 0) lines.push('--- stdout ---', r.stdout.replace(/\n$/, ''));
  if (r.stderr.length > 0) lines.push('--- stderr ---', r.stderr.replace(/\n$/, ''));
  if (r.stdout.length === 0 && r.stderr.length === 0) lines.push('(no output)');
  lines.push(...cutNotes(r));
  return lines.join('\n');
}
