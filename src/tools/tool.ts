import { posix } from 'node:path';
import { z } from 'zod';
import { WORKSPACE, workspaceRelative, type JsonSchemaObject, type ToolSpec } from '../core/index.js';
import type { ProcessReward, DiagnosticsSession } from '../lsp/index.js';
import type { Action } from '../policy/index.js';
import type { ExecLimits, ExecResult, Sandbox } from '../sandbox/index.js';
import type { SandboxSymbols } from './sandbox-symbols.js';

/** The repository's test command, as the configuration gives it. */
export interface TestCommand {
  command: string;
  /** Wall time before the run is killed (default 600 000 ms). */
  timeoutMs?: number;
  /** Other per-call limits for the test run (memory, cpus, pids, output). */
  limits?: ExecLimits;
  cwd?: string;
}

/** What a tool's invocation may use; the toolbox builds one per call. */
export interface ToolContext {
  sandbox: Sandbox;
  /** Per-call limits for commands the model writes (`bash`, `search`). */
  limits: ExecLimits;
  /** Environment for every command a tool runs (bash, search, run_tests). */
  env: Record<string, string>;
  diagnostics: DiagnosticsSession | null;
  symbols: SandboxSymbols;
  /** Refuse edits that add syntax errors (default true). */
  rejectSyntaxErrors: boolean;
}

/** What an invocation did, before the toolbox cuts it and records it. */
export interface ToolOutcome {
  text: string;
  isError: boolean;
  /** The sandbox call whose usage and exit code the trajectory keeps, when there was one. */
  exec?: ExecResult;
  /** The limits that sandbox call asked for (the sandbox's defaults fill the rest). */
  limits?: ExecLimits;
  reward?: ProcessReward;
  /** Set by `submit`: the final patch; the loop ends on it. */
  submitted?: { patch: string; files: string[] };
}

/**
 * A call that passed its schema, ready to run: what the policy must allow first
 * (Gemini CLI's `shouldConfirmExecute`), then `execute` (Gemini's, too).
 */
export interface ToolInvocation {
  /** Every action must be allowed before `execute`; empty when the tool touches nothing the policy governs. */
  actions: Action[];
  /** How the refusal names what was refused (`rm -rf /`, `edit src/a.py`). */
  describe: string;
  execute(ctx: ToolContext): Promise<ToolOutcome>;
}

export type BuildResult =
  { ok: true; invocation: ToolInvocation } | { ok: false; problems: { field: string; message: string }[] };

/** A tool as the toolbox holds it: its model-facing spec and a builder of invocations. */
export interface Tool {
  name: string;
  description: string;
  spec: ToolSpec;
  build(args: unknown): BuildResult;
}

/** The JSON schema the model sees: an OpenAI-compatible object schema (no `$schema`, no extra keys). */
export function jsonSchemaOf(schema: z.ZodObject): JsonSchemaObject {
  // `input`: fields with a default are optional to the caller, not required.
  const js = withoutSafeIntegerBounds(z.toJSONSchema(schema, { io: 'input', target: 'draft-7' })) as Record<
    string,
    unknown
  >;
  delete js.$schema;
  return { ...js, type: 'object', properties: (js.properties ?? {}) as JsonSchemaObject['properties'] };
}

/**
 * zod writes `.int()` as bounded by ±(2^53 − 1); the bounds say nothing to a model and make
 * grammar-constrained local servers (llama.cpp) build digit grammars for them.
 */
function withoutSafeIntegerBounds(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSafeIntegerBounds);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === 'maximum' && v === Number.MAX_SAFE_INTEGER) continue;
    if (k === 'minimum' && v === Number.MIN_SAFE_INTEGER) continue;
    out[k] = withoutSafeIntegerBounds(v);
  }
  return out;
}

/** One tool: a zod schema, the policy actions its arguments imply, and what it does. */
export function defineTool<S extends z.ZodObject>(def: {
  name: string;
  description: string;
  schema: S;
  actions: (args: z.infer<S>) => Action[];
  describe: (args: z.infer<S>) => string;
  execute: (args: z.infer<S>, ctx: ToolContext) => Promise<ToolOutcome>;
}): Tool {
  const spec: ToolSpec = {
    name: def.name,
    description: def.description,
    parameters: jsonSchemaOf(def.schema),
  };
  return {
    name: def.name,
    description: def.description,
    spec,
    build(args) {
      const parsed = def.schema.safeParse(args);
      if (!parsed.success) {
        return {
          ok: false,
          problems: parsed.error.issues.map((issue) => ({
            field: issueField(issue),
            message: issue.message,
          })),
        };
      }
      const data = parsed.data;
      return {
        ok: true,
        invocation: {
          actions: def.actions(data),
          describe: def.describe(data),
          execute: (ctx) => def.execute(data, ctx),
        },
      };
    },
  };
}

function issueField(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return issue.keys.join(', ');
  return issue.path.length === 0 ? '(arguments)' : issue.path.map(String).join('.');
}

/** A path from a tool call as an absolute path in the sandbox (relative ones start at the workspace). */
export function sandboxPath(path: string): string {
  return posix.resolve(WORKSPACE, path);
}

/** How a path is shown back to the model: relative to the workspace when inside it. */
export function shownPath(abs: string): string {
  return workspaceRelative(abs);
}
