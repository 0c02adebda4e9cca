/** Progress for long work: one line per step, on stderr so stdout stays parseable. */
export interface Progress {
  step(message: string): void;
  detail(message: string): void;
}

export const stderrProgress: Progress = {
  step: (message) => process.stderr.write(`drydock: ${message}\n`),
  detail: (message) => process.stderr.write(`  ${message}\n`),
};

export const silentProgress: Progress = { step: () => {}, detail: () => {} };
