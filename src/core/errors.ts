/**
 * An error a user can meet. The CLI prints `message` and, when present, `fix`
 * on one line each; stack traces only with --debug.
 */
export class DrydockError extends Error {
  override readonly name: string = 'DrydockError';
  constructor(
    message: string,
    /** What the user can do about it, one line. */
    readonly fix?: string,
    /** A stable machine-readable code, e.g. ENGINE_UNREACHABLE. */
    readonly code: string = 'DRYDOCK_ERROR',
  ) {
    super(message);
  }
}

/** A feature that is designed but not built yet: refuse clearly instead of pretending. */
export class NotBuiltError extends DrydockError {
  override readonly name = 'NotBuiltError';
  constructor(what: string, issue: string) {
    super(`${what} is not built yet (tracked in issue "${issue}").`, undefined, 'NOT_BUILT');
  }
}
