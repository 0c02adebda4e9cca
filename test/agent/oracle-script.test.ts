import { describe, expect, it } from 'vitest';
import { pruneTests } from '../../benchmarks/oracle-script.js';

describe('oracle reproduction test: pruneTests', () => {
  it('keeps only the named tests, even after a triple-quoted string whose lines start at column 0', async () => {
    const source = [
      'import unittest',
      '',
      '',
      'def test_top():',
      '    pass',
      '',
      '',
      'class FunctionalTests(unittest.TestCase):',
      '    def test_before(self):',
      '        py = """',
      'import time',
      'time.sleep(1)',
      '"""',
      '',
      '    @unittest.skipIf(False, "x")',
      '    def test_wanted(self):',
      '        def test(x):',
      '            return x',
      '        self.assertEqual(test(1), 2)',
      '',
      '',
      'class Other:',
      '    def test_wanted(self):',
      '        pass',
      '',
    ].join('\n');
    const out = await pruneTests(source, new Set(['FunctionalTests::test_wanted']));
    const defs = [...out.matchAll(/^\s*def (\w+)/gm)].map((m) => m[1]);
    expect(defs).toEqual([
      '_oracle_skipped_test_top',
      '_oracle_skipped_test_before',
      'test_wanted',
      // A function inside a test is not collected by pytest: left as it is.
      'test',
      '_oracle_skipped_test_wanted',
    ]);
  });
});
