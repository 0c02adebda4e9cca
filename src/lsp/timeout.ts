import { DrydockError } from '../core/index.js';

/** `p`, or an LSP_TIMEOUT error naming `what` after `ms`. */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  // A late rejection after the timeout won must not go unhandled.
  p.catch(() => undefined);
  return Promise.race([
    p,
    new Promise<T>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new DrydockError(
              `${what} timed out after ${ms} ms`,
              'check the server with `drydock doctor`',
              'LSP_TIMEOUT',
            ),
          ),
        ms,
      );
    }),
  ]).finally(() => clearTimeout(timer));
}
