// A decision thread (see offload.ts): holds an engine identical to its caller's and answers
// one long command at a time, stopping when the caller no longer waits.
import { execFileSync } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { workerData, type MessagePort } from 'node:worker_threads';
import { cpuMs } from './budget.js';
import { PolicyEngine } from './engine.js';
import { CANCEL, compact, DONE, READY, WORKED_US, WORKING_ON, type OffloadInit } from './offload.js';
import type { Action, PolicyDecision } from './types.js';

const { init, port, ctl } = workerData as {
  init: OffloadInit;
  port: MessagePort;
  ctl: Int32Array;
};

/**
 * A few decisions of the shapes long commands take, before the thread says it is ready: the
 * first decisions of a fresh thread run unoptimised code (3–5 times slower) and would be cut.
 */
function warmUp(engine: PolicyEngine): void {
  const files = Array.from({ length: 600 }, (_, i) => `src/m${i}/file_${i}.py`).join(' ');
  const commands = [
    'git status && git diff -- src/a.py | head -50',
    `grep -rn "def main" ${files}`,
    `cat <<'EOF' | python3 -\nimport os\nprint(os.getcwd())\n${'x = {"a": [1, 2, 3]}\nprint(f"{x}")\n'.repeat(60)}EOF`,
    `sed -i -e ${Array.from({ length: 200 }, (_, i) => `'s/old${i}/new${i}/g'`).join(' -e ')} src/a.py`,
    `for f in ${files}; do echo "$f" | tr a-z A-Z >> out.txt; done`,
    `export ${Array.from({ length: 400 }, (_, i) => `V${i}=${i}`).join(' ')}; rm -rf ~/.ssh`,
    // The shapes of real agents' commands of 1–4k characters: edit scripts in python -c and
    // here-documents, sed -i chains, a script written and run.
    `python3 -c '\nimport re\nwith open("src/a.py") as f:\n    s = f.read()\n${'s = s.replace("old_name(x)", "new_name(x, y=1)")\n'.repeat(20)}with open("src/a.py", "w") as f:\n    f.write(s)\nprint("ok")\n'`,
    `cat <<'EOF' > /tmp/patch_it.py\nimport sys\n${'lines = open("pkg/mod.py").read().splitlines()\nfor i, line in enumerate(lines):\n    if "def f(" in line:\n        print(i, line)\n'.repeat(12)}EOF\npython3 /tmp/patch_it.py`,
    Array.from(
      { length: 12 },
      (_, i) => `sed -i '${i + 10}s/return False/return NotImplemented/' pkg/core/numbers.py`,
    ).join(' && \\\n'),
    `cat > repro.sh <<'EOF'\nset -e\ncd src\n${'python -m pytest -q tests/test_a.py -k "x and not y"\n'.repeat(10)}EOF\nbash repro.sh`,
  ];
  for (let r = 0; r < 8; r++) for (const command of commands) engine.decideHere({ kind: 'shell', command });
}

/** How often (ms of wall time, at budget checks) the thread writes its CPU time on the request for its caller. */
const PUBLISH_MS = 0.5;

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * The bound on a decision is the caller's wait, and what overran it in the bench was the caller
 * waiting for a core once its wait ended (load 3.3: 65 of 440 rounds over 10 ms of wall time, 2
 * with the caller's time in the run queue taken out), while the decision threads (one deciding,
 * one finishing a decision given up on) held the cores. So a thread runs at Linux's SCHED_IDLE
 * (per thread, set with chrt): the kernel preempts it at once for any normal thread, the caller
 * first. Nice +5, tried before it, changed nothing measurable: CFS still gives a nice thread its
 * slice before a waking one. Where chrt is missing the thread takes nice +5 anyway. The cost is
 * that on a busy machine the threads get the cores last (more commands cut: ask, never allow).
 */
const THREAD_NICE = 5;

function lowerPriority(): void {
  if (process.platform !== 'linux') return;
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    try {
      // util-linux's chrt (Debian's essential set): SCHED_IDLE for this thread alone (no -a).
      execFileSync('chrt', ['--idle', '-p', '0', String(tid)], { stdio: 'ignore', timeout: 5_000 });
      return;
    } catch {
      // No chrt, or not allowed: a nice value instead.
    }
    setPriority(tid, Math.min(19, getPriority(tid) + THREAD_NICE));
  } catch {
    // Not allowed or not Linux: the thread keeps its process's priority.
  }
}

try {
  lowerPriority();
  const engine = await PolicyEngine.forThread(init);
  warmUp(engine);
  port.on('message', (m: { id: number; action: Action; deadline: number }) => {
    let reply: {
      id: number;
      result?: PolicyDecision;
      error?: string;
      cpuMs?: number;
      lateMs?: number;
      seenLateMs?: number;
      afterSeenCpuMs?: number;
    };
    const cpu = cpuMs();
    // What the caller reads when its wait runs out: whether this thread was working on its
    // command or did not get a core (offload.ts `starved`).
    Atomics.store(ctl, WORKED_US, 0);
    Atomics.store(ctl, WORKING_ON, m.id);
    let published = performance.now();
    try {
      if (init.stallMs) sleep(init.stallMs);
      // Stop at the next budget check once the caller stopped waiting or its deadline passed.
      // When it first says stop, it notes how late that check came (wall) and the CPU then, so
      // the bench can tell checks that come too far apart (or a collection before one) from
      // the work done after it (unwinding, the answer).
      let seen = NaN;
      let seenCpu = NaN;
      const stop = () => {
        const local = performance.now();
        if (local - published >= PUBLISH_MS) {
          published = local;
          Atomics.store(ctl, WORKED_US, Math.round((cpuMs() - cpu) * 1000));
        }
        const now = performance.timeOrigin + local;
        const yes = Atomics.load(ctl, CANCEL) >= m.id || now >= m.deadline;
        if (yes && Number.isNaN(seen)) {
          seen = now - m.deadline;
          seenCpu = cpuMs();
        }
        return yes;
      };
      const result = compact(engine.decideHere(m.action, stop));
      // How long after its deadline it stopped (negative: in time): the bench's figure for how fast
      // an abandoned decision lets go of its thread.
      const lateMs = performance.timeOrigin + performance.now() - m.deadline;
      const end = cpuMs();
      reply = { id: m.id, result, cpuMs: end - cpu, lateMs };
      if (!Number.isNaN(seen)) Object.assign(reply, { seenLateMs: seen, afterSeenCpuMs: end - seenCpu });
    } catch (err) {
      reply = { id: m.id, error: (err as Error)?.stack ?? String(err) };
    }
    port.postMessage(reply);
    // No `Atomics.notify`: the caller naps and looks (offload.ts `nap`). V8's Atomics.notify and
    // Atomics.wait share one process-wide mutex, and a notify holds it while it wakes the sleeper:
    // the woken caller preempted this SCHED_IDLE thread with the mutex still held, then blocked on
    // it until the thread got a core again (a priority inversion; offload.ts POLL_MS).
    Atomics.store(ctl, DONE, m.id);
  });
  // Ready once the event loop turns, not when this module ends: right after start the thread
  // was seen held 1–2 s in a futex (no CPU) while a V8 background task ran (compiling the WASM
  // parsers), and a request posted then waited that long (a cut by the caller's wait).
  setTimeout(() => Atomics.store(ctl, READY, 1), 0);
} catch {
  Atomics.store(ctl, READY, -1);
}
