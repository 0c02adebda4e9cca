import { relative, sep } from 'node:path';
import { instancesSpec, outcomesSpec, renderSvg } from './charts.js';
import { BUCKETS, type EvalModel, type OutcomeChange } from './eval-model.js';
import { esc, figure, page } from './html.js';

/** Links from the page to a run's files are relative, so the page and the run move together. */
function linker(pageDir: string): (path: string | undefined) => string | undefined {
  return (path) => (path ? relative(pageDir, path).split(sep).map(encodeURIComponent).join('/') : undefined);
}

function countsBlock(m: EvalModel, id: string): string {
  return `<div class="counts" id="${esc(id)}">${BUCKETS.map(
    (b) =>
      `<div class="count" data-bucket="${b}"><b>${m.counts[b]}</b>${b === 'empty' ? 'empty patch' : b}</div>`,
  ).join('')}<div class="count" data-bucket="total"><b>${m.rows.length}</b>instances</div></div>`;
}

function runLine(m: EvalModel): string {
  return `run <b>${esc(m.runId)}</b> · model <b>${esc(m.model)}</b> · ${esc(m.dir)}${m.summaryPath ? ` · summary ${esc(m.summaryPath)}` : ' · no run summary file found'}`;
}

/** The page of one evaluation run, and, with `other`, what changed between the two. */
export async function renderEvalPage(
  m: EvalModel,
  opts: { pageDir: string; other?: EvalModel; changes?: OutcomeChange[] },
): Promise<string> {
  const link = linker(opts.pageDir);
  const [outcomes, scatter] = await Promise.all([
    renderSvg(
      outcomesSpec(
        BUCKETS.map((b) => ({ outcome: b, count: m.counts[b] })),
        600,
      ),
    ),
    renderSvg(
      instancesSpec(
        m.rows.map((r) => ({
          id: r.id,
          outcome: r.outcome,
          durationS: r.durationMs === null ? null : Math.round(r.durationMs / 100) / 10,
          peakMiB: r.peakMemoryBytes === null ? null : Math.round(r.peakMemoryBytes / 104857.6) / 10,
        })),
        900,
      ),
    ),
  ]);
  const rows = m.rows.map((r, i) => ({
    __key: i,
    __class: r.outcome === 'error' ? 'killed' : '',
    id: r.id,
    outcome: r.outcome,
    status: r.status,
    reason: r.reason,
    durationMs: r.durationMs,
    peakMemoryBytes: r.peakMemoryBytes,
    killedBy: r.killedBy,
    failToPass: r.failToPass,
    passToPass: r.passToPass,
    log: link(r.files.log),
    testOutput: link(r.files.testOutput),
    patch: link(r.files.patch),
    report: link(r.files.report),
  }));
  const tables: unknown[] = [
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
        { key: 'peakMemoryBytes', label: 'peak memory', type: 'num', format: 'bytes' },
        { key: 'failToPass', label: 'FAIL_TO_PASS', type: 'text' },
        { key: 'passToPass', label: 'PASS_TO_PASS', type: 'text' },
        {
          key: 'files',
          label: 'files',
          type: 'text',
          links: [
            { key: 'log', label: 'log' },
            { key: 'testOutput', label: 'tests' },
            { key: 'patch', label: 'patch' },
            { key: 'report', label: 'report.json' },
          ],
        },
      ],
    },
  ];
  let compare = '';
  if (opts.other && opts.changes) {
    const o = opts.other;
    tables.push({
      id: 'changes',
      rows: opts.changes.map((c, i) => ({ __key: i, ...c })),
      pageSize: 100,
      facet: 'after',
      initialSort: { key: 'id', dir: 1 },
      columns: [
        { key: 'id', label: 'instance', type: 'text' },
        { key: 'before', label: `in ${o.runId}`, type: 'text' },
        { key: 'after', label: `in ${m.runId}`, type: 'text' },
      ],
    });
    compare = `<h2 id="compare">Changed since ${esc(o.runId)}</h2>
<p>${runLine(o)}</p>
${countsBlock(o, 'counts-other')}
<p id="change-count"><b>${opts.changes.length}</b> instance(s) changed outcome (an instance present in only one run counts, as <i>absent</i> in the other).</p>
<div id="changes"></div>`;
  }
  const body = `
<h1>drydock eval — ${esc(m.runId)}</h1>
<p class="muted">${runLine(m)}</p>
${countsBlock(m, 'counts')}
${compare}
<h2>Outcomes</h2>
${figure('outcomes', outcomes)}
${figure('instances', scatter)}
<h2 id="instances-h">Instances</h2>
<div id="instances"></div>
`;
  return page({
    title: `drydock eval ${m.runId}${opts.other ? ` vs ${opts.other.runId}` : ''}`,
    body,
    data: { kind: 'eval', tables },
  });
}
