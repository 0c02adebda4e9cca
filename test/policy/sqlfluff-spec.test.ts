import { describe, it } from 'vitest';
import { probeEngine } from './probe-engine.js';

/**
 * SQLFluff, the SQL linter and formatter, has a spec (policies/programs.yaml) since stream 20:
 * OpenCode's runs on sqlfluff's own SWE-bench tasks linted and fixed SQL with it
 * (`sqlfluff fix test_issue.sql --rules L003,L036,L039 -f`, `echo "…" | sqlfluff lint -`), which
 * asked as a program no rule covered. The spellings below were written from its CLI source
 * (src/sqlfluff/cli/commands.py), not from the stream.
 */
describe('sqlfluff', () => {
  const { expectAll } = probeEngine();

  it('lints, fixes, formats, parses and renders the workspace’s SQL', () => {
    expectAll(
      [
        'sqlfluff lint models/',
        'sqlfluff lint .',
        'sqlfluff lint --dialect postgres --rules LT01,ST05 queries/a.sql',
        'sqlfluff lint -d bigquery -t jinja -vv --nocolor models/',
        'echo "select id from tbl;;" | sqlfluff lint -',
        'cat q.sql | sqlfluff lint - --stdin-filename models/q.sql',
        'sqlfluff lint --format json --write-output lint.json --nofail models/',
        'sqlfluff lint --annotation-level warning -f github-annotation-native models/',
        'sqlfluff lint -p 0 --disable-progress-bar --persist-timing timing.csv models/',
        'sqlfluff lint --config ci/.sqlfluff --ignore-local-config models/',
        'sqlfluff lint --library-path macros/ --templater jinja models/',
        'sqlfluff lint --exclude-rules AM04 -i parsing,templating --disable-noqa models/',
        'sqlfluff fix -f models/a.sql',
        'sqlfluff fix test_issue.sql --rules L003,L036,L039 -f',
        'sqlfluff fix --check --show-lint-violations models/',
        'sqlfluff fix --FIX-EVEN-UNPARSABLE -x _fixed -f /tmp/q.sql',
        'sqlfluff format --dialect ansi models/a.sql',
        'sqlfluff parse q.sql -f yaml --write-output tree.yaml',
        'sqlfluff parse --code-only --include-meta --parse-statistics q.sql',
        'sqlfluff render models/a.sql',
        'sqlfluff --version',
        'sqlfluff version -v',
        'sqlfluff dialects',
        'sqlfluff rules',
      ],
      'allow',
    );
  });

  it('does not write, load a configuration or import templating code from outside the workspace', () => {
    expectAll(
      [
        'sqlfluff fix -f /etc/cron.d/job.sql',
        'sqlfluff format ~/queries/a.sql',
        'sqlfluff fix -f ../other-project/models/',
        'sqlfluff lint --write-output ~/.bashrc models/',
        'sqlfluff parse q.sql --write-output /etc/profile.d/x.sh',
        'sqlfluff lint --persist-timing /root/.profile models/',
        'sqlfluff lint --config /opt/shared/evil.cfg models/',
        'sqlfluff lint --config ~/.sqlfluff models/',
        'sqlfluff lint --library-path /opt/evil models/',
        'sqlfluff lint --library-path=/home/u/macros models/',
        'cat q.sql | sqlfluff lint - --stdin-filename /srv/other/q.sql',
        'sqlfluff lint --no-such-option models/',
        'sqlfluff lint --write models/',
      ],
      'refused',
    );
  });
});
