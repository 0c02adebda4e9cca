// `drydock envbench run --engine swarm`: each repository of an EnvBench dataset as one Swarm job.
// The coordinator checks the repository out of its mirror (which only it has), ships the git
// directory as a one-layer image through the swarm registry with the sandbox image of the
// repository's language, and the worker runs `runEnvBench` on that one repository on its own
// node; its record and script come back and are written where a local run writes them, and the
// run ends with the same `results.json` / `results.jsonl`.
import type Docker from 'dockerode';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { pack } from 'tar-fs';
import { DrydockError, runHost, silentProgress, type Progress } from '../core/index.js';
import {
  checkoutRepo,
  detectLanguage,
  envImage,
  envScriptFile,
  envSucceeded,
  ENVBENCH_EXIT_CODES,
  pendingEnvTasks,
  finishEnvRun,
  resultKey,
  type EnvBenchRecord,
  type EnvRunSummary,
  type EnvTask,
} from '../harness/index.js';
import { dockerClient, hasImage } from '../sandbox/index.js';
import { runOnSwarm, type SwarmOptions } from './eval.js';
import { FrameError, parseFrameJson, type FramePayload } from './frames.js';
import type { EnvbenchJobOptions } from './job.js';
import type { Job } from './jobs.js';
import { CLUSTER_LABEL, short } from './labels.js';
import { pushToRegistry, type RegistryAddress } from './registry.js';

/** The image repository a shipped git directory goes under (one tag per repository and revision). */
export const REPO_IMAGE = 'drydock/envrepo';
/** Where the git directory is inside that image. */
export const REPO_IMAGE_PATH = '/repo.git';
/** What each repository's job reserves: the limits of its sandboxes (`checkScript`: 4 GiB, 2 CPUs). */
export const ENVBENCH_RESERVATION = { memoryBytes: 4 * 1024 ** 3, cpus: 2 };
/** The files a worker may send back for one repository. */
export const ENVBENCH_FILES = ['result.json', 'script.sh'];

export interface EnvSwarmOptions extends SwarmOptions {
  out: string;
  network: 'none' | 'registries' | 'bridge';
  allowHosts?: string[];
  env?: Record<string, string>;
  timeoutMs: number;
  maxSteps?: number;
  /** The SCRIPTED model per repository: DIR/<owner>__<name>.(yaml|yml|json); none: the baseline. */
  scriptDir?: string;
  /** Default: `envbench-<out folder's name>-<hash of its path>`, so a rerun on the same --out resumes. */
  runId?: string;
  progress?: Progress;
  docker?: Docker;
}

/** Checks a worker's record and script as data and writes them where a local run does, the record last. */
export function writeEnvbenchFiles(out: string, task: EnvTask, p: FramePayload): EnvBenchRecord {
  const rec = parseFrameJson(p, 'result.json') as Partial<EnvBenchRecord>;
  if (!rec || typeof rec !== 'object' || Array.isArray(rec))
    throw new FrameError('result.json is not a record');
  if (rec.repo_name !== task.repository || rec.commit_sha !== task.revision)
    throw new FrameError(
      `result.json is for ${String(rec.repo_name)}@${String(rec.commit_sha)}, not ${task.repository}@${task.revision}`,
    );
  if (typeof rec.issues_count !== 'number' || (rec.exit_code !== null && typeof rec.exit_code !== 'number'))
    throw new FrameError('result.json has no exit_code or issues_count');
  const key = resultKey(task.repository);
  mkdirSync(join(out, 'results'), { recursive: true });
  mkdirSync(join(out, 'scripts'), { recursive: true });
  if (p.files['script.sh']) writeFileSync(join(out, 'scripts', `${key}.sh`), p.files['script.sh']);
  const to = join(out, 'results', `${key}.json`);
  writeFileSync(`${to}.tmp`, p.files['result.json']!);
  renameSync(`${to}.tmp`, to);
  return rec as EnvBenchRecord;
}

/** Streams `dir/.git` into a one-layer image `drydock/envrepo:<tag>` (no build, no base image). */
async function importGitDir(docker: Docker, dir: string, tag: string): Promise<string> {
  const ref = `${REPO_IMAGE}:${tag}`;
  const tar = pack(dir, {
    entries: ['.git'],
    map: (h) => ({ ...h, name: h.name.replace(/^\.git/, REPO_IMAGE_PATH.slice(1)), uid: 0, gid: 0 }),
  });
  const stream = await docker.importImage(tar, {
    repo: REPO_IMAGE,
    tag,
    changes: ['LABEL drydock=1', `LABEL ${CLUSTER_LABEL.kind}=repo`],
  } as object);
  await new Promise<void>((ok, fail) =>
    docker.modem.followProgress(stream, (err: Error | null, out: { error?: string }[]) => {
      const bad = out?.find((e) => e.error);
      if (err || bad) fail(new Error(`importing the repository failed: ${err?.message ?? bad!.error}`));
      else ok();
    }),
  );
  return ref;
}

/** `runEnvBench` with each pending repository run by a worker on some node of the swarm. */
export async function runEnvBenchOnSwarm(
  tasks: EnvTask[],
  reposDir: string,
  opts: EnvSwarmOptions,
): Promise<EnvRunSummary> {
  const progress = opts.progress ?? silentProgress;
  if (opts.network === 'registries')
    throw new DrydockError(
      'envbench run --engine swarm runs with --network none or bridge only so far',
      "registries mode's proxy and firewall rules would have to run on each node's host network, which is not built; " +
        'pass --network none (with a package mirror in --env) or --network bridge, or run with --engine local',
      'NOT_BUILT',
    );
  const network = opts.network;
  const docker = opts.docker ?? dockerClient();
  const out = resolve(opts.out);
  const resultsDir = join(out, 'results');
  mkdirSync(join(out, 'scripts'), { recursive: true });
  const todo = pendingEnvTasks(tasks, out, progress);
  const resumed = tasks.length - todo.length;
  const runId = opts.runId ?? `envbench-${basename(out)}-${short(out, 8)}`;
  // The sandbox image of each language, pushed once per run.
  const envPushed = new Map<string, Promise<string>>();
  const pushEnv = (ref: string, reg: RegistryAddress) => {
    if (!envPushed.has(ref)) envPushed.set(ref, pushToRegistry(docker, ref, reg));
    return envPushed.get(ref)!;
  };
  let finished = resumed;
  let mode: EnvRunSummary['mode'] = 'baseline';
  let scripted = false;

  const write = (task: EnvTask, rec: EnvBenchRecord, line: string) => {
    finished += 1;
    progress.step(`[${finished}/${tasks.length}] ${task.repository}: ${line}`);
    return rec;
  };
  const makeJob = (
    task: EnvTask,
    { reg, constraints }: { reg: RegistryAddress; constraints: string[] },
  ): Job => {
    // As locally: a repository that cannot be checked out is a download failure, any later error unknown.
    let failCode: number = ENVBENCH_EXIT_CODES.download_failure;
    return {
      instanceId: task.repository,
      placement: { constraints, ...ENVBENCH_RESERVATION },
      limits: {
        allow: (n) => ENVBENCH_FILES.includes(n),
        maxFileBytes: 64 * 2 ** 20,
        maxTotalBytes: 128 * 2 ** 20,
      },
      async prepare() {
        failCode = ENVBENCH_EXIT_CODES.download_failure;
        const co = await checkoutRepo(task.repository, task.revision, reposDir);
        failCode = ENVBENCH_EXIT_CODES.unknown_failure;
        try {
          let script: EnvbenchJobOptions['script'];
          if (opts.scriptDir) {
            const file = envScriptFile(opts.scriptDir, task.repository);
            if (!file)
              throw new DrydockError(
                `no script for ${task.repository} in ${opts.scriptDir}`,
                undefined,
                'SCRIPT_NOT_FOUND',
              );
            script = { name: basename(file), text: readFileSync(file, 'utf8') };
          }
          const env = envImage(detectLanguage(co.dir));
          if (!(await hasImage(docker, env)))
            throw new DrydockError(
              `${env} is missing on the coordinator`,
              env.includes('jvm') ? 'run `drydock setup --jvm`' : 'run `drydock setup`',
              'IMAGE_MISSING',
            );
          // The worker clones from this git directory as locally from the mirror: give it a branch
          // at the revision (its checkout removes branches again).
          await runHost('git', ['update-ref', 'refs/heads/drydock-envbench', 'HEAD'], { cwd: co.dir });
          const local = await importGitDir(docker, co.dir, short(`${task.repository}@${task.revision}`, 16));
          let repoImage: string;
          try {
            repoImage = await pushToRegistry(docker, local, reg);
          } finally {
            await docker
              .getImage(local)
              .remove()
              .catch(() => {});
          }
          return {
            v: 1,
            kind: 'envbench',
            runId,
            instanceId: task.repository,
            envbench: {
              task,
              repoImage,
              envImage: { pull: await pushEnv(env, reg), as: env },
              network,
              env: opts.env,
              timeoutMs: opts.timeoutMs,
              maxSteps: opts.maxSteps,
              script,
            },
          };
        } finally {
          co.cleanup();
        }
      },
      accept(p) {
        const rec = writeEnvbenchFiles(out, task, p);
        if (p.meta.mode === 'agent') mode = 'agent';
        scripted ||= p.meta.scripted === true;
        write(
          task,
          rec,
          `${String(p.meta.line ?? (envSucceeded(rec) ? 'success' : 'failure'))} on ${String(p.meta.node)}`,
        );
      },
      fail(reason) {
        const rec: EnvBenchRecord = {
          exit_code: failCode,
          execution_time: 0,
          repo_name: task.repository,
          commit_sha: task.revision,
          container_logs: reason,
          issues_count: 0,
        };
        writeFileSync(join(resultsDir, `${resultKey(task.repository)}.json`), JSON.stringify(rec));
        write(task, rec, `error: ${reason}`);
      },
    };
  };
  await runOnSwarm(
    docker,
    todo,
    makeJob,
    { runId, eventsPath: join(`${out}.cluster`, 'events.jsonl'), progress },
    opts,
  );
  return finishEnvRun(tasks, out, { resumed, scripted, mode });
}
