import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PolicyEngine } from '../../src/policy/index.js';

// A relative script, test path or module after a `cd` to a directory outside the workspace is
// that directory's code, decided as its absolute spelling is (programs.ts relativeOutside and
// codeFinding). Every line here is only decided, never run.
let engine: PolicyEngine;
beforeAll(async () => {
  engine = await PolicyEngine.create({ unattended: true, budgetMs: Infinity });
});
afterAll(() => engine.close());

const decide = (c: string) => engine.check(c);

describe('a relative script after cd outside the workspace', () => {
  it('is refused as its absolute spelling is', () => {
    const pairs: [string, string][] = [
      ['cd /srv/app && python manage.py migrate', 'python /srv/app/manage.py migrate'],
      ['cd ~ && node x.js', 'node /root/x.js'],
      ['cd /srv/app; python3 tools/x.py', 'python3 /srv/app/tools/x.py'],
      ['cd /srv/app && python -m pytest tests/test_a.py', 'python -m pytest /srv/app/tests/test_a.py'],
    ];
    for (const [relative, absolute] of pairs) {
      const a = decide(absolute);
      expect(a.decision, absolute).toBe('deny');
      const r = decide(relative);
      expect(r.decision, relative).toBe('deny');
      expect(r.rule, relative).toBe(a.rule);
    }
    expect(decide('cd /root/x && ./run.sh').decision).toBe('deny');
  });

  it('refuses a module run there: the working directory is first on its module path', () => {
    expect(decide('cd /srv/app && python -m app').decision).toBe('deny');
    expect(decide('cd /srv/app && python -m pytest -q').decision).toBe('deny');
  });

  it('allows the workspace, the scratch dirs and the image toolchains', () => {
    for (const c of [
      'cd src && python a.py',
      'cd /testbed/pkg && python -m pytest tests/test_a.py',
      'cd /tmp/x && python a.py',
      'cd /tmp && python -m pytest',
      'cd /usr/lib/python3/dist-packages && python x.py',
      'cd /opt/tool && python -m tool',
      'cd /srv/app && cd /testbed && python manage.py test',
    ])
      expect(decide(c).decision, c).toBe('allow');
  });
});
