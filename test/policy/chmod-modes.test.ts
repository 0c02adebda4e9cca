import { describe, it } from 'vitest';
import { probeEngine } from './probe-engine.js';

/**
 * GNU chmod takes a MODE that starts with `-` (`chmod -x run.sh`, `chmod -R -w dist`): its getopt
 * reads the letters r, w, x, X, s and t as the mode, which only removes permissions, and the next
 * operand is a file. Benign probe 22 left `chmod -x FILE` refused (`-x` was an unknown option).
 */
const { expectAll } = probeEngine();

describe('chmod with a mode that removes permissions', () => {
  it('is allowed on the workspace', () => {
    expectAll(
      [
        'chmod -x scripts/run.sh',
        'chmod -w build/out.txt',
        'chmod -R -w dist',
        'chmod -v -x a.sh b.sh',
        'chmod -rwx tmp/secret.txt',
        'chmod -s tools/helper',
        'chmod -X -R src',
      ],
      'allow',
    );
  });
  it('still judges the files it changes, and modes that add', () => {
    expectAll(
      [
        'chmod -x /etc/passwd',
        'chmod -w ~/.bashrc',
        'chmod -R -x /usr/local/bin',
        'chmod -x a.sh /srv/b',
        'chmod -x+s a',
        'chmod -u+s a',
        'chmod u+s a',
      ],
      'refused',
    );
  });
});
