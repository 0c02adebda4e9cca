import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { TRAJECTORY_FILE } from '../trajectory/index.js';
import { esc, page } from './html.js';

/**
 * `drydock run-batch`'s output: a predictions file (`<out>.jsonl`, one line per instance) and a
 * folder per instance (`<out>.runs/<instance_id>/`: summary.json, patch.diff, trajectory.jsonl,
 * runs/<run id>/). Read from disk only, like every page.
 */
export interface BatchModel {
  predictions: string | null;
  runsDir: string;
  rows: BatchRow[];
  counts: Record<string, number>;
}

export interface BatchRow {
  id: string;
  /** The fix run's status (`patched`, `no_patch`, `timeout`, ...); `unfinished`: a trajectory and no summary; `not run`: no folder. */
  outcome: string;
  reason: string;
  durationMs: number | null;
  files: number | null;
  candidates: number | null;
  costUsd: number | null;
  tokens: number | null;
  scripted: boolean | null;
  /** The patch in the predictions file is empty or null. */
  emptyPatch: boolean;
  dir: string | null;
  trajectory: string | null;
  summary: string | null;
  patch: string | null;
}

interface Summary {
  status?: string;
  message?: string;
  wallMs?: number;
  files?: string[];
  candidates?: unknown[];
  costUsd?: number | null;
  tokens?: number;
  scripted?: boolean;
}

function predictionLines(file: string): { instance_id: string; model_patch: string | null }[] {
  const out: { instance_id: string; model_patch: string | null }[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      const p = JSON.parse(line) as { instance_id?: unknown; model_patch?: unknown };
      if (typeof p.instance_id === 'string')
        out.push({
          instance_id: p.instance_id,
          model_patch: typeof p.model_patch === 'string' ? p.model_patch : null,
        });
    } catch {
      // Not a predictions line: left out.
    }
  }
  return out;
}

function isPredictionsFile(file: string): boolean {
  if (!file.endsWith('.jsonl')) return false;
  const first = readFileSync(file, 'utf8')
    .split('\n')
    .find((l) => l.trim());
  if (!first) return false;
  try {
    const p = JSON.parse(first) as Record<string, unknown>;
    return typeof p.instance_id === 'string' && 'model_patch' in p;
  } catch {
    return false;
  }
}

const hasSummary = (dir: string) => existsSync(join(dir, 'summary.json'));

/** The batch a reference names: a predictions file with its `.runs` folder, or that folder. */
export function batchOf(ref: string): { predictions: string | null; runsDir: string } | null {
  if (!existsSync(ref)) return null;
  const path = resolve(ref);
  if (statSync(path).isFile()) {
    if (!isPredictionsFile(path)) return null;
    return { predictions: path, runsDir: `${path.replace(/\.jsonl$/, '')}.runs` };
  }
  if (existsSync(join(path, TRAJECTORY_FILE))) return null;
  const children = readdirSync(path, { withFileTypes: true }).filter((d) => d.isDirectory());
  if (!children.some((d) => hasSummary(join(path, d.name)))) return null;
  const preds = path.endsWith('.runs') ? `${path.slice(0, -'.runs'.length)}.jsonl` : null;
  return { predictions: preds && existsSync(preds) ? preds : null, runsDir: path };
}

/** An instance's trajectory: the copy beside its summary, else the newest under runs/. */
function trajectoryIn(dir: string): string | null {
  if (existsSync(join(dir, TRAJECTORY_FILE))) return join(dir, TRAJECTORY_FILE);
  const runs = join(dir, 'runs');
  if (!existsSync(runs)) return null;
  const found = readdirSync(runs)
    .map((r) => join(runs, r, TRAJECTORY_FILE))
    .filter((p) => existsSync(p))
    .sort();
  return found.at(-1) ?? null;
}

export function loadBatch(b: { predictions: string | null; runsDir: string }): BatchModel {
  const preds = b.predictions ? predictionLines(b.predictions) : [];
  const patchOf = new Map(preds.map((p) => [p.instance_id, p.model_patch]));
  const ids = new Set(preds.map((p) => p.instance_id));
  if (existsSync(b.runsDir))
    for (const d of readdirSync(b.runsDir, { withFileTypes: true }))
      if (d.isDirectory() && (hasSummary(join(b.runsDir, d.name)) || trajectoryIn(join(b.runsDir, d.name))))
        ids.add(d.name);
  const rows: BatchRow[] = [...ids].sort().map((id) => {
    const dir = join(b.runsDir, id);
    const there = existsSync(dir);
    const summaryPath = there && hasSummary(dir) ? join(dir, 'summary.json') : null;
    let s: Summary = {};
    if (summaryPath) {
      try {
        s = JSON.parse(readFileSync(summaryPath, 'utf8')) as Summary;
      } catch {
        s = { status: 'error', message: 'summary.json does not parse' };
      }
    }
    const trajectory = there ? trajectoryIn(dir) : null;
    const patch = patchOf.has(id) ? (patchOf.get(id) ?? null) : null;
    const outcome = summaryPath ? (s.status ?? 'unknown') : trajectory ? 'unfinished' : 'not run';
    return {
      id,
      outcome,
      reason:
        s.message ??
        (trajectory
          ? 'no summary: the run stopped before it finished (see its report)'
          : 'no folder for this instance: it failed before its run began'),
      durationMs: typeof s.wallMs === 'number' ? s.wallMs : null,
      files: Array.isArray(s.files) ? s.files.length : null,
      candidates: Array.isArray(s.candidates) ? s.candidates.length : null,
      costUsd: typeof s.costUsd === 'number' ? s.costUsd : null,
      tokens: typeof s.tokens === 'number' ? s.tokens : null,
      scripted: typeof s.scripted === 'boolean' ? s.scripted : null,
      emptyPatch: !(
        patch ??
        (summaryPath && existsSync(join(dir, 'patch.diff'))
          ? readFileSync(join(dir, 'patch.diff'), 'utf8')
          : '')
      ).trim(),
      dir: there ? dir : null,
      trajectory,
      summary: summaryPath,
      patch: there && existsSync(join(dir, 'patch.diff')) ? join(dir, 'patch.diff') : null,
    };
  });
  const counts: Record<string, number> = {};
  for (const r of rows) counts[r.outcome] = (counts[r.outcome] ?? 0) + 1;
  return { predictions: b.predictions, runsDir: b.runsDir, rows, counts };
}

/** The batch page: counts by outcome, and the instance table linking to each instance's own page. */
export function renderBatchPage(
  m: BatchModel,
  opts: { pageDir: string; reports: Map<string, string> },
): string {
  const link = (p: string | null | undefined) =>
    p ? relative(opts.pageDir, p).split(sep).map(encodeURIComponent).join('/') : undefined;
  const scripted = m.rows.some((r) => r.scripted);
  const rows = m.rows.map((r, i) => ({
    __key: i,
    __class: r.outcome === 'error' || r.outcome === 'unfinished' || r.outcome === 'not run' ? 'killed' : '',
    id: r.id,
    outcome: r.outcome,
    reason: r.reason,
    durationMs: r.durationMs,
    files: r.files,
    candidates: r.candidates,
    costUsd: r.costUsd,
    patchState: r.emptyPatch ? 'empty' : 'patch',
    report: link(opts.reports.get(r.id)),
    patch: link(r.patch),
    trajectory: link(r.trajectory),
    summary: link(r.summary),
  }));
  const counts = Object.entries(m.counts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, n]) => `<div class="count" data-bucket="${esc(k)}"><b>${n}</b>${esc(k)}</div>`)
    .join('');
  const body = `
<h1>drydock run-batch — ${esc(basename(m.predictions ?? m.runsDir))}</h1>
<p class="muted">predictions ${esc(m.predictions ?? '(no predictions file found)')} · runs ${esc(m.runsDir)} · ${esc(dirname(m.runsDir))}</p>
<div class="counts" id="counts">${counts}<div class="count" data-bucket="total"><b>${m.rows.length}</b>instances</div></div>
<p class="muted">Outcomes are the fix runs' own (patched, no_patch, timeout, budget_exceeded, error). Whether a patch resolves its issue is <code>drydock eval</code>'s to say: run it on the predictions file and open its page.</p>
<h2 id="instances-h">Instances</h2>
<div id="instances"></div>
`;
  return page({
    title: `drydock run-batch ${basename(m.predictions ?? m.runsDir)}${scripted ? ' (SCRIPTED)' : ''}`,
    banner: scripted
      ? '<div class="banner scripted" id="scripted">SCRIPTED: some or all instances ran with a scripted model, not a language model.</div>'
      : '',
    body,
    data: {
      kind: 'batch',
      tables: [
        {
          id: 'instances',
          rows,
          pageSize: 100,
          facet: 'outcome',
          initialSort: { key: 'id', dir: 1 },
          columns: [
            { key: 'id', label: 'instance', type: 'text' },
            { key: 'outcome', label: 'outcome', type: 'text' },
            { key: 'reason', label: 'reason', type: 'text' },
            { key: 'durationMs', label: 'duration', type: 'num', format: 's' },
            { key: 'patchState', label: 'patch', type: 'text' },
            { key: 'files', label: 'files changed', type: 'num' },
            { key: 'candidates', label: 'candidates', type: 'num' },
            { key: 'costUsd', label: 'cost (USD)', type: 'num' },
            {
              key: 'links',
              label: 'files',
              type: 'text',
              links: [
                { key: 'report', label: 'fix report' },
                { key: 'patch', label: 'patch' },
                { key: 'trajectory', label: 'trajectory' },
                { key: 'summary', label: 'summary' },
              ],
            },
          ],
        },
      ],
    },
  });
}
