// The policy layer: every shell command and file edit is parsed and decided here before it runs.
export {
  PolicyEngine,
  DEFAULT_POLICY_PATH,
  parsePolicyText,
  toAuditEvent,
  type PolicyOptions,
  type ExampleFailure,
} from './engine.js';
export { loadShellParser } from './shell.js';
export { listEntries, MAX_UNPACK_BYTES, type Compression, type Decompress } from './unpack.js';
export {
  ApprovalSession,
  type ApprovalAnswer,
  type ApprovalRecord,
  type ApprovalRequest,
  type Approver,
  type Decider,
} from './approvals.js';
export type {
  Action,
  Decision,
  Entry,
  NetworkMode,
  Part,
  PartVerdict,
  PolicyAuditEvent,
  PolicyDecision,
  PolicyGate,
  Tier,
  Verdict,
  Workspace,
} from './types.js';
export { DEFAULT_WORKSPACE } from './types.js';
