import type { ToolCall } from '../model/index.js';

/** mini-swe-agent's submission: a command whose first output line is this word. */
const SENTINEL = 'COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT';

/** `echo COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT` (quoted or not) as one command of a chain. */
const ECHO_SENTINEL = new RegExp(`^echo\\s+(["']?)${SENTINEL}\\1$`);

/**
 * Whether a shell command is a final answer in the conventions agents are trained on, read as
 * their reference tools read them: SWE-agent's `submit` command, or mini-swe-agent's
 * `echo COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT && ...` (its first output line is the word: so
 * only `cd` and commands whose output goes to a file may come before it in an `&&` chain).
 * A command that merely mentions the word (`grep COMPLETE_TASK...`, `echo "not yet: ..."`) is
 * not one.
 */
export function isSubmissionCommand(command: string): boolean {
  const text = command.trim();
  if (text === 'submit') return true;
  if (!text.includes(SENTINEL)) return false;
  const parts = text.split(/\s*&&\s*/);
  for (const part of parts) {
    if (ECHO_SENTINEL.test(part.trim())) return true;
    const quiet = /^cd\s+\S+$/.test(part.trim()) || /(^|\s)>{1,2}\s*[^\s&|]+\s*$/.test(part.trim());
    if (!quiet) return false;
  }
  return false;
}

/**
 * A `bash` call that is a final answer (above) becomes the `submit` tool's call when the model
 * may submit: the author meant "this is my answer", not "run this echo". Other calls as given.
 */
export function asFinalAnswer(call: ToolCall, toolNames: readonly string[]): ToolCall {
  if (call.name !== 'bash' || !toolNames.includes('submit')) return call;
  let command: unknown;
  try {
    command = (JSON.parse(call.arguments || '{}') as { command?: unknown }).command;
  } catch {
    return call;
  }
  if (typeof command !== 'string' || !isSubmissionCommand(command)) return call;
  return { id: call.id, name: 'submit', arguments: '{}' };
}
