import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Stage } from './types.js';

/** The stages in run order: a stage's file is numbered by its place here. */
const ORDER: readonly Stage[] = ['prepare', 'localize', 'repair', 'validate', 'select', 'review', 'output'];

/**
 * Each stage's result as a JSON file beside the trajectory, `stages/<n>-<stage>.json`
 * (`.drydock/runs/<run>/stages/4-validate.json`), so a run can be read stage by stage with jq,
 * in the manner of Agentless's stage outputs. Returns the path written.
 */
export function writeStageFile(trajectoryPath: string, stage: Stage, value: unknown): string {
  const dir = join(dirname(trajectoryPath), 'stages');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${ORDER.indexOf(stage) + 1}-${stage}.json`);
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
  return path;
}
