import { describe, it } from 'vitest';
import { probeEngine } from './probe-engine.js';

// Wrappers of other commands write files of their own: xvfb-run's error and X authority files,
// GNU parallel's results directory, job log and temporary directory, flock's lock file (created
// when missing); watchexec's `--shell` names the program that runs the command. Each was allowed
// by the wrappers rule on main 3103978 (lead, stop 53).

describe('files the wrappers write, and the program watchexec runs', () => {
  const { expectAll } = probeEngine();

  it('outside the workspace, or a program as the shell, is refused', () => {
    expectAll(
      [
        'xvfb-run -e /srv/err.log pytest',
        'xvfb-run --error-file=/srv/err pytest',
        'xvfb-run --auth-file=/srv/auth pytest',
        'parallel --results /srv/out echo ::: 1',
        'parallel --joblog /srv/log echo ::: 1',
        'parallel --res /srv/out echo ::: 1',
        'parallel --tmpdir /srv echo ::: 1',
        'flock /srv/lock make',
        'flock -x /srv/lock -c make',
        'flock ../x.lock make',
        'flock "$LOCK" make',
        "watchexec --shell='python3 -c 1' -- make",
        'watchexec --shell /srv/x -- make',
      ],
      'refused',
    );
  });

  it('files in the workspace or /tmp, and the usual shells, pass', () => {
    expectAll(
      [
        'xvfb-run -a pytest',
        'xvfb-run -a -s "-screen 0 1280x1024x24" npm test',
        'xvfb-run -e build/xvfb.log pytest',
        'parallel --joblog build/jobs.log gzip ::: a.txt b.txt',
        'parallel -j4 gzip ::: *.txt',
        'flock /tmp/build.lock make',
        'flock .lock make',
        'flock -n build/.lock -c "make all"',
        'flock 9',
        'watchexec --shell=none -- cargo test',
        'watchexec --shell=bash -e py -- pytest',
        'watchexec -w src -- make',
      ],
      'allow',
    );
  });
});
