import { afterAll, describe, expect, it } from 'vitest';
import {
  DockerSandbox,
  HostSandbox,
  SandboxClosedError,
  type ExecMode,
  type Sandbox,
} from '../../src/sandbox/index.js';
import { engineReady, removeRun, testImage, testRunId } from './helpers.js';

const engine = await engineReady();
const runId = testRunId('closeinflight');

const targets: { name: string; ready: boolean; open: () => Promise<Sandbox> }[] = [
  { name: 'HostSandbox', ready: true, open: () => HostSandbox.open() },
  ...(['per-call-cgroup', 'container-update'] as ExecMode[]).map((mode) => ({
    name: `DockerSandbox (${mode})`,
    ready: engine,
    open: () => DockerSandbox.open({ image: testImage(), runId, mode }),
  })),
];

afterAll(async () => {
  if (engine) await removeRun(runId);
});

/** A call in flight when its sandbox closes settles, typed, instead of hanging its caller. */
describe.each(targets)('$name: close() with calls in flight', ({ ready, open }) => {
  it.skipIf(!ready)(
    'rejects each in-flight call with SandboxClosedError, promptly',
    async () => {
      const sb = await open();
      const settle = (p: Promise<unknown>) =>
        p.then(
          () => 'resolved',
          (err: unknown) => err,
        );
      const calls = [
        settle(sb.exec('sleep 60', { timeoutMs: 120_000 })),
        settle(sb.exec('while :; do :; done', { timeoutMs: 120_000 })),
      ];
      await new Promise((r) => setTimeout(r, 500));
      const started = Date.now();
      await sb.close();
      const outcomes = await Promise.all(calls);
      expect(Date.now() - started).toBeLessThan(10_000);
      for (const o of outcomes) {
        expect(o).toBeInstanceOf(SandboxClosedError);
        expect((o as Error).message).toBe('the sandbox is closed');
      }
      await expect(sb.exec('true')).rejects.toBeInstanceOf(SandboxClosedError);
    },
    30_000,
  );
});
