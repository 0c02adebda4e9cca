import { describe, it } from 'vitest';
import { probeEngine } from './probe-engine.js';

/**
 * An unquoted here-document's body is what the program reads after bash's quoting: a backslash
 * quotes `\`, `$` and a backquote, and goes with a newline it precedes (bash(1), "Here
 * Documents"). Until 5 Dec the body was taken as written (lead probe: `"\\x2fetc/hosts"` in the
 * body reached Python as `"\x2fetc/hosts"`, `/etc/hosts`, but was read as a workspace name: 6 of
 * 11 such commands were allowed). A quoted delimiter keeps the body as written.
 */
const { expectAll } = probeEngine();

describe('unquoted here-document bodies', () => {
  it('refuses code whose escapes, once bash has read them, name paths outside', () => {
    expectAll(
      [
        'python3 - <<EOF\nimport os\nos.remove("\\\\x2fetc/hosts")\nEOF',
        'python3 - <<EOF\nimport os\nos.remove("\\\\057etc/hosts")\nEOF',
        'python3 - <<-EOF\n\timport shutil\n\tshutil.rmtree("\\\\x2e\\\\x2e/other")\n\tEOF',
        'python3 - <<EOF\nimport os\nos.remove("/et\\\nc/hosts")\nEOF',
        'node - <<EOF\nrequire("fs").rmSync("\\\\x2fsrv", {recursive: true})\nEOF',
        'cat > t.py <<EOF\nimport os\nos.remove("\\\\x2fetc/hosts")\nEOF\npython3 t.py',
        'cat > /tmp/x.py <<EOF\nimport os\nos.remove("\\\\u002fetc/hosts")\nEOF\npython3 /tmp/x.py',
      ],
      'refused',
    );
  });

  it('allows what stays inside once read, and a quoted body as written', () => {
    expectAll(
      [
        'python3 - <<EOF\nimport re\nprint(re.findall("\\\\d+", "a1b22"))\nEOF',
        'python3 - <<EOF\nprint("a\\\\tb")\nEOF',
        'python3 - <<\'EOF\'\nimport os\nprint(os.path.exists("\\\\x2fetc"))\nEOF',
        'cat > notes.txt <<EOF\nline one \\\\ two\nEOF',
      ],
      'allow',
    );
  });
});
