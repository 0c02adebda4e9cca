import { SandboxClosedError } from './errors.js';

/**
 * Closes open sandboxes when drydock is interrupted (SIGINT, SIGTERM) or its terminal
 * goes away (SIGHUP: a closed terminal window or tmux pane while a run waits for a person's
 * approval), so neither leaves a container behind. SIGKILL cannot be caught: `drydock sandbox gc` and
 * the runner (which exits when drydock's end of its stdin closes) cover that.
 */
interface Closable {
  close(): Promise<void>;
}

const open = new Set<Closable>();
let installed = false;

function install(): void {
  if (installed) return;
  installed = true;
  for (const [signal, code] of [
    ['SIGHUP', 129],
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    process.once(signal, () => {
      // Calls in flight settle with SandboxClosedError as their sandboxes close. A caller
      // that dropped such a promise (\`void sb.exec(...)\`) must not turn the signal's exit
      // into a crash with code 1; anything else unhandled is still printed.
      process.exitCode = code;
      process.on('unhandledRejection', (reason) => {
        if (reason instanceof SandboxClosedError) return;
        process.stderr.write(
          `drydock: unhandled during shutdown: ${reason instanceof Error ? reason.message : String(reason)}\n`,
        );
      });
      const all = [...open];
      void Promise.allSettled(all.map((s) => s.close())).then(() => process.exit(code));
    });
  }
}

export function trackOpen(s: Closable): void {
  install();
  open.add(s);
}

export function untrackOpen(s: Closable): void {
  open.delete(s);
}
