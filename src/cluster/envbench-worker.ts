// The worker's side of an envbench job: the repository's git directory and the language's sandbox
// image come from the swarm registry onto this node; the git directory becomes a one-repository
// mirror, and `runEnvBench` runs on it exactly as a local run does. What comes back: the record
// (`results/<owner>__<name>.json`) and the script (`scripts/<owner>__<name>.sh`, when one was written).
import type Docker from 'dockerode';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { extract } from 'tar-fs';
import { DrydockError, type Progress } from '../core/index.js';
import { resultKey, runEnvBench, type EnvRunOptions } from '../harness/index.js';
import { dockerClient, ownerLabels } from '../sandbox/index.js';
import { REPO_IMAGE_PATH } from './envbench.js';
import type { EnvbenchJobOptions } from './job.js';

type EnvModel = NonNullable<Awaited<ReturnType<NonNullable<EnvRunOptions['model']>>>>;

/** What the cli gives the worker: the cluster layer may not open a model or a policy itself. */
export interface WorkerHooks {
  /** Opens the SCRIPTED model of one repository from its script file. */
  envModel?: (scriptFile: string) => Promise<EnvModel>;
  /** The unattended policy an agent's commands go through. */
  policy?: () => Promise<NonNullable<EnvRunOptions['policy']>>;
}

async function pull(docker: Docker, ref: string): Promise<void> {
  const stream = (await docker.pull(ref)) as NodeJS.ReadableStream;
  await new Promise<void>((ok, fail) =>
    docker.modem.followProgress(stream, (err: Error | null, out: { error?: string }[]) => {
      const bad = out?.find((e) => e.error);
      if (err || bad) fail(new Error(`pulling ${ref} failed: ${err?.message ?? bad!.error}`));
      else ok();
    }),
  );
}

const splitRef = (ref: string): { repo: string; tag: string } => {
  const at = ref.lastIndexOf(':');
  return at > ref.lastIndexOf('/')
    ? { repo: ref.slice(0, at), tag: ref.slice(at + 1) }
    : { repo: ref, tag: 'latest' };
};

/** Copies the image's git directory into `dest` (a container is created, never started, then removed). */
async function extractGitDir(docker: Docker, image: string, dest: string, runId: string): Promise<void> {
  mkdirSync(dest, { recursive: true });
  const ct = await docker.createContainer({
    Image: image,
    Cmd: ['/none'],
    Labels: ownerLabels(runId),
    NetworkDisabled: true,
  });
  try {
    const tar = (await ct.getArchive({ path: REPO_IMAGE_PATH })) as NodeJS.ReadableStream;
    // Entries are `repo.git/...`: strip that, so the git directory is `dest` itself.
    await pipeline(tar, extract(dest, { strip: 1 }));
  } finally {
    await ct.remove({ force: true }).catch(() => {});
  }
}

export async function runEnvbenchJob(
  runId: string,
  e: EnvbenchJobOptions,
  tmp: string,
  hooks: WorkerHooks,
  progress: Progress,
): Promise<{ files: Record<string, Buffer>; meta: Record<string, unknown> }> {
  const docker = dockerClient();
  await pull(docker, e.envImage.pull);
  // The sandboxes open the language's image by its own name, as on the coordinator.
  await docker.getImage(e.envImage.pull).tag(splitRef(e.envImage.as));
  await pull(docker, e.repoImage);
  const mirror = join(tmp, 'mirror');
  try {
    await extractGitDir(docker, e.repoImage, join(mirror, e.task.repository), runId);
  } finally {
    // A one-use input: the node keeps no copy.
    await docker
      .getImage(e.repoImage)
      .remove()
      .catch(() => {});
  }
  let model: EnvRunOptions['model'];
  let policy: EnvRunOptions['policy'];
  if (e.script) {
    if (!hooks.envModel || !hooks.policy)
      throw new DrydockError('this worker cannot open a model', "use the coordinator's worker image");
    const dir = join(tmp, 'scripts');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, e.script.name);
    writeFileSync(file, e.script.text);
    const open = hooks.envModel;
    model = () => open(file);
    policy = await hooks.policy();
  }
  let line = '';
  const out = join(tmp, 'out');
  const summary = await runEnvBench([e.task], mirror, {
    out,
    network: e.network,
    env: e.env,
    timeoutMs: e.timeoutMs,
    maxSteps: e.maxSteps,
    model,
    policy,
    progress: {
      step: (s) => {
        line = s.replace(/^\[\d+\/\d+\] [^:]*: /, '');
        progress.step(s);
      },
      detail: (s) => progress.detail(s),
    },
  });
  const key = resultKey(e.task.repository);
  const files: Record<string, Buffer> = {
    'result.json': readFileSync(join(out, 'results', `${key}.json`)),
  };
  const script = join(out, 'scripts', `${key}.sh`);
  if (existsSync(script)) files['script.sh'] = readFileSync(script);
  return { files, meta: { line, mode: summary.mode, scripted: summary.scripted } };
}
