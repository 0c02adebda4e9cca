import {
  applySearchReplace,
  describeEditBlockProblems,
  editBlocksFromDiff,
  isEmptySearch,
  normalizePatch,
  parseEditBlocks,
  type SearchReplaceBlock,
} from '../code/index.js';
import { ModelRequestError, renderPrompt, type ChatMessage, type Choice } from '../model/index.js';
import type { RunContext } from './context.js';
import type { Prepared } from './prepare.js';
import type { Candidate, FileChange, Location } from './types.js';

const CONTEXT_LINES = 10;

/**
 * Stage 3. For each location set, sample SEARCH/REPLACE answers, apply them to the files as
 * read from the repository, and keep each distinct patch once (by `normalizePatch`), counting
 * the samples that gave it: the votes for stage 5. Answers that do not apply are kept too,
 * rejected, so the record says why.
 */
export async function repair(ctx: RunContext, p: Prepared, sets: Location[][]): Promise<Candidate[]> {
  const known = new Map(p.files.map((f) => [f.path, f.source]));
  const wanted = ctx.opts.candidates ?? 3;
  const perSet = Math.max(1, Math.ceil(wanted / sets.length));
  const byKey = new Map<string, Candidate>();
  let sample = 0;
  for (const set of sets) {
    const { messages, choices } = await ctx.converse(
      'agent/repair',
      { issue: ctx.opts.issue, code: codeWindows(set, known) },
      perSet,
    );
    for (const choice of choices) {
      sample++;
      const reply = await settleReply(ctx, messages, choice, known);
      const c = candidateFrom(reply.text, set, known, `c${byKey.size + 1}`, { cutOff: reply.cutOff });
      const seen = byKey.get(c.key);
      if (seen) seen.votes++;
      else byKey.set(c.key, c);
    }
  }
  const all = [...byKey.values()];
  ctx.stage('repair', `${sample} sample(s) gave ${all.length} distinct candidate(s)`, {
    candidates: all.map((c) => ({ id: c.id, votes: c.votes, rejected: c.rejected })),
  });
  return all;
}

/** Follow-ups one sample may cost: continuing a cut-off reply, or asking again for unreadable blocks. */
const MAX_FOLLOW_UPS = 2;

/**
 * A sample as it may be used: a reply cut off (`finish_reason: length`, or ending inside an
 * edit block) is continued, and one whose edit blocks cannot be read with confidence goes back
 * to the model with the offending lines quoted, each at most MAX_FOLLOW_UPS times, every turn
 * charged to the run's budget. What is still cut off afterwards is marked so, never used as is.
 */
export async function settleReply(
  ctx: RunContext,
  messages: ChatMessage[],
  choice: Choice,
  known: Map<string, string>,
): Promise<{ text: string; cutOff: boolean; followUps: number }> {
  let text = choice.message.content ?? '';
  let finish = choice.finishReason;
  for (let followUps = 0; ; followUps++) {
    const { parsed, blocks, fromDiff } = readReply(text, known);
    const cutOff = finish === 'length' || parsed.truncated;
    if (parsed.repairs.length > 0) ctx.note(`edit blocks read forgivingly: ${parsed.repairs.join('; ')}`);
    if (fromDiff && !cutOff)
      ctx.note(
        `the reply is a patch, not SEARCH/REPLACE blocks: its ${blocks.length} hunk(s) are read as blocks`,
      );
    if ((!cutOff && parsed.problems.length === 0) || followUps >= MAX_FOLLOW_UPS)
      return { text, cutOff, followUps };
    const conversation: ChatMessage[] = [...messages, { role: 'assistant', content: text }];
    const ask = async (content: string): Promise<Choice | null> => {
      try {
        return await ctx.followUp([...conversation, { role: 'user', content }]);
      } catch (err) {
        // A follow-up that fails leaves the sample as it was: rejected, not a crash.
        if (!(err instanceof ModelRequestError)) throw err;
        ctx.note(`repair: the follow-up request failed (${err.message}); the sample stays as it was`);
        return null;
      }
    };
    if (cutOff) {
      ctx.stage(
        'repair',
        `a reply was cut off (${finish === 'length' ? 'finish_reason: length' : 'it ends inside an edit block'}); asking the model to continue it`,
      );
      const next = await ask(renderPrompt('agent/continue'));
      if (!next) return { text, cutOff, followUps };
      text += next.message.content ?? '';
      finish = next.finishReason;
    } else {
      ctx.stage(
        'repair',
        `a reply's edit blocks could not be read; sending the offending lines back to the model`,
        {
          problems: parsed.problems,
        },
      );
      const problems = describeEditBlockProblems(parsed);
      const next = await ask(renderPrompt('agent/edit-blocks-unreadable', { problems }));
      if (!next) return { text, cutOff, followUps };
      text = next.message.content ?? '';
      finish = next.finishReason;
    }
  }
}

/**
 * A reply's edits: its SEARCH/REPLACE blocks, or, when it has none and nothing in it is
 * unreadable or cut off, the hunks of a unified diff (or `*** Begin Patch`) it was written
 * as instead (`fromDiff`). One reading serves the trajectory's note and the candidate.
 */
function readReply(
  text: string,
  known: Map<string, string>,
): { parsed: ReturnType<typeof parseEditBlocks>; blocks: SearchReplaceBlock[]; fromDiff: boolean } {
  const parsed = parseEditBlocks(text, { sources: known });
  if (parsed.blocks.length > 0 || parsed.problems.length > 0 || parsed.truncated)
    return { parsed, blocks: parsed.blocks, fromDiff: false };
  const blocks = editBlocksFromDiff(text);
  return { parsed, blocks, fromDiff: blocks.length > 0 };
}

export function candidateFrom(
  reply: string,
  set: Location[],
  known: Map<string, string>,
  id: string,
  how: { cutOff?: boolean } = {},
): Candidate {
  const base: Candidate = {
    id,
    patch: '',
    key: '',
    files: [],
    votes: 1,
    exact: true,
    confidence: 1,
    rejected: null,
    parses: null,
    reward: null,
    regressions: null,
    reproduces: null,
  };
  const { parsed, blocks } = readReply(reply, known);
  const fallback = [...new Set(set.map((l) => l.path))];
  const reject = (why: string): Candidate => ({ ...base, key: `rejected:${why}:${reply}`, rejected: why });
  // Never a partial answer: a half-done rename must not become a candidate that can win.
  if (how.cutOff || parsed.truncated)
    return reject('the reply was cut off before it ended (finish_reason: length, or inside an edit block)');
  if (parsed.problems.length > 0)
    return reject(`the edit blocks cannot be read: ${parsed.problems[0]!.message}`);
  if (blocks.length === 0) return reject('the answer has no SEARCH/REPLACE edit (nor a diff)');
  const byPath = new Map<string, SearchReplaceBlock[]>();
  for (const b of blocks) {
    const path = b.path?.trim().replace(/^\.\//, '') ?? (fallback.length === 1 ? fallback[0] : undefined);
    if (!path) return reject('an edit does not say which file it is for');
    byPath.set(path, [...(byPath.get(path) ?? []), b]);
  }
  const files: FileChange[] = [];
  let exact = true;
  let confidence = 1;
  for (const [path, bs] of byPath) {
    const before = known.get(path) ?? (bs.every((b) => isEmptySearch(b.search)) ? '' : undefined);
    if (before === undefined) return reject(`does not apply: ${path} is not in the repository`);
    const r = applySearchReplace(before, bs, { path });
    if (!r.ok) return reject(`does not apply: ${r.error.message}`);
    if (r.newSource === before) continue;
    files.push({ path, before, after: r.newSource });
    exact &&= r.exact;
    confidence = Math.min(confidence, r.confidence);
    base.patch += r.diff.endsWith('\n') ? r.diff : `${r.diff}\n`;
  }
  if (files.length === 0) return reject('the edits change nothing');
  return { ...base, files, exact, confidence, key: normalizePatch(base.patch) };
}

function codeWindows(set: Location[], known: Map<string, string>): string {
  const byPath = new Map<string, Location[]>();
  for (const l of set) byPath.set(l.path, [...(byPath.get(l.path) ?? []), l]);
  const out: string[] = [];
  for (const [path, locs] of byPath) {
    const lines = (known.get(path) ?? '').split('\n');
    const from = Math.max(1, Math.min(...locs.map((l) => l.start)) - CONTEXT_LINES);
    const to = Math.min(lines.length, Math.max(...locs.map((l) => l.end)) + CONTEXT_LINES);
    out.push(
      `${path} (lines ${from}-${to}; edit lines ${locs.map((l) => `${l.start}-${l.end}`).join(', ')})\n\`\`\`\n${lines.slice(from - 1, to).join('\n')}\n\`\`\``,
    );
  }
  return out.join('\n\n');
}
