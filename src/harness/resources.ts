// Per-instance resource needs (memory, CPUs) and the memory-admission scheduler that runs
// instances side by side only while their declared memory fits the machine's budget.
import { readFileSync } from 'node:fs';
import { DrydockError } from '../core/index.js';
import { parseSize } from '../sandbox/index.js';

/** What one instance may use: its sandbox's limits, and its memory is its admission cost. */
export interface Resources {
  memoryBytes: number;
  cpus: number;
}

/** Where an instance's figure came from, for the run's output and result.json. */
export type ResourceSource = 'override:instance' | 'override:repo' | 'row' | 'default';

export interface ResolvedResources extends Resources {
  source: { memory: ResourceSource; cpus: ResourceSource };
}

/** A row's or an override's own fields; each may be absent. */
export type PartialResources = Partial<Resources>;

/** A bad `memory` or `cpus` value; `field` names it. */
export class ResourceFieldError extends Error {
  constructor(
    readonly field: 'memory' | 'cpus',
    message: string,
  ) {
    super(message);
  }
}

/** Hard ceilings that catch a typo (16000g) before it reaches the engine. */
const MAX_CPUS = 256;

/**
 * Reads `memory` (a size like "16g", or bytes as a number) and `cpus` (a positive number) from an
 * object: a dataset row (top level, or under `resources`), or one entry of an overrides file.
 * Throws a one-line message naming the bad field.
 */
export function readResources(obj: Record<string, unknown>, where: string): PartialResources {
  const nested = obj.resources;
  const src =
    nested && typeof nested === 'object' && !Array.isArray(nested)
      ? { ...obj, ...(nested as Record<string, unknown>) }
      : obj;
  const out: PartialResources = {};
  const mem = src.memory ?? src.mem_limit;
  if (mem !== undefined && mem !== null) {
    let bytes: number;
    if (typeof mem === 'number') bytes = mem;
    else if (typeof mem === 'string') {
      try {
        bytes = parseSize(mem);
      } catch {
        throw new ResourceFieldError(
          'memory',
          `${where}: memory: not a size: ${JSON.stringify(mem)} (write it like 16g or 512m)`,
        );
      }
    } else
      throw new ResourceFieldError(
        'memory',
        `${where}: memory: expected a size like "16g", got ${typeof mem}`,
      );
    if (!Number.isFinite(bytes) || bytes < 64 * 2 ** 20)
      throw new ResourceFieldError('memory', `${where}: memory: ${JSON.stringify(mem)} is less than 64m`);
    out.memoryBytes = Math.floor(bytes);
  }
  const cpus = src.cpus ?? src.cpu;
  if (cpus !== undefined && cpus !== null) {
    const n = typeof cpus === 'string' ? Number(cpus) : cpus;
    if (typeof n !== 'number' || !Number.isFinite(n) || n <= 0 || n > MAX_CPUS)
      throw new ResourceFieldError(
        'cpus',
        `${where}: cpus: expected a number above 0 and at most ${MAX_CPUS}, got ${JSON.stringify(cpus)}`,
      );
    out.cpus = n;
  }
  return out;
}

/**
 * `--resources FILE`: a JSON object whose keys are instance ids or repositories (`owner/name`,
 * for every instance of that repository) and whose values are `{ "memory": "16g", "cpus": 4 }`.
 */
export function loadResourceOverrides(path: string): Map<string, PartialResources> {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new DrydockError(
      `--resources ${path}: ${(err as Error).message.split('\n')[0]}`,
      'give a JSON object: { "<instance_id or owner/name>": { "memory": "16g", "cpus": 4 } }',
      'BAD_FLAG',
    );
  }
  if (!data || typeof data !== 'object' || Array.isArray(data))
    throw new DrydockError(
      `--resources ${path}: expected a JSON object keyed by instance id or owner/name`,
      undefined,
      'BAD_FLAG',
    );
  const out = new Map<string, PartialResources>();
  for (const [key, v] of Object.entries(data as Record<string, unknown>)) {
    if (!v || typeof v !== 'object' || Array.isArray(v))
      throw new DrydockError(
        `--resources ${path}: ${key}: expected { "memory": …, "cpus": … }`,
        undefined,
        'BAD_FLAG',
      );
    try {
      out.set(key, readResources(v as Record<string, unknown>, key));
    } catch (err) {
      throw new DrydockError(`--resources ${path}: ${(err as Error).message}`, undefined, 'BAD_FLAG');
    }
  }
  return out;
}

/**
 * An instance's resources: an override for its id, else one for its repository, else the row's
 * own fields, else the run's defaults (`--memory`, `--cpus`); memory and CPUs are looked up apart.
 */
export function resourcesFor(
  inst: { instance_id: string; repo: string; resources?: PartialResources },
  defaults: Resources,
  overrides?: Map<string, PartialResources>,
): ResolvedResources {
  const layers: [ResourceSource, PartialResources | undefined][] = [
    ['override:instance', overrides?.get(inst.instance_id)],
    ['override:repo', overrides?.get(inst.repo)],
    ['row', inst.resources],
  ];
  const pick = <K extends keyof Resources>(k: K): [number, ResourceSource] => {
    for (const [src, r] of layers) if (r?.[k] !== undefined) return [r[k]!, src];
    return [defaults[k], 'default'];
  };
  const [memoryBytes, ms] = pick('memoryBytes');
  const [cpus, cs] = pick('cpus');
  return { memoryBytes, cpus, source: { memory: ms, cpus: cs } };
}

/**
 * Runs items at most `maxConcurrent` at a time while the memory they declare fits `budgetBytes`
 * together: the first queued item that fits starts as soon as one finishes (a smaller one may go
 * ahead of a larger one that does not fit yet). An item larger than the whole budget runs alone,
 * when nothing else runs; `onAlone` is told. Resolves when all have run; rejects on the first
 * rejection of `run` (items already started still finish).
 */
export function runAdmitted<T>(
  items: T[],
  need: (t: T) => number,
  budgetBytes: number,
  maxConcurrent: number,
  run: (t: T) => Promise<void>,
  onAlone?: (t: T) => void,
): Promise<void> {
  const queue = [...items];
  let inUse = 0;
  let running = 0;
  let failed = false;
  return new Promise((resolve, reject) => {
    const pump = () => {
      if (failed) return;
      if (queue.length === 0 && running === 0) return resolve();
      for (let i = 0; i < queue.length && running < Math.max(1, maxConcurrent);) {
        const n = need(queue[i]!);
        if (running > 0 && inUse + n > budgetBytes) {
          i++;
          continue;
        }
        const [t] = queue.splice(i, 1) as [T];
        if (n > budgetBytes) onAlone?.(t);
        inUse += n;
        running++;
        run(t).then(
          () => {
            inUse -= n;
            running--;
            pump();
          },
          (err: unknown) => {
            failed = true;
            reject(err instanceof Error ? err : new Error(String(err)));
          },
        );
        // an item larger than the budget runs alone: admit nothing beside it
        if (n > budgetBytes) break;
      }
    };
    pump();
  });
}
