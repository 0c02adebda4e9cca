import {
  WORKSPACE,
  type ApprovalRecord,
  type Decision,
  type PolicyDecisionEvent,
  type Verdict,
} from '../core/index.js';

export type { Decision, Verdict };

/** Where a rule came from; a higher tier wins outright, and within a tier deny > ask > allow. */
export type Tier = 'builtin' | 'project' | 'user' | 'admin';
export const TIERS: readonly Tier[] = ['builtin', 'project', 'user', 'admin'];

/** One argument as the shell would pass it, as far as the text alone tells. */
export interface Arg {
  /** The value after quote removal (for dynamic args: the source text). */
  text: string;
  /** Contains an expansion or substitution whose value is unknown before it runs. */
  dynamic: boolean;
  /** Contains an unquoted glob character, so it may expand to several paths. */
  glob: boolean;
  /** A dynamic value's shape as a glob (unknown pieces `**`), when it has known pieces. */
  pattern?: string;
  /** A dynamic value known to be paths inside the workspace (output of `find src`, `grep -rl x src`, …). */
  inside?: boolean;
  /**
   * A dynamic value that is always exactly one word, never none: find's `{}` in `-exec CMD {} ;`,
   * which find replaces with each path it found (xargs' input may be empty, so its words are not).
   */
  one?: boolean;
  /** An option its program's spec reads as one name (`kotlinc -version`), never a cluster of letters. */
  whole?: boolean;
  /** A dynamic value known to be paths below these roots (`find ~ | xargs cat`: below `~`). */
  under?: Under;
  /**
   * A dynamic value known to be the PIDs of the processes holding a socket on a literal port
   * (`lsof -ti:3000`, streams.ts `portPids`): what `kill` is handed to stop a dev server by its port.
   */
  pids?: boolean;
  /**
   * A dynamic value known to be what `pgrep` prints for these arguments (`pgrep -f "hugo server"`):
   * `kill` of it is decided as `pkill` with them, which picks the same processes.
   */
  pgrep?: Arg[];
}

/** Paths below literal roots (`find ROOT…`, `ls DIR`), each with a base name matching `name` when given (`-name '*.py'`). */
export interface Under {
  roots: string[];
  name?: string;
}

/** Everything a rule can look at, one "facet" of a command line. */
export type Part = CommandPart | FilePart | VariablePart | StructurePart;

export interface CommandPart {
  kind: 'command';
  /** Source text of the command as written (or as unwrapped from a wrapper). */
  text: string;
  /** Name used for matching: the basename for programs in system bin dirs, else the absolute path for paths, else the word. */
  name: string;
  args: Arg[];
  /** Possible working directories (several after `cd x;`, which may fail); null when unknown. */
  cwd: string[] | null;
  /** Why the working directory is unknown (with `cwd: null`). */
  cwdLost?: string;
  /** Wrappers it was found inside, outermost first (e.g. ['sudo', 'env']). */
  via: string[];
  /**
   * The whole command line it came from. A dynamic argument is taken as possibly
   * being a given flag or word only when that text appears somewhere in it
   * (`x=--upload-pack=sh; git ls-remote $x`), so `git commit -m "$msg"` is not
   * mistaken for a dangerous flag.
   */
  context: string;
  /** Set when its inline code (`python -c`, `node -e`, a here-document) was read into parts of its own. */
  code?: 'read';
  /**
   * The word a package manager runs as the project's script of that name or else as its
   * dependencies' program (`pnpm vercel deploy`, programs.yaml `script_bins`): a name no rule
   * covers is the project's (rule project-script).
   */
  scriptOrBin?: true;
  /** What the inline-code reader could not follow (the code then stays unread: rules ask). */
  codeIssue?: string;
  /**
   * It runs, as its script (or a module or preloaded file), a file this command line wrote with
   * literal text (`cat <<'EOF' > x.py … python x.py`): Python and JavaScript are read as inline
   * code is (`code`/`codeIssue`); in another language the code stays unread.
   */
  runsWritten?: boolean;
  /** The file its standard input is redirected from (`patch -p1 < fix.diff`). */
  stdinFile?: Arg;
  /** Its standard input when that is literal text (a here-document or here-string). */
  stdinText?: string;
  /** Files written earlier in the command line with literal text, by absolute path. */
  written?: ReadonlyMap<string, string>;
  /**
   * Arguments that its program's spec says are patterns matched against file names
   * (`rsync --exclude .git`), not paths: path rules (`paths`, `outside`) skip them.
   */
  patterns?: ReadonlySet<Arg>;
  /**
   * Arguments its program's spec says it does not read: files it only writes (`cp SRC DST`'s
   * DST, `sort -o F`; decided as file parts of their own), names it lists inside the workspace
   * (`ls -la .env`), a pattern operand (`grep .env .gitignore`). `paths` conditions skip them.
   */
  unread?: ReadonlySet<Arg>;
  /**
   * Arguments that are, or carry, the value of an option its program's spec says names nothing
   * (effect `value`: `curl -H "Authorization: Bearer $TOKEN"`, `-d "$BODY"`): host conditions skip
   * such a word when it is one word whatever it holds (every expansion in it quoted).
   */
  plainValues?: ReadonlySet<Arg>;
  /** Its spec's patterns, unread words and writes were read when it was walked (not again by the engine). */
  specRead?: boolean;
  /**
   * The word its standard output is narrowed to: the next stage of its pipeline is `grep WORD`
   * alone (a plain word, not inverted, no context lines, no file of its own): `env | grep -i python`;
   * plain words in alternation are `|`-separated (`grep -E "JAVA_|JDK_"`), each judged alone.
   */
  outputFilter?: string;
}

export interface FilePart {
  kind: 'file';
  text: string;
  access: 'read' | 'write' | 'edit';
  path: Arg;
  /** For a copy's destination (`cp SRC DST`): the files copied into it. */
  from?: Arg[];
  cwd: string[] | null;
  /** Why the working directory is unknown (with `cwd: null`). */
  cwdLost?: string;
}

export interface VariablePart {
  kind: 'variable';
  text: string;
  access: 'set' | 'read';
  name: string;
  /** The value set, when this part sets one. */
  value?: Arg;
  /**
   * Set for the environment of the programs it runs, not only as a shell variable: a command's
   * prefix (`X=1 make`), `export`/`declare -x`, `env X=1 …`, make's `X=1` operands, inline code's.
   */
  env?: boolean;
  /**
   * The working directories where it is set, when known and not only the workspace
   * (`cd sub && PYTHONPATH=.. pytest`): a relative path in the value names a place from there.
   */
  cwd?: string[];
}

/** A finding from the parser itself (fail closed): not matched by rules, cannot be overridden. */
export interface StructurePart {
  kind: 'structure';
  text: string;
  decision: Decision;
  rule: string;
  reason: string;
}

export interface PartVerdict extends Verdict {
  part: string;
  kind: Part['kind'];
}

export interface PolicyDecision extends Verdict {
  /** One verdict per facet, in source order. */
  parts: PartVerdict[];
  /**
   * Set when a long line was decided on a decision thread (`offload.ts`) and had more parts than
   * are copied back: how many allowed parts are not listed (every refusal is, up to 32).
   */
  partsOmitted?: number;
  /** Set when the engine turned an `ask` into a `deny` because nobody can answer. */
  unattended?: boolean;
  /** Set when an `ask` was settled by a person (`ApprovalSession`); `decision` is the outcome. */
  approval?: ApprovalRecord;
  /** The sandbox's network mode the command was decided under (the action's, else the engine's). */
  network?: NetworkMode;
}

/** Anything that decides actions: the engine itself, or an `ApprovalSession` that may ask a person. */
export interface PolicyGate {
  decide(action: Action): PolicyDecision | Promise<PolicyDecision>;
  /** Absolute paths of the archives and patches a command line unpacks (the caller lists their entries). */
  unpackInputs?(command: string): string[];
  /** Names the line runs that no rule covers, for the caller to look up in the sandbox (`programs`). */
  commandNames?(command: string): string[];
}

export type Action =
  | {
      kind: 'shell';
      command: string;
      /**
       * Entries of the archives and patches the command unpacks, by absolute path (null: could
       * not be read), as the caller listed them (`engine.unpackInputs`, `listEntries`). An
       * unpacking command whose entries are not given asks.
       */
      entries?: Record<string, Entry[] | null>;
      /** The network mode of the sandbox it will run in (default: the engine's `network` option). */
      network?: NetworkMode;
      /**
       * Whether the sandbox's shell resolves each name (a program on its PATH, a builtin, a
       * function), as the caller looked up the names `engine.commandNames` gave: a name no rule
       * covers that it does not resolve runs nothing and is allowed (rule `program-not-found`).
       */
      programs?: Record<string, boolean>;
    }
  | { kind: 'edit'; path: string }
  | { kind: 'read'; path: string };

/** The sandbox's network modes (sandbox layer): none by default, registries through drydock's proxy, bridge. */
export type NetworkMode = 'none' | 'registries' | 'bridge';

/** One entry of an archive or one file a patch touches; `link` for a symbolic link's target. */
export interface Entry {
  path: string;
  link?: string;
}

/** The trajectory event for one decision (core's `PolicyDecisionEvent`, parts typed by kind). */
export interface PolicyAuditEvent extends PolicyDecisionEvent {
  parts: Array<{ part: string; kind: Part['kind'] } & Verdict>;
}

/** Where the shell runs: relative paths resolve from `workspace`; `scratch` dirs count as inside too. */
export interface Workspace {
  workspace: string;
  home: string;
  scratch: string[];
}

export const DEFAULT_WORKSPACE: Workspace = { workspace: WORKSPACE, home: '/root', scratch: ['/tmp'] };
