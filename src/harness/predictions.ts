import { existsSync, readFileSync } from 'node:fs';
import { DrydockError } from '../core/index.js';
import type { Instance } from './dataset.js';

/** A prediction as SWE-bench takes it. `model_patch` null or '' is an empty patch. */
export interface Prediction {
  instance_id: string;
  model_name_or_path: string;
  model_patch: string | null;
}

function fromObject(o: unknown, where: string, key?: string): Prediction {
  if (typeof o !== 'object' || o === null)
    throw new DrydockError(`predictions ${where}: expected an object`, undefined, 'BAD_PREDICTIONS');
  const r = o as Record<string, unknown>;
  const id = typeof r.instance_id === 'string' ? r.instance_id : key;
  if (!id)
    throw new DrydockError(
      `predictions ${where}: no instance_id`,
      'each prediction needs instance_id, model_name_or_path, model_patch',
      'BAD_PREDICTIONS',
    );
  const patch = r.model_patch;
  if (patch !== null && patch !== undefined && typeof patch !== 'string')
    throw new DrydockError(
      `predictions ${where}: model_patch must be a string or null`,
      undefined,
      'BAD_PREDICTIONS',
    );
  return {
    instance_id: id,
    model_name_or_path: typeof r.model_name_or_path === 'string' ? r.model_name_or_path : 'unknown',
    model_patch: (patch as string | null | undefined) ?? null,
  };
}

/** Parses JSONL, a JSON list, or a JSON dict keyed by instance id. */
export function parsePredictions(text: string, source = '<predictions>'): Map<string, Prediction> {
  const out = new Map<string, Prediction>();
  const add = (p: Prediction) => out.set(p.instance_id, p);
  const t = text.trim();
  if (!t) return out;
  let whole: unknown;
  let isWhole = false;
  if (t.startsWith('[') || t.startsWith('{')) {
    try {
      whole = JSON.parse(t);
      isWhole = true;
    } catch {
      isWhole = false; // JSONL whose first line is an object
    }
  }
  if (isWhole && Array.isArray(whole)) whole.forEach((o, i) => add(fromObject(o, `${source}[${i}]`)));
  else if (isWhole && typeof whole === 'object' && whole !== null && !('model_patch' in whole)) {
    for (const [k, v] of Object.entries(whole)) add(fromObject(v, `${source}[${JSON.stringify(k)}]`, k));
  } else if (isWhole) add(fromObject(whole, source));
  else
    t.split('\n').forEach((l, i) => {
      if (!l.trim()) return;
      let o: unknown;
      try {
        o = JSON.parse(l);
      } catch (err) {
        throw new DrydockError(
          `${source}:${i + 1}: not valid JSON: ${(err as Error).message}`,
          undefined,
          'BAD_PREDICTIONS',
        );
      }
      add(fromObject(o, `${source}:${i + 1}`));
    });
  return out;
}

/** `gold` (the dataset's patch), `empty` (no patch), or a file. */
export function loadPredictions(spec: string, instances: Instance[]): Map<string, Prediction> {
  if (spec === 'gold' || spec === 'empty') {
    return new Map(
      instances.map((i) => [
        i.instance_id,
        { instance_id: i.instance_id, model_name_or_path: spec, model_patch: spec === 'gold' ? i.patch : '' },
      ]),
    );
  }
  if (!existsSync(spec))
    throw new DrydockError(
      `predictions not found: ${spec}`,
      'pass --predictions FILE, or the word gold or empty',
      'PREDICTIONS_NOT_FOUND',
    );
  return parsePredictions(readFileSync(spec, 'utf8'), spec);
}
