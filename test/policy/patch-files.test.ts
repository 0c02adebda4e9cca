import { describe, it } from 'vitest';
import { probeEngine } from './probe-engine.js';

/**
 * The files a patch on the command line changes (a here-document's, or one the line wrote first)
 * are decided by the file rules as the line's own writes are (lead probe, 5 Dec: a here-document
 * patch editing `.github/workflows/ci.yml` or `.vscode/tasks.json` was allowed, while `sed -i` on
 * either was refused; only landing outside the workspace or in `.git` was checked).
 */
const { expectAll } = probeEngine();

const patch = (file: string) => `--- a/${file}\n+++ b/${file}\n@@ -1 +1 @@\n-a\n+b\n`;

describe('the files of a patch on the command line', () => {
  it('refuses protected paths and tool settings, as a direct write there is', () => {
    expectAll(
      [
        `git apply <<'EOF'\ndiff --git a/.github/workflows/ci.yml b/.github/workflows/ci.yml\n${patch('.github/workflows/ci.yml')}EOF`,
        `patch -p1 <<'EOF'\n${patch('.vscode/tasks.json')}EOF`,
        `patch -p1 <<'EOF'\n${patch('.husky/pre-commit')}EOF`,
        `cat > fix.patch <<'EOF'\n${patch('.github/workflows/release.yml')}EOF\ngit apply fix.patch`,
        `patch -p0 <<'EOF'\n--- .gitlab-ci.yml\n+++ .gitlab-ci.yml\n@@ -1 +1 @@\n-a\n+b\nEOF`,
      ],
      'refused',
    );
  });

  it("allows patches of the project's own files", () => {
    expectAll(
      [
        `patch -p1 <<'EOF'\n${patch('src/app.py')}EOF`,
        `git apply <<'EOF'\ndiff --git a/tests/test_x.py b/tests/test_x.py\n${patch('tests/test_x.py')}EOF`,
        `cat > fix.patch <<'EOF'\n${patch('lib/util.js')}EOF\ngit apply fix.patch`,
      ],
      'allow',
    );
  });
});
