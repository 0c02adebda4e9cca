import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { DrydockError } from '../../core/index.js';

const toolCallSchema = z
  .object({
    id: z.string().optional(),
    name: z.string().min(1),
    /** An object is sent as JSON; a string is sent verbatim (so a script can send broken JSON). */
    arguments: z.union([z.record(z.string(), z.unknown()), z.string()]).default({}),
  })
  .strict();

const replySchema = z
  .object({
    content: z.string().nullable().optional(),
    /** Sent as `reasoning_content`, as DeepSeek and vLLM do. */
    reasoning_content: z.string().optional(),
    tool_calls: z.array(toolCallSchema).optional(),
    finish_reason: z.string().optional(),
  })
  .strict();

const failureSchema = z
  .object({
    status: z.number().int().min(400).max(599).optional(),
    message: z.string().optional(),
    retry_after: z.union([z.number().nonnegative(), z.string()]).optional(),
    retry_after_ms: z.number().nonnegative().optional(),
    reset: z.literal(true).optional(),
    /** Send the headers and half the body, then drop the connection. */
    drop: z.literal(true).optional(),
    hang_ms: z.number().int().positive().optional(),
    times: z.number().int().positive().default(1),
  })
  .strict()
  .refine(
    (f) =>
      [f.status !== undefined, f.reset === true, f.drop === true, f.hang_ms !== undefined].filter(Boolean)
        .length === 1,
    {
      message: 'a failure is exactly one of: status, reset, drop, hang_ms',
    },
  );

const turnSchema = z
  .object({
    match: z.string().optional(),
    match_role: z.enum(['user', 'tool', 'any']).default('any'),
    fail: z.array(failureSchema).default([]),
    content: z.string().nullable().optional(),
    reasoning_content: z.string().optional(),
    tool_calls: z.array(toolCallSchema).optional(),
    finish_reason: z.string().optional(),
    choices: z.array(replySchema).min(1).optional(),
    usage: z
      .object({
        prompt_tokens: z.number().int().nonnegative(),
        completion_tokens: z.number().int().nonnegative(),
      })
      // null: send no `usage` at all, as some local servers do.
      .nullable()
      .optional(),
    repeat: z.boolean().default(false),
  })
  .strict()
  .refine((t) => t.choices === undefined || (t.content === undefined && t.tool_calls === undefined), {
    message: 'give either choices or content/tool_calls, not both',
  });

/** Faults injected into replies, on a schedule (request numbers, 1-based) or at random with a seed. */
export const FAULT_KINDS = [
  'http_500',
  'http_429',
  'timeout',
  'reset',
  'drop',
  'empty',
  'truncated',
  'malformed_tool_json',
  'wrong_format',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

const faultsSchema = z
  .object({
    seed: z.number().int().default(1),
    /** Chance that a request gets a fault (0..1), drawn from the seeded generator. */
    rate: z.number().min(0).max(1).default(0),
    kinds: z
      .array(z.enum(FAULT_KINDS))
      .min(1)
      .default([...FAULT_KINDS]),
    /** Faults at fixed request numbers, in addition to the random ones. */
    schedule: z
      .array(z.object({ request: z.number().int().positive(), kind: z.enum(FAULT_KINDS) }).strict())
      .default([]),
    /** How long a `timeout` fault hangs before dropping the connection (longer than the client waits). */
    hang_ms: z.number().int().positive().default(60_000),
  })
  .strict();

export const scriptSchema = z
  .object({
    model: z.string().optional(),
    supports_n: z.boolean().default(true),
    /** Answer a request with n > 1 by HTTP 400, as some servers do. */
    reject_n: z.boolean().default(false),
    faults: faultsSchema.optional(),
    turns: z.array(turnSchema).min(1),
  })
  .strict();

export type Script = z.infer<typeof scriptSchema>;
export type ScriptInput = z.input<typeof scriptSchema>;
export type ScriptTurn = Script['turns'][number];
export type ScriptReply = z.infer<typeof replySchema>;
export type ScriptFailure = z.infer<typeof failureSchema>;

export function parseScript(input: unknown, source = 'script'): Script {
  const parsed = scriptSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DrydockError(
      `script ${source}: ${issue ? `${issue.path.join('.') || '(top)'}: ${issue.message}` : 'invalid'}`,
      'see "Script files" in src/model/README.md',
      'SCRIPT_INVALID',
    );
  }
  for (const [i, turn] of parsed.data.turns.entries()) {
    if (turn.match === undefined) continue;
    try {
      new RegExp(turn.match);
    } catch (err) {
      throw new DrydockError(
        `script ${source}: turns.${i}.match: ${(err as Error).message}`,
        undefined,
        'SCRIPT_INVALID',
      );
    }
  }
  return parsed.data;
}

/** Reads a YAML or JSON script file (YAML is a superset of JSON, so one parser reads both). */
export function loadScript(path: string): { script: Script; name: string } {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new DrydockError(
      `cannot read script ${path}: ${(err as Error).message}`,
      'check the path and the YAML',
      'SCRIPT_INVALID',
    );
  }
  const script = parseScript(raw, path);
  return { script, name: `scripted:${script.model ?? basename(path)}` };
}
