import { DrydockError } from '../core/index.js';

/** The container went away (killed, removed, engine restarted) while drydock used it. */
export class SandboxGoneError extends DrydockError {
  override readonly name = 'SandboxGoneError';
  constructor(containerId: string, detail: string) {
    super(
      `sandbox container ${containerId.slice(0, 12)} stopped while in use (${detail})`,
      'open a new sandbox; run `drydock sandbox gc` if containers were left behind',
      'SANDBOX_GONE',
    );
  }
}

export class SandboxClosedError extends DrydockError {
  override readonly name = 'SandboxClosedError';
  constructor() {
    super('the sandbox is closed', 'open a new sandbox', 'SANDBOX_CLOSED');
  }
}
