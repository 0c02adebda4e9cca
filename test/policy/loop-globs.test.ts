import { describe, it } from 'vitest';
import { probeEngine } from './probe-engine.js';

/**
 * A loop over a glob hands the command the names the glob matches, one at a time, as the glob
 * itself would: `for f in batch_*; do cat "$f"; done` reads what `cat batch_*` reads. Before 4
 * Dec the loop's value was compared as a shape with unknown pieces, so any wildcard that could
 * meet a protected kind of file (`batch_*` meets `batch_x.pem`) refused it, while the glob
 * itself was allowed (a kind of file anywhere met only through a glob's wildcards is not named
 * by it). A value with a piece only known when it runs is still compared as a shape.
 */
const { expectAll } = probeEngine();

describe('a loop over a glob', () => {
  it('is decided as the glob it runs over', () => {
    expectAll(
      [
        'for i in batch_*; do cat "$i"; done',
        'for i in batch_*; do ls $i; done',
        'for f in logs/run_*; do tail -n 5 "$f"; done',
        'for d in build_*/; do ls "$d"; done',
        'for f in tests/test_*.py; do python -m pytest -q "$f"; done',
        'for f in data/part-?.csv; do wc -l "$f"; done',
        'for f in out/[0-9]*; do head -1 "$f"; done',
      ],
      'allow',
    );
  });

  it('still refuses a glob that names protected files, and values with unknown pieces', () => {
    expectAll(
      [
        'for f in ~/.ssh/*; do cat "$f"; done',
        'for f in ~/.aws/c*; do cat "$f"; done',
        'for f in certs/*.pem; do cat "$f"; done',
        'for f in keys/id_*; do cat "$f"; done',
        'for f in .e*; do cat "$f"; done',
        'for f in config/*credentials*; do cat "$f"; done',
        'for f in config/*/token.json; do cat "$f"; done',
        'for f in /root/.config/gh/*; do cat "$f"; done',
        'for f in /proc/*/environ; do cat "$f"; done',
        'for f in $HOME/.ssh/id_*; do cat "$f"; done',
        'x=.env; cat "$x"',
        'for f in batch_*; do cp "$f" ~/.ssh/; done',
        'for f in batch_*; do rm -rf "$f" /root; done',
      ],
      'refused',
    );
  });
});
