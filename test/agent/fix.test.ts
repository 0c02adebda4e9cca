import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runFix, type FixRunOptions } from '../../src/agent/index.js';
import { Budget, modelConfig, openModel, type BudgetLimits } from '../../src/model/index.js';
import { imageRef } from '../../src/sandbox/index.js';
import { readTrajectory, TrajectoryWriter, type TrajectoryEvent } from '../../src/trajectory/index.js';
import { drydock } from '../helpers/cli.js';
import { gitRepoFrom, repoState } from './repo-state.js';
import { imagesPresent } from '../helpers/containers.js';

const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));

const present = await imagesPresent(imageRef('python'), imageRef('node'));
if (!present)
  console.warn('skipping drydock fix end-to-end tests: drydock images are not built (run drydock setup)');

const scratch = mkdtempSync(join(tmpdir(), 'drydock-fix-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/**
 * The example as a user's repository: a git repo with a commit, a stash, an uncommitted
 * change and an untracked file, all of which a run must leave exactly as they were.
 */
function userRepo(example: string): string {
  const dir = mkdtempSync(join(scratch, `${example}-`));
  const skip = new Set(['ISSUE.md', 'README.md', 'model-script.yaml']);
  cpSync(join(EXAMPLES, example), dir, { recursive: true, filter: (p) => !skip.has(p.split('/').pop()!) });
  writeFileSync(join(dir, 'NOTES.txt'), 'one\n');
  gitRepoFrom(dir);
  writeFileSync(join(dir, 'NOTES.txt'), 'two\n');
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@localhost', 'stash', '-q'], { cwd: dir });
  writeFileSync(join(dir, 'NOTES.txt'), 'three\n');
  writeFileSync(join(dir, 'untracked.txt'), 'left alone\n');
  return dir;
}

async function fix(
  repo: string,
  example: string,
  script: string,
  extra: Partial<FixRunOptions> & { limits?: BudgetLimits } = {},
) {
  const budget = new Budget(extra.limits ?? {});
  const trajectory = TrajectoryWriter.create({ runsDir: join(scratch, 'runs'), fsync: false });
  const model = await openModel(modelConfig({ model: 'scripted', script }), {
    budget,
    onEvent: (e) => trajectory.append(e),
  });
  try {
    const summary = await runFix({
      repo,
      issue: readFileSync(join(EXAMPLES, example, 'ISSUE.md'), 'utf8'),
      model: model.client,
      budget,
      scripted: true,
      trajectory,
      candidates: 3,
      ...extra,
    });
    return {
      summary,
      events: readTrajectory(trajectory.path).events,
      requests: model.scriptedServer!.requests,
    };
  } finally {
    await model.close();
    trajectory.close();
  }
}

/** `stages/<n>-<stage>.json` beside a trajectory, each parsed (JSON.parse throws on invalid JSON). */
function readStages(trajectory: string): Record<string, unknown> {
  const dir = join(dirname(trajectory), 'stages');
  return Object.fromEntries(
    readdirSync(dir)
      .sort()
      .map((f) => [f, JSON.parse(readFileSync(join(dir, f), 'utf8')) as unknown]),
  );
}

const of = <T extends TrajectoryEvent['type']>(events: TrajectoryEvent[], type: T) =>
  events.filter((e): e is Extract<TrajectoryEvent, { type: T }> => e.type === type);

describe.runIf(present)(
  'drydock fix end to end (real sandbox, policy, language servers, tests; scripted model)',
  () => {
    it('picks the correct one of three candidates, records why the others lost, discards a reproduction test that passes before, reports a denied command, and leaves the repository as it was', async () => {
      const repo = userRepo('calc');
      const before = repoState(repo);
      const out = join(scratch, 'out-calc');
      const { summary, events, requests } = await fix(
        repo,
        'calc',
        join(EXAMPLES, 'calc/model-script.yaml'),
        {
          out,
        },
      );
      expect(repoState(repo)).toEqual(before);

      expect(summary.status).toBe('patched');
      expect(summary.patch).toMatch(/^\+\s+return total \/ len\(values\)$/m);
      expect(summary.patch).not.toMatch(/a - b/);
      expect(summary.files).toEqual(['calc/ops.py']);

      // The syntax error is rejected; the candidate that breaks test_add is not rejected for
      // that alone, it loses on the ranking (its test fails twice, so it is not flaky).
      const rejected = of(events, 'candidate').filter((e) => e.status === 'rejected');
      expect(rejected.map((e) => e.reason)).toEqual([
        expect.stringMatching(/^syntax error in calc\/ops\.py at line \d+/),
      ]);
      expect(summary.candidates.map((c) => c.outcome)).toContainEqual(
        expect.stringMatching(/^more regression failures than /),
      );
      expect(summary.candidates.find((c) => c.regressions?.length)?.regressions).toEqual([
        'tests/test_ops.py::test_add',
      ]);
      const selected = of(events, 'candidate').find((e) => e.status === 'selected')!;
      expect(selected.id).toBe(summary.selected);
      expect(selected.votes).toBe(2);

      expect(summary.reproductionTest).toMatchObject({ kept: false });
      expect(
        of(events, 'note').some((e) =>
          /reproduction test .* passes before the change.*discarded/.test(e.message),
        ),
      ).toBe(true);

      const denied = of(events, 'tool.call').find((e) => e.policy?.decision === 'deny')!;
      expect(denied.observation).toMatch(/Denied by the guardrail policy/);
      // The model was told: the request after the denial carries the refusal naming the rule.
      const told = requests.find((r) => JSON.stringify(r.body).includes('Rule: shell:stdin-script'));
      expect(told).toBeDefined();
      expect(summary.review.approved).toBe(true);
      expect(summary.review.denied).toEqual([
        expect.stringMatching(/curl .*deny by rule shell:stdin-script/),
      ]);
      // --out: the patch, the summary and the trajectory.
      expect(readFileSync(join(out, 'patch.diff'), 'utf8')).toBe(summary.patch);
      expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'))).toMatchObject({
        selected: summary.selected,
      });
      expect(readFileSync(join(out, 'trajectory.jsonl'), 'utf8')).toMatch(/"type":"run.end"/);
      expect(summary.tests).toMatchObject({ passed: 3, failed: 0 });
      expect(of(events, 'run.end')[0]).toMatchObject({ status: 'success' });
      // Each stage's value beside the trajectory, valid JSON, and the same values the summary was made of.
      const stages = readStages(summary.trajectory);
      expect(Object.keys(stages)).toEqual([
        '1-prepare.json',
        '2-localize.json',
        '3-repair.json',
        '4-validate.json',
        '5-select.json',
        '6-review.json',
        '7-output.json',
      ]);
      expect(stages['1-prepare.json']).toMatchObject({ env: { language: 'python' } });
      expect(stages['2-localize.json']).toEqual(
        expect.arrayContaining([expect.arrayContaining([expect.objectContaining({ path: 'calc/ops.py' })])]),
      );
      expect((stages['3-repair.json'] as { id: string }[]).map((c) => c.id)).toEqual(['c1', 'c2', 'c3']);
      // repair's values are not changed by validation: the later stage holds new ones.
      expect(
        (stages['3-repair.json'] as { rejected: string | null }[]).every((c) => c.rejected === null),
      ).toBe(true);
      const validated = (
        stages['4-validate.json'] as { candidates: { id: string; rejected: string | null }[] }
      ).candidates;
      expect(validated.map((c) => [c.id, c.rejected])).toEqual(
        summary.candidates.map((c) => [c.id, c.rejected]),
      );
      expect(stages['5-select.json']).toMatchObject({ selected: summary.selected });
      expect(stages['6-review.json']).toMatchObject({ approved: true, patch: summary.patch });
      expect(stages['7-output.json']).toMatchObject({
        status: 'patched',
        patch: summary.patch,
        applied: false,
      });
    }, 600_000);

    it('ends with the best validated patch when the budget runs out in review, and with none when it runs out before validation', async () => {
      const repo = userRepo('calc');
      const before = repoState(repo);
      const late = await fix(repo, 'calc', join(EXAMPLES, 'calc/model-script.yaml'), {
        limits: { maxTurns: 7 },
        rewards: false,
      });
      expect(late.summary.status).toBe('budget_exceeded');
      expect(late.summary.message).toMatch(
        /turn budget of 7 .*the patch is the selected, validated candidate/,
      );
      expect(late.summary.patch).toMatch(/^\+\s+return total \/ len\(values\)$/m);
      expect(of(late.events, 'run.end')[0]).toMatchObject({ status: 'budget_exceeded' });

      const early = await fix(repo, 'calc', join(EXAMPLES, 'calc/model-script.yaml'), {
        limits: { maxTurns: 5 },
        rewards: false,
      });
      expect(early.summary.status).toBe('budget_exceeded');
      expect(early.summary.patch).toBe('');
      expect(early.summary.message).toMatch(/no validated patch so far, so no patch/);
      // The run ended in validate: the stages it finished, then the selection and the output.
      expect(Object.keys(readStages(early.summary.trajectory))).toEqual([
        '1-prepare.json',
        '2-localize.json',
        '3-repair.json',
        '5-select.json',
        '7-output.json',
      ]);
      expect(repoState(repo)).toEqual(before);
    }, 600_000);

    it('leaves the repository as it was when the run fails', async () => {
      const repo = userRepo('calc');
      const before = repoState(repo);
      const script = join(scratch, 'short.yaml');
      writeFileSync(script, 'turns:\n  - content: "```\\ncalc/ops.py\\n```"\n');
      await expect(fix(repo, 'calc', script)).rejects.toThrow(/no turn left in the script/);
      expect(repoState(repo)).toEqual(before);
    }, 600_000);

    it('run-review-fix: a selected patch that fails the reproduction test is fixed in review with the tools', async () => {
      const repo = userRepo('calc');
      const script = fileURLToPath(new URL('../fixtures/agent/calc-review-fixes.yaml', import.meta.url));
      const { summary, events } = await fix(repo, 'calc', script, { candidates: 1 });
      expect(summary.reproductionTest).toMatchObject({ kept: true });
      expect(summary.candidates).toMatchObject([{ reproduces: false, rejected: null }]);
      expect(summary.review).toMatchObject({ rounds: 2, approved: true, changed: true });
      expect(summary.patch).toMatch(/^\+\s+return total \/ len\(values\)$/m);
      expect(summary.tests).toMatchObject({ passed: 3, failed: 0 });
      expect(of(events, 'tool.call').map((e) => e.tool)).toEqual(['edit', 'submit']);
    }, 600_000);

    it("regressions rank rather than reject, a test failing once is flaky, and Python's compiler rejects what tree-sitter accepts", async () => {
      const repo = userRepo('calc');
      const script = fileURLToPath(new URL('../fixtures/agent/calc-regressions.yaml', import.meta.url));
      const { summary, events } = await fix(repo, 'calc', script, { rewards: false });
      const [c1, c2, c3] = summary.candidates;
      // c1: tree-sitter parses it, Python does not.
      expect(c1).toMatchObject({
        parses: false,
        rejected: expect.stringMatching(/^does not compile: calc\/ops\.py: IndentationError/),
      });
      // c2 breaks test_add on both runs: kept, ranked below c3.
      expect(c2).toMatchObject({ rejected: null, regressions: ['tests/test_ops.py::test_add'] });
      expect(c2!.outcome).toBe('more regression failures than c3');
      // c3 fails test_add only on its first run: flaky, not counted.
      expect(c3).toMatchObject({ rejected: null, regressions: [] });
      expect(summary.selected).toBe('c3');
      expect(of(events, 'note').map((e) => e.message)).toContainEqual(
        'candidate c3: flaky on a rerun, not counted: tests/test_ops.py::test_add',
      );
      // The reproduction test ran with the project's command and failed on its assertion.
      expect(summary.reproductionTest).toMatchObject({ kept: true });
      expect(summary.reproductionTest!.reason).toMatch(
        /fails before the change \(exit 1: .*assert .*mean\(\[2, 2\]\)/,
      );
      // Before any change once; c2 and c3 twice each (a failure is rerun); the review twice at
      // its start (c3's first call in the base sandbox fails test_add again, and passes on the
      // rerun), and not again for the approval that changed nothing.
      expect(of(events, 'test.result')).toHaveLength(1 + 2 + 2 + 2);
      expect(of(events, 'note').map((e) => e.message)).toContainEqual(
        'review: flaky on a rerun, not counted: tests/test_ops.py::test_add',
      );
      // So the first round's approval ends the review: the flaky failure did not fail the round.
      expect(summary.review).toMatchObject({ rounds: 1, approved: true, changed: false });
      expect(summary.tests).toMatchObject({ failed: 0, ok: true });
    }, 600_000);

    it('ends at its time limit with no patch when nothing was validated yet', async () => {
      const repo = userRepo('calc');
      const before = repoState(repo);
      const { summary } = await fix(repo, 'calc', join(EXAMPLES, 'calc/model-script.yaml'), { timeoutMs: 1 });
      expect(summary.status).toBe('timeout');
      expect(summary.message).toMatch(/time limit.*no validated patch so far, so no patch/);
      expect(summary.patch).toBe('');
      expect(repoState(repo)).toEqual(before);
    }, 600_000);

    it('drydock fix --apply --json (the CLI): only the summary on stdout, and the patch in the working tree', () => {
      const repo = userRepo('calc');
      const r = drydock(
        [
          'fix',
          '--repo',
          repo,
          '--issue',
          join(EXAMPLES, 'calc/ISSUE.md'),
          '--script',
          join(EXAMPLES, 'calc/model-script.yaml'),
          '--apply',
          '--json',
          '--report',
        ],
        { HOME: scratch },
      );
      expect(r.status, r.stderr).toBe(0);
      const summary = JSON.parse(r.stdout) as {
        status: string;
        scripted: boolean;
        applied: boolean;
        trajectory: string;
      };
      expect(summary).toMatchObject({ status: 'patched', scripted: true, applied: true });
      // --report: the page beside the trajectory, said on stderr (stdout is the JSON).
      const page = join(dirname(summary.trajectory), 'report.html');
      expect(r.stderr).toContain(`report: ${page}`);
      expect(readFileSync(page, 'utf8')).toMatch(/SCRIPTED: the model's answers/);
      // The language servers of validate and review are on the page's timeline, with their usage.
      expect(readFileSync(page, 'utf8')).toMatch(
        /aria-label="language server pyright [^"]*\(closed\), wall \d+ ms, cpu \d+ ms, peak /,
      );
      expect(readFileSync(join(repo, 'calc/ops.py'), 'utf8')).toMatch(/return total \/ len\(values\)\n/);
      // Only the patched file changed: the uncommitted NOTES.txt and the untracked file are as they were.
      const status = execFileSync('git', ['status', '--porcelain'], { cwd: repo, encoding: 'utf8' });
      expect(status.split('\n').filter(Boolean).sort()).toEqual([
        ' M NOTES.txt',
        ' M calc/ops.py',
        '?? untracked.txt',
      ]);
    }, 600_000);

    it('fixes the TypeScript example, keeping a reproduction test that fails before the change', async () => {
      const repo = userRepo('ts-range');
      const before = repoState(repo);
      const { summary } = await fix(repo, 'ts-range', join(EXAMPLES, 'ts-range/model-script.yaml'));
      expect(repoState(repo)).toEqual(before);
      expect(summary.status).toBe('patched');
      expect(summary.reproductionTest).toMatchObject({ kept: true });
      expect(summary.candidates.every((c) => c.reproduces === true)).toBe(true);
      expect(summary.patch).toMatch(/^\+.*i < end; i \+= step/m);
      expect(summary.tests).toMatchObject({ passed: 3, failed: 0 });
    }, 600_000);
  },
);
