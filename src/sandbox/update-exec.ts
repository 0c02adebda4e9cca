import type Docker from 'dockerode';
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { bash } from './bash-text.js';
import { DockerFrameParser } from './docker-frames.js';
import { HeadTailCapture } from './output-cap.js';
import type { CallOutcome, CallRequest } from './runner-client.js';
import type { KilledBy } from './types.js';

/**
 * Runs in the container around each call in container-update mode. It records its
 * pid (so a timeout can kill its process tree), reads the container's OOM and
 * pids-limit counters before and after (cgroupfs is readable inside even where the
 * host's is not writable), and appends a trailer with a per-call nonce to stderr.
 */
const WRAPPER = bash`
nonce=$1; cmd=$2
echo $$ > /run/drydock/call-$nonce.pid
count() { local k=$1 f=$2 line; [[ -r $f ]] || { echo 0; return; }
  while read -r line; do [[ $line == "$k "* ]] && { echo "\${line#* }"; return; }; done < "$f"; echo 0; }
if [[ -r /sys/fs/cgroup/memory.events ]]; then me=/sys/fs/cgroup/memory.events pe=/sys/fs/cgroup/pids.events
  pk=/sys/fs/cgroup/memory.peak
else me=/sys/fs/cgroup/memory/memory.oom_control pe=/sys/fs/cgroup/pids/pids.events
  pk=/sys/fs/cgroup/memory/memory.max_usage_in_bytes; fi
o0=$(count oom_kill $me); p0=$(count max $pe)
bash -c "$cmd"; s=$?
o1=$(count oom_kill $me); p1=$(count max $pe); peak=0; [[ -r $pk ]] && read -r peak < "$pk"
t=$(times); t=\${t#*$'\n'}
rm -f /run/drydock/call-$nonce.pid
printf '\n@drydock-%s %s %s %s %s %s\n' "$nonce" "$s" $((o1 - o0)) $((p1 - p0)) "$peak" "$t" >&2
exit $s
`;

/** Kills every descendant of the wrapper (stopping them first so none forks meanwhile). */
const KILL_TREE = bash`
root=$(cat /run/drydock/call-$1.pid 2>/dev/null) || exit 0
kids() { local p=$1 s c; for s in /proc/[0-9]*/stat; do read -r c < "$s" 2>/dev/null || continue
  c=\${c##*) }; set -- $c; [[ $2 == "$p" ]] && { s=\${s#/proc/}; echo \${s%/stat}; }; done; }
all=() queue=("$root")
while ((\${#queue[@]})); do p=\${queue[0]}; queue=("\${queue[@]:1}"); all+=("$p"); kill -STOP "$p" 2>/dev/null
  for k in $(kids "$p"); do queue+=("$k"); done; done
kill -KILL "\${all[@]}" 2>/dev/null; exit 0
`;

function cpuMsFromTimes(t: string): number {
  // "0m0.120s 0m0.030s": children's user and system time.
  let ms = 0;
  for (const m of t.matchAll(/(\d+)m([\d.]+)s/g)) ms += Number(m[1]) * 60_000 + Number(m[2]) * 1000;
  return ms;
}

/**
 * container-update mode: the container's limits are set for each call through the
 * Docker API, then the call runs as a docker exec. Calls in one sandbox run one at
 * a time, since the limits belong to the whole container.
 */
export class UpdateExecutor {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly docker: Docker,
    private readonly container: Docker.Container,
  ) {}

  exec(req: CallRequest): Promise<CallOutcome> {
    const run = this.queue.then(() => this.run(req));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async run(req: CallRequest): Promise<CallOutcome> {
    const started = performance.now();
    await this.container.update({
      Memory: req.memoryBytes,
      MemorySwap: req.memoryBytes,
      NanoCpus: Math.round(req.cpus * 1e9),
      PidsLimit: req.pids,
    });
    const nonce = randomBytes(6).toString('hex');
    const exec = await this.container.exec({
      Cmd: ['bash', '-c', WRAPPER, 'drydock-call', nonce, req.command],
      Env: Object.entries(req.env).map(([k, v]) => `${k}=${v}`),
      WorkingDir: req.cwd,
      AttachStdin: req.stdin !== undefined,
      AttachStdout: true,
      AttachStderr: true,
      Tty: false,
    });
    const stream = await exec.start({ hijack: true, stdin: req.stdin !== undefined });
    const stdout = new HeadTailCapture(req.maxOutputBytes);
    const stderr = new HeadTailCapture(req.maxOutputBytes + 256);
    const parser = new DockerFrameParser((s, p) => (s === 1 ? stdout : stderr).push(p));
    stream.on('data', (c: Buffer) => parser.push(c));
    if (req.stdin !== undefined) stream.end(req.stdin);
    let killer: KilledBy | null = null;
    const timer = setTimeout(() => {
      killer = 'timeout';
      void this.killTree(nonce);
    }, req.timeoutMs);
    await new Promise<void>((res) => {
      stream.on('end', res);
      stream.on('close', res);
      stream.on('error', () => res());
    });
    clearTimeout(timer);
    const info = await exec.inspect();
    const { head, tail } = stderr.parts();
    // The trailer is the stream's last line: in the tail once output was cut.
    const tailText = (stderr.bytesCut > 0 ? tail : Buffer.concat([head, tail])).toString('utf8');
    const marker = `\n@drydock-${nonce} `;
    const at = tailText.lastIndexOf(marker);
    let exitCode = info.ExitCode ?? -1;
    let oom = 0;
    let pidsHits = 0;
    let peak = 0;
    let cpuMs = 0;
    let stderrText = stderr.text();
    if (at >= 0) {
      const fields = tailText
        .slice(at + marker.length)
        .trim()
        .split(' ');
      exitCode = Number(fields[0]);
      oom = Number(fields[1]) || 0;
      pidsHits = Number(fields[2]) || 0;
      peak = Number(fields[3]) || 0;
      cpuMs = cpuMsFromTimes(fields.slice(4).join(' '));
      const full = stderrText.lastIndexOf(marker);
      stderrText = stderrText.slice(0, full);
    }
    const killedBy: KilledBy | null = killer ?? (oom > 0 ? 'oom' : pidsHits > 0 ? 'pids' : null);
    const stderrCut = Math.max(0, stderr.bytesCut);
    return {
      stdout,
      result: {
        exitCode,
        stdout: stdout.text(),
        stderr: stderrText,
        truncated: stdout.bytesCut > 0 || stderrCut > 0,
        stdoutBytesCut: stdout.bytesCut,
        stderrBytesCut: stderrCut,
        wallMs: performance.now() - started,
        cpuMs,
        // The container's peak since it started: per-call peaks need per-call cgroups.
        peakMemoryBytes: peak,
        killedBy,
        mode: 'container-update',
      },
    };
  }

  private async killTree(nonce: string): Promise<void> {
    try {
      const exec = await this.container.exec({
        Cmd: ['bash', '-c', KILL_TREE, 'drydock-kill', nonce],
        AttachStdout: true,
        AttachStderr: true,
      });
      const s = await exec.start({ hijack: true, stdin: false });
      s.resume();
      await new Promise((res) => s.on('end', res));
    } catch {
      // The container is gone: the call is over anyway.
    }
  }
}
