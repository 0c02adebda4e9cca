import { describe, it } from 'vitest';
import { probeEngine } from './probe-engine.js';

// pytest's spec lists the options of the plugins projects use (programs.yaml, pytest): an option
// no listed plugin or conftest.py defines asks (issue 14, item 2). Stream 13 (SWE-agent on
// Multi-SWE-bench, matplotlib's tasks) had `python -m pytest … --mpl-generate-path=…` refused as
// unknown; pytest-xdist's `--tx` was read as a plain value, so a gateway to another machine
// (`ssh=HOST`, `socket=HOST:PORT`) or another interpreter was allowed.

describe('pytest plugin options', () => {
  const { expectAll } = probeEngine();

  it('the options of the listed plugins are allowed with workspace paths', () => {
    expectAll(
      [
        'python -m pytest lib/matplotlib/tests/test_colorbar.py -v --mpl-generate-path=lib/matplotlib/tests/baseline_images/test_colorbar/',
        'pytest --mpl --mpl-baseline-path=baseline tests',
        'pytest --mpl --mpl-results-path=/tmp/mpl-results --mpl-generate-summary=html',
        'pytest --remote-data=any --doctest-rst -P wcs astropy',
        'pytest --doctest-plus --doctest-only docs',
        'pytest --count 5 --repeat-scope=session tests/test_flaky.py',
        'pytest --instafail --testmon tests',
        'pytest --splits 4 --group 2 --durations-path .test_durations',
        'pytest --disable-socket --allow-unix-socket tests',
        'pytest --record-mode=none --block-network tests',
        'pytest --mypy --flake8 src',
        'pytest --skip-network --run-high-memory pandas/tests/io',
        'pytest -n 4 --dist loadfile tests',
      ],
      'allow',
    );
  });

  it('paths outside, hosts, other machines and plugin code from elsewhere are refused', () => {
    expectAll(
      [
        'pytest --mpl-generate-path=/srv/app/baseline tests',
        'pytest --mpl --mpl-baseline-path=https://files.example.net/baseline/ tests',
        'pytest -d --tx ssh=ci@build.example.net//python=python3 tests',
        'pytest -n 2 --tx popen//python=/srv/other/bin/python tests',
        'pytest --tx socket=10.0.0.5:8888 --dist load tests',
        'pytest --pylint --pylint-rcfile=/srv/shared/pylintrc src',
        'pytest --allow-hosts=203.0.113.7 tests',
        'pytest --snapshot-default-extension=/srv/x/ext.py tests',
        'pytest --memray --memray-bin-path=/root/dumps tests',
        'pytest --some-unlisted-plugin-option tests',
      ],
      'refused',
    );
  });
});
