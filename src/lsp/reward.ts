import type { DiagnosticsByFile } from './diagnostic.js';
import type { DiagnosticsDelta } from './delta.js';
import type { ServerIdentity } from './servers.js';

/** What the edit's application says: fed by the code layer (SEARCH/REPLACE, tree-sitter) later. */
export interface EditSafety {
  /** The edit applied exactly (patch applied cleanly / SEARCH matched). */
  appliedExactly: boolean;
  /** The touched files still parse. */
  parses: boolean;
  /** Confidence of the edit's location: 1 for an exact SEARCH match, lower for fuzzy ones. */
  confidence: number;
}

export interface RewardWeights {
  alpha: number;
  beta: number;
  gamma: number;
}

/** Lanser-CLI's example weights. */
export const DEFAULT_WEIGHTS: RewardWeights = { alpha: 0.5, beta: 0.4, gamma: 0.1 };

/** r = α(D_before − D_after) + β·S − γ(1 − c), every part kept for the trajectory. */
export interface ProcessReward {
  reward: number;
  dBefore: number;
  dAfter: number;
  /** 1 when the edit applied exactly and the touched files still parse. */
  s: 0 | 1;
  c: number;
  weights: RewardWeights;
  terms: { diagnostics: number; safety: number; confidence: number };
  /** Files whose error-level diagnostics D counts: touched files and files importing them. */
  files: string[];
  server: ServerIdentity;
  settled: boolean;
}

/** Error-level diagnostics in `files`. */
export function errorCount(diags: DiagnosticsByFile, files: string[]): number {
  let n = 0;
  for (const f of files) n += (diags[f] ?? []).filter((d) => d.severity === 1).length;
  return n;
}

export function processReward(input: {
  before: DiagnosticsByFile;
  after: DiagnosticsByFile;
  files: string[];
  safety: EditSafety;
  server: ServerIdentity;
  weights?: Partial<RewardWeights>;
  settled?: boolean;
}): ProcessReward {
  const weights = { ...DEFAULT_WEIGHTS, ...(input.weights ?? {}) };
  const files = [...new Set(input.files)].sort();
  const dBefore = errorCount(input.before, files);
  const dAfter = errorCount(input.after, files);
  const s: 0 | 1 = input.safety.appliedExactly && input.safety.parses ? 1 : 0;
  const c = Math.min(1, Math.max(0, input.safety.confidence));
  const terms = {
    diagnostics: weights.alpha * (dBefore - dAfter),
    safety: weights.beta * s,
    confidence: -weights.gamma * (1 - c),
  };
  const reward = round(terms.diagnostics + terms.safety + terms.confidence);
  return {
    reward,
    dBefore,
    dAfter,
    s,
    c,
    weights,
    terms: {
      diagnostics: round(terms.diagnostics),
      safety: round(terms.safety),
      confidence: round(terms.confidence),
    },
    files,
    server: input.server,
    settled: input.settled ?? true,
  };
}

/** Rounded to 1e-9 so the same inputs print the same reward on every platform. */
function round(x: number): number {
  return Math.round(x * 1e9) / 1e9 + 0;
}

export type { DiagnosticsDelta };
