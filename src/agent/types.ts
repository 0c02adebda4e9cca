import type { Budget, ModelClient } from '../model/index.js';
import type { PolicyGate } from '../policy/index.js';
import type { SandboxPool } from '../sandbox/index.js';
import type { ToolPreset } from '../tools/index.js';
import type { TrajectoryWriter } from '../trajectory/index.js';

export type Stage = 'prepare' | 'localize' | 'repair' | 'validate' | 'select' | 'review' | 'output';

/** What a terminal shows while a run goes on. */
export interface Progress {
  stage: Stage;
  message: string;
  costUsd: number | null;
  turns: number;
}

export interface FixOptions {
  /** The user's repository on the host; only read (copied into the sandbox). */
  repo: string;
  issue: string;
  model: ModelClient;
  budget: Budget;
  scripted: boolean;
  /** For the record: the model's name (`scripted:<file>` for the scripted model). */
  modelName?: string;
  trajectory: TrajectoryWriter;
  /** Decides the model's actions (default: the built-in policy, unattended); may ask a person. */
  policy?: PolicyGate;
  /** Candidate patches to validate (default 3). */
  candidates?: number;
  /** Location sets sampled (default min(2, candidates)). */
  locationSamples?: number;
  /** A Docker image to run in instead of the detected drydock image (e.g. a benchmark's instance image). */
  image?: string;
  /**
   * Opens and forks sandboxes through this warm pool (`SandboxPool`, src/sandbox): forks of a
   * snapshot and a reopened sandbox find containers started ahead. `fixIssue` makes it from
   * `warmPool` and closes it at the end.
   */
  sandboxPool?: SandboxPool;
  /** Overrides the detected setup command. */
  setup?: string;
  /** Overrides the detected test command. */
  testCommand?: string;
  /** Wall time of each test run (default 300 s). */
  testTimeoutMs?: number;
  /**
   * The environment-setup agent before the run (src/agent/envsetup-fix.ts): `never` (default
   * here: the detected setup only), `auto` (when the tests cannot start; the CLI's default),
   * `always`. Except with `never`, a working environment is kept as an image and reused.
   */
  setupAgent?: 'never' | 'auto' | 'always';
  /** Model turns of the setup agent (default 20). */
  setupSteps?: number;
  /** How to read the test command's results, when a harness knows (run-batch: the instance's). */
  testReading?: TestReading;
  /** Whole-run wall time; when it passes, the run ends with the best patch so far. */
  timeoutMs?: number;
  /** Review rounds after selection (default 2). */
  reviewRounds?: number;
  /** How the model acts in the review: native tool calls (default) or actions written in text. */
  actionFormat?: 'native' | 'text';
  /** Model turns per review round (default 8). */
  reviewSteps?: number;
  /** Language-server rewards for candidates (default true). */
  rewards?: boolean;
  /** Forks validated at once (default 2). */
  parallel?: number;
  /**
   * Sandboxes lost mid-call (container killed) that a run rebuilds and goes on from (default 2);
   * past it the run ends with `SANDBOX_GONE`.
   */
  sandboxRecoveries?: number;
  onProgress?: (p: Progress) => void;
  /** Narrows the tools the model may call in review (default: every tool). */
  tools?: ToolPreset;
}

/** A benchmark's own way of reading test results (SWE-bench's print_cmds and log_parser). */
export interface TestReading {
  /** Run after the tests; its output is parsed instead of the tests' own. */
  print?: string;
  /** A parser name of `LOG_PARSERS` (src/code): `pytest`, `jest-json`, `tap`, ... */
  parser: string;
}

/** A location: a line range in a file (1-based, inclusive). */
export interface Location {
  path: string;
  start: number;
  end: number;
}

export interface FileChange {
  path: string;
  before: string;
  after: string;
}

export interface TestRun {
  command: string;
  exitCode: number;
  passed: string[];
  failed: string[];
  output: string;
}

export interface Candidate {
  id: string;
  patch: string;
  /** normalizePatch key: equal for patches that differ only in formatting. */
  key: string;
  files: FileChange[];
  /** How many samples produced this patch (majority vote). */
  votes: number;
  exact: boolean;
  confidence: number;
  /** Set once validation rejects it or cannot finish it. */
  rejected: string | null;
  parses: boolean | null;
  reward: number | null;
  /** Regression tests that passed before and fail with this candidate; null when not run. */
  regressions: string[] | null;
  /** Whether the reproduction test passes with it; null when there is no kept test. */
  reproduces: boolean | null;
}

export type FixStatus = 'patched' | 'no_patch' | 'budget_exceeded' | 'timeout' | 'error';

export interface FixSummary {
  status: FixStatus;
  message: string;
  /** Where drydock did not understand a model's answer and fell back (e.g. to keyword retrieval). */
  fallbacks?: string[];
  /** Sandboxes lost mid-call and rebuilt from the repository and the files last written. */
  sandboxRecoveries?: { stage: string; lost: string; replacement: string; during: string }[];
  scripted: boolean;
  model: string;
  runId: string;
  patch: string;
  files: string[];
  candidates: {
    id: string;
    votes: number;
    rejected: string | null;
    /** `selected`, or why it was rejected or lost. */
    outcome: string;
    parses: boolean | null;
    reward: number | null;
    regressions: string[] | null;
    reproduces: boolean | null;
  }[];
  selected: string | null;
  reproductionTest: { path: string; kept: boolean; reason: string } | null;
  regressionTests: string[];
  tests: { command: string; passed: number; failed: number } | null;
  review: { rounds: number; approved: boolean; changed: boolean; denied: string[] };
  reward: number | null;
  costUsd: number | null;
  turns: number;
  tokens: number;
  wallMs: number;
  applied: boolean;
  branch: string | null;
  trajectory: string;
}
