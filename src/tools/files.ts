import { DrydockError, renderPrompt } from '../core/index.js';
import { SandboxClosedError, SandboxGoneError, type Sandbox } from '../sandbox/index.js';

/**
 * A file's text from the sandbox, or the message the model should see when it cannot be
 * read (missing, a directory, too large). A dead or closed sandbox is not the model's
 * mistake: those errors are thrown.
 */
export async function readForModel(
  sandbox: Sandbox,
  abs: string,
  tool: string,
): Promise<{ ok: true; text: string } | { ok: false; observation: string }> {
  try {
    return { ok: true, text: await sandbox.readFile(abs) };
  } catch (err) {
    if (err instanceof SandboxGoneError || err instanceof SandboxClosedError) throw err;
    if (!(err instanceof DrydockError)) throw err;
    return {
      ok: false,
      observation: renderPrompt('tools/read-failed', { message: err.message, name: tool }),
    };
  }
}
