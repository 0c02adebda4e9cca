import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  asFinalAnswer,
  isSubmissionCommand,
  nativeToolCalls,
  runLoop,
  textActions,
} from '../../src/agent/index.js';
import { observationMessage, type ToolCall, type ToolSpec } from '../../src/model/index.js';
import type { ToolCallResult } from '../../src/tools/index.js';
import { scripted } from '../model/helpers.js';

// Final answers as real models wrote them, recorded by the agents they ran in (sources and
// licences in test/fixtures/model-replies/README.md; rebuilt by extract-final-answers.mjs):
// DeepSeek through mini-swe-agent (native tool calls; the run's last reply is the one
// mini-swe-agent ended on, `Submitted`; the reply before it is not final) and GPT-4 through
// SWE-agent 0.x (one fenced command a reply, `submit` the final one). The reference is how the
// recording agent read each reply; drydock must read it the same way.
interface Recorded {
  id: string;
  family: string;
  model: string;
  kind: string;
  format: 'native' | 'text';
  source: { repo: string; path: string; commit: string; url: string; licence: string };
  text: string;
  toolCalls: { id: string; name: string | null; arguments: string | null }[];
  reference: { final: boolean; exitStatus: string | null; actions: string[] };
}
const corpus = readFileSync(new URL('../fixtures/model-replies/final-answers.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as Recorded);

const specs: ToolSpec[] = [
  {
    name: 'bash',
    description: 'run',
    parameters: { type: 'object', properties: { command: { type: 'string' } }, required: ['command'] },
  },
  { name: 'submit', description: 'finish', parameters: { type: 'object', properties: {} } },
];
const names = specs.map((s) => s.name);

/** drydock's reading of one recorded reply: the calls its format finds, final answers mapped. */
function read(r: Recorded): { calls: ToolCall[]; final: boolean; kind: string } {
  const format = r.format === 'text' ? textActions() : nativeToolCalls;
  format.tools(specs);
  const reply = {
    role: 'assistant' as const,
    content: r.text,
    toolCalls: r.toolCalls.map((c) => ({ id: c.id, name: c.name ?? '', arguments: c.arguments ?? '' })),
  };
  const parsed = format.parse(r.toolCalls.length ? reply : { role: 'assistant', content: r.text });
  if (parsed.kind !== 'actions') return { calls: [], final: false, kind: parsed.kind };
  const calls = parsed.calls.map((c) => asFinalAnswer(c, names));
  return { calls, final: calls.some((c) => c.name === 'submit'), kind: 'actions' };
}

describe('recorded real final answers (DeepSeek via mini-swe-agent, GPT-4 via SWE-agent)', () => {
  it('is a corpus of real replies from two families, each with its source, final and not final', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(300);
    expect(new Set(corpus.map((r) => r.family))).toEqual(new Set(['deepseek', 'gpt']));
    expect(corpus.filter((r) => r.reference.final).length).toBeGreaterThanOrEqual(150);
    expect(corpus.filter((r) => !r.reference.final).length).toBeGreaterThanOrEqual(150);
    for (const r of corpus) {
      expect(r.source.url).toMatch(/^https:\/\/github\.com\/[^/]+\/[^/]+\/blob\/[0-9a-f]{40}\//);
      expect(r.source.licence).toBe('MIT');
    }
  });

  it('drydock reads a reply as final exactly where the recording agent did, on every reply', () => {
    const wrong = corpus
      .map((r) => ({ r, mine: read(r) }))
      .filter(({ r, mine }) => mine.final !== r.reference.final)
      .map(
        ({ r, mine }) =>
          `${r.id}: recorded ${r.reference.final}, drydock ${mine.final} (${r.reference.actions[0]})`,
      );
    expect(wrong).toEqual([]);
  });

  it('and a reply that is not final runs the same command the recording agent ran', () => {
    const wrong: string[] = [];
    for (const r of corpus.filter((x) => !x.reference.final)) {
      const mine = read(r);
      // A bash call's command; another tool's call (SWE-agent's own find_file, open, edit, sent
      // natively) is compared by its name, the first word of SWE-agent's action line.
      const commands = mine.calls.map((c) =>
        c.name === 'bash' ? (JSON.parse(c.arguments) as { command: string }).command.trim() : c.name,
      );
      const expected = r.reference.actions.map((a, i) =>
        mine.calls[i] && mine.calls[i].name !== 'bash' ? a.trim().split(/\s/)[0] : a.trim(),
      );
      if (JSON.stringify(commands) !== JSON.stringify(expected))
        wrong.push(`${r.id}: ${JSON.stringify(commands)} vs ${JSON.stringify(r.reference.actions)}`);
    }
    expect(wrong).toEqual([]);
  });

  it('mentioning the word is not submitting', () => {
    for (const command of [
      'grep -rn COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT .',
      'echo "not yet: COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT comes after the tests"',
      'python -m pytest && echo COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT',
      'submit --help',
    ])
      expect(isSubmissionCommand(command), command).toBe(false);
    for (const command of [
      'echo COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT && git add -A && git diff --cached',
      'cd /testbed && echo "COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT" && cat patch.txt',
      'cd /testbed && git diff -- a.py > patch.txt && echo COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT && cat patch.txt',
      'submit',
    ])
      expect(isSubmissionCommand(command), command).toBe(true);
  });

  it('in the loop, a recorded final answer ends the run as a submission (SCRIPTED replay of the recorded reply)', async () => {
    const final = corpus.find((r) => r.reference.final && r.format === 'native')!;
    const m = await scripted({
      turns: [
        {
          content: final.text,
          tool_calls: final.toolCalls.map((c) => ({ name: c.name!, arguments: c.arguments! })),
        },
      ],
    });
    const ran: ToolCall[] = [];
    const tools = {
      specs,
      async run(call: ToolCall): Promise<ToolCallResult> {
        ran.push(call);
        const observation = { toolCallId: call.id, content: 'Submitted', isError: false };
        return {
          observation,
          message: observationMessage(observation),
          event: {
            type: 'tool.call',
            callId: call.id,
            tool: call.name,
            args: {},
            policy: null,
            resources: null,
            observation: 'Submitted',
            isError: false,
          },
          decision: null,
          ...(call.name === 'submit' ? { submitted: { patch: 'diff', files: ['a.py'] } } : {}),
        } as ToolCallResult;
      },
    };
    try {
      const run = await runLoop([{ role: 'user', content: 'Fix it.' }], {
        model: m.client,
        tools,
        maxSteps: 2,
      });
      expect(ran.map((c) => c.name)).toEqual(['submit']);
      expect(run.outcome.kind).toBe('submitted');
    } finally {
      await m.close();
    }
  });
});
