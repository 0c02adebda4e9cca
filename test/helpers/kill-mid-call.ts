import Docker from 'dockerode';
import { LABEL } from '../../src/sandbox/index.js';

export interface Kill {
  /** Milliseconds from the start of watching. */
  at: number;
  container: string;
  /** The command line that was running in the container when it was killed. */
  during: string;
}

/** Commands that mean a sandbox call is running (the runner's own processes are bash and tini). */
const BUSY = /pytest|python|node |npm|git |sleep|tsc/;

/**
 * Watches the containers of one drydock run (label `drydock.run`) and `docker kill`s the first
 * one seen running a command (`docker top`), after `afterMs` (and the next ones, up to `times`):
 * the container killed mid-call, as
 * an engine restart, an OOM kill of the whole container or an operator would. `stop()` ends the
 * watch and says what was killed, if anything.
 */
export function killMidCall(
  runId: string,
  opts: { afterMs?: number; busy?: RegExp; docker?: Docker; times?: number } = {},
): { stop: () => Promise<Kill | null>; stopAll: () => Promise<Kill[]> } {
  const docker = opts.docker ?? new Docker();
  const busy = opts.busy ?? BUSY;
  let stopped = false;
  const kills: Kill[] = [];
  const times = opts.times ?? 1;
  const dead = new Set<string>();
  const started = Date.now();
  const loop = (async () => {
    while (!stopped && kills.length < times) {
      await new Promise((r) => setTimeout(r, 150));
      if (Date.now() - started < (opts.afterMs ?? 0)) continue;
      const list = await docker
        .listContainers({ filters: { label: [`${LABEL.run}=${runId}`] } })
        .catch(() => []);
      for (const c of list) {
        if (dead.has(c.Id)) continue;
        const top = (await docker
          .getContainer(c.Id)
          .top({ ps_args: '-eo pid,args' })
          .catch(() => null)) as { Processes?: string[][] } | null;
        const running = (top?.Processes ?? []).map((p) => p.at(-1) ?? '').find((cmd) => busy.test(cmd));
        if (!running) continue;
        await docker
          .getContainer(c.Id)
          .kill()
          .catch(() => {});
        dead.add(c.Id);
        kills.push({ at: Date.now() - started, container: c.Id.slice(0, 12), during: running.slice(0, 120) });
        break;
      }
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
      return kills[0] ?? null;
    },
    stopAll: async () => {
      stopped = true;
      await loop;
      return kills;
    },
  };
}
