import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { runFix } from '../../src/agent/index.js';
import { Budget, modelConfig, openModel } from '../../src/model/index.js';
import { imageRef, LABEL } from '../../src/sandbox/index.js';
import { readTrajectory, TrajectoryWriter, type TrajectoryEvent } from '../../src/trajectory/index.js';
import { docker, imagesPresent } from '../helpers/containers.js';
import { killMidCall } from '../helpers/kill-mid-call.js';

// Whole `drydock fix` runs of examples/calc (real sandboxes, policy, pytest; the SCRIPTED model)
// under faults: the endpoint's, injected by the scripted server, and the sandbox's container
// killed while a command runs in it.
const EXAMPLE = fileURLToPath(new URL('../../examples/calc/', import.meta.url));
const present = await imagesPresent(imageRef('python'));
if (!present) console.warn('skipping fault runs: the drydock/python image is not built (run drydock setup)');

const scratch = mkdtempSync(join(tmpdir(), 'drydock-fault-runs-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function repo(): string {
  const dir = mkdtempSync(join(scratch, 'calc-'));
  const skip = new Set(['ISSUE.md', 'README.md', 'model-script.yaml']);
  cpSync(EXAMPLE, dir, { recursive: true, filter: (p) => !skip.has(p.split('/').pop()!) });
  for (const args of [
    ['init', '-q'],
    ['add', '-A'],
    ['commit', '-qm', 'calc'],
  ])
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@localhost', ...args], { cwd: dir });
  return dir;
}

async function run(
  faults: Record<string, unknown> | null,
  kill: boolean,
  opts: { kills?: number; sandboxRecoveries?: number } = {},
) {
  const script = parseYaml(readFileSync(join(EXAMPLE, 'model-script.yaml'), 'utf8')) as Record<
    string,
    unknown
  >;
  if (faults) script.faults = faults;
  const scriptFile = join(scratch, `script-${Date.now()}.yaml`);
  writeFileSync(scriptFile, toYaml(script));
  const budget = new Budget({});
  const trajectory = TrajectoryWriter.create({ runsDir: join(scratch, 'runs'), fsync: false });
  const model = await openModel(
    modelConfig({ model: 'scripted', script: scriptFile, timeoutMs: 2_000, retryBaseDelayMs: 20 }),
    { budget, onEvent: (e) => trajectory.append(e) },
  );
  const killer = kill ? killMidCall(trajectory.runId, { busy: /pytest/, times: opts.kills ?? 1 }) : null;
  let outcome: { summary?: Awaited<ReturnType<typeof runFix>>; error?: Error & { code?: string } };
  try {
    outcome = {
      summary: await runFix({
        repo: repo(),
        issue: readFileSync(join(EXAMPLE, 'ISSUE.md'), 'utf8'),
        model: model.client,
        budget,
        scripted: true,
        trajectory,
        candidates: 3,
        rewards: false,
        ...(opts.sandboxRecoveries !== undefined ? { sandboxRecoveries: opts.sandboxRecoveries } : {}),
      }),
    };
  } catch (err) {
    outcome = { error: err as Error & { code?: string } };
  } finally {
    await model.close();
    trajectory.close();
  }
  const killedAll = (await killer?.stopAll()) ?? [];
  const killed = killedAll[0] ?? null;
  const left = await docker.listContainers({
    all: true,
    filters: { label: [`${LABEL.run}=${trajectory.runId}`] },
  });
  return {
    ...outcome,
    killed,
    killedAll,
    left,
    injected: model.scriptedServer!.injected,
    events: readTrajectory(trajectory.path).events,
  };
}

const of = <T extends TrajectoryEvent['type']>(events: TrajectoryEvent[], type: T) =>
  events.filter((e): e is Extract<TrajectoryEvent, { type: T }> => e.type === type);

describe.runIf(present)('drydock fix under faults (scripted model, real sandbox)', () => {
  it('the container killed mid-call: the run rebuilds the sandbox from the repository and goes on to a patch, the trajectory says so, nothing left running', async () => {
    const r = await run(null, true);
    expect(r.killed?.during).toMatch(/pytest/);
    // The call that met the dead container ran again in a sandbox rebuilt from the repository
    // (and the files written since), and the run went on to the same correct patch.
    expect(r.error).toBeUndefined();
    expect(r.summary?.status).toBe('patched');
    expect(r.summary?.patch).toMatch(/^\+\s+return total \/ len\(values\)$/m);
    expect(r.summary?.sandboxRecoveries).toEqual([
      expect.objectContaining({ lost: r.killed!.container, during: expect.stringMatching(/pytest/) }),
    ]);
    // The trajectory is complete and says what happened, where.
    expect(r.events[0]?.type).toBe('run.start');
    const said = of(r.events, 'stage').filter((e) => e.data?.sandboxRecovery);
    expect(said).toHaveLength(1);
    expect(said[0]!.message).toMatch(
      new RegExp(
        `^sandbox ${r.killed!.container} \\((base|fork)\\) stopped during \`exec .*pytest.*\`; reopened as [0-9a-f]{12} from the repository`,
      ),
    );
    expect(r.events.at(-1)).toMatchObject({ type: 'run.end', status: 'success' });
    // Every container of the run (the killed one, its replacement, forks) was removed.
    expect(r.left).toEqual([]);
  }, 900_000);

  it('past the recovery limit (here 0) the run ends with one clear SANDBOX_GONE line and a whole trajectory', async () => {
    const r = await run(null, true, { sandboxRecoveries: 0 });
    expect(r.killed?.during).toMatch(/pytest/);
    expect(r.summary).toBeUndefined();
    expect(r.error?.code).toBe('SANDBOX_GONE');
    expect(r.error?.message).not.toContain('\n');
    const said = of(r.events, 'stage').filter((e) => e.data?.sandboxRecovery);
    expect(said).toHaveLength(0);
    expect(r.error?.message).toMatch(
      new RegExp(`^sandbox container ${r.killed!.container} stopped while in use`),
    );
    expect(r.events.at(-1)).toMatchObject({ type: 'run.end', status: 'error', errorCode: 'SANDBOX_GONE' });
    expect(r.left).toEqual([]);
  });

  it('endpoint faults on a schedule (5xx, 429, reset, dropped body, timeout, empty reply): the same correct patch, each fault in the trajectory', async () => {
    const kinds = ['http_500', 'http_429', 'reset', 'drop', 'timeout', 'empty'] as const;
    const r = await run(
      // Every other request, so each is followed by one that succeeds (five transport faults
      // in a row would use up the retries: that run ends with MODEL_UNAVAILABLE, as it should).
      { schedule: kinds.map((kind, i) => ({ request: 2 * i + 1, kind })), hang_ms: 3_000 },
      false,
    );
    expect(r.error).toBeUndefined();
    expect(r.summary?.status).toBe('patched');
    expect(r.summary?.patch).toMatch(/^\+\s+return total \/ len\(values\)$/m);
    expect(r.injected.map((f) => f.kind)).toEqual([...kinds]);
    // Five transport faults and the empty reply are retries, each recorded with its reason.
    // (A reply cut off is continued by the repair stage: test/agent/edit-replies.test.ts.)
    const retries = of(r.events, 'model.retry').map((e) => e.reason);
    expect(retries).toHaveLength(6);
    expect(retries).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^HTTP 500/),
        expect.stringMatching(/^HTTP 429/),
        expect.stringMatching(/^no reply within 2000 ms/),
        expect.stringMatching(/^empty reply/),
      ]),
    );
    expect(r.events.at(-1)).toMatchObject({ type: 'run.end', status: 'success' });
    expect(r.left).toEqual([]);
  }, 900_000);
});
