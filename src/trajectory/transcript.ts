import type { RecordedMessage } from '../core/index.js';
import type { TrajectoryEvent } from './events.js';
import type { TrajectoryReadResult } from './reader.js';

const MAX_LINES = 40;
const MAX_LINE_CHARS = 200;

/** Keeps a transcript readable: long outputs are cut, and say so; --json has everything. */
function clip(text: string, maxLines = MAX_LINES): string {
  const lines = text
    .replace(/\s+$/, '')
    .split('\n')
    .map((l) =>
      l.length <= MAX_LINE_CHARS ? l : `${l.slice(0, MAX_LINE_CHARS)}… (+${l.length - MAX_LINE_CHARS} chars)`,
    );
  if (lines.length <= maxLines) return lines.join('\n');
  return `${lines.slice(0, maxLines).join('\n')}\n… (${lines.length - maxLines} more lines; --json shows all)`;
}

function indent(text: string, pad = '    '): string {
  return text
    .split('\n')
    .map((l) => pad + l)
    .join('\n');
}

function money(usd: number | null): string {
  if (usd === null) return 'cost unknown';
  return `$${usd < 0.01 ? usd.toFixed(6) : usd.toFixed(4)}`;
}

function formatMessage(m: RecordedMessage): string {
  const who = m.role === 'tool' ? `tool result (${m.toolCallId ?? '?'})` : m.role;
  const parts: string[] = [];
  if (m.reasoning) parts.push(`  ${who} (reasoning):\n${indent(clip(m.reasoning, 10))}`);
  if (m.content !== null && m.content !== '') parts.push(`  ${who}:\n${indent(clip(m.content))}`);
  else if (!m.toolCalls?.length) parts.push(`  ${who}: (empty)`);
  for (const c of m.toolCalls ?? [])
    parts.push(`  ${who} calls ${c.name} ${clip(c.arguments, 10)}  [${c.id}]`);
  return parts.join('\n');
}

/** Renders events as a transcript a person reads top to bottom. Pure. */
export function formatTranscript(result: TrajectoryReadResult): string {
  const out: string[] = [];
  const push = (s: string) => out.push(s);
  const shownCalls = new Set<string>();
  for (const e of result.events as TrajectoryEvent[]) {
    switch (e.type) {
      case 'run.start':
        push(`run ${e.runId}  (${e.ts})`);
        push(
          e.scripted
            ? `model: ${e.model}  — SCRIPTED: replies came from a script file, not from a language model`
            : `model: ${e.model}`,
        );
        if (e.task) push(`task:\n${indent(clip(e.task))}`);
        break;
      case 'model.request': {
        // Assistant messages were shown with their reply, tool results with their tool.call.
        const fresh = e.messages.filter(
          (m) =>
            m.role !== 'assistant' && !(m.role === 'tool' && m.toolCallId && shownCalls.has(m.toolCallId)),
        );
        push(`\n── turn ${e.turn}: request to ${e.model} (${e.messageCount} messages, n=${e.n})`);
        for (const m of fresh) push(formatMessage(m));
        break;
      }
      case 'model.retry':
        push(
          `  ! attempt ${e.attempt} failed (${e.reason}); retrying in ${e.delayMs} ms` +
            (e.delaySource === 'retry-after' ? ' as the endpoint asked (Retry-After)' : ''),
        );
        break;
      case 'model.reply': {
        const tag = e.scripted ? ' [scripted]' : '';
        push(
          `── turn ${e.turn}: reply from ${e.model}${tag}: ${e.usage.promptTokens} prompt + ` +
            `${e.usage.completionTokens} completion tokens, ${money(e.costUsd)}, ${e.latencyMs} ms` +
            (e.attempts > 1 ? `, ${e.attempts} attempts` : ''),
        );
        e.choices.forEach((c, i) => {
          if (e.choices.length > 1) push(`  sample ${i + 1} (finish: ${c.finishReason ?? '?'})`);
          push(formatMessage(c.message));
        });
        break;
      }
      case 'model.compacted':
        push(
          `  ~ context: shortened ${e.shortened} message(s), about ${e.before} → ${e.after} tokens` +
            (e.window ? ` (window ${e.window})` : '') +
            (e.reason === 'context-error' ? ', after the endpoint said the request was too long' : ''),
        );
        break;
      case 'model.error':
        push(`  ✗ model request failed after ${e.attempts} attempt(s): ${e.message} [${e.code}]`);
        break;
      case 'budget.exceeded':
        push(`  ✗ budget exceeded: ${e.message}`);
        break;
      case 'tool.call': {
        shownCalls.add(e.callId);
        const policy = e.policy
          ? `${e.policy.decision}${e.policy.rule ? ` by rule ${e.policy.rule}` : ''}`
          : 'no policy decision';
        const res = e.resources;
        const usage = res
          ? [
              `${res.wallMs} ms`,
              res.cpuMs !== undefined ? `cpu ${res.cpuMs} ms` : '',
              res.peakMemoryBytes !== undefined
                ? `peak ${(res.peakMemoryBytes / 1048576).toFixed(1)} MiB`
                : '',
              res.killedBy ? `killed by ${res.killedBy}` : '',
            ]
              .filter(Boolean)
              .join(', ')
          : '';
        const args = typeof e.args === 'string' ? e.args : JSON.stringify(e.args);
        push(`  tool ${e.tool} ${clip(args, 10)} [${e.callId}]`);
        push(
          `    policy: ${policy}` +
            (e.exitCode !== undefined && e.exitCode !== null ? `; exit ${e.exitCode}` : '') +
            (usage ? `; ${usage}` : '') +
            (e.isError ? '; error' : ''),
        );
        push(
          indent(clip(e.observation, 20), '    | ') + (e.observationTruncated ? '\n    | (truncated)' : ''),
        );
        break;
      }
      case 'lsp.process':
        push(
          `  language server ${e.server} ${e.ended} after ${e.wallMs} ms` +
            (e.cpuMs !== null ? `; cpu ${e.cpuMs} ms` : '') +
            (e.peakMemoryBytes !== null ? `; peak ${(e.peakMemoryBytes / 1048576).toFixed(1)} MiB` : '') +
            ` (${e.measured})`,
        );
        break;
      case 'policy.decision':
        push(
          `  policy ${e.decision} by rule ${e.rule}: ${clip(e.command, 1)} — ${e.reason}` +
            (e.approval
              ? ` [approval: ${e.approval.answer}${e.approval.by === 'run' ? ' (allowed for the run earlier)' : ' (asked the person)'}]`
              : ''),
        );
        break;
      case 'reward':
        push(`  reward ${e.value >= 0 ? '+' : ''}${e.value} from ${e.source}`);
        break;
      case 'test.result':
        push(
          `  tests (${e.command}): ${e.passed} passed, ${e.failed} failed` +
            (e.errored ? `, ${e.errored} errored` : ''),
        );
        break;
      case 'patch':
        push(
          `\n── patch (${e.files.length} file(s): ${e.files.join(', ')})\n${indent(clip(e.diff, 200), '  ')}`,
        );
        break;
      case 'note':
        push(`  note: ${e.message}`);
        break;
      case 'stage':
        push(`\n[${e.stage}] ${e.message}`);
        break;
      case 'candidate':
        push(`  candidate ${e.id}: ${e.status} — ${e.reason}`);
        break;
      case 'run.end': {
        const t = e.totals;
        push(`\n── run ended: ${e.status}${e.reason ? ` — ${e.reason}` : ''}`);
        if (t) push(`   totals: ${t.turns} turns, ${t.tokens} tokens, ${money(t.costUsd)}`);
        break;
      }
    }
  }
  const lastSeq = result.events.at(-1)?.seq;
  for (const s of result.skipped) push(`(line ${s.line} skipped: ${s.reason})`);
  if (!result.ended) {
    push(
      `\n(no run.end event: the run is still going or was killed` +
        (lastSeq !== undefined ? `; shown up to event ${lastSeq}` : '') +
        ')',
    );
  }
  return out.join('\n') + '\n';
}
