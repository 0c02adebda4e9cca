/**
 * The repository's root inside every sandbox: images set it as their working
 * directory, the sandbox copies the repository here, and relative paths in tool
 * calls, language-server URIs and test logs start here. The one place it is named.
 */
export const WORKSPACE = '/testbed';

/** An absolute sandbox path for a path relative to the workspace. */
export const workspacePath = (relative: string): string => `${WORKSPACE}/${relative}`;

/** A sandbox path relative to the workspace when it lies inside it; other paths unchanged. */
export const workspaceRelative = (path: string): string =>
  path.startsWith(`${WORKSPACE}/`) ? path.slice(WORKSPACE.length + 1) : path;
