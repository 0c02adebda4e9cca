import { WORKSPACE } from '../core/index.js';

/**
 * `Sandbox.diff()` of every implementation: the workspace's changes against HEAD,
 * new files included, through a scratch copy of the index so the agent's own
 * staging is untouched. The copy keeps the index's mtime (`cp -p`): git trusts an
 * entry's cached stat only when the file is older than the index, so a copy
 * stamped "now" made a same-size rewrite in the second of the last commit
 * invisible (racy git).
 */
export const DIFF_SCRIPT =
  `cd ${WORKSPACE} && t=$(mktemp) && { cp -p .git/index "$t" 2>/dev/null; ` +
  `GIT_INDEX_FILE=$t git add -A && GIT_INDEX_FILE=$t git diff --cached --binary HEAD; }; s=$?; rm -f "$t"; exit $s`;
