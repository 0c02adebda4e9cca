import { describe, it } from 'vitest';
import { probeEngine } from './probe-engine.js';

/**
 * pylint's argparse parser takes unique prefixes of long options (pylint/config/arguments_manager.py
 * leaves allow_abbrev on): stream 25's `pylint --bad-names-rgx=…` is `--bad-names-rgxs`, and its
 * spec lacked some checkers' options (doc/user_guide/configuration/all-options.rst). Abbreviations
 * of the options that load code or write are decided as the options themselves.
 */
const { expectAll } = probeEngine();

describe('pylint options and their prefixes', () => {
  it('allows the checkers’ options, spelled out or abbreviated', () => {
    expectAll(
      [
        'pylint --bad-names-rgx="^(foo|bar)$" src',
        'pylint --good-names-rgxs="^[a-z]$" pkg',
        'pylint --max-complexity=10 --accept-no-param-doc=y src',
        'pylint --ignore-pat="^test_" src',
        'python -m pylint --disable=all --enable=E --valid-magic-values=0,1 src',
        'pylint --files=src/a.py',
      ],
      'allow',
    );
  });

  it('refuses abbreviations of the options that load code or write, as the options themselves', () => {
    expectAll(
      [
        'pylint --init-h="import os" src',
        'pylint --rcf=/root/pylintrc src',
        'pylint --load-plug=/srv/plug src',
        'pylint --output=/etc/lint.txt src',
        'pylint --outp=/etc/lint.txt src',
        'pylint --output-f=json:/root/out.json src',
        'pylint --unsafe-load-any-extension=y src',
        'pylint --unsafe=y src',
        // ambiguous: --output, --output-format
        'pylint --out=x src',
      ],
      'refused',
    );
  });
});
