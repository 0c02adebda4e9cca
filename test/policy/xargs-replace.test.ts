import { describe, it } from 'vitest';
import { probeEngine } from './probe-engine.js';

/**
 * xargs' replace token inside other text (`-I{} rm -rf {}/../../srv`, `/srv/{}`): the argument is
 * the item's path only where the text around it stays below the item or below a workspace
 * directory (lead probe, 5 Dec: with the items from `find .`, any argument holding the token was
 * taken as a workspace path, so `find . | xargs -I{} rm -rf /srv/{}` was allowed).
 */
const { expectAll } = probeEngine();

describe('xargs -I with the token inside other text', () => {
  it('refuses text around the item that leaves the workspace', () => {
    expectAll(
      [
        'find . -name x -print0 | xargs -0 -I{} rm -rf {}/../../srv',
        'find . -name x | xargs -I{} rm -rf /srv/{}',
        'find . -name x | xargs -I{} cp {} /srv/{}',
        'find src -type f | xargs -I% mv % ../%',
        'git ls-files | xargs -I{} cp {} ~/{}',
        'find . -name x | xargs --replace=@ rm -rf @/..',
        'find . -name "*.py" | xargs -I{} cp {} $HOME/{}',
      ],
      'refused',
    );
  });

  it('allows text that stays below the item or a workspace directory', () => {
    expectAll(
      [
        "find . -name '*.orig' | xargs -I{} mv {} {}.bak",
        "find src -name '*.ts' | xargs -I{} cp {} build/{}",
        "find . -name '*.pyc' | xargs -I% rm -f %",
        "git ls-files -z | xargs -0 -I{} sed -i 's/a/b/' {}",
        'find tests -name "*.snap" | xargs -I{} cp {} {}.orig',
      ],
      'allow',
    );
  });
});
