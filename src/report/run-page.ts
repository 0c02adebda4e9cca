import {
  cpuSpec,
  memorySpec,
  renderSvg,
  stagesSpec,
  timelineSpec,
  type TimelineCall,
  type TimelineServer,
  type UsagePoint,
} from './charts.js';
import { esc, figure, foldedPre, mib, page, seconds, tag, usd } from './html.js';
import type { CandidateRow, LspProcessRow, RunModel, ToolCallRow } from './run-model.js';

const CHART_WIDTH = 980;
const REVIEW_CALLS_SHOWN = 30;

function callState(c: ToolCallRow): 'ok' | 'error' | 'denied' | 'killed' {
  if (c.killedBy) return 'killed';
  if (c.decision && c.decision !== 'allow') return 'denied';
  return c.isError ? 'error' : 'ok';
}

/** What a mark says: `#index` first (the page script opens that call when it is clicked). */
function callLabel(c: ToolCallRow): string {
  const parts = [`#${c.index} ${c.tool} ${c.callId}`];
  if (c.wallMs !== null) parts.push(`wall ${Math.round(c.wallMs)} ms`);
  if (c.cpuMs !== null) parts.push(`cpu ${Math.round(c.cpuMs)} ms`);
  if (c.peakMemoryBytes !== null)
    parts.push(`peak ${mib(c.peakMemoryBytes)}${c.memoryLimitBytes ? ` of ${mib(c.memoryLimitBytes)}` : ''}`);
  if (c.killedBy) parts.push(`killed by ${c.killedBy}`);
  if (c.decision && c.decision !== 'allow') parts.push(`${c.decision} by ${c.rule ?? 'policy'}`);
  return parts.join(', ');
}

/** What a language server's mark says (never starting with `#`: that is a tool call's). */
function serverLabel(l: LspProcessRow): string {
  const parts = [`language server ${l.server}${l.version ? ` ${l.version}` : ''} (${l.ended})`];
  parts.push(`wall ${Math.round(l.wallMs)} ms`);
  if (l.cpuMs !== null) parts.push(`cpu ${Math.round(l.cpuMs)} ms`);
  if (l.peakMemoryBytes !== null)
    parts.push(`peak ${mib(l.peakMemoryBytes)}${l.memoryLimitBytes ? ` of ${mib(l.memoryLimitBytes)}` : ''}`);
  else parts.push(l.measured);
  if (l.killedBy) parts.push(`killed by ${l.killedBy}`);
  return parts.join(', ');
}

function serversTable(m: RunModel): string {
  if (m.lspProcesses.length === 0)
    return '<p class="muted" id="lsp-none">No language-server process was recorded in this run (none was started, or the run predates their recording).</p>';
  const cell = (v: number | null, f: (n: number) => string) => (v === null ? '—' : f(v));
  const rows = m.lspProcesses
    .map(
      (
        l,
      ) => `<tr data-lsp="${l.index}" data-ended="${esc(l.ended)}"><td>${esc(l.server)}${l.version ? ` ${esc(l.version)}` : ''}</td><td>${esc(l.stage)}</td>
<td class="num">${seconds(l.startMs)}</td><td class="num">${seconds(l.wallMs)}</td><td class="num">${cell(l.cpuMs, (n) => `${Math.round(n)} ms`)}</td>
<td class="num">${cell(l.peakMemoryBytes, mib)}</td><td class="num">${cell(l.memoryLimitBytes, mib)}</td><td class="num">${l.processes ?? '—'}</td>
<td>${tag(l.ended, l.ended === 'crashed' ? 'failed' : undefined)}${l.killedBy ? ' ' + tag(`killed: ${l.killedBy}`, 'killed') : ''}${l.endReason ? ` ${esc(l.endReason)}` : ''}</td><td>${esc(l.measured)}</td></tr>`,
    )
    .join('\n');
  return `<h3>Language-server processes</h3>
<p class="muted">They run beside the tool calls for the whole stage. Where the sandbox spawns a server in a cgroup of its own (per-call-cgroup mode), its usage and limits are that cgroup's, to its end. Elsewhere it runs under the container's limits, and CPU and peak memory are read from /proc in the sandbox just before drydock shuts it down (peak memory: the sum of each process's own peak resident memory, an upper bound of the tree's peak); a server that died by itself there is recorded without usage.</p>
<table id="lsp-processes"><thead><tr><th>server</th><th>stage</th><th class="num">started</th><th class="num">wall</th><th class="num">cpu</th><th class="num">peak memory</th><th class="num">limit</th><th class="num">processes</th><th>ended</th><th>measured</th></tr></thead><tbody>
${rows}
</tbody></table>`;
}

async function timelineCharts(m: RunModel): Promise<string> {
  if (m.toolCalls.length === 0 && m.lspProcesses.length === 0)
    return `<p class="muted">No tool calls in this run.</p>\n${serversTable(m)}`;
  const span = Math.max(1, m.durationMs / 1000);
  const sliver = span / 400;
  const calls: TimelineCall[] = m.toolCalls.map((c) => ({
    index: c.index,
    callId: c.callId,
    tool: c.tool,
    startS: c.startMs / 1000,
    endS: c.endMs / 1000,
    drawEndS: Math.max(c.endMs / 1000, c.startMs / 1000 + sliver),
    state: callState(c),
    label: callLabel(c),
    killed: c.killedBy !== null,
    killedLabel: `killed by ${c.killedBy}: ${c.tool} ${c.callId}${c.killedBy === 'oom' && c.memoryLimitBytes ? ` at its memory limit of ${mib(c.memoryLimitBytes)}` : ''}`,
  }));
  const points: UsagePoint[] = m.toolCalls.map((c) => ({
    index: c.index,
    tool: c.tool,
    startS: c.startMs / 1000,
    peakMiB: c.peakMemoryBytes === null ? null : c.peakMemoryBytes / 1048576,
    limitMiB: c.memoryLimitBytes === null ? null : c.memoryLimitBytes / 1048576,
    cpuCores: c.cpuMs !== null && c.wallMs ? c.cpuMs / c.wallMs : null,
    cpuLimit: c.cpuLimit,
    killed: c.killedBy !== null,
    label: callLabel(c),
  }));
  const servers: TimelineServer[] = m.lspProcesses.map((l) => ({
    lane: `language server: ${l.server}`,
    startS: l.startMs / 1000,
    drawEndS: Math.max(l.endMs / 1000, l.startMs / 1000 + sliver),
    state: 'language server',
    label: serverLabel(l),
  }));
  const measured = points.some((p) => p.peakMiB !== null);
  const [timeline, memory, cpu] = await Promise.all([
    renderSvg(timelineSpec(calls, CHART_WIDTH, span, servers)),
    measured ? renderSvg(memorySpec(points, CHART_WIDTH)) : Promise.resolve(''),
    points.some((p) => p.cpuCores !== null) ? renderSvg(cpuSpec(points, CHART_WIDTH)) : Promise.resolve(''),
  ]);
  const killed = m.toolCalls.filter((c) => c.killedBy);
  return [
    figure(
      'timeline',
      timeline,
      'One bar per tool call, from its start to its end (instant calls drawn as a sliver); a red cross marks a call killed by a limit. Click a bar to open the call below. Language-server processes have lanes of their own, one bar per process from its start to its end.',
    ),
    killed.length
      ? `<p><b>${killed.length} call(s) killed by a limit:</b> ${killed
          .map((c) => `${esc(c.callId)} (${esc(c.tool)}, ${esc(c.killedBy)})`)
          .join(', ')}</p>`
      : '<p class="muted">No call was killed by a limit.</p>',
    measured ? figure('memory', memory) : '<p class="muted">No call recorded its memory use.</p>',
    cpu ? figure('cpu', cpu) : '',
    serversTable(m),
  ].join('\n');
}

function candidateTable(rows: CandidateRow[]): string {
  if (rows.length === 0) return '<p class="muted">No candidate was recorded.</p>';
  const yesNo = (v: boolean | null) => (v === null ? '—' : v ? 'yes' : 'no');
  const body = rows
    .map(
      (c) => `<tr data-candidate="${esc(c.id)}" data-outcome="${esc(c.outcome)}">
<td>${esc(c.id)}</td><td>${tag(c.outcome)}</td><td class="num">${c.votes ?? '—'}</td>
<td class="num">${c.reward === null ? '—' : c.reward.toFixed(3)}</td><td>${yesNo(c.parses)}</td>
<td>${c.regressions === null ? '—' : c.regressions.length === 0 ? 'none' : esc(c.regressions.join(', '))}</td>
<td>${yesNo(c.reproduces)}</td><td>${esc(c.reason)}</td></tr>`,
    )
    .join('\n');
  const diffs = rows
    .filter((c) => c.patch)
    .map(
      (c) =>
        `<details data-candidate-diff="${esc(c.id)}"><summary>${esc(c.id)}: diff (${c.outcome})</summary>${foldedPre(c.patch, 80)}</details>`,
    )
    .join('\n');
  return `<table id="candidates"><thead><tr><th>candidate</th><th>outcome</th><th class="num">votes</th><th class="num">reward</th><th>parses</th><th>regressions</th><th>reproduction test passes</th><th>why it won or lost</th></tr></thead><tbody>
${body}
</tbody></table>
${diffs}`;
}

function stagesTable(m: RunModel): string {
  if (m.stages.length === 0) return '<p class="muted">No stage was recorded.</p>';
  const rows = m.stages
    .map(
      (s) => `<tr><td>${esc(s.name)}${s.unfinished ? ' ' + tag('stopped here', 'failed') : ''}</td>
<td class="num">${seconds(s.startMs)}</td><td class="num">${seconds(s.endMs - s.startMs)}</td>
<td class="num">${s.turns}</td><td class="num">${s.promptTokens.toLocaleString('en')}</td><td class="num">${s.completionTokens.toLocaleString('en')}</td>
<td class="num">${usd(s.costUsd)}</td><td>${s.messages.map((x) => esc(x)).join('<br>')}</td></tr>`,
    )
    .join('\n');
  const t = m.totals;
  return `<table id="stages"><thead><tr><th>stage</th><th class="num">started</th><th class="num">took</th><th class="num">model turns</th><th class="num">prompt tokens</th><th class="num">completion tokens</th><th class="num">cost</th><th>what it found</th></tr></thead><tbody>
${rows}
<tr><td><b>total</b></td><td></td><td class="num">${seconds(m.durationMs)}</td><td class="num">${t.turns}</td><td class="num">${t.promptTokens.toLocaleString('en')}</td><td class="num">${t.completionTokens.toLocaleString('en')}</td><td class="num">${usd(t.costUsd)}</td><td></td></tr>
</tbody></table>`;
}

function localizationSection(m: RunModel): string {
  const l = m.localization;
  const loc = (x: { path: string; start: number; end: number }) => `${x.path}:${x.start}-${x.end}`;
  const parts: string[] = [];
  parts.push(
    `<dl class="grid"><dt>files</dt><dd>${l.files.length ? esc(l.files.join(', ')) : '—'}</dd>` +
      `<dt>classes and functions</dt><dd>${l.elements.length ? esc(l.elements.map(loc).join(', ')) : '—'}</dd>` +
      `<dt>line ranges</dt><dd>${
        l.locations.length
          ? l.locations.map((set, i) => `set ${i + 1}: ${esc(set.map(loc).join(' + '))}`).join('<br>')
          : '—'
      }</dd></dl>`,
  );
  if (l.ranking.length) {
    parts.push(
      `<h3>What the retrieval ranked</h3><table id="ranking"><thead><tr><th class="num">#</th><th>file</th><th class="num">score</th><th>why</th></tr></thead><tbody>${l.ranking
        .map(
          (r, i) =>
            `<tr><td class="num">${i + 1}</td><td>${esc(r.path)}${l.files.includes(r.path) ? ' ' + tag('chosen', 'selected') : ''}</td><td class="num">${r.score.toFixed(2)}</td><td>${esc((r.reasons ?? []).join(', '))}</td></tr>`,
        )
        .join('')}</tbody></table>`,
    );
  } else parts.push('<p class="muted">The trajectory does not carry the retrieval ranking.</p>');
  if (l.chunks.length)
    parts.push(
      `<details><summary>top code chunks</summary><table><tbody>${l.chunks
        .map(
          (c) =>
            `<tr><td>${esc(c.path)}:${c.start}-${c.end}</td><td>${esc(c.symbol ?? '(module)')}</td><td class="num">${c.score.toFixed(2)}</td></tr>`,
        )
        .join('')}</tbody></table></details>`,
    );
  return parts.join('\n');
}

function reviewSection(m: RunModel): string {
  if (m.review.length === 0) return '<p class="muted">No review round was recorded.</p>';
  return m.review
    .map((r) => {
      // A round of hundreds of calls shows its first ones here; the table below has them all.
      const hidden = Math.max(0, r.toolCalls.length - REVIEW_CALLS_SHOWN);
      const calls = r.toolCalls
        .slice(0, REVIEW_CALLS_SHOWN)
        .map((i) => m.toolCalls[i]!)
        .map(
          (
            c,
          ) => `<details class="call" data-call="${esc(c.callId)}"><summary>${esc(c.tool)} <code>${esc(c.args.slice(0, 160))}</code> ${c.decision ? tag(c.decision) : ''}${c.killedBy ? ' ' + tag(`killed: ${c.killedBy}`, 'killed') : ''}${c.exitCode !== null ? ` exit ${c.exitCode}` : ''}</summary>
<div class="kv">policy: ${c.decision ? `${esc(c.decision)}${c.rule ? ` by rule <code>${esc(c.rule)}</code>` : ''} — ${esc(c.policyReason)}` : 'no decision'}</div>
${foldedPre(c.observation, 30)}</details>`,
        )
        .join('\n');
      return `<h3>round ${r.round}</h3>
<p>${r.summary ? esc(r.summary) : '<span class="muted">the round did not finish</span>'}</p>
${r.replies.length ? `<div class="label">the model said</div>${r.replies.map((t) => foldedPre(t, 20)).join('')}` : ''}
${calls || '<p class="muted">no tool calls in this round</p>'}
${hidden ? `<p class="muted">… and ${hidden} more call(s) in this round: see <a href="#timeline">Tool calls and resources</a>.</p>` : ''}`;
    })
    .join('\n');
}

function testsSection(m: RunModel): string {
  if (m.tests.length === 0) return '<p class="muted">No test run was recorded.</p>';
  return `<table id="tests"><thead><tr><th class="num">at</th><th>stage</th><th>command</th><th class="num">passed</th><th class="num">failed</th><th>tests</th></tr></thead><tbody>${m.tests
    .map(
      (t) =>
        `<tr><td class="num">${seconds(t.ms)}</td><td>${esc(t.stage)}</td><td><code>${esc(t.command)}</code></td><td class="num">${t.passed}</td><td class="num">${t.failed}${t.errored ? ` (+${t.errored} errored)` : ''}</td><td>${
          t.tests.length
            ? `<details><summary>${t.tests.length} tests</summary>${t.tests.map((x) => `${tag(x.status, x.status === 'pass' ? 'success' : x.status === 'fail' ? 'failed' : x.status)} ${esc(x.name)}`).join('<br>')}</details>`
            : ''
        }</td></tr>`,
    )
    .join('')}</tbody></table>`;
}

/** The whole page of one fix run. */
export async function renderRunPage(m: RunModel): Promise<string> {
  const banners: string[] = [];
  if (m.scripted)
    banners.push(
      '<div class="banner scripted" id="scripted">SCRIPTED: the model\'s answers in this run were read from a script file, not produced by a language model. The run shows the machinery, not a model\'s skill.</div>',
    );
  if (m.crash)
    banners.push(
      `<div class="banner crashed" id="crashed">This run did not finish: the trajectory stops at event ${m.crash.lastSeq} (${esc(m.crash.lastType)}, ${esc(m.crash.lastTs)})${m.crash.stage ? `, after the last milestone of the ${esc(m.crash.stage)} stage` : ', before any stage milestone'}; ${esc(m.crash.detail)}.</div>`,
    );
  const stageChart = m.stages.length
    ? figure(
        'stages',
        await renderSvg(
          stagesSpec(
            m.stages.map((s) => ({
              name: s.name,
              startS: s.startMs / 1000,
              endS: Math.max(s.endMs, s.startMs + 1) / 1000,
              label: `${s.name}: ${seconds(s.endMs - s.startMs)}`,
            })),
            CHART_WIDTH,
          ),
        ),
      )
    : '';
  const end = m.end
    ? `${tag(m.end.status)} ${esc(m.end.reason)}`
    : `${tag('did not finish', 'failed')} ${esc(m.crash?.detail ?? '')}`;
  const body = `
<h1>drydock fix — run ${esc(m.runId)}</h1>
<p class="muted">model ${esc(m.model)}${m.scripted ? ' (SCRIPTED)' : ''} · started ${esc(m.startedAt ?? '?')} · ${seconds(m.durationMs)} · ${m.toolCalls.length} tool calls · ${m.candidates.length} candidates</p>
<dl class="grid"><dt>outcome</dt><dd id="outcome">${end}</dd>
${Object.entries(m.settings)
  .filter(([, v]) => v !== undefined && v !== null)
  .map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(typeof v === 'string' ? v : JSON.stringify(v))}</dd>`)
  .join('')}</dl>
${m.skipped.length ? `<p class="muted">${m.skipped.length} line(s) of the trajectory skipped: ${m.skipped.map((s) => `line ${s.line}: ${esc(s.reason)}`).join('; ')}</p>` : ''}

<h2 id="issue">The issue</h2>
<p><b>${esc(m.task || '(no task recorded)')}</b></p>
${m.issuePrompt ? `<details><summary>the issue as the model first saw it (inside drydock's prompt)</summary>${foldedPre(m.issuePrompt, 60)}</details>` : ''}

<h2 id="stages-h">Stages</h2>
${stageChart}
${stagesTable(m)}

<h2 id="localization">Localization</h2>
${localizationSection(m)}

<h2 id="candidates-h">Candidates</h2>
${candidateTable(m.candidates)}

<h2 id="tests-h">Test runs</h2>
${testsSection(m)}

<h2 id="review">Review rounds</h2>
${reviewSection(m)}

<h2 id="patch">Final patch</h2>
${m.patch ? `<p>${esc(m.patch.files.join(', '))}</p>${foldedPre(m.patch.diff, 200)}` : '<p class="muted">No patch.</p>'}

<h2 id="timeline">Tool calls and resources</h2>
${await timelineCharts(m)}
<div id="tool-calls"></div>

${m.notes.length ? `<h2 id="notes">Notes</h2><ul>${m.notes.map((n) => `<li>${seconds(n.ts)}: ${esc(n.message)}</li>`).join('')}</ul>` : ''}
`;
  const rows = m.toolCalls.map((c) => ({
    ...c,
    __key: c.index,
    __class: c.killedBy ? 'killed' : c.decision && c.decision !== 'allow' ? 'denied' : '',
    policy: c.decision ? `${c.decision}${c.rule ? ` (${c.rule})` : ''}` : '',
    startS: c.startMs,
  }));
  return page({
    title: `drydock run ${m.runId}${m.scripted ? ' (SCRIPTED)' : ''}`,
    banner: banners.join('\n'),
    body,
    data: {
      kind: 'run',
      tables: [
        {
          id: 'tool-calls',
          rows,
          pageSize: 100,
          detail: 'toolCall',
          columns: [
            { key: 'index', label: '#', type: 'num' },
            { key: 'startS', label: 'start', type: 'num', format: 's' },
            { key: 'stage', label: 'stage', type: 'text' },
            { key: 'tool', label: 'tool', type: 'text' },
            { key: 'args', label: 'arguments', type: 'text' },
            { key: 'policy', label: 'policy', type: 'text' },
            { key: 'wallMs', label: 'wall', type: 'num', format: 'ms' },
            { key: 'cpuMs', label: 'cpu', type: 'num', format: 'ms' },
            { key: 'peakMemoryBytes', label: 'peak memory', type: 'num', format: 'bytes' },
            { key: 'memoryLimitBytes', label: 'limit', type: 'num', format: 'bytes' },
            { key: 'killedBy', label: 'killed by', type: 'text' },
            { key: 'exitCode', label: 'exit', type: 'num' },
          ],
        },
      ],
    },
  });
}
