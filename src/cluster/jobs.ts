// The coordinator's loop over one run's jobs: submit each instance as a Swarm job, watch the
// tasks, take back each result exactly once, and submit again what a lost node or a failed task
// lost. Placement and queueing by capacity are Swarm's; this loop only decides "done, lost, or
// failed" for each instance, and keeps the run resumable from the engine's own state (the
// services and their labels) plus the results already written.
import type Docker from 'dockerode';
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { type Progress, silentProgress } from '../core/index.js';
import { decodeFrames, FrameError, type DecodeLimits, type FramePayload } from './frames.js';
import { removeJob, submitJob, type JobPlacement, type WorkerInput } from './job.js';
import { CLUSTER_LABEL, clusterLabels, short } from './labels.js';
import { listNodes } from './swarm.js';

export interface Job {
  instanceId: string;
  placement: JobPlacement;
  /** Builds and pushes what the job needs, then gives its input (without the nonce). */
  prepare(): Promise<Omit<WorkerInput, 'nonce'>>;
  /** Checks and writes a result; throws a FrameError to refuse it (the job is then retried). */
  accept(payload: FramePayload): void;
  /** The job could not be run (attempts exhausted, or it cannot be prepared). */
  fail(reason: string): void;
  limits: DecodeLimits;
}

export interface JobLoopOptions {
  runId: string;
  image: string;
  /** The events log: one JSON line per submission, result, loss and failure. */
  eventsPath: string;
  /** Attempts after a failed task (the worker exited non-zero or was rejected); default 2. */
  maxFailures?: number;
  /** Attempts in all, node losses included; default 6. */
  maxAttempts?: number;
  /** How long a node may be not `ready` before its tasks count as lost; default 30 s (load can delay heartbeats). */
  lostAfterMs?: number;
  /** Services submitted and not yet finished, at most; Swarm queues them by capacity. Default 64. */
  maxInFlight?: number;
  pollMs?: number;
  progress?: Progress;
  /** Called after each result is taken (for progress lines and tests). */
  onResult?: (instanceId: string, meta: Record<string, unknown>) => void;
}

interface Flight {
  job: Job;
  service: string;
  attempt: number;
  nonce: string;
  failures: number;
  submittedAt: number;
  logRetries: number;
  waitingSaid?: string;
}

interface RawTask {
  ID: string;
  NodeID?: string;
  DesiredState?: string;
  Status?: { State?: string; Err?: string; Message?: string; ContainerStatus?: { ExitCode?: number } };
  ServiceID?: string;
}

interface RawService {
  ID: string;
  Spec?: { Name?: string; Labels?: Record<string, string> };
}

const TERMINAL = new Set(['complete', 'failed', 'rejected', 'shutdown', 'orphaned', 'remove']);

/**
 * Reads a service's log (both streams) through the manager; the engine multiplexes them. The
 * manager asks each task's node for it, so a read may wait on a node that just died: it gives up
 * after `timeoutMs` (the caller retries, then resubmits).
 */
export async function serviceLog(
  docker: Docker,
  service: string,
  timeoutMs = 60_000,
): Promise<{ stdout: string; stderr: string }> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  try {
    return await readServiceLog(docker, service, abort.signal);
  } catch (err) {
    if (abort.signal.aborted)
      throw new Error(`the log of ${service} did not come within ${timeoutMs / 1000} s`);
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

async function readServiceLog(
  docker: Docker,
  service: string,
  abortSignal: AbortSignal,
): Promise<{ stdout: string; stderr: string }> {
  const res = (await docker.getService(service).logs({
    stdout: true,
    stderr: true,
    follow: false,
    timestamps: false,
    abortSignal,
  } as object)) as unknown;
  let buf: Buffer;
  if (Buffer.isBuffer(res)) buf = res;
  else {
    const chunks: Buffer[] = [];
    for await (const c of res as AsyncIterable<Buffer>) chunks.push(Buffer.from(c));
    buf = Buffer.concat(chunks);
  }
  return demux(buf);
}

/** Splits the engine's multiplexed log stream (8-byte frame headers) into stdout and stderr. */
export function demux(buf: Buffer): { stdout: string; stderr: string } {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let i = 0;
  while (i + 8 <= buf.length) {
    const type = buf[i]!;
    const size = buf.readUInt32BE(i + 4);
    if (type > 2 || buf[i + 1] !== 0 || buf[i + 2] !== 0 || buf[i + 3] !== 0) {
      // Not multiplexed (a TTY): all of it is stdout.
      return { stdout: buf.toString('utf8'), stderr: '' };
    }
    (type === 2 ? err : out).push(buf.subarray(i + 8, i + 8 + size));
    i += 8 + size;
  }
  return { stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}

/** The run's owner record: a swarm config labelled with the live coordinator's pid and host (for gc). */
const ownerConfig = (runId: string) => `drydock-run-${short(runId, 16)}`;

export async function claimRun(docker: Docker, runId: string): Promise<void> {
  const name = ownerConfig(runId);
  await docker
    .getConfig(name)
    .remove()
    .catch(() => {});
  await docker.createConfig({
    Name: name,
    Labels: clusterLabels('input', { [CLUSTER_LABEL.run]: runId, [CLUSTER_LABEL.job]: 'owner' }, runId),
    Data: Buffer.from(runId).toString('base64'),
  });
}

export async function runJobs(docker: Docker, jobs: Job[], opts: JobLoopOptions): Promise<void> {
  const progress = opts.progress ?? silentProgress;
  const maxFailures = opts.maxFailures ?? 2;
  const maxAttempts = opts.maxAttempts ?? 6;
  const maxInFlight = opts.maxInFlight ?? 64;
  const pollMs = opts.pollMs ?? 1000;
  const lostAfterMs = opts.lostAfterMs ?? 30_000;
  const notReadySince = new Map<string, number>();
  mkdirSync(dirname(opts.eventsPath), { recursive: true });
  const event = (e: Record<string, unknown>) =>
    appendFileSync(opts.eventsPath, `${JSON.stringify({ at: new Date().toISOString(), ...e })}\n`);
  await claimRun(docker, opts.runId);

  // Resume: the engine's services of this run are the jobs in flight when a coordinator stopped.
  const existing = (
    (await docker.listServices({
      filters: { label: [`${CLUSTER_LABEL.run}=${opts.runId}`, `${CLUSTER_LABEL.kind}=job`] },
    })) as RawService[]
  ).filter((s) => s.Spec?.Labels?.[CLUSTER_LABEL.run] === opts.runId);
  const byInstance = new Map<string, RawService[]>();
  for (const s of existing) {
    const id = s.Spec!.Labels![CLUSTER_LABEL.instance]!;
    byInstance.set(id, [...(byInstance.get(id) ?? []), s]);
  }
  const wanted = new Set(jobs.map((j) => j.instanceId));
  const flights: Flight[] = [];
  const queue: { job: Job; attempt: number; failures: number }[] = [];
  for (const [id, services] of byInstance) {
    if (wanted.has(id)) continue;
    // Finished before the stop, or not asked for now: its services are stale.
    for (const s of services) await removeJob(docker, s.Spec!.Name!);
  }
  for (const job of jobs) {
    const services = (byInstance.get(job.instanceId) ?? []).sort(
      (a, b) =>
        Number(b.Spec!.Labels![CLUSTER_LABEL.attempt]) - Number(a.Spec!.Labels![CLUSTER_LABEL.attempt]),
    );
    const [latest, ...older] = services;
    for (const s of older) await removeJob(docker, s.Spec!.Name!);
    if (latest) {
      const attempt = Number(latest.Spec!.Labels![CLUSTER_LABEL.attempt]);
      flights.push({
        job,
        service: latest.Spec!.Name!,
        attempt,
        nonce: latest.Spec!.Labels![CLUSTER_LABEL.nonce]!,
        failures: 0,
        submittedAt: Date.now(),
        logRetries: 0,
      });
      event({ event: 'adopted', instance: job.instanceId, attempt, service: latest.Spec!.Name });
    } else queue.push({ job, attempt: 1, failures: 0 });
  }
  if (flights.length)
    progress.detail(`resuming: ${flights.length} job(s) still in the swarm from an earlier coordinator`);

  const submit = async (q: { job: Job; attempt: number; failures: number }) => {
    let input: Omit<WorkerInput, 'nonce'>;
    try {
      input = await q.job.prepare();
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      event({ event: 'failed', instance: q.job.instanceId, attempt: q.attempt, reason });
      q.job.fail(reason);
      return;
    }
    const nonce = randomBytes(12).toString('hex');
    const { name } = await submitJob(docker, {
      input: { ...input, nonce } as WorkerInput,
      attempt: q.attempt,
      image: opts.image,
      placement: q.job.placement,
      owner: opts.runId,
    });
    flights.push({ ...q, service: name, nonce, submittedAt: Date.now(), logRetries: 0 });
    event({ event: 'submitted', instance: q.job.instanceId, attempt: q.attempt, service: name });
  };

  const retry = async (f: Flight, why: string, counts: boolean) => {
    await removeJob(docker, f.service);
    const failures = f.failures + (counts ? 1 : 0);
    if (failures > maxFailures || f.attempt >= maxAttempts) {
      const reason = `swarm: gave up after ${f.attempt} attempt(s): ${why}`;
      event({ event: 'failed', instance: f.job.instanceId, attempt: f.attempt, reason });
      f.job.fail(reason);
      return;
    }
    event({ event: counts ? 'retry' : 'lost', instance: f.job.instanceId, attempt: f.attempt, reason: why });
    progress.detail(`${f.job.instanceId}: ${why}; submitting it again (attempt ${f.attempt + 1})`);
    queue.unshift({ job: f.job, attempt: f.attempt + 1, failures });
  };

  while (queue.length || flights.length) {
    while (queue.length && flights.length < maxInFlight) await submit(queue.shift()!);
    if (!flights.length) continue;
    await new Promise((r) => setTimeout(r, pollMs));
    const nodes = new Map((await listNodes(docker)).map((n) => [n.id, n]));
    for (const n of nodes.values()) {
      if (n.state === 'ready') notReadySince.delete(n.id);
      else if (!notReadySince.has(n.id)) notReadySince.set(n.id, Date.now());
    }
    // A node gone from the list (removed) is lost at once; one not ready, after the grace period.
    const lostNode = (id: string) =>
      !nodes.has(id) || Date.now() - (notReadySince.get(id) ?? Date.now()) >= lostAfterMs;
    for (const f of [...flights]) {
      const tasks = (await docker.listTasks({ filters: { service: [f.service] } })) as RawTask[];
      const done = tasks.find((t) => t.Status?.State === 'complete');
      const live = tasks.filter((t) => !TERMINAL.has(t.Status?.State ?? ''));
      const drop = () => flights.splice(flights.indexOf(f), 1);
      if (done) {
        // Its result is that node's log: read through the manager, it would wait on a node that is
        // not answering. Until the node is ready again there is nothing to read; once it counts as
        // lost, the job runs again elsewhere (nothing was collected, so it is still graded once).
        const doneOn = done.NodeID ?? '';
        if (nodes.get(doneOn)?.state !== 'ready') {
          if (!lostNode(doneOn)) continue;
          drop();
          await retry(
            f,
            `node ${nodes.get(doneOn)?.hostname ?? doneOn} holding its result is ${nodes.get(doneOn)?.state ?? 'gone'}`,
            false,
          );
          continue;
        }
        let payload: FramePayload;
        try {
          const log = await serviceLog(docker, f.service);
          payload = decodeFrames(log.stdout, f.nonce, f.job.limits);
          f.job.accept(payload);
        } catch (err) {
          // The log may lag the task's end by a moment; a refused or unreadable result is retried.
          if (
            ++f.logRetries < 5 &&
            !(err instanceof FrameError && /may not write|too large/.test(err.message))
          )
            continue;
          drop();
          await retry(f, `its result could not be taken: ${(err as Error).message}`, true);
          continue;
        }
        drop();
        const node = nodes.get(done.NodeID ?? '');
        event({
          event: 'collected',
          instance: f.job.instanceId,
          attempt: f.attempt,
          service: f.service,
          node: node?.hostname ?? payload.meta.node,
          exec_mode: payload.meta.exec_mode,
          worker_ms: payload.meta.worker_ms,
          wall_ms: Date.now() - f.submittedAt,
        });
        await removeJob(docker, f.service);
        opts.onResult?.(f.job.instanceId, { ...payload.meta, node: node?.hostname ?? payload.meta.node });
        continue;
      }
      const lostOn = live.find((t) => t.NodeID && t.Status?.State !== 'pending' && lostNode(t.NodeID));
      if (lostOn) {
        drop();
        await retry(
          f,
          `node ${nodes.get(lostOn.NodeID!)?.hostname ?? lostOn.NodeID} is ${nodes.get(lostOn.NodeID!)?.state ?? 'gone'}`,
          false,
        );
        continue;
      }
      if (live.length === 0 && tasks.length > 0) {
        const last = tasks[tasks.length - 1]!;
        const state = last.Status?.State ?? '?';
        drop();
        if (state === 'failed' || state === 'rejected') {
          const log = await serviceLog(docker, f.service).catch(() => ({ stdout: '', stderr: '' }));
          const tail = log.stderr.trim().split('\n').slice(-3).join(' | ');
          const err = last.Status?.Err ?? '';
          const hint = /HTTPS client|server gave HTTP response/.test(err)
            ? ` (the node's engine does not trust the swarm registry: add it to "insecure-registries" in that node's daemon.json)`
            : '';
          await retry(f, `task ${state}: ${err}${hint}${tail ? `; worker said: ${tail}` : ''}`, true);
        } else await retry(f, `task ${state} (node drained or removed)`, false);
        continue;
      }
      const pending = live.find((t) => t.Status?.State === 'pending' && t.Status?.Err);
      if (pending && pending.Status?.Err !== f.waitingSaid) {
        f.waitingSaid = pending.Status!.Err!;
        progress.detail(`${f.job.instanceId}: queued by Swarm: ${f.waitingSaid}`);
      }
    }
  }
  // Every job is written and its service removed: the run owns nothing in the swarm any more.
  await docker
    .getConfig(ownerConfig(opts.runId))
    .remove()
    .catch(() => {});
}
