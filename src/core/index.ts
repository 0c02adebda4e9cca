export { DrydockError, NotBuiltError } from './errors.js';
export { type Progress, stderrProgress, silentProgress } from './progress.js';
export { WORKSPACE, workspacePath, workspaceRelative } from './workspace.js';
