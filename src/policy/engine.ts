import { readFileSync } from 'node:fs';
import type { Parser } from 'web-tree-sitter';
import { isMap, isSeq, LineCounter, parse as parseYaml, parseDocument } from 'yaml';
import { DrydockError } from '../core/index.js';
import { Budget, enterBudget, NO_BUDGET, OutOfTime } from './budget.js';
import { BUDGET_RULE, clip, extractParts, lineMayDefine, type ShellReader } from './extract.js';
import {
  commandNameMatches,
  hostsOf,
  pathIndexOf,
  precompile,
  ruleApplies,
  type MatchContext,
} from './match.js';
import { checkInvocation, patternArgs, type ProgramSpec } from './programs.js';
import {
  DEFAULT_POLICY_PATH,
  lineOf,
  loadInstallers,
  loadProgramFacts,
  loadProgramSpecs,
  PROGRAMS_PATH,
  commandRunners,
  refuse,
} from './program-file.js';
import { compileArgRegex, kindOf, PolicyFileSchema, RuleSchema, uniformSpec, type Rule } from './rules.js';
import { acquireOffload, type Offload, type OffloadInit, type OffloadStats } from './offload.js';
import { loadCodeParsers, loadShellParser } from './shell.js';
import { sourcePaths, unpackFinding } from './unpack.js';
import type { CodeParsers } from './inline.js';
import {
  DEFAULT_WORKSPACE,
  TIERS,
  type Action,
  type Arg,
  type CommandPart,
  type Decision,
  type NetworkMode,
  type FilePart,
  type Part,
  type PartVerdict,
  type PolicyAuditEvent,
  type PolicyDecision,
  type Tier,
  type Workspace,
} from './types.js';

export {
  DEFAULT_POLICY_PATH,
  lineOf,
  loadInstallers,
  loadProgramSpecs,
  PROGRAMS_PATH,
} from './program-file.js';

/** The option facts the walker and the inline reader use: every program's spec, and `unspecified:`'s. */
function programFacts(): Pick<CodeParsers, 'programs' | 'unspecified' | 'calls' | 'versioned'> {
  const facts = loadProgramFacts(PROGRAMS_PATH);
  return {
    programs: facts.specs,
    calls: facts.calls,
    versioned: facts.versioned,
    ...(facts.unspecified ? { unspecified: facts.unspecified } : {}),
  };
}

/** The line of a rule's example in its file (0 when not found). */
function lineOfExample(rule: Rule, example: string): number {
  try {
    const text = readFileSync(rule.file, 'utf8');
    const start = text
      .split('\n')
      .slice(0, Math.max(0, rule.line - 1))
      .join('\n').length;
    const at = text.indexOf(example.slice(0, 40), start);
    return at < 0 ? 0 : text.slice(0, at).split('\n').length;
  } catch {
    return 0;
  }
}

/** Default time one decision may take (issue 14: every input up to 100,000 characters in ≤ 10 ms). */
export const DEFAULT_BUDGET_MS = 10;
/** The share of the limit a decision's work gets off a decision thread (decideHere; `bench:policy-real`). */
export const WORK_SHARE = 0.6;
/** The rule that allows a name the sandbox does not have (`PolicyEngine.commandNames`). */
export const NOT_FOUND_RULE = 'program-not-found';
/** Lines longer than this get no lookup of their names (they are decided as before: `default` asks). */
export const LOOKUP_MAX_CHARS = 4_096;
/** A name looked up: no `/` (a path is run as it is), no blank, quote or control character. */
const LOOKUP_NAME = /^[^/\s'"\\\p{Cc}]{1,200}$/u;

/**
 * From this many arguments, the time limit is also checked between the rules a command is
 * matched against (each rule is one pass over the arguments, so a check between them cuts
 * a 50,000-argument command within a pass of the limit).
 */
const MANY_ARGS = 256;

/** Commands up to this length are decided without a time limit (their cost is bounded by their length), but for text that goes to tree-sitter-bash (see decideHere). */
const UNBUDGETED_CHARS = 512;

/**
 * Commands longer than this are decided on a decision thread with a hard wall-clock bound
 * (`offload.ts`); shorter ones on the calling thread, where the CPU budget bounds them.
 * See src/policy/README.md (Decision time) for why this length.
 */
export const DEFAULT_OFFLOAD_FROM = 4_096;
// (1,024 was tried on 2 Dec: the suite's families at 4,000 characters came within the bound, but
// 14–19 of the first stream's 1,003 commands over 1,024 characters, here-documents decided in
// 0.05 ms on the calling thread, were cut by the thread's wait on an idle machine.)

/**
 * A command up to this long whose decision thread did not get a core for most of the wait (a
 * busy machine) is decided on the calling thread under the CPU budget instead of being cut:
 * real agents' commands are this long (304 of the first stream's 19,075 are over 2,048
 * characters, 36 over 4,096), and a machine's load must not refuse them. Longer ones are cut.
 */
export const STARVED_FALLBACK_UP_TO = 4_096;

const SEVERITY: Record<Decision, number> = { allow: 0, ask: 1, deny: 2 };
/** The rule id of a refusal that comes from not knowing the working directory. */
const UNKNOWN_CWD_RULE = 'shell:unknown-cwd';
/** The rule id of a finding about an archive's or patch's entries. */
const UNPACK_RULE = 'unpack-entries';
/**
 * The files an archive or patch puts in the workspace that are decided one by one by the file
 * rules, at most (about 13 µs each: 512 keep such a decision inside the 10 ms bound; more ask).
 */
const MAX_UNPACK_FILES = 512;
/** The rule that allows a project's script run by name by a runner that runs them (`hatch run cov`). */
export const PROJECT_SCRIPT_RULE = 'project-script';
/** A script name as pyproject.toml and Pipfile write them: a plain word, no path, option or expansion. */
const SCRIPT_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,99}$/;
/** Among parts with the same decision, the one whose reason says most: parser findings, then commands. */
const KIND_RANK: Record<Part['kind'], number> = { variable: 0, file: 1, command: 2, structure: 3 };

/** Parses and validates one policy file's text (examples are checked by `PolicyEngine.create`). */
export function parsePolicyText(text: string, file: string, tier?: Tier, startOrder = 0): Rule[] {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    // The yaml package knows where: name the line, and keep the message to its first line.
    const line = (err as { linePos?: Array<{ line: number }> }).linePos?.[0]?.line;
    const message = (err as Error).message.split('\n', 1)[0]!.replace(/ at line \d+, column \d+:?$/, '');
    refuse(line ? `${file}:${line}` : file, null, `not valid YAML (${clip(message, 120)})`);
  }
  const top = PolicyFileSchema.safeParse(doc);
  if (!top.success) {
    // An unknown top-level key first (`rulez:`), by name and line: it is usually why `rules` is missing.
    const unknown = top.error.issues.find((i) => i.code === 'unrecognized_keys') as
      { keys?: string[] } | undefined;
    const key = unknown?.keys?.[0];
    if (key !== undefined) {
      const line = lineOf(text, new RegExp(`^${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*:`, 'm'));
      refuse(
        line ? `${file}:${line}` : file,
        null,
        `unknown top-level key \`${clip(key, 40)}\` (known: version, tier, description, rules)`,
      );
    }
    const issue = top.error.issues[0]!;
    refuse(file, null, `${issue.path.join('.') || 'top level'}: ${issue.message}`);
  }
  const fileTier = tier ?? top.data.tier ?? 'project';
  const seen = new Set<string>();
  // Line numbers for errors: each rule's line, and the line of an offending key.
  const lines = new LineCounter();
  const ydoc = parseDocument(text, { lineCounter: lines });
  const rulesNode = isMap(ydoc.contents) ? ydoc.contents.get('rules', true) : null;
  const lineAt = (index: number, key?: string | number): number => {
    const item = isSeq(rulesNode) ? rulesNode.items[index] : null;
    const node = key !== undefined && isMap(item) ? (item.get(key, true) ?? item) : item;
    const range = (node as { range?: [number, number, number] } | null)?.range;
    return range ? lines.linePos(range[0]).line : 0;
  };
  return top.data.rules.map((raw, index) => {
    const id =
      typeof raw === 'object' && raw !== null && typeof (raw as { id?: unknown }).id === 'string'
        ? (raw as { id: string }).id
        : `#${index + 1}`;
    const parsed = RuleSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const key = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
      // An unknown key is named by zod in `keys`; a bad value by its path.
      const unknownKey = (issue as { keys?: string[] }).keys?.[0];
      const line = lineAt(index, unknownKey ?? (issue.path[0] as string | number | undefined));
      refuse(line ? `${file}:${line}` : file, id, `${key}${issue.message}`);
    }
    const spec = uniformSpec(parsed.data);
    if (seen.has(spec.id)) refuse(`${file}:${lineAt(index)}`, spec.id, 'the id is used twice in this file');
    seen.add(spec.id);
    // The regexes of files other than the built-in one are matched by RE2 (linear time): one it
    // cannot read is refused here, by line. Each is compiled once, here, for the matcher.
    const linear = fileTier !== 'builtin';
    const regex = (key: 'arg_regex' | 'filter_regex' | 'line_regex') => {
      const source = spec[key];
      if (source === undefined) return null;
      try {
        return compileArgRegex(source, linear);
      } catch (err) {
        return refuse(`${file}:${lineAt(index, key)}`, spec.id, `${key} ${(err as Error).message}`);
      }
    };
    return {
      spec,
      line: lineAt(index),
      id: spec.id,
      decision: spec.decision,
      reason: spec.reason,
      tier: fileTier,
      file,
      order: startOrder + index,
      kind: kindOf(spec),
      argRegex: regex('arg_regex'),
      filterRegex: regex('filter_regex'),
      lineRegex: regex('line_regex'),
      compiled: null,
    };
  });
}

export interface PolicyOptions {
  /** Policy files added on top of the built-in one; each file's `tier:` says its tier (default `project`). */
  files?: string[];
  /** Load policies/default.yaml at the `builtin` tier (default true). */
  builtin?: boolean;
  workspace?: Partial<Workspace>;
  /** No one can answer an `ask`: it becomes a `deny` that says why. */
  unattended?: boolean;
  /** Receives one audit event per decision, for the trajectory. */
  onDecision?: (event: PolicyAuditEvent) => void;
  /** Refuse to load when an example fails (default true; `drydock policy test` lists them all instead). */
  checkExamples?: boolean;
  /**
   * Time one decision may take, in ms (default 10; `Infinity` decides everything on its content,
   * however long that takes). Past it the command is refused with `ask` (rule `shell:budget`).
   */
  budgetMs?: number;
  /**
   * Which parser reads shell text (default `auto`: the linear reader of `bash.ts`, fast at any
   * length; text under 2,000 characters it rejects goes to tree-sitter-bash, whose error
   * recovery the rules for broken lines follow). `tree-sitter` and `linear` force one; the
   * tests use them to check that both decide alike.
   */
  shellReader?: ShellReader;
  /**
   * The network mode of the sandbox commands run in. For rules marked `network: true` an `ask`
   * becomes: under `none` a deny that says nothing can be reached; under `registries` an allow
   * when every host named is in `networkHosts` (the proxy lets them through and records them),
   * else a deny; under `bridge` (or unset) an ask.
   */
  network?: NetworkMode;
  /** Hosts the `registries` proxy allows (read from the machine's config, never from the repository). */
  networkHosts?: string[];
  /**
   * Shell commands longer than this many characters are decided on a decision thread, the
   * caller waiting at most the time limit in wall-clock time (default 4,096; `Infinity`: always
   * on the calling thread). Applies only with a finite `budgetMs`.
   */
  offloadFrom?: number;
  /** Test hook: the decision thread sleeps this long (ms) before each decision, to force a timeout. */
  threadStallMs?: number;
  /**
   * When the decision threads start, the process's other threads (V8's compilers among them), but
   * the calling one, are set to this nice value, so the caller gets a core back at its deadline
   * (default 19 on Linux; 0 leaves them as they are; `offload.ts` HELPER_NICE).
   */
  helperNice?: number;
  /**
   * Commands up to this many characters whose decision thread was starved (it got a core for less
   * than half of the wait) are decided on the calling thread instead of being cut (default
   * `STARVED_FALLBACK_UP_TO`, 4,096; 0: always cut).
   */
  starvedFallbackUpTo?: number;
}

export interface ExampleFailure {
  file: string;
  rule: string;
  example: string;
  expected: 'match' | 'not_match';
}

/** The rules of policy texts, in order (the caller's engine and its decision threads read the same texts). */
function rulesOf(sources: OffloadInit['sources']): Rule[] {
  const rules: Rule[] = [];
  for (const s of sources) rules.push(...parsePolicyText(s.text, s.file, s.tier, rules.length));
  return rules;
}

/** The options a decision thread's engine must share with its caller's, where they are set. */
function threadOptions(
  o: Pick<PolicyOptions, 'shellReader' | 'network' | 'networkHosts'>,
): Pick<OffloadInit, 'shellReader' | 'network' | 'networkHosts'> {
  const out: Pick<OffloadInit, 'shellReader' | 'network' | 'networkHosts'> = {};
  if (o.shellReader) out.shellReader = o.shellReader;
  if (o.network) out.network = o.network;
  if (o.networkHosts) out.networkHosts = o.networkHosts;
  return out;
}

/** The guardrail: every command line and file edit is decided here before it runs. */
export class PolicyEngine {
  private readonly byName = new Map<string, Rule[]>();
  private readonly wildcard: Rule[] = [];
  private readonly others: Rule[] = [];
  /** Per command name, the rules that can apply to it (byName + wildcard rules whose name glob matches), computed once. */
  private readonly candidates = new Map<string, Rule[]>();
  private readonly m: MatchContext;
  private readonly programs: Map<string, ProgramSpec>;
  /** programs.yaml's `installers:` (facts about programs, loaded without the builtin rules too). */
  private readonly installs = loadInstallers();

  private constructor(
    private readonly parser: Parser,
    private readonly code: CodeParsers,
    readonly rules: readonly Rule[],
    readonly ws: Workspace,
    private readonly options: PolicyOptions,
  ) {
    this.programs = options.builtin === false ? new Map() : loadProgramSpecs();
    const expanded = new Map<string, string>();
    this.m = {
      ws,
      // Arity of options is a fact about programs (also without the builtin rules).
      programs: code.programs,
      leading: loadProgramFacts(PROGRAMS_PATH).leading,
      expand: (glob) => {
        let e = expanded.get(glob);
        if (e === undefined) {
          e = glob.replace(/\$\{workspace\}/g, ws.workspace).replace(/^~(?=\/|$)/, ws.home);
          // A relative path glob (`docs/**`) is relative to the workspace; `**/x` and names stay as they are.
          if (!/^(\/|\*\*|~)/.test(e) && e.includes('/')) e = `${ws.workspace}/${e}`;
          expanded.set(glob, e);
        }
        return e;
      },
      expandAll: (glob) => {
        const e = this.m.expand(glob);
        if (!/^~(?=\/|$)/.test(glob)) return [e];
        const rest = glob.slice(1);
        return [...new Set([e, `/root${rest}`, `/home/*${rest}`])];
      },
    };
    for (const rule of rules) {
      if (rule.kind !== 'command') {
        this.others.push(rule);
        continue;
      }
      for (const name of rule.spec.command!) {
        if (/[*?[]|\$\{/.test(name)) {
          if (!this.wildcard.includes(rule)) this.wildcard.push(rule);
        } else {
          const list = this.byName.get(name) ?? [];
          if (!list.includes(rule)) list.push(rule);
          this.byName.set(name, list);
        }
      }
    }
    // In precedence order, so the first rule that applies to a part is the one that decides it.
    this.others.sort(precedence);
    // (before any rule is compiled: a compiled rule reads its bit in it)
    this.m.pathIndex = pathIndexOf(this.wildcard, this.m);
  }

  /** Loads the WASM parser (once per process) and the policy files; refuses a bad file with one line. */
  static async create(options: PolicyOptions = {}): Promise<PolicyEngine> {
    const parser = await loadShellParser();
    // The inline reader finds an interpreter's code with its option spec (a fact about the
    // program, not policy: also without the builtin rules).
    const code: CodeParsers = { ...(await loadCodeParsers()), ...programFacts() };
    const ws: Workspace = { ...DEFAULT_WORKSPACE, ...options.workspace };
    const sources: OffloadInit['sources'] = [];
    const files: Array<{ file: string; tier?: Tier }> = [];
    if (options.builtin !== false) files.push({ file: DEFAULT_POLICY_PATH, tier: 'builtin' });
    for (const file of options.files ?? []) files.push({ file });
    for (const source of files) {
      let text: string;
      try {
        text = readFileSync(source.file, 'utf8');
      } catch (err) {
        throw new DrydockError(
          `policy file ${source.file} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}).`,
          'check the path given to --policy.',
          'POLICY_UNREADABLE',
        );
      }
      sources.push({ ...source, text });
    }
    const rules = rulesOf(sources);
    const engine = new PolicyEngine(parser, code, rules, ws, options);
    const budgetMs = options.budgetMs ?? DEFAULT_BUDGET_MS;
    if (Number.isFinite(budgetMs) && (options.offloadFrom ?? DEFAULT_OFFLOAD_FROM) < Infinity)
      // The texts read here, so the thread's engine has these rules even if a file changes later.
      engine.offload = acquireOffload({
        sources,
        builtin: options.builtin !== false,
        workspace: ws,
        budgetMs,
        ...threadOptions(options),
        ...(options.threadStallMs ? { stallMs: options.threadStallMs } : {}),
        ...(options.helperNice !== undefined ? { helperNice: options.helperNice } : {}),
      });
    // Examples are written for the default workspace (/testbed, home /root, scratch /tmp) and are
    // checked there, so a workspace that is itself home, a dot-directory or scratch (`~/.config/x`,
    // `/tmp/x`) does not make `cat README.md` a credential read and stop the engine from starting;
    // with rules of their own (a rule keeps its globs as first expanded, for one workspace).
    const checker =
      options.checkExamples === false || sameWorkspace(ws, DEFAULT_WORKSPACE)
        ? engine
        : new PolicyEngine(parser, code, rulesOf(sources), DEFAULT_WORKSPACE, options);
    const failure = options.checkExamples === false ? undefined : checker.exampleFailures()[0];
    if (failure) {
      const rule = checker.rules.find((r) => r.id === failure.rule && r.file === failure.file);
      const example = rule ? lineOfExample(rule, failure.example) : 0;
      refuse(
        `${failure.file}${example || rule?.line ? `:${example || rule!.line}` : ''}`,
        failure.rule,
        failure.expected === 'match'
          ? `match example \`${failure.example}\` is not matched by the rule`
          : `not_match example \`${failure.example}\` is matched by the rule`,
      );
    }
    // Short text the linear reader rejects goes to tree-sitter-bash under the CPU budget
    // (`fallbackMs`); its first parses in a process run cold (10 ms for 17 characters, against
    // 0.7 warm): an open quote and a leading operator read once here, so an agent's first line of
    // prose is not cut.
    for (let i = 0; i < 2; i++) engine.parts("echo ok\nLet's go\n&& ls");
    // Examples checked on another engine (a workspace other than the default) leave this one's
    // rules uncompiled: compiled at their first match, they cost an agent's first commands 5-15 ms
    // each under the time limit (a fresh engine's first 2,000-character heredoc was cut).
    if (checker !== engine) for (const rule of engine.rules) precompile(rule, engine.m);
    return engine;
  }

  /** The same engine on a decision thread (`policy-worker.ts`): the caller's rule texts, no examples checked again, never offloading. */
  static async forThread(init: OffloadInit): Promise<PolicyEngine> {
    const parser = await loadShellParser();
    const code: CodeParsers = { ...(await loadCodeParsers()), ...programFacts() };
    return new PolicyEngine(parser, code, rulesOf(init.sources), init.workspace, {
      builtin: init.builtin,
      budgetMs: init.budgetMs,
      offloadFrom: Infinity,
      ...threadOptions(init),
    });
  }

  /** Decision threads for long commands (shared with engines of the same policy), null when off. */
  private offload: Offload | null = null;

  /** Lets go of the decision threads (the last engine using them terminates them). Idempotent. */
  close(): void {
    this.offload?.release();
    this.offload = null;
  }

  /**
   * Starts the decision threads now and resolves once one is ready (false: off, or none could be
   * started). Not needed for correctness: until then long commands are decided on the calling thread.
   */
  async threadReady(timeoutMs?: number): Promise<boolean> {
    return this.offload ? this.offload.ready(timeoutMs) : false;
  }

  /** Where long decisions went (shared by the engines of the same policy); null when off. */
  threadStats(): OffloadStats | null {
    return this.offload ? { ...this.offload.stats } : null;
  }

  /** Every `match` / `not_match` example that does not behave as written. */
  exampleFailures(): ExampleFailure[] {
    const failures: ExampleFailure[] = [];
    for (const rule of this.rules) {
      for (const expected of ['match', 'not_match'] as const) {
        for (const example of rule.spec[expected] ?? []) {
          const hit = this.examplePartsFor(rule, example).some((p) => ruleApplies(rule, p, this.m));
          if (hit !== (expected === 'match'))
            failures.push({ file: rule.file, rule: rule.id, example, expected });
        }
      }
    }
    return failures;
  }

  /** Examples of file rules are paths; the others are command lines. */
  private examplePartsFor(rule: Rule, example: string): Part[] {
    if (rule.kind === 'file') {
      const accesses = (rule.spec.access ?? ['read', 'write', 'edit']) as FilePart['access'][];
      return accesses.map((access) => this.filePart(this.exampleText(example), access));
    }
    return extractParts(
      this.parser,
      this.exampleText(example),
      this.ws,
      this.code,
      NO_BUDGET,
      this.options.shellReader,
    );
  }

  /** Examples may say `${workspace}` so they hold for any configured workspace. */
  private exampleText(example: string): string {
    return example.replace(/\$\{workspace\}/g, this.ws.workspace);
  }

  private filePart(path: string, access: FilePart['access']): FilePart {
    return {
      kind: 'file',
      text: path,
      access,
      path: { text: path, dynamic: false, glob: false },
      cwd: [this.ws.workspace],
    };
  }

  /** The facets of a command line, as rules see them (for `--json` and debugging). */
  parts(command: string, budget: Budget = NO_BUDGET, fallbackMs = Infinity): Part[] {
    try {
      return extractParts(
        this.parser,
        command,
        this.ws,
        this.code,
        budget,
        this.options.shellReader,
        fallbackMs,
      );
    } catch (err) {
      // Fail closed: a walker bug must not let a command through.
      return [
        {
          kind: 'structure',
          text: command,
          decision: 'deny',
          rule: 'shell:internal-error',
          reason: `the command could not be checked (${clip((err as Error).message ?? String(err), 80)}), so it is denied`,
        },
      ];
    }
  }

  /** Decides a shell command line. */
  check(command: string): PolicyDecision {
    return this.decide({ kind: 'shell', command });
  }

  decide(action: Action): PolicyDecision {
    let result =
      this.offload &&
      action.kind === 'shell' &&
      action.command.length > (this.options.offloadFrom ?? DEFAULT_OFFLOAD_FROM)
        ? this.offload.decide(
            action,
            performance.now(),
            this.options.budgetMs ?? DEFAULT_BUDGET_MS,
            action.command.length <= (this.options.starvedFallbackUpTo ?? STARVED_FALLBACK_UP_TO),
          )
        : null;
    result ??= this.decideHere(action);
    if (result.decision === 'ask' && this.options.unattended) {
      result = {
        ...result,
        decision: 'deny',
        unattended: true,
        reason: `${result.reason} (rule ${result.rule} asks for approval; this run is unattended, so it is denied: find another way)`,
      };
    }
    this.options.onDecision?.(
      toAuditEvent(action.kind === 'shell' ? action.command : `${action.kind} ${action.path}`, result),
    );
    return result;
  }

  /**
   * The decision on this thread, before unattended runs and audit events (the decision thread
   * runs this; `stop` is its caller's wall-clock deadline and cancel flag).
   */
  decideHere(action: Action, stop?: () => boolean): PolicyDecision {
    const ms = this.options.budgetMs ?? DEFAULT_BUDGET_MS;
    // WORK_SHARE (60%) of the limit for the work, the rest for stopping: checks come every few hundred
    // units of work, and a garbage collection pause (a scavenge copying a large tree being
    // built: 1–5 ms when the machine is busy) or the thread being preempted cannot be cut short.
    // On the calling thread nothing else bounds the wall time: with 80% the suite's families
    // built to 4,096 characters took up to 8.4 ms of wall time on an idle machine, and one
    // disturbed bench run in three went over 10 ms. Of the distinct real agents' commands of up
    // to 4,096 characters in the seven streams (43,507), all but five take under 5 ms of CPU,
    // warm; those five (7–8.5 ms) are file views pasted as commands, refused as unparseable with
    // or without the limit (`npm run bench:policy-real`).
    const work = ms * WORK_SHARE;
    // A short command is decided with no budget (no clock reads): its cost is bounded by its
    // length, except where its text goes to tree-sitter-bash, which gets `work` (extract.ts
    // viaTreeSitter: error recovery on 500 characters of garbage took 4–16 ms).
    const budget =
      Number.isFinite(ms) && (action.kind !== 'shell' || action.command.length > UNBUDGETED_CHARS)
        ? // On a decision thread the caller's wall-clock deadline (`stop`) is the bound, so the work
          // may use all of it.
          new Budget(stop ? ms : work, stop)
        : NO_BUDGET;
    const parts =
      action.kind === 'shell'
        ? this.parts(action.command, budget, work)
        : [this.filePart(action.path, action.kind)];
    const absent =
      action.kind === 'shell' && action.programs
        ? this.absentPrograms(action.command, action.programs, parts)
        : null;
    const verdicts: PartVerdict[] = [];
    let denied = false;
    const decided = parts.length > 64 ? new Map<string, PartVerdict>() : null;
    // Rule matching asks this budget from deep loops (budget.ts `tick`).
    const outer = enterBudget(budget);
    try {
      for (let i = 0; i < parts.length; i++) {
        if ((i & 3) === 3 && budget.expired()) {
          verdicts.push({
            part: clip(action.kind === 'shell' ? action.command : action.path),
            kind: 'structure',
            decision: 'ask',
            rule: BUDGET_RULE,
            reason: `the command is too large to check within the decision time limit (${parts.length} parts), so it needs approval; split it into smaller commands`,
          });
          break;
        }
        const part = parts[i]!;
        // Once a command is denied the line is denied, and of the parts after it only a parser
        // finding could give the reason (KIND_RANK): the others are not decided (a 10,000-part
        // line refused by its first parts is not matched part by part to the end).
        if (denied && part.kind !== 'structure') continue;
        // A line of thousands of parts repeats itself (`cd ..; cd src; …`): a part the same as an
        // earlier one in every respect the rules read is decided once.
        const key = decided ? memoKey(part) : null;
        let v = key === null ? undefined : decided!.get(key);
        if (v) v = { ...v, part: part.text };
        else {
          try {
            v = this.decidePart(part, action, budget, absent);
          } catch (err) {
            // Rule matching deep in one huge part ran out of time (budget.ts `tick`).
            if (!(err instanceof OutOfTime)) throw err;
            v = budgetVerdict(part);
          }
          if (key !== null && v.rule !== BUDGET_RULE) decided!.set(key, v);
        }
        verdicts.push(v);
        if (v.rule === BUDGET_RULE) break;
        if (v.decision === 'deny') {
          if (v.kind === 'structure') break;
          if (v.kind === 'command') denied = true;
        }
      }
    } finally {
      enterBudget(outer);
    }
    let worst: PartVerdict | null = null;
    for (const v of verdicts) {
      // The parser's own findings come first among equals: they say most precisely why.
      if (
        !worst ||
        SEVERITY[v.decision] > SEVERITY[worst.decision] ||
        (v.decision === worst.decision && KIND_RANK[v.kind] > KIND_RANK[worst.kind])
      )
        worst = v;
    }
    const result: PolicyDecision = worst
      ? {
          decision: worst.decision,
          rule: worst.rule,
          reason:
            verdicts.length > 1 || action.kind !== 'shell'
              ? `\`${clip(worst.part)}\`: ${worst.reason}`
              : worst.reason,
          parts: verdicts,
        }
      : { decision: 'allow', rule: 'shell:empty', reason: 'nothing to run', parts: [] };
    const network = (action.kind === 'shell' ? action.network : undefined) ?? this.options.network;
    if (network && action.kind === 'shell') result.network = network;
    return result;
  }

  /** A part's rule verdict, made stricter by what an archive or patch it unpacks contains. */
  private decidePart(
    part: Part,
    action: Action,
    budget: Budget = NO_BUDGET,
    absent: ReadonlySet<string> | null = null,
  ): PartVerdict {
    const entries = action.kind === 'shell' ? action.entries : undefined;
    const network = (action.kind === 'shell' ? action.network : undefined) ?? this.options.network;
    let v = this.rulePart(part, network, budget);
    // `hatch run cov`, `pdm run lint`, `pipenv run test`: a name no rule covers, run by a runner
    // that runs the project's scripts by name (programs.yaml `project_scripts`), is one of them or
    // a program the project's environment installed: the project's, as `npm run NAME` and `yarn
    // NAME` are. A name a rule covers is decided by that rule (`hatch run rm -rf ~`).
    // (`pnpm NAME args…`, programs.yaml `script_bins`: a NAME no rule covers is the project's
    // script, or a program its dependencies installed; wrappers.ts `runScriptOrBin`)
    if (
      part.kind === 'command' &&
      v.rule === 'default' &&
      part.via.length > 0 &&
      SCRIPT_NAME.test(part.name) &&
      (part.scriptOrBin || commandRunners().runners.get(part.via[part.via.length - 1]!)?.projectScripts)
    )
      return {
        part: part.text,
        kind: part.kind,
        decision: 'allow',
        rule: PROJECT_SCRIPT_RULE,
        reason: `\`${clip(part.name, 40)}\` is no program a rule covers, run by \`${part.via[part.via.length - 1]}\`, which runs the project's own scripts by name: one of them or a program its environment installed`,
      };
    if (absent && part.kind === 'command' && v.rule === 'default' && absent.has(part.name))
      return {
        part: part.text,
        kind: part.kind,
        decision: 'allow',
        rule: NOT_FOUND_RULE,
        reason: `the sandbox has no program, builtin or function \`${clip(part.name, 40)}\` (looked up before the line ran, and nothing on the line can add one), so bash only prints "command not found"`,
      };
    if (v.decision !== 'allow' && (part.kind === 'command' || part.kind === 'file') && part.cwdLost) {
      // Refused because its relative paths could be anywhere? Then say so, not which rule a
      // path of unknown place might have met (`cd src` is not reading credentials).
      const placed = this.rulePart({ ...part, cwd: [this.ws.workspace] }, network, budget);
      if (SEVERITY[placed.decision] < SEVERITY[v.decision])
        v = {
          ...v,
          rule: UNKNOWN_CWD_RULE,
          reason: `the working directory is not known here (${part.cwdLost}), so its relative paths may name any file and it is treated as rule ${v.rule} would treat such a path (${v.reason}); use absolute paths, \`cd DIR && …\`, or fewer \`cd\`s`,
        };
    }
    if (part.kind !== 'command' || v.decision === 'deny') return v;
    const written: string[] = [];
    const f = unpackFinding(part, entries, this.ws, written);
    if (f && SEVERITY[f.decision] > SEVERITY[v.decision])
      return { part: part.text, kind: part.kind, decision: f.decision, rule: UNPACK_RULE, reason: f.reason };
    // The files an archive or patch puts in place (a here-document's patch, one the line wrote
    // first, a listed patch file or archive) are decided by the file rules as the line's own
    // writes are: `.github/workflows/…` is a protected path, `.vscode/tasks.json` a tool setting
    // (lead probes, 5 Dec: a written patch's and a listed archive's or patch file's were allowed).
    // (Only entries that land in the workspace: a project's tarball that carries its own .github/
    // or .npmrc can be unpacked in scratch.) More entries than MAX_UNPACK_FILES ask.
    if (written.length > MAX_UNPACK_FILES)
      return {
        part: part.text,
        kind: part.kind,
        decision: 'ask',
        rule: UNPACK_RULE,
        reason: `\`${part.name}\` puts ${written.length} files in place, more than the ${MAX_UNPACK_FILES} the policy checks one by one; unpack it in scratch (/tmp) and copy what you need`,
      };
    for (let i = 0; i < written.length; i++) {
      const path = written[i]!;
      if ((i & 31) === 31 && budget.expired()) return budgetVerdict(part);
      const fv = this.rulePart(this.filePart(path, 'write'), network, budget);
      if (SEVERITY[fv.decision] > SEVERITY[v.decision])
        v = {
          part: part.text,
          kind: part.kind,
          decision: fv.decision,
          rule: fv.rule,
          reason: `\`${part.name}\` would write \`${path}\`: ${fv.reason}`,
        };
    }
    return v;
  }

  /**
   * The names a command line runs as programs that no rule covers (bare names, not paths; at
   * most 16, none for a line over LOOKUP_MAX_CHARS): the caller looks each up in the sandbox
   * (`type -t`, as bash would find it) and gives the answers in `decide({ …, programs })`. A
   * name the sandbox does not resolve runs nothing (bash: "command not found") and is allowed
   * (rule NOT_FOUND_RULE) unless the line could add it first (`absentPrograms`).
   */
  commandNames(command: string): string[] {
    if (command.length > LOOKUP_MAX_CHARS) return [];
    const out = new Set<string>();
    for (const p of this.parts(command)) {
      if (p.kind !== 'command' || !LOOKUP_NAME.test(p.name) || out.has(p.name)) continue;
      if (this.rulePart(p, undefined).rule === 'default') out.add(p.name);
      if (out.size >= 16) break;
    }
    return [...out];
  }

  /**
   * Of the names the caller found missing from the sandbox, those that stay missing while the line
   * runs: none when the line sets PATH or runs a program that can put one on it (programs.yaml's
   * `installers:`: package managers, `source`), and not a name the line may define as a function,
   * alias, hashed path or the not-found hook.
   */
  private absentPrograms(
    command: string,
    programs: Readonly<Record<string, boolean>>,
    parts: readonly Part[],
  ): Set<string> | null {
    const names = Object.keys(programs).filter((n) => programs[n] === false && !n.includes('/'));
    if (!names.length) return null;
    for (const p of parts) {
      if (p.kind === 'variable' && p.access === 'set' && p.name === 'PATH') return null;
      if (p.kind === 'command' && this.installs(p.name)) return null;
    }
    const out = new Set(names.filter((n) => !lineMayDefine(command, n)));
    return out.size ? out : null;
  }

  /**
   * Absolute paths of the archives and patches a command line would extract or apply: the
   * caller reads them and gives their entries (`listEntries`) in `decide({ …, entries })`.
   */
  unpackInputs(command: string): string[] {
    const out = new Set<string>();
    for (const p of this.parts(command))
      if (p.kind === 'command') for (const s of sourcePaths(p, this.ws)) out.add(s);
    return [...out];
  }

  /**
   * The command rules whose `command` list names `name` (literally or by glob), in precedence
   * order (`precedence`); computed once per name (bounded memo), so a part is matched only against
   * rules that can apply, and the first that applies decides it.
   */
  private rulesFor(name: string): Rule[] {
    let list = this.candidates.get(name);
    if (list) return list;
    const literal = this.byName.get(name) ?? [];
    list = [
      ...literal,
      ...this.wildcard.filter((r) => !literal.includes(r) && commandNameMatches(r, name, this.m)),
    ].sort(precedence);
    if (this.candidates.size > 4096) this.candidates.clear();
    this.candidates.set(name, list);
    return list;
  }

  /** The program's spec; workspace wrappers (`./mvnw`, `./gradlew`) are specified as `./name`. */
  private specFor(part: CommandPart): ProgramSpec | undefined {
    return (
      this.programs.get(part.name) ??
      (part.name.startsWith(`${this.ws.workspace}/`)
        ? this.programs.get(`./${part.name.slice(part.name.lastIndexOf('/') + 1)}`)
        : undefined)
    );
  }

  private rulePart(part: Part, network: NetworkMode | undefined, budget: Budget = NO_BUDGET): PartVerdict {
    if (part.kind === 'structure')
      return {
        part: part.text,
        kind: part.kind,
        decision: part.decision,
        rule: part.rule,
        reason: part.reason,
      };
    const candidates = part.kind === 'command' ? this.rulesFor(part.name) : this.others;
    const spec = part.kind === 'command' ? this.specFor(part) : undefined;
    // (the walker has read them already for the programs it has a spec of: extract.ts specWrites)
    if (part.kind === 'command' && spec?.patterns && !part.specRead) {
      // A pattern is told by its Arg object; a word repeated among many arguments shares one
      // (extract.ts), so each position gets its own first: `--exclude .git .git` must leave the
      // second `.git` a path.
      if (part.args.length >= 64) part.args = part.args.map((a) => ({ ...a }));
      const patterns = patternArgs(spec, part, this.ws, this.programs);
      if (patterns.size) part.patterns = patterns;
    }
    let best: Rule | null = null;
    const watch = budget !== NO_BUDGET && part.kind === 'command' && part.args.length >= MANY_ARGS;
    // The candidates are in precedence order: the first that applies beats every later one, so
    // the rest are not matched (a denied part meets no allow rule; an allowed one stops at its allow).
    for (const rule of candidates) {
      if (watch && budget.expired()) return budgetVerdict(part);
      if (ruleApplies(rule, part, this.m, true)) {
        best = rule;
        break;
      }
    }
    if (best && part.kind === 'command' && best.decision === 'allow' && best.tier === 'builtin') {
      // The flip: a builtin allow holds only for invocations the program's spec knows to be safe.
      if (watch && budget.expired()) return budgetVerdict(part);
      const finding = spec ? checkInvocation(spec, part, this.ws, this.programs) : null;
      if (finding)
        return {
          part: part.text,
          kind: part.kind,
          decision: finding.decision,
          rule: `program:${spec!.name}`,
          reason: finding.reason,
        };
    }
    if (best && best.spec.network && best.decision === 'ask' && part.kind === 'command' && network) {
      const v = networkVerdict(network, part.args, this.options.networkHosts);
      if (v)
        return {
          part: part.text,
          kind: part.kind,
          rule: best.id,
          ...v,
          reason: `${best.reason}: ${v.reason}`,
        };
    }
    if (best)
      return {
        part: part.text,
        kind: part.kind,
        decision: best.decision,
        rule: best.id,
        reason:
          part.kind === 'command' && part.codeIssue && best.spec.code_unread
            ? `${best.reason}: the code uses ${part.codeIssue}, which this policy cannot follow; write those steps as shell commands or literal calls`
            : best.reason,
      };
    if (part.kind === 'command') {
      return {
        part: part.text,
        kind: part.kind,
        decision: 'ask',
        rule: 'default',
        reason: `no rule covers \`${clip(part.name, 40)}\`, so it needs approval`,
      };
    }
    return {
      part: part.text,
      kind: part.kind,
      decision: 'allow',
      rule: 'default',
      reason: 'no rule restricts it',
    };
  }
}

/**
 * What a command or file part's decision depends on, as one string, or null for a part whose
 * decision reads more than that (inline code, its stdin, files written earlier in the line,
 * patterns, many arguments): the program, each argument with its flags, the working directories.
 */
function memoKey(part: Part): string | null {
  const cwd = part.kind === 'structure' || part.kind === 'variable' ? '' : (part.cwd?.join('\n') ?? '?');
  if (part.kind === 'file') return `f${part.access}\0${argKey(part.path)}\0${cwd}\0${part.cwdLost ?? ''}`;
  if (part.kind !== 'command') return null;
  if (
    part.args.length > 16 ||
    part.code ||
    part.codeIssue ||
    part.runsWritten ||
    part.stdinFile ||
    part.stdinText !== undefined ||
    part.written ||
    part.patterns
  )
    return null;
  let key = `c${part.name}\0${cwd}\0${part.cwdLost ?? ''}`;
  for (const a of part.args) key += `\0${argKey(a)}`;
  return key;
}

function argKey(a: Arg): string {
  const under = a.under ? `u${a.under.name ?? ''}\0${a.under.roots.join('\0')}` : '';
  return `${a.dynamic ? 'd' : ''}${a.glob ? 'g' : ''}${a.inside ? 'i' : ''}${a.pattern ?? ''}${under}|${a.text}`;
}

/** A command cut by the time limit while its rules were matched (ask, never allow). */
function budgetVerdict(part: Part): PartVerdict {
  return {
    part: clip(part.text),
    kind: 'structure',
    decision: 'ask',
    rule: BUDGET_RULE,
    reason: `the command is too large to check within the decision time limit (${part.kind === 'command' ? `${part.args.length} arguments` : 'one part'}), so it needs approval; split it (xargs, or several commands)`,
  };
}

/**
 * Precedence, as a sort order (the winner first): higher tier wins; within a tier
 * deny > ask > allow; then the rule loaded first.
 */
function precedence(a: Rule, b: Rule): number {
  const ta = TIERS.indexOf(a.tier);
  const tb = TIERS.indexOf(b.tier);
  if (ta !== tb) return tb - ta;
  if (a.decision !== b.decision) return SEVERITY[b.decision] - SEVERITY[a.decision];
  return a.order - b.order;
}

export function toAuditEvent(command: string, d: PolicyDecision): PolicyAuditEvent {
  return {
    type: 'policy.decision',
    command,
    parts: d.parts.map((p) => ({
      part: p.part,
      kind: p.kind,
      decision: p.decision,
      rule: p.rule,
      reason: p.reason,
    })),
    decision: d.decision,
    rule: d.rule,
    reason: d.reason,
    ...(d.approval ? { approval: d.approval } : {}),
    ...(d.network ? { network: d.network } : {}),
  };
}

/** What a network rule's `ask` becomes in a known network mode; null: it stays an ask. */
function networkVerdict(
  mode: NetworkMode,
  args: Arg[],
  allowed: string[] | undefined,
): { decision: Decision; reason: string } | null {
  if (mode === 'bridge') return null;
  const hosts: string[] = [];
  for (const a of args) {
    const h = hostsOf(a);
    if (h === null) return mode === 'none' ? none() : null;
    hosts.push(...h);
  }
  function none() {
    return {
      decision: 'deny' as const,
      reason: `the sandbox has no network (mode none), so ${hosts.length ? hosts.join(', ') : 'no host'} cannot be reached; work offline with what is in the workspace and the image`,
    };
  }
  if (mode === 'none') return none();
  if (!allowed) return null;
  const ok = (h: string) => allowed.some((a) => a.toLowerCase() === h);
  if (hosts.length > 0 && hosts.every(ok))
    return {
      decision: 'allow',
      reason: `the sandbox reaches only package registries (mode registries), and ${hosts.join(', ')} is one; the proxy records the connection`,
    };
  return {
    decision: 'deny',
    reason: `the sandbox reaches only package registries (mode registries)${hosts.length ? `, and ${hosts.filter((h) => !ok(h)).join(', ')} is not one` : ''}; use the project's package manager`,
  };
}

/** Whether two workspaces place the workspace, home and scratch directories alike. */
function sameWorkspace(a: Workspace, b: Workspace): boolean {
  return (
    a.workspace === b.workspace &&
    a.home === b.home &&
    (a.scratch ?? []).join('\0') === (b.scratch ?? []).join('\0')
  );
}
