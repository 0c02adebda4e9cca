import { z } from 'zod';
import { RE2JS } from 're2js';
import type { Decision, Tier } from './types.js';

const list = z
  .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
  .transform((v) => (Array.isArray(v) ? v : [v]));

/** One rule as written in a policy file (see policies/README.md). */
export const RuleSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'id must be lower-case letters, digits, ".", "_" or "-"'),
    decision: z.enum(['allow', 'ask', 'deny']),
    reason: z.string().min(1),
    command: list.optional(),
    /** Command rules: names among `command`'s that the rule does not hold for (an anchor's list less one). */
    not_command: list.optional(),
    file: list.optional(),
    variable: list.optional(),
    /** Variable rules: names (globs) the rule's `variable` globs take in but it does not hold for (`CARGO_TERM_*` among `CARGO_*`). */
    not_variables: list.optional(),
    subcommand: list.optional(),
    not_subcommand: list.optional(),
    global_flags: list.optional(),
    flags: list.optional(),
    not_flags: list.optional(),
    args: list.optional(),
    arg_regex: z.string().optional(),
    /** The rule does not hold when the command's output is narrowed by `grep WORD` and WORD does not match this regex. */
    filter_regex: z.string().optional(),
    /**
     * Command rules: the whole command line matches this regex (what a command's environment
     * holds, set as its prefix, by `env` or `export` anywhere in the line: `FLASK_DEBUG=1`).
     */
    line_regex: z.string().optional(),
    paths: list.optional(),
    not_paths: list.optional(),
    /** `known`: only a path known (or known up to a directory) to lie outside matches, never a value only known when it runs. */
    outside: z.union([z.boolean(), z.literal('known')]).optional(),
    target_outside: z.boolean().optional(),
    no_args: z.boolean().optional(),
    /**
     * At most this many operands (`no_args` is none): `sqlite3 app.db` with no SQL reads what it
     * runs from standard input, as an interpreter with no script does.
     */
    max_args: z.number().int().min(0).optional(),
    /** Every argument is one of these words, exactly (and there is one): `git --version`, `ffmpeg -version`. */
    only_args: list.optional(),
    dynamic_args: z.boolean().optional(),
    program_operand: z.boolean().optional(),
    code_unread: z.boolean().optional(),
    /** true: the command runs, as its script, a file this command line wrote with literal text. */
    runs_written: z.boolean().optional(),
    /** true: the program has no spec in programs.yaml (it is allowed by name: its options are not known). */
    no_spec: z.boolean().optional(),
    /** true: the command runs in a working directory known to lie outside the workspace and the scratch dirs. */
    cwd_outside: z.boolean().optional(),
    network: z.boolean().optional(),
    /**
     * Variable rules: holds when the value passed to programs' environment names a path outside
     * the workspace and the scratch dirs (each word and `:`-separated entry looked at; the
     * `not_values` globs, `~` and `${workspace}` expanded, are the places it may name) or holds
     * shell syntax (`|`, `;`, `&&`, `$(`, a backquote): a tool may run or read code from it, or
     * write there.
     */
    value_outside: z.boolean().optional(),
    /**
     * Variable rules whose value is a compiler's command line (CC, CXX, LD, …): the value passes
     * only when its program (the first word, or the first two: `ccache gcc`, `zig cc`) is one of
     * the `not_values` globs (a `*` there stays inside a word and a path's segment; no `..`) and
     * every word after it is a compiler flag that runs and loads nothing (the reader CFLAGS has).
     */
    compiler_value: z.boolean().optional(),
    not_values: z
      .union([z.string(), z.array(z.string()).min(1)])
      .transform((v) => (Array.isArray(v) ? v : [v]))
      .optional(),
    hosts: list.optional(),
    not_hosts: list.optional(),
    access: list.optional(),
    /** File rules: a copy whose every source matches one of these globs is not matched (`cp .env.example .env`). */
    not_from: list.optional(),
    match: list.optional(),
    not_match: list.optional(),
  })
  .superRefine((r, ctx) => {
    const selectors = [r.command, r.file, r.variable].filter((s) => s !== undefined).length;
    if (selectors !== 1)
      ctx.addIssue({
        code: 'custom',
        message: 'a rule needs exactly one of `command`, `file` or `variable`',
      });
    for (const [key, source] of [
      ['arg_regex', r.arg_regex],
      ['filter_regex', r.filter_regex],
      ['line_regex', r.line_regex],
    ] as const) {
      if (source === undefined) continue;
      try {
        compileArgRegex(source);
      } catch (err) {
        ctx.addIssue({
          code: 'custom',
          message: `${key} is not a valid regular expression (${(err as Error).message})`,
        });
      }
    }
    const commandOnly = [
      'not_command',
      'subcommand',
      'not_subcommand',
      'global_flags',
      'flags',
      'not_flags',
      'args',
      'arg_regex',
      'filter_regex',
      'line_regex',
      'target_outside',
      'no_args',
      'max_args',
      'only_args',
      'dynamic_args',
      'program_operand',
      'code_unread',
      'runs_written',
      'no_spec',
      'cwd_outside',
      'network',
      'hosts',
      'not_hosts',
    ] as const;
    if (r.command === undefined) {
      for (const key of commandOnly) {
        if (r[key] !== undefined)
          ctx.addIssue({ code: 'custom', message: `\`${key}\` applies only to \`command\` rules` });
      }
    }
    if (r.variable === undefined && r.not_variables !== undefined) {
      ctx.addIssue({ code: 'custom', message: '`not_variables` applies only to `variable` rules' });
    }
    if (r.variable === undefined && r.value_outside !== undefined) {
      ctx.addIssue({ code: 'custom', message: '`value_outside` applies only to `variable` rules' });
    }
    if (r.variable === undefined && r.compiler_value !== undefined) {
      ctx.addIssue({ code: 'custom', message: '`compiler_value` applies only to `variable` rules' });
    }
    if (r.compiler_value && r.not_values === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: '`compiler_value` needs `not_values` (the compilers it allows)',
      });
    }
    if (r.variable === undefined && r.not_values !== undefined) {
      ctx.addIssue({ code: 'custom', message: '`not_values` applies only to `variable` rules' });
    }
    if (r.variable !== undefined && (r.paths || r.not_paths || r.outside !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        message: '`paths`, `not_paths` and `outside` do not apply to `variable` rules',
      });
    }
    const allowed = r.file ? ['read', 'write', 'edit'] : r.variable ? ['set', 'read'] : null;
    if (r.access) {
      if (!allowed)
        ctx.addIssue({ code: 'custom', message: '`access` applies only to `file` and `variable` rules' });
      else
        for (const a of r.access)
          if (!allowed.includes(a))
            ctx.addIssue({ code: 'custom', message: `access \`${a}\` is not one of ${allowed.join(', ')}` });
    }
  });

export type RuleSpec = z.output<typeof RuleSchema>;

/**
 * The spec with every key of the schema, in one order (absent ones `undefined`). zod gives each
 * rule only the keys written in it, so the matcher's reads of `spec.flags`, `spec.paths`, … met
 * as many object shapes as there are combinations of keys (megamorphic loads, in the loop every
 * rule of every part runs through); one literal gives them all one shape.
 */
export function uniformSpec(s: RuleSpec): RuleSpec {
  const all: { [K in keyof Required<RuleSpec>]: RuleSpec[K] } = {
    id: s.id,
    decision: s.decision,
    reason: s.reason,
    command: s.command,
    not_command: s.not_command,
    file: s.file,
    variable: s.variable,
    not_variables: s.not_variables,
    subcommand: s.subcommand,
    not_subcommand: s.not_subcommand,
    global_flags: s.global_flags,
    flags: s.flags,
    not_flags: s.not_flags,
    args: s.args,
    arg_regex: s.arg_regex,
    filter_regex: s.filter_regex,
    line_regex: s.line_regex,
    paths: s.paths,
    not_paths: s.not_paths,
    outside: s.outside,
    target_outside: s.target_outside,
    no_args: s.no_args,
    max_args: s.max_args,
    only_args: s.only_args,
    dynamic_args: s.dynamic_args,
    program_operand: s.program_operand,
    code_unread: s.code_unread,
    runs_written: s.runs_written,
    no_spec: s.no_spec,
    cwd_outside: s.cwd_outside,
    network: s.network,
    value_outside: s.value_outside,
    compiler_value: s.compiler_value,
    not_values: s.not_values,
    hosts: s.hosts,
    not_hosts: s.not_hosts,
    access: s.access,
    not_from: s.not_from,
    match: s.match,
    not_match: s.not_match,
  };
  return all;
}

export const PolicyFileSchema = z.strictObject({
  version: z.literal(1).optional(),
  tier: z.enum(['builtin', 'project', 'user', 'admin']).optional(),
  description: z.string().optional(),
  rules: z.array(z.unknown()),
});

/** A rule with its origin, ready to match. */
export interface Rule {
  spec: RuleSpec;
  /** Line of the rule in its file (1-based; 0 when unknown), for errors. */
  line: number;
  id: string;
  decision: Decision;
  reason: string;
  tier: Tier;
  file: string;
  /** Position in load order: first wins among equals. */
  order: number;
  kind: 'command' | 'file' | 'variable';
  /** `arg_regex`, `filter_regex` and `line_regex`, compiled when the file loads (RE2 outside the built-in file). */
  argRegex: RuleRegex | null;
  filterRegex: RuleRegex | null;
  lineRegex: RuleRegex | null;
  /** The matcher's compiled form of the rule (match.ts), made on first use; null until then. */
  compiled: object | null;
}

export function kindOf(spec: RuleSpec): Rule['kind'] {
  return spec.command ? 'command' : spec.file ? 'file' : 'variable';
}

/** A rule's compiled `arg_regex`, `filter_regex` or `line_regex`. */
export interface RuleRegex {
  /** Whether the regex matches somewhere in `text`. */
  test(text: string): boolean;
  readonly source: string;
  readonly flags: string;
}

/**
 * `arg_regex` (and `filter_regex`, `line_regex`) is a JavaScript regex; a leading `(?i)` makes it
 * case-insensitive. `linear`: matched by RE2 (re2js), whose time grows linearly with the text
 * whatever the pattern: the regexes of policy files a project or a user writes, which no one has
 * checked for backtracking (`(a|a)*$` takes V8's backtracking matcher longer than the age of the
 * universe on 100 characters). The built-in file's regexes stay on V8 (4-12 times faster per
 * test): each is checked against adversarial long inputs (test/policy/long-inputs.test.ts,
 * `npm run bench:policy`), and every rule regex sees text of bounded length (match.ts).
 * Throws when `linear` and the pattern needs a backtracking matcher (look-around,
 * back-references).
 */
export function compileArgRegex(source: string, linear = false): RuleRegex {
  const insensitive = source.startsWith('(?i)');
  const body = insensitive ? source.slice(4) : source;
  const v8 = new RegExp(body, insensitive ? 'i' : '');
  if (!linear) return v8;
  let re2: RE2JS;
  try {
    re2 = RE2JS.compile(body, insensitive ? RE2JS.CASE_INSENSITIVE : 0);
  } catch (err) {
    const why = (err as Error).message.replace(/^error parsing regexp: /, '');
    throw new Error(
      `cannot be matched in time linear in the text (${why}); rules from policy files are matched by RE2: write it without look-around or back-references`,
    );
  }
  return { test: (text) => re2.test(text), source: v8.source, flags: `${v8.flags}l` };
}
